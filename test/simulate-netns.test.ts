// `simulate` against keepalived itself: each fixture of test/simulate-cases/ runs as real keepalived
// daemons (one network namespace per node, test/support/netns-cluster.ts), started together; once
// settled, each event `simulate --format json` lists is caused for real (kill -9 a node's
// keepalived and start it again, set an interface down and up, make a check script fail and pass)
// and the nodes holding each virtual address, and the notify calls recorded, are compared with
// what simulate says. Root only (keepalived, unshare, nsenter, ip): skipped with one line elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimEvent, SimulationReport } from '../src/simulate/index.js';
import { REPO, runCli } from './helpers.js';
import { NetnsCluster, netnsUnavailable, type Recorded } from './support/netns-cluster.js';

const FIXTURES = path.join(REPO, 'test/simulate-cases');
const why = netnsUnavailable();
if (why) console.log(`simulate-netns: skipped (${why}): keepalived in network namespaces needs root`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Tally {
  fixture: string;
  compared: number;
  agreed: number;
  disagreements: string[];
  /** Calls at a start beyond those expected (a node starting a moment late: MASTER, then BACKUP). */
  flaps: number;
  /** Starts that missed the steady state and were done again. */
  restarts: number;
  seconds: number;
}
const tallies: Tally[] = [];

afterAll(() => {
  // A fixture still running when the test timed out: its daemons and namespaces go now.
  NetnsCluster.closeAll();
  if (!tallies.length) return;
  const events = tallies.reduce((n, t) => n + t.compared, 0);
  const agreed = tallies.reduce((n, t) => n + t.agreed, 0);
  const lines = tallies.map(
    (t) =>
      `  ${t.fixture}: ${t.agreed}/${t.compared} agree (${t.seconds.toFixed(0)} s` +
      `${t.flaps ? `, ${t.flaps} start-up flap calls` : ''}${t.restarts ? `, ${t.restarts} starts again` : ''})`,
  );
  if (process.env.KL_NETNS_VERBOSE) for (const t of tallies) lines.push(...t.disagreements.map((d) => `    ${d}`));
  console.log(`simulate-netns: ${tallies.length} fixtures, ${agreed}/${events} states agree\n${lines.join('\n')}`);
});

/** The fixture's nodes and, for each, which interfaces carry adverts (bridged) and which are its own. */
function specs(dir: string, report: SimulationReport) {
  const advertised = new Set(report.steady.routers.flatMap((r) => (r.interface ? [r.interface] : [])));
  return report.nodes.map((label) => {
    const ifaces = report.events
      .filter((e) => e.event.kind === 'interface-down' && e.event.node === label)
      .map((e) => e.event.interface!);
    return {
      label,
      dir: path.join(dir, label, 'etc/keepalived'),
      bridged: ifaces.filter((i) => advertised.has(i)),
      dummy: ifaces.filter((i) => !advertised.has(i)),
    };
  });
}

const callKey = (n: { node: string; argv: string[] }) => `${n.node}: ${n.argv.join(' ')}`;
const sorted = (xs: string[]) => [...xs].sort();

/**
 * Waits until `done` holds and still holds `settle` ms later (settled: a state passed through on
 * the way does not count, and late notify calls are in), or `limit` ms.
 */
async function until(done: () => Promise<boolean>, limit: number, settle: number): Promise<boolean> {
  const t = Date.now();
  while (Date.now() - t < limit) {
    if (await done()) {
      await sleep(settle);
      if (await done()) return true;
    }
    await sleep(400);
  }
  return done();
}

/** The calls of `got` that `want` does not list (a multiset difference), or null when one of `want` is missing. */
function extras(want: string[], got: string[]): string[] | null {
  const left = [...got];
  for (const w of want) {
    const k = left.indexOf(w);
    if (k < 0) return null;
    left.splice(k, 1);
  }
  return left;
}

/**
 * One fixture, or the part of its events that happen on one node (`part`: the node's index): the
 * parts run side by side, each in a cluster of its own, so the harness takes the time of the
 * longest part. The start-up is compared in part 0.
 */
async function runFixture(name: string, part: number): Promise<Tally> {
  const dir = path.join(FIXTURES, name);
  const sim = await runCli(['simulate', dir, '--format', 'json']);
  expect(sim.stderr).toBe('');
  const report = JSON.parse(sim.stdout) as SimulationReport;
  const start = Date.now();
  const tally: Tally = { fixture: name, compared: 0, agreed: 0, disagreements: [], flaps: 0, restarts: 0, seconds: 0 };
  const say = (what: string) =>
    process.env.KL_NETNS_VERBOSE &&
    process.stderr.write(`[${name}#${part} ${((Date.now() - start) / 1000).toFixed(1)}] ${what}\n`);
  const c = await NetnsCluster.start(specs(dir, report));
  const alive = new Set<string>();
  try {
    const fifos = report.steady.notifications.filter((x) => x.line !== undefined).map((x) => [x.node, x.script]);
    for (const [node, fifo] of new Map(fifos.map(([n, f]) => [`${n}\0${f}`, [n!, f!] as const])).values())
      c.readFifo(node, fifo);
    // Who holds each virtual router's first address, among the nodes whose keepalived runs.
    const holders = async () => {
      const held = new Map(report.nodes.filter((n) => alive.has(n)).map((n) => [n, c.addresses(n)]));
      return report.steady.routers.map((r) =>
        sorted(report.nodes.filter((n) => r.vips[0] !== undefined && held.get(n)?.includes(r.vips[0]))),
      );
    };
    const expected = (routers: { masters: string[] }[]) => routers.map((r) => sorted(r.masters));
    const same = (a: string[][], b: string[][]) => JSON.stringify(a) === JSON.stringify(b);
    const steady = expected(report.steady.routers);
    const asCalls = (ns: SimulationReport['steady']['notifications']) =>
      ns.map((n) => ({ node: n.node, argv: n.line !== undefined ? [n.script, n.line] : n.argv }));
    /** Compares; `tolerant`: calls beyond those expected are flaps of a start (the nodes start a moment apart). */
    const compare = async (
      what: string,
      want: string[][],
      calls: ReturnType<typeof asCalls>,
      got: Recorded[],
      tolerant = false,
    ) => {
      tally.compared++;
      const seen = await holders();
      // FIFO lines are compared as calls with the FIFO and the line as argv.
      const wanted = sorted(calls.map(callKey));
      const recorded = sorted(got.map(callKey));
      const more = extras(wanted, recorded);
      if (same(seen, want) && more && (tolerant || !more.length)) {
        tally.agreed++;
        tally.flaps += more.length;
        return;
      }
      say(`DISAGREE ${what}: ${JSON.stringify([want, seen, wanted, recorded])}`);
      for (const n of report.nodes)
        say(`${n} keepalived log, last lines:\n${c.log(n).split('\n').slice(-15).join('\n')}`);
      tally.disagreements.push(
        `${what}: MASTERs simulate ${JSON.stringify(want)}, keepalived ${JSON.stringify(seen)}; ` +
          `calls simulate ${JSON.stringify(wanted)}, keepalived ${JSON.stringify(recorded)}`,
      );
    };
    /**
     * Every node started at once. Under load one node may start late enough to miss the election
     * (with nopreempt the early one then keeps MASTER): the steady state is the premise of every
     * event, so start again, up to 3 times. Started: the steady MASTERs, and the start-up calls
     * simulate expects made (under load a BACKUP's first notify came after the MASTERs had
     * settled, and was counted against the first event).
     */
    const startupCalls = sorted(asCalls(report.steady.notifications).map(callKey));
    const startAll = async (): Promise<Recorded[]> => {
      for (let attempt = 1; ; attempt++) {
        for (const n of report.nodes) alive.add(n);
        c.startDaemons();
        const got: Recorded[] = [];
        const started = async () => {
          got.push(...c.takeRecords());
          return same(await holders(), steady) && extras(startupCalls, sorted(got.map(callKey))) !== null;
        };
        const ok = await until(started, 12_000, 1200);
        got.push(...c.takeRecords());
        if (ok || attempt === 3) return got;
        say(`start-up missed the steady state (attempt ${attempt})`);
        tally.restarts++;
        await c.stopDaemons();
        alive.clear();
        c.takeRecords();
      }
    };
    const atStart = await startAll();
    say('started');
    if (part === 0) await compare('start-up', steady, asCalls(report.steady.notifications), atStart, true);
    let current = steady;
    for (const e of report.events.filter((x) => x.event.node === report.nodes[part])) {
      say(title(e));
      await cause(c, e, alive);
      // The routers the event lists; the others stay as they were.
      const listed = new Map(e.routers.map((x) => [x.instance, sorted(x.masters)]));
      const want = report.steady.routers.map((x, k) => listed.get(x.instance) ?? current[k]!);
      const calls = asCalls(e.notifications);
      const got: Recorded[] = [];
      // Settled: the MASTERs expected and as many calls (then a little longer, for calls too many);
      // with nothing to change, long enough for a check script to run and its failure to count.
      // Preempting waits preempt_delay (2 s in the fixtures) after the first lower advert.
      if (calls.length === 0 && same(want, current)) await sleep(2000);
      await until(
        async () => {
          got.push(...c.takeRecords());
          return same(await holders(), want) && got.length >= calls.length;
        },
        10_000,
        500,
      );
      got.push(...c.takeRecords());
      await compare(title(e), want, calls, got);
      current = await holders();
      // A recovery that leaves another MASTER than the steady state (nopreempt): start afresh.
      if (e.event.kind.endsWith('-recover') && !same(current, steady)) {
        await c.stopDaemons();
        alive.clear();
        c.takeRecords();
        await startAll();
        current = await holders();
      }
    }
  } finally {
    c.close();
  }
  tally.seconds = (Date.now() - start) / 1000;
  return tally;
}

const title = (e: SimEvent) => `${e.event.kind} ${e.event.node} ${e.event.interface ?? e.event.name ?? ''}`.trim();

async function cause(c: NetnsCluster, e: SimEvent, alive: Set<string>): Promise<void> {
  const x = e.event;
  switch (x.kind) {
    case 'node-down':
      alive.delete(x.node);
      return c.killDaemon(x.node);
    case 'node-recover':
      // kill -9 left the addresses on the interfaces: keepalived removes them when it starts.
      alive.add(x.node);
      return c.startDaemons([x.node]);
    case 'interface-down':
    case 'interface-recover':
      return c.setLink(x.node, x.interface!, x.kind === 'interface-recover');
    case 'track-fail':
    case 'track-recover': {
      const conf = fs.readFileSync(path.join(c.stage, x.node, 'keepalived.conf'), 'utf8');
      const block = new RegExp(`vrrp_script\\s+${x.name}\\s*\\{[^}]*?script\\s+"?([^"\\s]+)`).exec(conf);
      if (!block) throw new Error(`no script for ${x.name} on ${x.node}`);
      return c.setCheck(x.node, block[1]!, x.kind === 'track-recover');
    }
  }
}

const all = fs.existsSync(FIXTURES) ? fs.readdirSync(FIXTURES).sort() : [];
// KL_NETNS_FIXTURES=a,b runs only these (when working on one).
const only = process.env.KL_NETNS_FIXTURES?.split(',');
const fixtures = only ? all.filter((f) => only.includes(f)) : all;

describe.skipIf(why !== null)('simulate against keepalived in network namespaces', () => {
  it('at least 6 cluster fixtures', () => {
    expect(all.length).toBeGreaterThanOrEqual(6);
  });

  // The fixtures run side by side, each node's events in a cluster of its own: 59 s on two cores,
  // 81 s while other test runs share them, about two minutes under a load of 12.
  it('keepalived agrees with simulate on every fixture and event', { timeout: 420_000 }, async () => {
    const nodes = (f: string) => fs.readdirSync(path.join(FIXTURES, f)).length;
    const parts = fixtures.flatMap((f) => Array.from({ length: nodes(f) }, (_, k) => runFixture(f, k)));
    const results: Tally[] = [];
    for (const t of await Promise.all(parts)) {
      const same = results.find((r) => r.fixture === t.fixture);
      if (!same) results.push(t);
      else {
        for (const k of ['compared', 'agreed', 'flaps', 'restarts'] as const) same[k] += t[k];
        same.disagreements.push(...t.disagreements);
        same.seconds = Math.max(same.seconds, t.seconds);
      }
    }
    tallies.push(...results);
    expect(results.flatMap((t) => t.disagreements.map((d) => `${t.fixture}: ${d}`))).toEqual([]);
    expect(results.every((t) => t.compared > 2)).toBe(true);
  });
});
