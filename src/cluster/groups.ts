/**
 * Which instances of different nodes are one virtual router: the same instance name first (the
 * usual way a config is copied from node to node); an instance whose name no other node uses
 * joins a group with the same VRID and address family on the same interface (or, for unicast,
 * whose peers name its address) and at least one VIP in common, so a renamed copy is still compared
 * with its peers. Example:
 *
 *   lb1: VI_1 (VRID 51, eth0)   lb2: VI_1 (VRID 51, eth0)   lb3: web (VRID 51, eth0)
 *   -> one group [lb1 VI_1, lb2 VI_1, lb3 web]
 */
import type { ClusterGroup, ClusterInstance, ClusterModel, ClusterNode } from './types.js';

export function groupInstances(nodes: ClusterNode[]): ClusterModel {
  // Instances are only grouped within a cluster (`clusters:`); '' is the cluster of every node otherwise.
  const byName = new Map<string, ClusterInstance[]>();
  for (const n of nodes)
    for (const i of n.instances) {
      const list = byName.get(`${n.cluster}\0${i.name}`);
      if (list) list.push(i);
      else byName.set(`${n.cluster}\0${i.name}`, [i]);
    }
  const groups: ClusterGroup[] = [];
  const single: ClusterInstance[] = [];
  for (const members of byName.values()) {
    if (members.length > 1) groups.push({ members, matchedBy: 'name' });
    else single.push(members[0]!);
  }
  // A group can only take an instance when a member has its VRID (sameRouter): the groups are
  // looked for among those of that cluster and VRID, in the order of `groups` (10,000 instances
  // searched every group: quadratic).
  const byVrid = new Map<string, ClusterGroup[]>();
  const vridKey = (i: ClusterInstance) => (i.vrid ? `${i.node.cluster}\0${i.vrid.value}` : null);
  const index = (g: ClusterGroup, i: ClusterInstance) => {
    const key = vridKey(i);
    if (key === null) return;
    const list = byVrid.get(key);
    if (!list) byVrid.set(key, [g]);
    else if (list.at(-1) !== g && !list.includes(g)) list.push(g);
  };
  for (const g of groups) for (const m of g.members) index(g, m);
  for (const c of single) {
    const key = vridKey(c);
    const g = (key === null ? undefined : byVrid.get(key))?.find(
      (x) =>
        x.members[0]!.node.cluster === c.node.cluster &&
        !x.members.some((m) => m.node === c.node) &&
        x.members.some((m) => sameRouter(c, m)),
    );
    if (g) g.members.push(c);
    else {
      const fresh: ClusterGroup = { members: [c], matchedBy: 'vrid' };
      groups.push(fresh);
      index(fresh, c);
    }
  }
  const position = new Map<ClusterInstance, number>();
  nodes.forEach((n, ni) => n.instances.forEach((i, ii) => position.set(i, ni * 1e6 + ii)));
  const order = (i: ClusterInstance) => position.get(i)!;
  for (const g of groups) g.members.sort((a, b) => order(a) - order(b));
  groups.sort((a, b) => order(a.members[0]!) - order(b.members[0]!));
  return { nodes, groups };
}

/** Same VRID and family, and the adverts of one reach the other: same interface, or unicast peers naming each other. */
export function sameRouter(a: ClusterInstance, b: ClusterInstance): boolean {
  if (!a.vrid || !b.vrid || a.vrid.value !== b.vrid.value || a.family !== b.family) return false;
  // Disjoint VIP lists: another group that happens to use the VRID (cluster-vrid-collision), not a renamed copy.
  if (a.vips.length && b.vips.length && !a.vips.some((v) => b.vips.some((w) => w.key === v.key))) return false;
  if (peersLinked(a, b)) return true;
  return (
    a.unicast === b.unicast && a.iface !== undefined && a.iface.text === b.iface?.text && a.mcastDst === b.mcastDst
  );
}

export function peersLinked(a: ClusterInstance, b: ClusterInstance): boolean {
  const lists = (x: ClusterInstance, y: ClusterInstance) =>
    y.unicastSrc !== undefined && x.peers.some((p) => p.key === y.unicastSrc!.key);
  return lists(a, b) || lists(b, a);
}

/** Group members by a value; the members whose value is not the one most of them share (all, without a strict
 * majority). */
export function outliers<T>(members: ClusterInstance[], value: (i: ClusterInstance) => T): ClusterInstance[] {
  const keyOf = (i: ClusterInstance) => JSON.stringify(value(i));
  const counts = new Map<string, number>();
  for (const m of members) counts.set(keyOf(m), (counts.get(keyOf(m)) ?? 0) + 1);
  if (counts.size < 2) return [];
  const [top, n] = [...counts].sort((a, b) => b[1] - a[1])[0]!;
  if (n * 2 > members.length) return members.filter((m) => keyOf(m) !== top);
  return members;
}

/** "lb1, lb2 and lb3" */
export function nodeList(nodes: ClusterNode[]): string {
  const labels = [...new Set(nodes.map((n) => n.label))];
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** How a message names an instance on a node: `VI_1 on lb2`. */
export function on(i: ClusterInstance): string {
  return `${i.name} on ${i.node.label}`;
}
