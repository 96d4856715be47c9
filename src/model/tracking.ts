/**
 * What a vrrp_instance tracks, with the weight keepalived gives each tracker, and the sync group it
 * ends up in. keepalived's vrrp_complete_instance() drops a weighted tracker of an address owner
 * (priority 255) or of a sync group member (unless sync_group_tracking_weight), and a
 * track_interface that names the instance's own interface. Example:
 *
 *   vrrp_script chk { script /x; weight -20 }   vrrp_instance A { interface eth0; track_script { chk } }
 *   -> trackers(A) = [{ kind: 'script', name: 'chk', weight: -20, token: <chk> }]
 */
import type { Token } from '../preprocess/types.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import { collectReferences, definitionOf, type Definition, type Reference } from './references.js';
import { perTree } from './memo.js';
import type { VrrpInstance } from './vrrp.js';

export type TrackerKind = 'script' | 'interface' | 'file';

export interface Tracker {
  kind: TrackerKind;
  name: string;
  /** The tracked name in the track_* block (where the operator reads the tracker). */
  token: Token;
  /** The weight keepalived ends with: the line's `weight N`, else the definition's, else the default. */
  weight: number;
}

const INT = /^-?\d+$/;

/** `NAME weight N ...`: the weight N (in -254..254, as read_int_strvec reads it), null: none, false: not kept. */
function lineWeight(tokens: readonly Token[]): number | null | false {
  if (tokens.length < 2) return null;
  if (tokens[1]!.text !== 'weight' || tokens.length < 3) return false; // "unknown option" / "without value": ignored
  const w = tokens[2]!.text;
  return INT.test(w) && Math.abs(Number(w)) <= 254 ? Math.max(-253, Math.min(253, Number(w))) : null;
}

/** The last valid `weight` of a vrrp_script (-253..253, default 0) or track_file (-254..254, default 1). */
function definedWeight(def: Definition | undefined, fallback: number, limit: number): number {
  const w = def?.statement.children
    .filter((c) => c.def && c.keyword.text === 'weight' && INT.test(c.args[0]?.text ?? ''))
    .filter((c) => Math.abs(Number(c.args[0]!.text)) <= limit)
    .at(-1);
  return w ? Number(w.args[0]!.text) : fallback;
}

const trackIndex = perTree((tree: ConfigTree) => {
  const refs = collectReferences(tree);
  // A word can stand in several lines (a ~SEQ gives the lines of a definition again with the
  // same words: src/preprocess extraLine): each reference is found with its block too.
  // Nearly every word stands once: its reference alone, a list only for a word in several lines
  // (10,000 instances: 20,000 lists of one).
  const byToken = new Map<Token, Reference | Reference[]>();
  for (const r of refs.references) {
    const had = byToken.get(r.token);
    if (had === undefined) byToken.set(r.token, r);
    else if (Array.isArray(had)) had.push(r);
    else byToken.set(r.token, [had, r]);
  }
  const resolve = (r: Reference | undefined) => {
    const d = r && definitionOf(refs, r);
    return d && (!r!.ordered || d.index < r!.index) ? d : undefined;
  };
  return { byToken, resolve };
});

/**
 * The definition keepalived finds for a name in a track_* block of a vrrp_instance or
 * vrrp_sync_group (track_script, track_file, track_process, track_bfd): the first of its kind and
 * name, and only when it comes before the block (keepalived looks it up while it parses: "track
 * script chk not found, ignoring..."), else undefined. `token`: the name, `block`: the track_* statement.
 */
export function trackedDefinition(tree: ConfigTree, token: Token, block: Statement): Definition | undefined {
  const { byToken, resolve } = trackIndex(tree);
  const had = byToken.get(token);
  return resolve(Array.isArray(had) ? had.find((r) => r.keyword === block) : had?.keyword === block ? had : undefined);
}

/**
 * The trackers keepalived keeps for an instance after parsing (alloc_track_script/_if/_file):
 * names that resolve, the first line for a name, lines whose option is not `weight` left out.
 */
export function trackers(tree: ConfigTree, inst: VrrpInstance): Tracker[] {
  const out: Tracker[] = [];
  const seen = new Set<string>();
  for (const block of inst.statement.children.filter((c) => c.def)) {
    const kind: TrackerKind | undefined =
      block.keyword.text === 'track_script'
        ? 'script'
        : block.keyword.text === 'track_interface'
          ? 'interface'
          : block.keyword.text === 'track_file'
            ? 'file'
            : undefined;
    if (!kind) continue;
    for (const line of block.values) {
      const token = line.tokens[0];
      if (!token || seen.has(`${kind}\0${token.text}`)) continue;
      const own = lineWeight(line.tokens);
      if (own === false) continue;
      let weight: number;
      if (kind === 'interface') weight = own ?? 0;
      else {
        const def = trackedDefinition(tree, token, block);
        if (!def) continue;
        weight = own ?? (kind === 'script' ? definedWeight(def, 0, 253) : definedWeight(def, 1, 254));
      }
      seen.add(`${kind}\0${token.text}`);
      out.push({ kind, name: token.text, token, weight });
    }
  }
  return out;
}

export interface SyncGroup {
  statement: Statement;
  name: string;
  /** Members keepalived keeps: instances that exist and are in no earlier group, with the word naming them. */
  members: { instance: VrrpInstance; token: Token }[];
  /** sync_group_tracking_weight (or the deprecated global_tracking): members keep their weights. */
  keepsWeights: Statement | undefined;
}

/** vrrp_sync_group blocks as keepalived's vrrp_sync_set_group() resolves them, in source order. */
export function syncGroups(tree: ConfigTree, instances: readonly VrrpInstance[]): SyncGroup[] {
  const taken = new Set<string>();
  const out: SyncGroup[] = [];
  // The first instance of each name (as a search from the start finds it): one lookup per member.
  const byName = new Map<string, VrrpInstance>();
  for (const i of instances) if (!byName.has(i.name)) byName.set(i.name, i);
  for (const st of tree.top.filter((s) => s.def && s.keyword.text === 'vrrp_sync_group')) {
    const members: SyncGroup['members'] = [];
    for (const g of st.children.filter((c) => c.def && c.keyword.text === 'group'))
      for (const line of g.values)
        for (const token of line.tokens) {
          const instance = byName.get(token.text);
          if (!instance || taken.has(instance.name)) continue;
          taken.add(instance.name);
          members.push({ instance, token });
        }
    const keepsWeights = st.children.find(
      (c) => c.def && (c.keyword.text === 'sync_group_tracking_weight' || c.keyword.text === 'global_tracking'),
    );
    out.push({ statement: st, name: st.args[0]?.text ?? '', members, keepsWeights });
  }
  return out;
}
