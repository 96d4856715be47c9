/**
 * Words of a script line judged as instance/group names and as user names, with the evidence a
 * message can cite. A word in `script "/x/check-fip.sh VI_ingres"` counts as a name only with
 * evidence: the same program gets a defined name at that position elsewhere, the word is the stem
 * of a split (`gateway` when `gateway_v4` and `gateway_v6` exist), a one- or two-letter slip of a
 * defined name, or it follows the owner's naming scheme (`VI_` of VI_1). Example:
 *
 *   vrrp_instance VI_1 { notify_master "/x.sh VI_1" }  vrrp_instance VI_2 { notify_master "/x.sh VI_3" }
 *   -> "VI_3": { kind: 'position', other call passes VI_1 } (and the VI_ scheme)
 *
 * The English of that evidence (nameEvidence) lives in rules/script-name-argument.ts.
 */
import type { Origin } from '../preprocess/types.js';
import { eachUnder, fitted, type ConfigTree, type Statement } from '../tree/index.js';
import { perStatement, perTree } from './memo.js';
import { collectReferences } from './references.js';
import type { ScriptRef } from './scripts.js';
import { parseAddress } from './values.js';

/** The instances/groups a reference acts for: its block, or those that track its vrrp_script. */
export function ownerNames(ref: ScriptRef, tree: ConfigTree): string[] {
  if (ref.owner.kind === 'vrrp_instance' || ref.owner.kind === 'vrrp_sync_group') return [ref.owner.name];
  if (ref.owner.kind !== 'vrrp_script') return [];
  let trackers = TRACKERS.get(tree);
  if (!trackers) {
    const sets = new Map<string, Set<string>>();
    for (const r of collectReferences(tree).references) {
      const owner = r.owner?.args[0]?.text;
      if (r.kind !== 'vrrp_script' || !owner) continue;
      const set = sets.get(r.name);
      if (set) set.add(owner);
      else sets.set(r.name, new Set([owner]));
    }
    trackers = new Map([...sets].map(([name, owners]) => [name, [...owners]]));
    TRACKERS.set(tree, trackers);
  }
  return trackers.get(ref.owner.name) ?? [];
}

/** vrrp_script name -> the instances and groups that track it, once per tree. */
const TRACKERS = new WeakMap<ConfigTree, Map<string, string[]>>();

/** Interface names the config uses (interface, track_interface, `dev X`, use_vmac names). */
export function configInterfaces(tree: ConfigTree): Set<string> {
  return union(tree, interfacesUnder);
}

/**
 * The names `under` gives for each top-level statement, together. Each is worked out once however
 * many config-id passes share the statement (src/tree passTree).
 */
function union(tree: ConfigTree, under: (top: Statement, tree: ConfigTree) => readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < tree.top.length; i++) {
    const names = under(tree.top[i]!, tree);
    for (let j = 0; j < names.length; j++) out.add(names[j]!);
  }
  return out;
}

const interfacesUnder = perStatement((top: Statement): string[] => {
  // A block names a few interfaces, most of them again and again (interface eth0, dev eth0).
  const out: string[] = [];
  const add = (name: string) => {
    if (!out.includes(name)) out.push(name);
  };
  eachUnder(top, (st) => {
    const kw = st.keyword.text;
    if ((kw === 'interface' || kw === 'use_vmac') && st.args[0]) add(st.args[0].text);
    if (kw === 'track_interface') for (const l of st.values) if (l.tokens[0]) add(l.tokens[0].text);
    addDevs(st.args, add);
    for (let j = 0; j < st.values.length; j++) addDevs(st.values[j]!.tokens, add);
  });
  // Kept for as long as the statement (one list per top-level statement): at its size.
  return fitted(out);
});

/** The word after each `dev` (virtual_ipaddress, routes). */
function addDevs(words: readonly { text: string }[], add: (name: string) => void): void {
  for (let i = 0; i + 1 < words.length; i++) if (words[i]!.text === 'dev') add(words[i + 1]!.text);
}

const STATES = /^(master|backup|fault|stop|deleted|instance|group)$/i;

