/**
 * `keepalived-lint simulate`: what keepalived does on the nodes of a cluster, computed from the
 * configs (nothing is run): the steady state (steady.ts), then every single failure and the
 * recovery from it, with the notifications keepalived sends (events.ts). Formats: JSON
 * (schema/simulate.schema.json), text and markdown for a person.
 * Example: steadyState(groupInstances(nodes)) -> [{ instance: 'VI_1', master: 'lb1', backup: ['lb2'] }].
 */
import type { ClusterModel } from '../cluster/types.js';
import { Simulation, type EventRouter, type Notification, type SimEvent, type SimEventSpec } from './events.js';
import { steadyState, type SteadyRouter } from './steady.js';

export {
  Simulation,
  type EventKind,
  type EventProblem,
  type EventRouter,
  type Notification,
  type SimEvent,
  type SimEventSpec,
} from './events.js';
export { steadyRouter, steadyState, type SteadyMember, type SteadyProblem, type SteadyRouter } from './steady.js';
export { syncGroupsOf, trackedBy, type Tracked } from './tracked.js';

export interface SimulationReport {
  version: 1;
  nodes: string[];
  steady: { routers: SteadyRouter[]; notifications: Notification[] };
  /** Each single failure from the steady state, each followed by the recovery from it. */
  events: SimEvent[];
}

/** A report whose events are computed as they are read (once): what `simulate` writes out one by one. */
export interface SimulationStream extends Omit<SimulationReport, 'events'> {
  events: Iterable<SimEvent>;
}

export function simulation(cluster: ClusterModel, rel: (f: string) => string): SimulationStream {
  const routers = steadyState(cluster);
  const sim = new Simulation(cluster, routers, rel);
  return {
    version: 1,
    nodes: cluster.nodes.map((n) => n.label),
    steady: { routers, notifications: sim.startup() },
    events: sim.events(),
  };
}

export function simulate(cluster: ClusterModel, rel: (f: string) => string): SimulationReport {
  const s = simulation(cluster, rel);
  return { ...s, events: [...s.events] };
}

/** The report's findings: what makes `simulate` exit 1. */
export function simulationFindings(r: SimulationReport): string[] {
  return [...steadyFindings(r.steady), ...r.events.flatMap(eventFindings)];
}

function steadyFindings(steady: SimulationReport['steady']): string[] {
  const out: string[] = [];
  for (const x of steady.routers)
    for (const p of x.problems) if (p.kind === 'split-brain' || p.kind === 'sync-group-split') out.push(p.message);
  for (const n of steady.notifications) if (!n.handled) out.push(`start-up: ${unhandledText(n)}`);
  return out;
}

function eventFindings(e: SimEvent): string[] {
  return e.problems.filter((p) => p.kind !== 'tie').map((p) => `${eventTitle(e.event)}: ${p.message}`);
}

/**
 * Writes the report in `format` as its events are computed, in pieces of about 64 KB (the text of
 * simulationText, simulationMarkdown, or JSON.stringify(report, null, 2) with a newline); `line`
 * maps each line of text and markdown (the CLI's escaping of control characters). Returns the
 * number of findings (simulationFindings).
 */
export function writeSimulation(
  s: SimulationStream,
  format: 'text' | 'json' | 'markdown',
  write: (chunk: string) => void,
  line: (l: string) => string = (l) => l,
): number {
  let findings = steadyFindings(s.steady).length;
  const counted = function* (): Generator<SimEvent> {
    for (const e of s.events) {
      findings += eventFindings(e).length;
      yield e;
    }
  };
  const stream = { ...s, events: counted() };
  let buffered: string[] = [];
  let size = 0;
  const flush = () => {
    if (buffered.length) write(buffered.join(''));
    buffered = [];
    size = 0;
  };
  const piece = (t: string) => {
    buffered.push(t);
    size += t.length;
    if (size >= 65536) flush();
  };
  if (format === 'json') for (const t of jsonPieces(stream)) piece(t);
  else {
    const lines = format === 'markdown' ? markdownLines(stream, () => findings) : textLines(stream, () => findings);
    for (const l of lines) piece(`${line(l)}\n`);
  }
  flush();
  return findings;
}

