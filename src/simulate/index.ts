/**
 * `keepalived-lint simulate`: what keepalived does on the nodes of a cluster, computed from the
 * configs (nothing is run). So far the steady state (steady.ts); the single failures are to come.
 * Example: steadyState(groupInstances(nodes)) -> [{ instance: 'VI_1', master: 'lb1', backup: ['lb2'] }].
 */
import type { SteadyRouter } from './steady.js';

export { steadyRouter, steadyState, type SteadyMember, type SteadyProblem, type SteadyRouter } from './steady.js';

export interface SimulationReport {
  version: 1;
  nodes: string[];
  steady: { routers: SteadyRouter[] };
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
  return out.join('\n') + '\n';
}