/** A VRRP state or notify type word (MASTER, backup, INSTANCE...). */
export function isState(word: string): boolean {
  return STATES.test(word);
}

/**
 * Words that are something else than a name: numbers, addresses, paths, options, states, URLs,
 * the config's interfaces (`interfaces` is asked only for a word that could be a name).
 */
export function notAName(word: string, interfaces: () => ReadonlySet<string>): boolean {
  return (
    !/[A-Za-z]/.test(word) ||
    /[/=\s"'$]|^-/.test(word) ||
    STATES.test(word) ||
    interfaces().has(word) ||
    parseAddress(word.split('/')[0]!) !== null
  );
}

/** User names the config itself sets (script_user, `user` lines, FIFO users), plus the usual ones. */
export function configUsers(tree: ConfigTree): Set<string> {
  const out = union(tree, usersUnder);
  for (const u of ['root', 'keepalived_script', 'nobody']) out.add(u);
  return out;
}

const usersUnder = perStatement((top: Statement): string[] => {
  const out: string[] = [];
  eachUnder(top, (st) => {
    const kw = st.keyword.text;
    if ((kw === 'script_user' || kw === 'user') && st.args[0]) out.push(st.args[0].text);
    if (kw.endsWith('notify_fifo') && st.args[1]) out.push(st.args[1].text);
  });
  return fitted(out);
});

/** useradd's NAME_REGEX, relaxed to upper case: what an account name can look like. */
export function userShaped(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/.test(word);
}

/** The name word of an instance or group definition, for `related`. */
export function definitionOrigin(
  named: { instances: Map<string, Statement>; groups: Map<string, Statement> },
  name: string,
): Origin | null {
  const st = named.instances.get(name) ?? named.groups.get(name);
  return st ? (st.args[0] ?? st.keyword).origin : null;
}

export function list(names: readonly string[], max = 4): string {
  const q = names.slice(0, max).map((n) => JSON.stringify(n));
  return names.length > max ? `${q.join(', ')} and ${names.length - max} more` : q.join(', ');
}

/**
 * global_defs' vmac_prefix ("vrrp" when none), once per tree: it was looked for among the
 * top-level statements for each script reference (20,000 instances with a notify: 7 s).
 */
const vmacPrefix = perTree(
  (tree) =>
    tree.top
      .filter((s) => s.keyword.text === 'global_defs')
      .flatMap((g) => g.children)
      .find((c) => c.def && c.keyword.text === 'vmac_prefix')?.args[0]?.text ?? 'vrrp',
);

/**
 * The interface an instance's VRRP runs on: with use_vmac, the VMAC (`use_vmac NAME`, else
 * `<vmac_prefix or vrrp>.<VRID>`, vrrp.c create_vmac_name()); without, its `interface`.
 */
export function vmacInterface(
  instance: Statement,
  tree: ConfigTree,
): { vmac: boolean; name: string | null; named: Origin | null; prefix: string } {
  const kids = instance.children.filter((c) => c.def);
  const prefix = vmacPrefix(tree);
  const vmac = kids.filter((c) => c.keyword.text === 'use_vmac').at(-1);
  if (!vmac)
    return {
      vmac: false,
      name: kids.filter((c) => c.keyword.text === 'interface' && c.args[0]).at(-1)?.args[0]!.text ?? null,
      named: null,
      prefix,
    };
  // 2.2.7 reads up to two words, a MAC (has ':') or the name; later versions add `name`, `group G`,
  // `netlink_notify_msg`.
  const words = vmac.args.filter(
    (t, i) =>
      !t.text.includes(':') &&
      !['name', 'group', 'netlink_notify_msg'].includes(t.text) &&
      vmac.args[i - 1]?.text !== 'group',
  );
  if (words[0]) return { vmac: true, name: words[0].text, named: words[0].origin, prefix };
  const vrid = kids.filter((c) => c.keyword.text === 'virtual_router_id' && /^\d+$/.test(c.args[0]?.text ?? '')).at(-1)
    ?.args[0]?.text;
  return { vmac: true, name: vrid ? `${prefix}.${Number(vrid)}` : null, named: null, prefix };
}