/** JSON.stringify(report, null, 2) + newline, an event at a time. */
function* jsonPieces(s: SimulationStream): Generator<string> {
  yield '{';
  let key = 0;
  for (const [k, v] of Object.entries({ version: s.version, nodes: s.nodes, steady: s.steady })) {
    yield `${key++ ? ',' : ''}\n  ${JSON.stringify(k)}: `;
    yield* prettyPieces(v, '  ', 1);
  }
  yield ',\n  "events": ';
  yield* listPieces(s.events, '  ', 1);
  yield '\n}\n';
}

/**
 * JSON.stringify(v, null, 2) at `indent`, in pieces: a list of more than 32 items an item at a
 * time, an object near the top a property at a time, anything else in one piece. The node-down
 * event of two nodes of 10,000 instances is 40 MB of JSON by itself. (The report holds lists and
 * plain objects only.)
 */
function* prettyPieces(v: unknown, indent: string, depth: number): Generator<string> {
  if (Array.isArray(v) && v.length > 32) yield* listPieces(v, indent, depth);
  else if (v !== null && typeof v === 'object' && !Array.isArray(v) && depth < 3) {
    const inner = `${indent}  `;
    let first = true;
    yield '{';
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined || typeof x === 'function') continue;
      yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
      yield* prettyPieces(x, inner, depth + 1);
      first = false;
    }
    yield first ? '}' : `\n${indent}}`;
  } else yield JSON.stringify(v, null, 2).replace(/\n/g, `\n${indent}`);
}

/** The items of a list (an array, or the events as they are computed) as JSON.stringify writes a list. */
function* listPieces(list: Iterable<unknown>, indent: string, depth: number): Generator<string> {
  const inner = `${indent}  `;
  let first = true;
  yield '[';
  for (const x of list) {
    yield `${first ? '' : ','}\n${inner}`;
    yield* prettyPieces(x === undefined || typeof x === 'function' ? null : x, inner, depth + 1);
    first = false;
  }
  yield first ? ']' : `\n${indent}]`;
}

function unhandledText(n: Notification): string {
  return `${n.script} on ${n.node} gets "${n.line ?? n.argv.slice(1).join(' ')}" and no branch runs`;
}

export function eventTitle(e: SimEventSpec): string {
  switch (e.kind) {
    case 'node-down':
      return `${e.node} down (keepalived stops dead: power lost)`;
    case 'node-recover':
      return `${e.node} back (keepalived starts again)`;
    case 'interface-down':
      return `${e.interface} down on ${e.node}`;
    case 'interface-recover':
      return `${e.interface} up again on ${e.node}`;
    case 'track-fail':
      return `${e.track} ${e.name} fails on ${e.node}`;
    case 'track-recover':
      return `${e.track} ${e.name} succeeds again on ${e.node}`;
  }
}

function routerLine(x: EventRouter): string {
  const prio = (node: string) => `${node} (${x.members.find((m) => m.node === node)!.priority})`;
  const parts = [`MASTER ${x.masters.length ? x.masters.map(prio).join(' + ') : 'none'}`];
  if (x.backup.length) parts.push(`BACKUP ${x.backup.map(prio).join(', ')}`);
  if (x.fault.length) parts.push(`FAULT ${x.fault.join(', ')}`);
  if (x.down.length) parts.push(`down ${x.down.join(', ')}`);
  return `${x.instance}: ${parts.join('; ')}`;
}

function notificationLine(n: Notification): string {
  const what = !n.handled
    ? 'NO BRANCH RUNS'
    : n.branch
      ? `runs the branch at ${n.branch.file}:${n.branch.line}`
      : 'runs';
  const call = n.line !== undefined ? `writes '${n.line}' to ${n.script}` : n.argv.join(' ');
  return `${n.node} ${n.hook}: ${call} -> ${what}`;
}

/** Text: the steady state, then each event: what changes, what runs, what is wrong. */
export function simulationText(r: SimulationReport): string {
  return `${[...textLines(r, () => simulationFindings(r).length)].join('\n')}\n`;
}

