/**
 * What each instance of a node watches, as keepalived 2.2.7 keeps it after reading the config:
 * its own interface (FAULT when it goes down, unless `dont_track_primary`), the objects of
 * track_interface / track_script / track_process / track_file / track_bfd (the instance's and its
 * sync group's), each with the weight keepalived uses: 0 puts the instance in FAULT when the
 * object fails, another weight moves the priority. And the sync groups of the node. Example:
 *
 *   vrrp_script chk { weight -60 }  vrrp_instance V { interface eth0 track_script { chk } }
 *   -> [{ kind: 'interface', name: 'eth0', weight: 0, own: true },
 *       { kind: 'script', name: 'chk', weight: -60, reverse: false }]
 *
 * Checked with keepalived 2.2.7 in network namespaces: a member of a sync group without
 * `sync_group_tracking_weight` drops the objects it tracks with a weight ("(gateway_v4) ignoring
 * tracked script chk_uplink with weights due to SYNC group"): their failure changes nothing.
 */
import type { Statement, Token } from '../load/index.js';
import type { ClusterInstance, ClusterNode } from '../cluster/types.js';
import { trackEntries } from '../cluster/model.js';

export type TrackKind = 'interface' | 'script' | 'process' | 'file' | 'bfd';

export interface Tracked {
  kind: TrackKind;
  name: string;
  /** 0: FAULT while the object fails; else added to the priority (while up when > 0, while down when < 0). */
  weight: number;
  /** `weight N reverse`: the weight applies the other way round. */
  reverse: boolean;
  /** The instance's own interface (not written in a track_interface block). */
  own: boolean;
  /** Tracked through the instance's vrrp_sync_group. */
  fromGroup: boolean;
  /** Why keepalived does not use it, or null. */
  ignored: string | null;
  at: Token | undefined;
}

export interface SyncGroup {
  name: string;
  statement: Statement;
  members: ClusterInstance[];
  /** sync_group_tracking_weight: members keep the weights of what they track. */
  trackingWeight: boolean;
}

const TRUE = /^(true|on|yes)$/i;
const defined = (list: Statement[], keyword: string) => list.filter((c) => c.def && c.keyword.text === keyword);

function trackedIn(node: ClusterNode, statements: Statement[], fromGroup: boolean): Tracked[] {
  const out: Tracked[] = [];
  for (const e of trackEntries(node.pass.tree, statements)) {
    const { kind, name, weight, reverse, at } = e;
    out.push({ kind, name, weight, reverse, own: false, fromGroup, ignored: null, at });
  }
  return out;
}

/** The sync groups of a node with two or more of its instances (the first group naming an instance keeps it). */
export function syncGroupsOf(node: ClusterNode): SyncGroup[] {
  const taken = new Set<string>();
  const out: SyncGroup[] = [];
  // The first instance of each name (a search of the node's instances for each member was
  // quadratic: 8,000 instances in groups of 10 took a second).
  const byName = new Map<string, ClusterInstance>();
  for (const x of node.instances) if (!byName.has(x.name)) byName.set(x.name, x);
  for (const g of node.pass.tree.top.filter((t) => t.def && t.keyword.text === 'vrrp_sync_group')) {
    const kids = g.children.filter((c) => c.def);
    const names = defined(kids, 'group').flatMap((c) => c.values.flatMap((l) => l.tokens.map((t) => t.text)));
    const members = names.flatMap((n) => {
      const i = byName.get(n);
      if (!i || taken.has(n)) return [];
      taken.add(n);
      return [i];
    });
    const flag = defined(kids, 'sync_group_tracking_weight').at(-1);
    const trackingWeight = flag !== undefined && (flag.args[0] === undefined || TRUE.test(flag.args[0].text));
    if (members.length > 1) out.push({ name: g.args[0]?.text ?? '', statement: g, members, trackingWeight });
  }
  return out;
}

/** What the instance watches, as keepalived keeps it. */
export function trackedBy(i: ClusterInstance, group: SyncGroup | undefined): Tracked[] {
  const kids = i.statement.children.filter((c) => c.def);
  const out: Tracked[] = [];
  if (i.iface && !defined(kids, 'dont_track_primary').length)
    out.push({
      kind: 'interface',
      name: i.iface.text,
      weight: 0,
      reverse: false,
      own: true,
      fromGroup: false,
      ignored: null,
      at: i.iface,
    });
  for (const t of trackedIn(i.node, kids, false)) {
    if (group && !group.trackingWeight && t.weight !== 0)
      t.ignored =
        `keepalived ignores a tracked object with a weight in a member of vrrp_sync_group ${group.name} ` +
        '(without sync_group_tracking_weight)';
    if (i.priority === 255 && t.weight !== 0) t.ignored = 'the address owner (priority 255) keeps its priority';
    // track_interface naming the instance's own interface: the instance goes FAULT all the same.
    if (out.some((o) => o.kind === t.kind && o.name === t.name)) continue;
    out.push(t);
  }
  if (group)
    for (const t of trackedIn(
      i.node,
      group.statement.children.filter((c) => c.def),
      true,
    ))
      if (!out.some((o) => o.kind === t.kind && o.name === t.name && !o.ignored)) out.push(t);
  return out;
}
