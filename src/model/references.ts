/**
 * Named definitions (vrrp_script, track_file, vrrp_instance, ...) and the words that refer to them,
 * in source order, as keepalived resolves them. Example:
 *
 *   vrrp_instance VI_1 { track_script { chk_web } }   vrrp_script chk_web { script /x }
 *   -> definitions [vrrp_instance VI_1 #0, vrrp_script chk_web #5]
 *      references  [{kind vrrp_script, name chk_web, index 3, ordered: true}]
 *
 * `index` is the position in the file as keepalived reads it (includes expanded), so an ordered
 * reference resolves only to a definition with a smaller index: keepalived looks those names up
 * while it parses (oracle case 30). Sync-group members and virtual_server groups are resolved after.
 */
import type { Token } from '../preprocess/types.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import { forEachStatement, perTree } from './memo.js';

export type DefinitionKind =
  | 'vrrp_script'
  | 'track_file'
  | 'track_process'
  | 'bfd_instance'
  | 'vrrp_instance'
  | 'virtual_server_group'
  | 'track_group';

/** keepalived's name for what a reference names, as its messages (and ours) print it. */
export const KIND_LABEL: Record<DefinitionKind, string> = {
  vrrp_script: 'vrrp_script',
  track_file: 'track_file',
  track_process: 'vrrp_track_process',
  bfd_instance: 'bfd_instance',
  vrrp_instance: 'vrrp_instance',
  virtual_server_group: 'virtual_server_group',
  track_group: 'track_group',
};

export interface Definition {
  kind: DefinitionKind;
  name: string;
  /** The name word, or the block keyword when the name is missing. */
  token: Token;
  statement: Statement;
  index: number;
}

export interface Reference {
  kind: DefinitionKind;
  name: string;
  token: Token;
  /** The keyword that carries the name: track_script, group, track_file, virtual_server, ... */
  keyword: Statement;
  /** The block the reference stands in (vrrp_instance VI_1, vrrp_sync_group SG, FILE_CHECK...). */
  owner: Statement | null;
  index: number;
  /** True when keepalived resolves the name while parsing: the definition must come first. */
  ordered: boolean;
}

/** Top-level block keyword -> the kind of name it defines (vrrp_track_file is the old track_file). */
const DEFINERS: Record<string, DefinitionKind> = {
  vrrp_script: 'vrrp_script',
  track_file: 'track_file',
  vrrp_track_file: 'track_file',
  vrrp_track_process: 'track_process',
  bfd_instance: 'bfd_instance',
  vrrp_instance: 'vrrp_instance',
  virtual_server_group: 'virtual_server_group',
  track_group: 'track_group',
};

/** Value blocks of vrrp_instance / vrrp_sync_group whose lines start with a tracked name. */
const TRACKERS: Record<string, DefinitionKind> = {
  track_script: 'vrrp_script',
  track_file: 'track_file',
  track_process: 'track_process',
  track_bfd: 'bfd_instance',
};

const STATIC_BLOCKS = new Set(['static_ipaddress', 'static_routes', 'static_rules']);

export interface References {
  definitions: Definition[];
  references: Reference[];
  /** The first definition of each kind and name (the one keepalived finds). */
  first: Map<DefinitionKind, Map<string, Definition>>;
}

export const collectReferences = perTree(deriveCollectReferences);

function deriveCollectReferences(tree: ConfigTree): References {
  const definitions: Definition[] = [];
  const references: Reference[] = [];
  // References are recorded on the statement being visited: its place in tree.all is the loop's.
  let index = 0;
  const ref = (kind: DefinitionKind, token: Token, keyword: Statement, ordered: boolean) =>
    references.push({ kind, name: token.text, token, keyword, owner: keyword.parent, index, ordered });
  forEachStatement(tree, (st, at) => {
    index = at;
    const kw = st.keyword.text;
    const parent = st.parent?.keyword.text;
    if (!st.parent && st.def && DEFINERS[kw]) {
      definitions.push({
        kind: DEFINERS[kw],
        name: st.args[0]?.text ?? '',
        token: st.args[0] ?? st.keyword,
        statement: st,
        index,
      });
    }
    if ((parent === 'vrrp_instance' || parent === 'vrrp_sync_group') && st.def && TRACKERS[kw]) {
      for (const line of st.values) if (line.tokens[0]) ref(TRACKERS[kw], line.tokens[0], st, true);
    }
    if (parent === 'vrrp_sync_group' && kw === 'group' && st.def) {
      for (const line of st.values) for (const t of line.tokens) ref('vrrp_instance', t, st, false);
    }
    if (!st.parent && kw === 'virtual_server' && st.args[0]?.text === 'group' && st.args[1])
      ref('virtual_server_group', st.args[1], st, false);
    if (parent === 'FILE_CHECK' && kw === 'track_file' && st.args[0]) ref('track_file', st.args[0], st, true);
    if (parent === 'BFD_CHECK' && kw === 'name' && st.args[0]) ref('bfd_instance', st.args[0], st, true);
    if (!st.parent && STATIC_BLOCKS.has(kw)) {
      for (const line of st.values) {
        const at = line.tokens.findIndex((t) => t.text === 'track_group');
        const name = at >= 0 ? line.tokens[at + 1] : undefined;
        if (name) ref('track_group', name, st, true);
      }
    }
  });
  const first = new Map<DefinitionKind, Map<string, Definition>>();
  for (const d of definitions) {
    let names = first.get(d.kind);
    if (!names) first.set(d.kind, (names = new Map()));
    if (!names.has(d.name)) names.set(d.name, d);
  }
  return { definitions, references, first };
}

/** The definition a reference resolves to (the first of that kind and name), or undefined. */
export function definitionOf(refs: References, r: Reference): Definition | undefined {
  return refs.first.get(r.kind)?.get(r.name);
}

/** The top-level block a statement stands in (vrrp_instance VI_1 for its track_script). */
export function topBlock(st: Statement): Statement {
  let s = st;
  while (s.parent) s = s.parent;
  return s;
}
