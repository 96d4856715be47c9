/**
 * Single failures, from the steady state. So far one kind: a node goes down (power lost: it sends
 * nothing more). Its routers elect a new MASTER among the nodes left (the highest advertised
 * priority; nopreempt does not matter, as no MASTER is left to keep), and the new MASTER runs its
 * notify scripts: `notify_master` as written, `notify` with `INSTANCE <name> MASTER <priority>`
 * appended. From the script analysis: whether a branch of the script runs for that name, and which.
 * Example: gw1 down -> gw2 MASTER of gateway_v4, notify default-route.sh INSTANCE gateway_v4 MASTER 100,
 * handled: false (the script matches only "gateway").
 *
 * Not modelled yet (to verify against keepalived in namespaces): the sync group's own notify
 * scripts, the FIFO lines, the notify_backup/notify_stop of the other nodes, recovery.
 */
import type { ClusterGroup, ClusterInstance, ClusterNode } from '../cluster/types.js';
import type { ScriptRef } from '../model/scripts.js';
import { handles, testMatches } from '../scripts/names.js';
import type { SteadyRouter } from './steady.js';

export interface Notification {
  node: string;
  hook: string;
  script: string;
  argv: string[];
  /** Some branch of the script runs for this name (true also when the script does not dispatch on the name). */
  handled: boolean;
  /** The arm that matches the name (null: the default branch, no dispatch, or none runs). */
  branch: { file: string; line: number } | null;
}

export interface SimEvent {
  event: { kind: 'node-down'; node: string };
  routers: { instance: string; master: string | null; backup: string[] }[];
  notifications: Notification[];
}

const TO_MASTER_HOOKS = new Set(['notify', 'notify_master']);

function notificationsFor(i: ClusterInstance, priority: number, rel: (f: string) => string): Notification[] {
  const node: ClusterNode = i.node;
  const out: Notification[] = [];
  const refs = node.pass.refs.filter(
    (r: ScriptRef) => r.owner.kind === 'vrrp_instance' && r.owner.name === i.name && TO_MASTER_HOOKS.has(r.hook),
  );
  for (const ref of refs) {
    if (!ref.command) continue;
    const written = [ref.command.text, ...ref.args.map((a) => a.text)];
    const argv = ref.hook === 'notify' ? [...written, 'INSTANCE', i.name, 'MASTER', String(priority)] : written;
    const file = node.loaded.scripts.file(ref);
    const a = node.loaded.scripts.analysis(ref);
    // The name where the script reads it: passed by `notify`; none for notify_master (unless written).
    const name = ref.nameSource ? i.name : '';
    let handled = true;
    let branch: Notification['branch'] = null;
    if (a?.parsed && a.dispatches.length) {
      handled = a.dispatches.some((d) => handles(d, name));
      const arm = a.dispatches
        .flatMap((d) => d.tests)
        .find((t) => !t.negated && !t.missingQuotes && testMatches(t, name));
      const sf = file?.source;
      if (arm && sf) branch = { file: rel(sf.path), line: sf.index.position(arm.literal.start).line };
    }
    out.push({ node: node.label, hook: ref.hook, script: file?.deployed ?? ref.command.text, argv, handled, branch });
  }
  return out;
}

/** One node-down event per node: who is MASTER without it, and what the new MASTERs run. */
export function nodeDownEvents(
  nodes: ClusterNode[],
  groups: ClusterGroup[],
  steady: SteadyRouter[],
  rel: (f: string) => string,
): SimEvent[] {
  return nodes.map((down) => {
    const routers: SimEvent['routers'] = [];
    const notifications: Notification[] = [];
    groups.forEach((g, k) => {
      const before = steady[k]!;
      const left = g.members.filter((m) => m.node !== down);
      if (!left.length) return;
      const prio = (m: ClusterInstance) => before.members.find((x) => x.node === m.node.label)!;
      const effective = (m: ClusterInstance) => prio(m).effective ?? prio(m).priority;
      const stillMaster = before.masters.filter((n) => n !== down.label);
      let master: ClusterInstance | null;
      if (stillMaster.length === 1) master = left.find((m) => m.node.label === stillMaster[0]) ?? null;
      else {
        const top = Math.max(...left.map(effective));
        const best = left.filter((m) => effective(m) === top);
        master = best.length === 1 ? best[0]! : null;
      }
      routers.push({
        instance: before.instance,
        master: master?.node.label ?? null,
        backup: left.filter((m) => m !== master).map((m) => m.node.label),
      });
      if (master && !before.masters.includes(master.node.label))
        notifications.push(...notificationsFor(master, effective(master), rel));
    });
    return { event: { kind: 'node-down', node: down.label }, routers, notifications };
  });
}
