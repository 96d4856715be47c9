// `keepalived-lint simulate`: who is MASTER of each virtual router with every node up and every
// tracked object healthy (priorities, track weights, state, nopreempt, the address owner; adverts
// the peers drop, ties), then each single failure and its recovery with the notify calls, the JSON
// schema, the text and markdown formats, and unusable input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import type { SimEvent, SimulationReport, SteadyRouter } from '../src/simulate/index.js';
import { REPO, runCli, tempTree } from './helpers.js';

const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvClass }).default;

async function simulate(files: Record<string, string>, extra: string[] = []) {
  const { dir, write } = tempTree('kl-simulate-');
  for (const [f, text] of Object.entries(files)) write(f, text);
  const r = await runCli(['simulate', ...Object.keys(files), '--format', 'json', ...extra], { cwd: dir });
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as SimulationReport, dir };
}
const router = (r: SimulationReport, name = 'VI_1'): SteadyRouter => r.steady.routers.find((x) => x.instance === name)!;

/** One vrrp_instance VI_1 on eth0, VRID 51, VIP 192.0.2.10, with these lines in it. */
const node = (lines: string, before = '') =>
  `${before}vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n${lines
    .split('\n')
    .filter(Boolean)
    .map((l) => `    ${l}\n`)
    .join('')}    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n`;

