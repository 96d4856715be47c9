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

export function simulate(cluster: ClusterModel, rel: (f: string) => string): SimulationReport {
  const routers = steadyState(cluster);
  const sim = new Simulation(cluster, routers, rel);
  return {
    version: 1,
    nodes: cluster.nodes.map((n) => n.label),
    steady: { routers, notifications: sim.startup() },
    events: sim.events(),
  };
}

/** The report's findings: what makes `simulate` exit 1. */
export function simulationFindings(r: SimulationReport): string[] {
  const out: string[] = [];
  for (const x of r.steady.routers)
    for (const p of x.problems) if (p.kind === 'split-brain' || p.kind === 'sync-group-split') out.push(p.message);
  for (const n of r.steady.notifications) if (!n.handled) out.push(`start-up: ${unhandledText(n)}`);
  for (const e of r.events)
    for (const p of e.problems) if (p.kind !== 'tie') out.push(`${eventTitle(e.event)}: ${p.message}`);
  return out;
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
  for (const e of r.events) {
    out.push('', `${eventTitle(e.event)}:`);
    if (!e.routers.length) out.push('  no change of state or priority');
    for (const x of e.routers) out.push(`  ${routerLine(x)}`);
    for (const n of e.notifications) out.push(`  ${notificationLine(n)}`);
    // An unhandled call is already marked on its line.
    for (const p of e.problems.filter((x) => x.kind !== 'unhandled'))
      out.push(`  ${p.kind === 'tie' ? 'note' : 'PROBLEM'}: ${p.message}`);
    for (const note of e.notes) out.push(`  note: ${note}`);
  }
  const findings = simulationFindings(r);
  out.push('', findings.length ? `${findings.length} problem(s)` : 'no problem found');
  return out.join('\n') + '\n';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/`/g, "'");

/** Markdown: a table of the steady state and one section per event (a pull-request comment or a runbook). */
export function simulationMarkdown(r: SimulationReport): string {
  const out = [`## Failover simulation (${r.nodes.map(cell).join(', ')})`, '', '### Steady state', ''];
  out.push('| instance | VRID | interface | MASTER | BACKUP | problems |', '|---|---|---|---|---|---|');
  for (const x of r.steady.routers)
    out.push(
      `| ${cell(x.instance)} | ${x.vrid ?? ''} | ${cell(x.interface ?? '')} | ` +
        `${cell(x.masters.join(', ') || 'undetermined')} | ` +
        `${cell(x.backup.join(', '))} | ${cell(x.problems.map((p) => p.message).join('; '))} |`,
    );
  for (const e of r.events) {
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
  }
  const findings = simulationFindings(r);
  out.push('', findings.length ? `**${findings.length} problem(s)**` : 'No problem found.');
  return out.join('\n') + '\n';
}
