/**
 * The scripts a config runs, read with keepalived's own word rules (SYNTAX.md section 8): the
 * first word (quoted or not) is the command string, split shell-style into argv; unquoted words
 * after it are the user and group. Each reference knows its hook, the instance or group it
 * belongs to, and where the instance/group name reaches the script. Example:
 *
 *   vrrp_instance gw { notify "/etc/keepalived/route.sh --site dc1" }
 *   -> { hook: 'notify', owner: vrrp_instance gw, command: /etc/keepalived/route.sh,
 *        args: [--site, dc1], nameSource: { kind: 'argv', position: 4 } }   (TYPE $3, NAME $4)
 */
import type { Expansion, Origin } from '../preprocess/types.js';
import { eachUnder, fitted, noItems, type ConfigTree, type Statement } from '../tree/index.js';
import type { NameSource } from '../scripts/analyze.js';
import type { ScriptCall } from '../scripts/store.js';
import { compareVersions, type Version } from '../versions/version.js';
import { readCommandLine, type ArgvWord } from './script-command.js';
import { perStatement, perTree } from './memo.js';
import { ignoredRepeats } from './single-valued.js';

/** `$N` as a NameSource: one shared, frozen object per position (10,000 notify lines: 10,000 alike). */
const ARGV_SOURCES: NameSource[] = [];
function argvSource(position: number): NameSource {
  return (ARGV_SOURCES[position] ??= Object.freeze({ kind: 'argv', position }));
}

/** The words of a line that has none (args, ignored: shared, frozen). */
const NO_WORDS = noItems<ScriptWord>();

export interface ScriptWord {
  text: string;
  origin: Origin;
  via: Expansion[];
  /** Characters that were quoted in the config (so a shell metacharacter there is meant). */
  quoted: boolean;
}

export type OwnerKind =
  | 'vrrp_instance'
  | 'vrrp_sync_group'
  | 'global_defs'
  | 'vrrp_script'
  | 'real_server'
  | 'virtual_server';

/** A script reference; the script store reads it as a ScriptCall. */
export interface ScriptRef extends ScriptCall {
  statement: Statement;
  /** The keyword: notify, notify_master, script, misc_path, vrrp_notify_fifo_script, ... */
  hook: string;
  owner: { kind: OwnerKind; name: string; statement: Statement | null };
  /** The command string as keepalived reads word 1. */
  commandString: ScriptWord;
  /** argv[0] and the rest; argv[0] is absent for an empty string. */
  command: ScriptWord | null;
  args: ScriptWord[];
  user: ScriptWord | null;
  group: ScriptWord | null;
  /** Words keepalived ignores (vrrp_script `script /x arg`: only word 1 counts). */
  ignored: ScriptWord[];
  /** Where the instance/group name reaches the script, when keepalived passes it. */
  nameSource: NameSource | null;
  /** The names that can arrive there (the owner, or every instance and group for a FIFO). */
  names: string[];
  /**
   * The name is a word written in the line (`script "/x/check.sh VI_1"`, `notify_master "/x.sh
   * INSTANCE VI_1 MASTER"`): the first argument that names an instance or group, as keepalived
   * passes no name to these hooks.
   */
  nameWritten?: boolean;
}

const INSTANCE_HOOKS = new Set([
  'notify',
  'notify_master',
  'notify_backup',
  'notify_fault',
  'notify_stop',
  'notify_deleted',
  'notify_master_rx_lower_pri',
]);
const GROUP_HOOKS = new Set(['notify', 'notify_master', 'notify_backup', 'notify_fault', 'notify_stop']);
const GLOBAL_HOOKS = new Set([
  'notify_fifo_script',
  'vrrp_notify_fifo_script',
  'lvs_notify_fifo_script',
  'startup_script',
  'shutdown_script',
]);
const VRRP_FIFO_HOOKS = new Set(['notify_fifo_script', 'vrrp_notify_fifo_script']);
/**
 * Hooks keepalived passes no name to, whose line may write one for the script (a check script
 * told which instance it guards, a notify_master that writes its own arguments).
 */
const WRITTEN_NAME_HOOKS = new Set([...INSTANCE_HOOKS, 'script', 'misc_path']);
/** Every keyword that is a script reference somewhere (the others are passed over at once). */
const ANY_HOOK = new Set([
  ...INSTANCE_HOOKS,
  ...GROUP_HOOKS,
  ...GLOBAL_HOOKS,
  'script',
  'misc_path',
  'notify_up',
  'notify_down',
  'quorum_up',
  'quorum_down',
]);
/**
 * Whether a line with this first word can be a script reference (scriptRefs reads its line again,
 * readCommandLine): the loader keeps the text of these lines only (PreprocessOptions.rawLines).
 */
export function isScriptKeyword(keyword: string): boolean {
  return ANY_HOOK.has(keyword);
}

/**
 * The statements of a top-level statement (itself included) whose keyword can be a script hook, in
 * tree order: walked once however many config-id passes share the statement (1173.conf: three
 * passes of 213,000 statements, 300 hooks).
 */
const hooksUnder = perStatement((top: Statement): Statement[] => {
  const out: Statement[] = [];
  eachUnder(top, (st) => {
    if (ANY_HOOK.has(st.keyword.text)) out.push(st);
  });
  // Kept for as long as the statement (one list per top-level statement): at its size.
  return fitted(out);
});

/** Hooks that use word 1 only (user and group come from a `user` keyword). */
const COMMAND_ONLY = new Set(['script', 'misc_path']);

export interface NamedBlocks {
  instances: Map<string, Statement>;
  groups: Map<string, Statement>;
}

/** Instances and sync groups by name, once per tree (scriptRefs, the engine and the rules ask). */
export const namedBlocks = perTree(deriveNamedBlocks);

