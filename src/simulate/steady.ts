/**
 * The steady state of a cluster: every node up, every tracked object healthy, the nodes started
 * together. For each virtual router (the instances of several nodes grouped by src/cluster/groups),
 * who is MASTER, from keepalived's own rules:
 *
 * - the priority advertised is the base priority plus the weights of what is up (priorityRange);
 *   the address owner (priority 255) always starts as MASTER and always preempts;
 * - every instance starts in BACKUP ("Entering BACKUP STATE (init)"), `state MASTER` too, and waits
 *   for the master down timer, the shortest for the highest priority (its skew time is the
 *   smallest): started together, the highest priority is MASTER, and `nopreempt` changes nothing
 *   (there is no MASTER to keep). Only the address owner (priority 255) starts as MASTER. Checked
 *   with keepalived 2.2.7 in network namespaces: `state MASTER` priority 100 against `state BACKUP`
 *   priority 150 `nopreempt` -> the 150 node holds the VIP;
 * - adverts that the peers drop (different VIP lists, advert_int, authentication) leave every node
 *   MASTER: split brain.
 *
 * Example: gw1 priority 150, gw2 priority 100, both state BACKUP -> MASTER gw1, BACKUP [gw2].
 */
import ipaddr from 'ipaddr.js';
import { priorityRange } from '../cluster/model.js';
import type { ClusterGroup, ClusterInstance, ClusterModel, ClusterNode } from '../cluster/types.js';
import { syncGroupsOf } from './tracked.js';

const OWNER = 255;

export interface SteadyMember {
  node: string;
  priority: number;
  /** The priority with every tracked object healthy, or null when a tracked file makes it unknowable. */
  effective: number | null;
  startsAs: 'MASTER' | 'BACKUP';
  nopreempt: boolean;
}

export type SteadyProblem =
  | { kind: 'split-brain'; message: string }
  | { kind: 'sync-group-split'; message: string }
  | { kind: 'tie'; message: string }
  | { kind: 'unknown-priority'; message: string };

export interface SteadyRouter {
  instance: string;
  vrid: number | null;
  interface: string | null;
  family: 'ipv4' | 'ipv6';
  /** The virtual addresses (of the first node's instance), as `ip addr` shows them (RFC 5952 for IPv6). */
  vips: string[];
  /** The node that is MASTER; null when it cannot be told (a tie) or when several are (split brain). */
  master: string | null;
  /** Every node that is MASTER (two or more: split brain). */
  masters: string[];
  backup: string[];
  members: SteadyMember[];
  problems: SteadyProblem[];
}

function member(i: ClusterInstance): SteadyMember {
  const range = priorityRange(i);
  return {
    node: i.node.label,
    priority: i.priority,
    effective: range ? range.healthy : null,
    startsAs: i.priority === OWNER ? 'MASTER' : 'BACKUP',
    nopreempt: Boolean(i.nopreempt),
  };
}

/** Why the members drop each other's adverts (keepalived's vrrp_check_packet), or null. */
function advertsDropped(g: ClusterGroup): string | null {
  const first = g.members[0]!;
  const vips = (i: ClusterInstance) => JSON.stringify(i.vips.map((v) => v.key).sort());
  for (const m of g.members.slice(1)) {
    if (vips(m) !== vips(first)) return `the virtual_ipaddress lists differ (${first.node.label}, ${m.node.label})`;
    if (m.advertMicros !== first.advertMicros) return `advert_int differs (${first.node.label}, ${m.node.label})`;
    if (m.auth.type !== first.auth.type || m.auth.password !== first.auth.password)
      return `the authentication differs (${first.node.label}, ${m.node.label})`;
  }
  return null;
}

export function steadyRouter(g: ClusterGroup): SteadyRouter {
  const first = g.members[0]!;
  const members = g.members.map(member);
  const problems: SteadyProblem[] = [];
  const prio = (m: SteadyMember) => m.effective ?? m.priority;
  for (const m of members)
    if (m.effective === null)
      problems.push({
        kind: 'unknown-priority',
        message: `${m.node} tracks a file: its priority depends on the file's content (base ${m.priority} assumed)`,
      });
  let masters: SteadyMember[];
  const dropped = g.members.length > 1 ? advertsDropped(g) : null;
  if (dropped) {
    masters = members;
    problems.push({
      kind: 'split-brain',
      message: `every node is MASTER: ${dropped}, so each drops the others' adverts`,
    });
  } else {
    // Who is MASTER once the start-up settles: the highest of those starting as MASTER (or, with
    // none, the highest of all), then any higher BACKUP that may preempt takes over.
    const starting = members.filter((m) => m.startsAs === 'MASTER');
    const pool = starting.length ? starting : members;
    const top = Math.max(...pool.map(prio));
    let winners = pool.filter((m) => prio(m) === top);
    const preempting = members.filter(
      (m) => m.startsAs === 'BACKUP' && starting.length > 0 && !m.nopreempt && prio(m) > top,
    );
    if (preempting.length) {
      const best = Math.max(...preempting.map(prio));
      winners = preempting.filter((m) => prio(m) === best);
    }
    masters = winners;
    if (winners.length > 1)
      problems.push({
        kind: 'tie',
        message:
          `${winners.map((m) => m.node).join(', ')} advertise the same priority ${prio(winners[0]!)}: ` +
          'the one with the higher primary address is MASTER (not known offline)',
      });
  }
  const single = masters.length === 1 ? masters[0]!.node : null;
  const tie = problems.some((p) => p.kind === 'tie');
  return {
    instance: first.name,
    vrid: first.vrid?.value ?? null,
    interface: first.iface?.text ?? null,
    family: first.family,
    vips: first.vips.map((v) => ipaddr.parse(v.key).toString()),
    master: single,
    masters: tie ? [] : masters.map((m) => m.node),
    backup: members.filter((m) => !masters.includes(m)).map((m) => m.node),
    members,
    problems,
  };
}

export function steadyState(cluster: ClusterModel): SteadyRouter[] {
  const routers = cluster.groups.map(steadyRouter);
  const routerOf = new Map<ClusterInstance, SteadyRouter>();
  cluster.groups.forEach((g, k) => {
    for (const m of g.members) routerOf.set(m, routers[k]!);
  });
  for (const node of cluster.nodes) syncGroupSplits(node, routerOf);
  return routers;
}

/**
 * A sync group whose members would not all be MASTER (or all BACKUP) on a node: keepalived moves
 * the members of a group together, so the elections of its routers cannot settle as computed.
 */
function syncGroupSplits(node: ClusterNode, routerOf: Map<ClusterInstance, SteadyRouter>): void {
  for (const g of syncGroupsOf(node)) {
    const states = g.members.flatMap((i) => {
      const r = routerOf.get(i);
      // A tie leaves the state unknown: nothing to compare.
      if (!r || r.problems.some((p) => p.kind === 'tie')) return [];
      return [{ i, r, master: r.masters.includes(node.label) }];
    });
    const masters = states.filter((x) => x.master).map((x) => x.i.name);
    const backups = states.filter((x) => !x.master).map((x) => x.i.name);
    if (!masters.length || !backups.length) continue;
    const message =
      `vrrp_sync_group ${g.name} on ${node.label} would be MASTER of ${masters.join(', ')} and BACKUP of ` +
      `${backups.join(', ')}: keepalived moves a sync group's members together, so they cannot settle so ` +
      '(give the members the same priorities on each node)';
    for (const { r } of states)
      if (!r.problems.some((p) => p.message === message)) r.problems.push({ kind: 'sync-group-split', message });
  }
}
