/**
 * `keepalived-lint simulate`: what keepalived does on the nodes of a cluster, computed from the
 * configs (nothing is run). So far the steady state (steady.ts) and a node going down (events.ts).
 * Example: steadyState(groupInstances(nodes)) -> [{ instance: 'VI_1', master: 'lb1', backup: ['lb2'] }].
 */
import type { SimEvent } from './events.js';
import type { SteadyRouter } from './steady.js';

export { nodeDownEvents, type Notification, type SimEvent } from './events.js';
export { steadyRouter, steadyState, type SteadyMember, type SteadyProblem, type SteadyRouter } from './steady.js';

export interface SimulationReport {
  version: 1;
  nodes: string[];
  steady: { routers: SteadyRouter[] };
  /** One event per node going down (the other failures are not computed yet). */
  events: SimEvent[];
}

/** Text: one line per virtual router, its problems under it. */
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
  for (const e of r.events) {
    out.push(`${e.event.node} down:`);
    for (const x of e.routers) {
      const backup = x.backup.length ? `; BACKUP ${x.backup.join(', ')}` : '';
      out.push(`  ${x.instance}: MASTER ${x.master ?? 'undetermined'}${backup}`);
    }
    for (const n of e.notifications) {
      const what = !n.handled
        ? 'no branch runs'
        : n.branch
          ? `runs the branch at ${n.branch.file}:${n.branch.line}`
          : 'runs';
      out.push(`  ${n.node} ${n.hook}: ${n.argv.join(' ')} -> ${what}`);
    }
  }
  return out.join('\n') + '\n';
}