describe('simulate: steady state', () => {
  it('the Debian split on two gateways: gw1 (150) is MASTER of both new instances', async () => {
    const r = await runCli(['simulate', 'test/simulate-cases/debian-split', '--target', 'stretch', '--format', 'json']);
    const report = JSON.parse(r.stdout) as SimulationReport;
    expect(r.code).toBe(1); // default-route.sh does nothing on the failover (see the node-down test)
    expect(report.nodes).toEqual(['gw1', 'gw2']);
    expect(report.steady.routers.map((x) => [x.instance, x.vrid, x.interface, x.family, x.master, x.backup])).toEqual([
      ['gateway_v4', 51, 'eth0', 'ipv4', 'gw1', ['gw2']],
      ['gateway_v6', 52, 'eth0', 'ipv6', 'gw1', ['gw2']],
    ]);
    const text = await runCli(['simulate', 'test/simulate-cases/debian-split', '--target', 'stretch'], { cwd: REPO });
    expect(text.stdout).toContain('  gateway_v4 [VRID 51, eth0, ipv4]: MASTER gw1 (150); BACKUP gw2 (100)\n');
  });

  it('gw1 down: gw2 MASTER of both; default-route.sh gets INSTANCE gateway_v4 MASTER 100, does nothing', async () => {
    const r = await runCli(['simulate', 'test/simulate-cases/debian-split', '--target', 'stretch', '--format', 'json']);
    const report = JSON.parse(r.stdout) as SimulationReport;
    const down = report.events.find((e) => e.event.kind === 'node-down' && e.event.node === 'gw1')!;
    expect(down.event).toEqual({ kind: 'node-down', node: 'gw1' });
    expect(down.routers.map((x) => [x.instance, x.master, x.backup, x.down])).toEqual([
      ['gateway_v4', 'gw2', [], ['gw1']],
      ['gateway_v6', 'gw2', [], ['gw1']],
    ]);
    expect(down.notifications).toEqual([
      {
        node: 'gw2',
        hook: 'notify',
        script: '/etc/keepalived/default-route.sh',
        argv: ['/etc/keepalived/default-route.sh', 'INSTANCE', 'gateway_v4', 'MASTER', '100'],
        handled: false,
        branch: null,
      },
      expect.objectContaining({ argv: expect.arrayContaining(['gateway_v6']), handled: false }),
    ]);
    expect(down.problems.map((p) => p.kind)).toEqual(['unhandled', 'unhandled']);
    // gw2 down: gw1 stays MASTER, nothing changes state, nothing runs.
    const other = report.events.find((e) => e.event.kind === 'node-down' && e.event.node === 'gw2')!;
    expect(other.routers.map((x) => x.master)).toEqual(['gw1', 'gw1']);
    expect(other.notifications).toEqual([]);
    expect(other.problems).toEqual([]);
    const text = await runCli(['simulate', 'test/simulate-cases/debian-split', '--target', 'stretch']);
    expect(text.stdout).toContain(
      'gw1 down (keepalived stops dead: power lost):\n  gateway_v4: MASTER gw2 (100); down gw1\n' +
        '  gateway_v6: MASTER gw2 (100); down gw1\n' +
        '  gw2 notify: /etc/keepalived/default-route.sh INSTANCE gateway_v4 MASTER 100 -> NO BRANCH RUNS\n',
    );
  });

  it('gw1 down with the script fixed: the branch for the name runs (file, line)', async () => {
    const { dir } = tempTree('kl-simulate-fixed-');
    fs.cpSync(path.join(REPO, 'test/simulate-cases/debian-split'), dir, { recursive: true });
    for (const n of ['gw1', 'gw2'])
      fs.writeFileSync(
        path.join(dir, n, 'etc/keepalived/default-route.sh'),
        '#!/bin/sh\ncase "$2" in\n    gateway_v4) ip route replace default via 192.0.2.254 ;;\n' +
          '    gateway_v6) ip -6 route replace default via 2001:db8::fe ;;\nesac\n',
        { mode: 0o755 },
      );
    const r = await runCli(['simulate', '.', '--target', 'stretch', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const down = (JSON.parse(r.stdout) as SimulationReport).events.find((e) => e.event.node === 'gw1')!;
    expect(down.event.kind).toBe('node-down');
    expect(down.notifications.map((n) => [n.argv[2], n.handled, n.branch])).toEqual([
      ['gateway_v4', true, { file: 'gw2/etc/keepalived/default-route.sh', line: 3 }],
      ['gateway_v6', true, { file: 'gw2/etc/keepalived/default-route.sh', line: 4 }],
    ]);
  });

  it('the highest priority wins when every node starts as BACKUP, whatever the order of the files', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state BACKUP\npriority 100'),
      'lb2.conf': node('state BACKUP\npriority 150'),
    });
    expect([router(report).master, router(report).backup]).toEqual(['lb2', ['lb1']]);
  });

  // Checked with keepalived 2.2.7 in network namespaces (two nodes joined by a veth pair, started
  // together): a `state MASTER` instance starts in BACKUP too ("Entering BACKUP STATE (init)"), so
  // the 150 node holds the VIP, nopreempt or not.
  it('started together, the higher priority is MASTER over a state MASTER node, nopreempt or not', async () => {
    for (const extra of ['', '\nnopreempt']) {
      const { report } = await simulate({
        'lb1.conf': node('state MASTER\npriority 100'),
        'lb2.conf': node(`state BACKUP\npriority 150${extra}`),
      });
      expect(router(report).master, extra).toBe('lb2');
      expect(router(report).members.map((m) => [m.node, m.startsAs, m.nopreempt])).toEqual([
        ['lb1', 'BACKUP', false],
        ['lb2', 'BACKUP', extra !== ''],
      ]);
    }
  });

  it('nopreempt does not hold off a higher node when nobody starts as MASTER', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state BACKUP\npriority 100\nnopreempt'),
      'lb2.conf': node('state BACKUP\npriority 150\nnopreempt'),
    });
    expect(router(report).master).toBe('lb2');
  });

  it('the address owner (priority 255) is MASTER over a state MASTER node', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state MASTER\npriority 200'),
      'lb2.conf': node('state BACKUP\npriority 255\nnopreempt'),
    });
    expect(router(report).master).toBe('lb2');
    expect(router(report).members[1]).toMatchObject({ priority: 255, startsAs: 'MASTER', nopreempt: false });
  });

  it('counts the weights of what is up: a positive track_script weight lifts the lower node', async () => {
    const chk = 'vrrp_script chk {\n    script "/bin/true"\n    interval 2\n}\n';
    const { report } = await simulate({
      'lb1.conf': node('priority 100\ntrack_script {\n    chk weight 60\n}', chk),
      'lb2.conf': node('priority 150'),
    });
    expect(router(report).master).toBe('lb1');
    expect(router(report).members.map((m) => m.effective)).toEqual([160, 150]);
  });

  it('counts only the track_script lines keepalived keeps (keepalived -t 2.2.7 on the same lines)', async () => {
    // keepalived 2.2.7 -t on VI_1 with these lines: "track script chk_late not found, ignoring..."
    // (defined after the instance), "duplicate track_script chk_rev - ignoring", "unknown track script
    // option foo - ignoring". chk_rev keeps its definition's `reverse`: a weight of 20 taken while up.
    const before =
      'vrrp_script chk_rev {\n    script "/bin/true"\n    weight 5 reverse\n}\n' +
      'vrrp_script chk_opt {\n    script "/bin/true"\n    weight 7\n}\n';
    const after = 'vrrp_script chk_late {\n    script "/bin/true"\n}\n';
    const lines = 'chk_late weight 10\nchk_rev weight 20\nchk_rev weight 30\nchk_opt foo\nchk_opt';
    const { report } = await simulate({
      'lb1.conf': node(`priority 100\ntrack_script {\n${lines}\n}`, before) + after,
      'lb2.conf': node('priority 90'),
    });
    // 100 - 20 (chk_rev, reversed) + 7 (chk_opt, its definition's weight).
    expect(router(report).members.map((m) => m.effective)).toEqual([87, 90]);
    expect(router(report).master).toBe('lb2');
    const failures = report.events.filter((e) => e.event.kind === 'track-fail').map((e) => e.event);
    expect(failures.map((e) => ('name' in e ? e.name : ''))).toEqual(['chk_rev', 'chk_opt']);
  });

  it('equal priorities: a tie (decided by the primary address), not a guess', async () => {
    const { report, code } = await simulate({
      'lb1.conf': node('priority 100'),
      'lb2.conf': node('priority 100'),
    });
    expect(code).toBe(0);
    expect(router(report).master).toBeNull();
    expect(router(report).problems.map((p) => p.kind)).toEqual(['tie']);
  });

  it('different VIP lists: each node drops the others adverts, both are MASTER (exit 1)', async () => {
    const { report, code } = await simulate({
      'lb1.conf': node('priority 150'),
      'lb2.conf': node('priority 100').replace('192.0.2.10/24', '192.0.2.11/24\n        192.0.2.10/24'),
    });
    expect(code).toBe(1);
    expect(router(report)).toMatchObject({ master: null, masters: ['lb1', 'lb2'], backup: [] });
    expect(router(report).problems.map((p) => p.kind)).toEqual(['split-brain']);
  });

  it('a sync group whose members would have different MASTERs is a problem (exit 1)', async () => {
    const both = (p4: number, p6: number) =>
      'vrrp_sync_group G {\n    group {\n        V4\n        V6\n    }\n}\n' +
      node(`priority ${p4}`).replace('VI_1', 'V4') +
      node(`priority ${p6}`).replace('VI_1', 'V6').replace('51', '52').replace('192.0.2.10/24', '2001:db8::10/64');
    const crossed = await simulate({ 'gw1.conf': both(150, 100), 'gw2.conf': both(100, 150) });
    expect(crossed.code).toBe(1);
    expect([router(crossed.report, 'V4').master, router(crossed.report, 'V6').master]).toEqual(['gw1', 'gw2']);
    for (const name of ['V4', 'V6'])
      expect(router(crossed.report, name).problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^vrrp_sync_group G on gw1 would be MASTER of V4 and BACKUP of V6/),
        expect.stringMatching(/^vrrp_sync_group G on gw2 would be MASTER of V6 and BACKUP of V4/),
      ]);
    const aligned = await simulate({ 'gw1.conf': both(150, 150), 'gw2.conf': both(100, 100) });
    expect(aligned.code).toBe(0);
    expect(aligned.report.steady.routers.flatMap((r) => r.problems)).toEqual([]);
  });

  it('the config-ids of one file are the nodes', async () => {
    const { report } = await simulate({
      'keepalived.conf': node('@lb1 priority 150\n@lb2 priority 100'),
    });
    expect(report.nodes).toEqual(['lb1', 'lb2']);
    expect(router(report).master).toBe('lb1');
  });

  it('unusable input: exit 2 with a clear message', async () => {
    const { dir } = tempTree('kl-simulate-bad-');
    const r = await runCli(['simulate', 'missing.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.conf/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

// The fixtures of test/simulate-cases/ are also run as real keepalived by test/simulate-netns.test.ts;
// the expectations here are written from keepalived's rules, and that harness checks them.
describe('simulate: failures and recoveries', () => {
  const FIXTURES = path.join(REPO, 'test/simulate-cases');
  const run = async (name: string, format = 'json') =>
    runCli(['simulate', path.join(FIXTURES, name), '--format', format]);
  const report = async (name: string) => JSON.parse((await run(name)).stdout) as SimulationReport;
  const event = (r: SimulationReport, kind: string, node: string, what?: string) =>
    r.events.find(
      (e) =>
        e.event.kind === kind &&
        e.event.node === node &&
        (what === undefined || e.event.interface === what || e.event.name === what),
    )!;
  const states = (e: SimEvent) =>
    e.routers.map((x) => [x.instance, x.members.map((m) => `${m.node} ${m.state} ${m.priority}`)]);
  const calls = (e: SimEvent) => e.notifications.map((n) => `${n.node} ${n.line ?? n.argv.join(' ')}`);

  it("every fixture's JSON matches schema/simulate.schema.json", async () => {
    const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema/simulate.schema.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    for (const name of fs.readdirSync(FIXTURES)) {
      const r = await report(name);
      expect(validate(r) ? [] : validate.errors?.slice(0, 3), name).toEqual([]);
    }
    // And a report that must fail: the schema is no rubber stamp.
    const bad = { ...(await report('unicast')), events: [{ event: { kind: 'node-exploded', node: 'lb1' } }] };
    expect(validate(bad)).toBe(false);
  });

  it("the instance's own interface down: FAULT there, the peer MASTER; back: BACKUP, then MASTER", async () => {
    const r = await report('debian-split');
    const down = event(r, 'interface-down', 'gw1', 'eth0');
    expect(states(down)).toEqual([
      ['gateway_v4', ['gw1 FAULT 150', 'gw2 MASTER 100']],
      ['gateway_v6', ['gw1 FAULT 150', 'gw2 MASTER 100']],
    ]);
    expect(calls(down)).toEqual([
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v4 FAULT 150',
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v6 FAULT 150',
      'gw2 /etc/keepalived/default-route.sh INSTANCE gateway_v4 MASTER 100',
      'gw2 /etc/keepalived/default-route.sh INSTANCE gateway_v6 MASTER 100',
    ]);
    const back = event(r, 'interface-recover', 'gw1', 'eth0');
    expect(calls(back)).toEqual([
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v4 BACKUP 150',
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v4 MASTER 150',
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v6 BACKUP 150',
      'gw1 /etc/keepalived/default-route.sh INSTANCE gateway_v6 MASTER 150',
      'gw2 /etc/keepalived/default-route.sh INSTANCE gateway_v4 BACKUP 100',
      'gw2 /etc/keepalived/default-route.sh INSTANCE gateway_v6 BACKUP 100',
    ]);
  });

  it('a weighted script in a sync group without sync_group_tracking_weight: ignored, nothing changes', async () => {
    const r = await report('debian-split');
    const fail = event(r, 'track-fail', 'gw1', 'chk_uplink');
    expect(fail.event).toEqual({ kind: 'track-fail', node: 'gw1', track: 'script', name: 'chk_uplink' });
    expect(fail.routers).toEqual([]);
    expect(fail.notifications).toEqual([]);
    expect(fail.notes[0]).toMatch(/^gateway_v4 on gw1: keepalived ignores .* vrrp_sync_group gateways/);
  });

  it('track weights: crossing the peer moves MASTER, not crossing it changes nothing; weight 0 is FAULT', async () => {
    const r = await report('track-weights');
    expect(r.steady.routers[0]!.members.map((m) => [m.node, m.effective])).toEqual([
      ['lb1', 150],
      ['lb2', 110],
    ]);
    expect(states(event(r, 'track-fail', 'lb1', 'chk_big'))).toEqual([['VI_1', ['lb1 BACKUP 90', 'lb2 MASTER 110']]]);
    expect(calls(event(r, 'track-fail', 'lb1', 'chk_big'))).toEqual([
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 90',
      'lb2 /etc/keepalived/notify.sh INSTANCE VI_1 MASTER 110',
    ]);
    // Back at 150, lb1 preempts.
    expect(states(event(r, 'track-recover', 'lb1', 'chk_big'))).toEqual([
      ['VI_1', ['lb1 MASTER 150', 'lb2 BACKUP 110']],
    ]);
    const small = event(r, 'track-fail', 'lb1', 'chk_small');
    expect([states(small), small.notifications]).toEqual([[['VI_1', ['lb1 MASTER 120', 'lb2 BACKUP 110']]], []]);
    const eth1 = event(r, 'interface-down', 'lb1', 'eth1');
    expect([states(eth1), eth1.notifications]).toEqual([[['VI_1', ['lb1 MASTER 130', 'lb2 BACKUP 110']]], []]);
    expect(states(event(r, 'interface-down', 'lb1', 'eth2'))).toEqual([['VI_1', ['lb1 FAULT 150', 'lb2 MASTER 110']]]);
    // A positive weight lost: lb2 at 100, still BACKUP.
    const plus = event(r, 'track-fail', 'lb2', 'chk_plus');
    expect([states(plus), plus.notifications]).toEqual([[['VI_1', ['lb1 MASTER 150', 'lb2 BACKUP 100']]], []]);
  });

  it('a restarted node notifies BACKUP with the priority before its scripts report (keepalived 2.2.7)', async () => {
    const r = await report('track-weights');
    expect(calls(event(r, 'node-recover', 'lb2'))).toEqual(['lb2 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 100']);
    expect(calls(event(r, 'node-recover', 'lb1'))).toEqual([
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 150',
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 MASTER 150',
      'lb2 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 110',
    ]);
  });

  it('weight reverse: the priority drops while the script succeeds; the address owner preempts nopreempt', async () => {
    const r = await report('owner-reverse');
    // chk_rev weight 40 reverse on lb2 (120): 80 while it succeeds, 120 when it fails.
    expect(r.steady.routers[1]!.members.map((m) => [m.node, m.effective])).toEqual([
      ['lb1', 100],
      ['lb2', 80],
    ]);
    // VI_1 does not track it: unchanged, not listed.
    expect(states(event(r, 'track-fail', 'lb2', 'chk_rev'))).toEqual([['VI_2', ['lb1 BACKUP 100', 'lb2 MASTER 120']]]);
    // lb1 (255) back: it takes VI_1 from lb2 (nopreempt does not hold off the owner), BACKUP first.
    const back = event(r, 'node-recover', 'lb1');
    expect(calls(back).filter((c) => c.includes('VI_1'))).toEqual([
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 255',
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 MASTER 255',
      'lb2 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 100',
    ]);
  });

  it('node recovery: nopreempt leaves the peer MASTER; preempt_delay only delays the take-over', async () => {
    const r = await report('nopreempt');
    const back = event(r, 'node-recover', 'lb1');
    expect(back.routers.map((x) => [x.instance, x.master, x.backup])).toEqual([
      ['VI_1', 'lb2', ['lb1']],
      ['VI_2', 'lb1', ['lb2']],
    ]);
    expect(calls(back)).toEqual([
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_1 BACKUP 150',
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_2 BACKUP 150',
      'lb1 /etc/keepalived/notify.sh INSTANCE VI_2 MASTER 150',
      'lb2 /etc/keepalived/notify.sh INSTANCE VI_2 BACKUP 100',
    ]);
  });

  it("sync group: one member FAULT takes the whole group to FAULT, with the group's own notify calls", async () => {
    const r = await report('sync-groups');
    const down = event(r, 'interface-down', 'gw1', 'eth1');
    expect(states(down)).toEqual([
      ['V1', ['gw1 FAULT 150', 'gw2 MASTER 100']],
      ['V2', ['gw1 FAULT 150', 'gw2 MASTER 100']],
    ]);
    expect(calls(down)).toEqual([
      'gw1 /etc/keepalived/notify.sh INSTANCE V1 FAULT 150',
      'gw1 /etc/keepalived/group.sh fault',
      'gw1 /etc/keepalived/notify.sh GROUP G FAULT 0',
      'gw1 /etc/keepalived/notify.sh INSTANCE V2 FAULT 150',
      'gw2 /etc/keepalived/notify.sh INSTANCE V1 MASTER 100',
      'gw2 /etc/keepalived/group.sh master',
      'gw2 /etc/keepalived/notify.sh GROUP G MASTER 0',
      'gw2 /etc/keepalived/notify.sh INSTANCE V2 MASTER 100',
    ]);
    // sync_group_tracking_weight: the members keep the script's weight, 150 - 60 < 100 moves both.
    const fail = event(r, 'track-fail', 'gw1', 'chk_service');
    expect(fail.routers.map((x) => x.master)).toEqual(['gw2', 'gw2']);
    expect(fail.notes).toEqual([]);
  });

  it('notify_master as written, and the FIFO line INSTANCE "name" STATE priority', async () => {
    const r = await report('priorities');
    const down = event(r, 'node-down', 'lb1');
    expect(down.notifications.filter((n) => n.hook !== 'notify')).toEqual([
      {
        node: 'lb2',
        hook: 'notify_master',
        script: '/etc/keepalived/role.sh',
        argv: ['/etc/keepalived/role.sh', 'master', 'VI_1'],
        handled: true,
        branch: { file: expect.stringMatching(/priorities\/lb2\/etc\/keepalived\/role\.sh$/), line: 4 },
      },
      {
        node: 'lb2',
        hook: 'vrrp_notify_fifo',
        script: '/etc/keepalived/vrrp.fifo',
        argv: [],
        line: 'INSTANCE "VI_1" MASTER 100',
        handled: true,
        branch: null,
      },
    ]);
  });

  it('a router on one node only: that node down leaves no MASTER, a problem (exit 1)', async () => {
    const { report: r, code } = await simulate({
      'lb1.conf': node('priority 150') + node('priority 100').replace('VI_1', 'LONE').replace('51', '77'),
      'lb2.conf': node('priority 100'),
    });
    expect(code).toBe(1);
    const down = event(r, 'node-down', 'lb1');
    expect(down.problems).toEqual([{ kind: 'no-master', message: expect.stringMatching(/^LONE: no node is MASTER/) }]);
    expect(event(r, 'node-down', 'lb2').problems).toEqual([]);
  });

  it('one node alone: its failures leave no MASTER, which is no finding', async () => {
    const { report: r, code } = await simulate({ 'lb1.conf': node('priority 150') });
    expect(code).toBe(0);
    expect(r.events.map((e) => e.event.kind)).toEqual(['interface-down', 'interface-recover']);
    expect(r.events[0]!.routers.map((x) => [x.master, x.fault])).toEqual([[null, ['lb1']]]);
    expect(r.events[0]!.problems).toEqual([]);
  });

  it('text and markdown: one section per event, what runs and what does not', async () => {
    const text = (await run('debian-split', 'text')).stdout;
    expect(text).toContain('eth0 down on gw1:\n  gateway_v4: MASTER gw2 (100); FAULT gw1\n');
    expect(text).toContain('script chk_uplink fails on gw1:\n  no change of state or priority\n');
    expect(text).toMatch(/\n\d+ problem\(s\)\n$/);
    const md = await run('debian-split', 'markdown');
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| gateway_v4 | 51 | eth0 | gw1 | gw2 |  |');
    expect(md.stdout).toContain('### :x: gw1 down (keepalived stops dead: power lost)');
    expect(md.stdout).toContain(
      '| gw2 | notify | `/etc/keepalived/default-route.sh INSTANCE gateway_v4 MASTER 100` | **no branch runs** |',
    );
    const clean = await run('unicast', 'markdown');
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/\nNo problem found\.\n$/);
  });
});