/** simulationText's lines; `findings`: their number, asked once the events are read. */
function* textLines(r: SimulationStream, findings: () => number): Generator<string> {
  const out = [`steady state (${r.nodes.join(', ')} up, every tracked object healthy, started together):`];
  for (const x of r.steady.routers) {
    const where = [x.vrid !== null ? `VRID ${x.vrid}` : 'no VRID', x.interface ?? 'no interface', x.family];
    const prio = (node: string) => {
      const m = x.members.find((y) => y.node === node)!;
      return `${node} (${m.effective ?? m.priority}${m.nopreempt ? ', nopreempt' : ''})`;
    };
    const masters = x.masters.length ? x.masters.map(prio).join(', ') : 'undetermined';
    const backup = x.backup.length ? `; BACKUP ${x.backup.map(prio).join(', ')}` : '';
    out.push(`  ${x.instance} [${where.join(', ')}]: MASTER ${masters}${backup}`);
    for (const p of x.problems) out.push(`    ${p.kind}: ${p.message}`);
  }
  const calls = r.steady.notifications;
  const silent = calls.filter((n) => !n.handled).length;
  if (calls.length)
    out.push(`  at start-up: ${calls.length} notify call(s)${silent ? `, ${silent} with no branch run` : ''}`);
  yield* out;
  for (const e of r.events) {
    out.length = 0;
    out.push('', `${eventTitle(e.event)}:`);
    if (!e.routers.length) out.push('  no change of state or priority');
    for (const x of e.routers) out.push(`  ${routerLine(x)}`);
    for (const n of e.notifications) out.push(`  ${notificationLine(n)}`);
    // An unhandled call is already marked on its line.
    for (const p of e.problems.filter((x) => x.kind !== 'unhandled'))
      out.push(`  ${p.kind === 'tie' ? 'note' : 'PROBLEM'}: ${p.message}`);
    for (const note of e.notes) out.push(`  note: ${note}`);
    yield* out;
  }
  const n = findings();
  yield '';
  yield n ? `${n} problem(s)` : 'no problem found';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/`/g, "'");

/** Markdown: a table of the steady state and one section per event (a pull-request comment or a runbook). */
export function simulationMarkdown(r: SimulationReport): string {
  return `${[...markdownLines(r, () => simulationFindings(r).length)].join('\n')}\n`;
}

/** simulationMarkdown's lines; `findings`: their number, asked once the events are read. */
function* markdownLines(r: SimulationStream, findings: () => number): Generator<string> {
  const out = [`## Failover simulation (${r.nodes.map(cell).join(', ')})`, '', '### Steady state', ''];
  out.push('| instance | VRID | interface | MASTER | BACKUP | problems |', '|---|---|---|---|---|---|');
  for (const x of r.steady.routers)
    out.push(
      `| ${cell(x.instance)} | ${x.vrid ?? ''} | ${cell(x.interface ?? '')} | ` +
        `${cell(x.masters.join(', ') || 'undetermined')} | ` +
        `${cell(x.backup.join(', '))} | ${cell(x.problems.map((p) => p.message).join('; '))} |`,
    );
  yield* out;
  for (const e of r.events) {
    out.length = 0;
    const bad = e.problems.some((p) => p.kind !== 'tie');
    out.push('', `### ${bad ? ':x: ' : ''}${cell(eventTitle(e.event))}`, '');
    if (!e.routers.length) out.push('No change of state or priority.');
    for (const x of e.routers) out.push(`- ${cell(routerLine(x))}`);
    if (e.notifications.length) out.push('', '| node | hook | call | result |', '|---|---|---|---|');
    for (const n of e.notifications) {
      const call = n.line !== undefined ? `${n.line} > ${n.script}` : n.argv.join(' ');
      const what = !n.handled ? '**no branch runs**' : n.branch ? `${n.branch.file}:${n.branch.line}` : 'runs';
      out.push(`| ${cell(n.node)} | ${n.hook} | \`${cell(call)}\` | ${what} |`);
    }
    for (const p of e.problems.filter((x) => x.kind !== 'unhandled'))
      out.push('', `${p.kind === 'tie' ? 'Note' : '**Problem**'}: ${cell(p.message)}`);
    for (const note of e.notes) out.push('', `Note: ${cell(note)}`);
    yield* out;
  }
  const n = findings();
  yield '';
  yield n ? `**${n} problem(s)**` : 'No problem found.';
}
