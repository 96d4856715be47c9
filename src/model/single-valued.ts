/**
 * Single-valued keywords whose handler keeps the first value and ignores a repeat (keepalived 2.2.7
 * source, each message seen with keepalived -t 2.2.7): the notify scripts of instances, sync groups,
 * real servers and virtual servers, the notify FIFOs and their scripts, the start-up and shutdown
 * scripts. Before `since` the handler overwrote the value: the last one won. `global_defs` values
 * count across every global_defs block. Used by the rule that reports the repeats and by the script
 * references (an ignored notify line runs nothing). Example: two `notify_master` in one instance
 * with target 2.2.7 -> the second is ignored; with target 1.3.5 -> the first is.
 */
import type { Statement } from '../tree/index.js';
import { compareVersions, type Version } from '../versions/version.js';

export interface SingleValued {
  /** Which of keepalived's messages (the rule words it). */
  id: 'instanceNotify' | 'instanceDeleted' | 'groupNotify' | 'serverNotify' | 'fifo' | 'fifoScript' | 'startup';
  paths: string[];
  since: string;
}

export const SINGLE_VALUED: SingleValued[] = [
  {
    // b338a863 (1.3.6) "Fix memory leak if notify scripts specified multiple times".
    id: 'instanceNotify',
    paths: [
      'notify_backup',
      'notify_master',
      'notify_fault',
      'notify_stop',
      'notify',
      'notify_master_rx_lower_pri',
    ].map((k) => `vrrp_instance/${k}`),
    since: '1.3.6',
  },
  { id: 'instanceDeleted', paths: ['vrrp_instance/notify_deleted'], since: '2.1.0' },
  {
    id: 'groupNotify',
    paths: ['notify_backup', 'notify_master', 'notify_fault', 'notify_stop', 'notify'].map(
      (k) => `vrrp_sync_group/${k}`,
    ),
    since: '1.3.6',
  },
  {
    // b338a863 and ecd0ab23 (1.3.6).
    id: 'serverNotify',
    paths: [
      'virtual_server/real_server/notify_up',
      'virtual_server/real_server/notify_down',
      'virtual_server/quorum_up',
      'virtual_server/quorum_down',
    ],
    since: '1.3.6',
  },
  {
    // 04905cdc (1.3.6) added the FIFOs with this check.
    id: 'fifo',
    paths: ['notify_fifo', 'vrrp_notify_fifo', 'lvs_notify_fifo'].map((k) => `global_defs/${k}`),
    since: '1.3.6',
  },
  {
    id: 'fifoScript',
    paths: ['notify_fifo_script', 'vrrp_notify_fifo_script', 'lvs_notify_fifo_script'].map((k) => `global_defs/${k}`),
    since: '1.3.6',
  },
  { id: 'startup', paths: ['global_defs/startup_script', 'global_defs/shutdown_script'], since: '2.1.0' },
];

/** Asked for every statement (by the script references of each pass, and a rule): a map, not a search. */
const BY_PATH = new Map(SINGLE_VALUED.flatMap((x) => x.paths.map((p) => [p, x] as const)));

export function singleValued(path: string): SingleValued | undefined {
  return BY_PATH.get(path);
}

/**
 * The statements keepalived ignores among repeated single-valued keywords: every one after the
 * first from `since` on, every one before the last before it. Example: [notify_master a,
 * notify_master b] -> {b} (2.2.7), {a} (1.3.5).
 */
export function ignoredRepeats(statements: readonly Statement[], target: Version): Set<Statement> {
  // By keyword and block (global_defs values across every global_defs block), in source order.
  const groups = new Map<string, { single: SingleValued; list: Statement[] }>();
  const blockIds = new Map<Statement | null, number>();
  // Indexed loops over the statements (here and in the other walks of every statement): a loop
  // not yet optimised allocates an iterator result per step, hundreds of megabytes on 1173.conf.
  for (let i = 0; i < statements.length; i++) {
    const s = statements[i]!;
    const single = s.def ? singleValued(s.def.path) : undefined;
    if (!single) continue;
    const global = s.def!.path.startsWith('global_defs/');
    let id = global ? -1 : blockIds.get(s.parent);
    if (id === undefined) blockIds.set(s.parent, (id = blockIds.size));
    const key = `${s.def!.path}\0${id}`;
    const g = groups.get(key);
    if (g) g.list.push(s);
    else groups.set(key, { single, list: [s] });
  }
  const out = new Set<Statement>();
  for (const { single, list } of groups.values()) {
    if (list.length < 2) continue;
    const firstWins = compareVersions(target, single.since) >= 0;
    for (const s of firstWins ? list.slice(1) : list.slice(0, -1)) out.add(s);
  }
  return out;
}