function deriveNamedBlocks(tree: ConfigTree): NamedBlocks {
  const instances = new Map<string, Statement>();
  const groups = new Map<string, Statement>();
  for (const st of tree.top) {
    const name = st.args[0]?.text;
    if (!name) continue;
    if (st.keyword.text === 'vrrp_instance' && !instances.has(name)) instances.set(name, st);
    if (st.keyword.text === 'vrrp_sync_group' && !groups.has(name)) groups.set(name, st);
  }
  return { instances, groups };
}

export function scriptRefs(tree: ConfigTree, target: Version): ScriptRef[] {
  const named = namedBlocks(tree);
  const everyName = [...named.instances.keys(), ...named.groups.keys()];
  const out: ScriptRef[] = [];
  const hooks: Statement[] = [];
  for (let i = 0; i < tree.top.length; i++) {
    const under = hooksUnder(tree.top[i]!, tree);
    for (let j = 0; j < under.length; j++) hooks.push(under[j]!);
  }
  // A repeated notify line keepalived ignores runs nothing (duplicate-keyword reports it). Its
  // repeats are lines of the same keyword, so hooks too.
  const ignored = ignoredRepeats(hooks, target);
  for (let i = 0; i < hooks.length; i++) {
    const st = hooks[i]!;
    const hook = st.keyword.text;
    if (ignored.has(st)) continue;
    const block = st.parent?.keyword.text ?? '';
    const blockName = st.parent?.args[0]?.text ?? '';
    let owner: ScriptRef['owner'] | null = null;
    if (block === 'vrrp_instance' && INSTANCE_HOOKS.has(hook))
      owner = { kind: 'vrrp_instance', name: blockName, statement: st.parent };
    else if (block === 'vrrp_sync_group' && GROUP_HOOKS.has(hook))
      owner = { kind: 'vrrp_sync_group', name: blockName, statement: st.parent };
    else if (block === 'global_defs' && GLOBAL_HOOKS.has(hook))
      owner = { kind: 'global_defs', name: '', statement: st.parent };
    else if (block === 'vrrp_script' && hook === 'script')
      owner = { kind: 'vrrp_script', name: blockName, statement: st.parent };
    else if (block === 'MISC_CHECK' && hook === 'misc_path')
      owner = { kind: 'real_server', name: '', statement: st.parent?.parent ?? null };
    else if (block === 'real_server' && (hook === 'notify_up' || hook === 'notify_down'))
      owner = { kind: 'real_server', name: '', statement: st.parent };
    else if (block === 'virtual_server' && (hook === 'quorum_up' || hook === 'quorum_down'))
      owner = { kind: 'virtual_server', name: '', statement: st.parent };
    if (!owner) continue;
    const cmd = readCommandLine(st, target);
    // A literal of its four fields (a spread gave each word a second object for its properties).
    const word = (w: ArgvWord): ScriptWord => {
      const at = cmd.wordOrigin(w);
      return { text: w.text, origin: at.origin, via: at.via, quoted: w.quoted };
    };
    const words = cmd.words.map(word);
    const first = words[0];
    if (!first) continue;
    // A command string of one word (nearly every line) is its own argv: the same word.
    const argv = cmd.argv.map((w, i) => (i === 0 && w === cmd.words[0] ? first : word(w)));
    // Unquoted words after the command are user and group from 1.3.0; before, keepalived ignored them.
    const commandOnly = COMMAND_ONLY.has(hook) || compareVersions(target, [1, 3, 0]) < 0;
    const ref: ScriptRef = {
      statement: st,
      hook,
      owner,
      commandString: first,
      command: argv[0] ?? null,
      args: argv.length > 1 ? argv.slice(1) : NO_WORDS,
      user: commandOnly ? null : (words[1] ?? null),
      group: commandOnly ? null : (words[2] ?? null),
      ignored: words.length > (commandOnly ? 1 : 3) ? words.slice(commandOnly ? 1 : 3) : NO_WORDS,
      nameSource: null,
      names: [],
    };
    if (hook === 'notify' && (owner.kind === 'vrrp_instance' || owner.kind === 'vrrp_sync_group')) {
      // TYPE NAME STATE PRIORITY follow the configured arguments; before 2.0.0 the whole string
      // was one quoted word, so the name was always $2.
      const position = compareVersions(target, [2, 0, 0]) >= 0 ? ref.args.length + 2 : 2;
      ref.nameSource = argvSource(position);
      ref.names = [owner.name];
    } else if (hook !== 'notify' && (owner.kind === 'vrrp_instance' || owner.kind === 'vrrp_sync_group')) {
      // notify_master & co. run the line as written: with fewer than two words after the
      // command, $2 (where `notify` passes the name) is empty.
      if (ref.args.length < 2) ref.unpassedName = { kind: 'argv', position: 2 };
    } else if (VRRP_FIFO_HOOKS.has(hook)) {
      ref.nameSource = { kind: 'fifo' };
      ref.names = everyName;
    }
    if (!ref.nameSource && WRITTEN_NAME_HOOKS.has(hook)) {
      const i = ref.args.findIndex((a) => named.instances.has(a.text) || named.groups.has(a.text));
      if (i >= 0) {
        ref.nameSource = { kind: 'argv', position: i + 1 };
        ref.names = [ref.args[i]!.text];
        ref.nameWritten = true;
      }
    }
    out.push(ref);
  }
  return out;
}

/** "notify of vrrp_instance gw", "vrrp_notify_fifo_script" - how messages name a reference. */
export function hookLabel(ref: ScriptRef): string {
  return ref.owner.name ? `${ref.hook} of ${ref.owner.kind} ${ref.owner.name}` : ref.hook;
}
