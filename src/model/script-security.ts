/**
 * keepalived's script security, as the script rules need it (VERSIONS.md 5, lib/notify.c): whether
 * `enable_script_security` is set, who runs each script, which SECURITY VIOLATION message its
 * process prints, and what keepalived does with a script it cannot run. Example:
 *
 *   global_defs { script_user root }   vrrp_instance VI_1 { notify_master /x.sh }
 *   -> security { enabled: null, scriptUser: script_user root }
 *      runAs(notify_master) = { user: 'root', source: 'script_user' }, family 'vrrp'
 */
import type { Origin } from '../preprocess/types.js';
import { describeScope, type ConfigTree, type Statement } from '../tree/index.js';
import { compareVersions, formatVersion, type Version } from '../versions/version.js';
import { collectReferences } from './references.js';
import type { ScriptRef } from './scripts.js';
import { perTree, topKeywords } from './memo.js';

/** keepalived checks scripts (missing, unsafe) and disables them from 1.3.0; before, /bin/sh ran them. */
export const SCRIPT_CHECKS = '1.3.0';
/** Non-executable scripts are disabled from 1.3.2 (commit 8e05c9a0); 1.3.0-1.3.1 only warned. */
export const NOT_EXECUTABLE_DISABLED = '1.3.2';
/** From 2.0.7 the script-security findings go through report_config_error, so `-t` shows them. */
export const TEST_SHOWS_SECURITY = '2.0.7';

/**
 * A command keepalived checks and runs as a program: not empty, and not `</path`, which only tests
 * that the file opens (SC_SYSTEM: never executed, never checked, never a SECURITY VIOLATION).
 */
export function runsProgram(ref: ScriptRef): ref is ScriptRef & { command: NonNullable<ScriptRef['command']> } {
  return !!ref.command && !/^<\s*\//.test(ref.command.text);
}

export interface ScriptSecurity {
  /** global_defs `enable_script_security`. */
  enabled: Statement | null;
  /** global_defs `script_user USER [GROUP]` (the last one). */
  scriptUser: Statement | null;
}

export function scriptSecurity(tree: ConfigTree): ScriptSecurity {
  const sec: ScriptSecurity = { enabled: null, scriptUser: null };
  for (const g of tree.top) {
    if (g.keyword.text !== 'global_defs') continue;
    for (const st of g.children) {
      if (st.keyword.text === 'enable_script_security') sec.enabled ??= st;
      if (st.keyword.text === 'script_user' && st.args[0]) sec.scriptUser = st;
    }
  }
  return sec;
}

export interface RunAs {
  /** null: no user anywhere, so keepalived's default (keepalived_script if it exists). */
  user: string | null;
  group: string | null;
  source: 'word' | 'keyword' | 'script_user' | 'default';
  at: Origin | null;
}

/** Who runs the script: its own user word (or `user` keyword), else script_user, else the default. */
export function runAs(ref: ScriptRef, sec: ScriptSecurity): RunAs {
  const block =
    ref.owner.kind === 'vrrp_script' ? ref.owner.statement : ref.hook === 'misc_path' ? ref.statement.parent : null;
  const keyword = block?.children.filter((c) => c.keyword.text === 'user' && c.args[0]).at(-1);
  if (keyword)
    return {
      user: keyword.args[0]!.text,
      group: keyword.args[1]?.text ?? null,
      source: 'keyword',
      at: keyword.keyword.origin,
    };
  if (ref.user) return { user: ref.user.text, group: ref.group?.text ?? null, source: 'word', at: ref.user.origin };
  const su = sec.scriptUser;
  if (su)
    return { user: su.args[0]!.text, group: su.args[1]?.text ?? null, source: 'script_user', at: su.keyword.origin };
  return { user: null, group: null, source: 'default', at: null };
}

/** keepalived protects a script when it runs with uid 0 or gid 0 (`need_script_protection`). */
export function isRoot(r: RunAs): boolean {
  return r.user === 'root' || r.group?.replace(/^:/, '') === 'root';
}

export type ScriptFamily = 'vrrp' | 'check' | 'startup';

/**
 * The processes that check the script and print their SECURITY VIOLATION for it: the VRRP process
 * only with a vrrp_instance, the checker only with a virtual_server (both check notify_fifo_script).
 */
export function scriptFamilies(ref: ScriptRef, tree: ConfigTree): ScriptFamily[] {
  const top = topKeywords(tree);
  const has = (k: string) => top.has(k);
  const out: ScriptFamily[] = [];
  const global = ref.owner.kind === 'global_defs';
  if (ref.hook === 'startup_script' || ref.hook === 'shutdown_script') return ['startup'];
  const check =
    ref.owner.kind === 'real_server' || ref.owner.kind === 'virtual_server' || ref.hook === 'lvs_notify_fifo_script';
  if (has('vrrp_instance') && (!check || (global && ref.hook === 'notify_fifo_script'))) out.push('vrrp');
  if (has('virtual_server') && (check || (global && ref.hook === 'notify_fifo_script'))) out.push('check');
  return out;
}

/** `notify_master of vrrp_instance VI_1`, `vrrp_script chk_web`, `misc_path of real_server 10.0.0.2`. */
export function describeRef(ref: ScriptRef): string {
  const o = ref.owner;
  if (o.kind === 'vrrp_script') return `vrrp_script ${o.name}`;
  if (o.kind === 'global_defs') return `${ref.hook} in global_defs`;
  return `${ref.hook} of ${o.name ? `${o.kind} ${o.name}` : describeScope(o.statement)}`;
}

/** The instances and sync groups whose track_script names this vrrp_script. */
export function trackersOf(tree: ConfigTree, script: string): string[] {
  return trackersByScript(tree).get(script) ?? [];
}

/**
 * The blocks that track each vrrp_script, once per tree (the references were filtered for each
 * script asked about: 40,000 vrrp_scripts that cannot run took 14 s).
 */
const trackersByScript = perTree((tree) => {
  const out = new Map<string, Set<string>>();
  for (const r of collectReferences(tree).references) {
    if (r.kind !== 'vrrp_script') continue;
    let blocks = out.get(r.name);
    if (!blocks) out.set(r.name, (blocks = new Set()));
    blocks.add(describeScope(r.owner));
  }
  return new Map([...out].map(([name, blocks]) => [name, [...blocks]]));
});

/**
 * What keepalived does with a script it cannot run. From `since` it disables it, printing
 * "Disabling track script X <track>" for a vrrp_script (null: silently, oracle case B); before,
 * /bin/sh ran it and failed (126 or 127) at every call.
 */
export function disabledEffect(
  ref: ScriptRef,
  tree: ConfigTree,
  target: Version,
  since: string,
  track: string | null,
): string {
  const checked = compareVersions(target, since) >= 0;
  if (ref.owner.kind === 'vrrp_script') {
    const trackers = trackersOf(tree, ref.owner.name);
    const who = trackers.length ? trackers.join(', ') : 'the instances that would track it (none does)';
    const one = trackers.length === 1;
    if (!checked)
      return (
        `runs it through /bin/sh, where it fails at every interval: ` +
        `${who} ${one ? 'loses' : 'lose'} its weight, or ${one ? 'goes' : 'go'} ` +
        `to FAULT when it has none`
      );
    const said =
      track === null
        ? 'silently, even under keepalived -t'
        : `"Disabling track script ${ref.owner.name} ${track}"` +
          (compareVersions(target, TEST_SHOWS_SECURITY) >= 0 ? ', also under keepalived -t' : ', in syslog only');
    return (
      `disables the check (${said}), so ${who} ${one ? 'runs' : 'run'} ` +
      `without it: its failures never lower the priority or ` +
      `cause FAULT`
    );
  }
  if (ref.hook === 'misc_path') {
    return checked
      ? 'removes the MISC_CHECK (in syslog only), so the real server stays in the pool unchecked'
      : 'runs it through /bin/sh, where it always fails, so the real server is taken out of the pool';
  }
  return (
    `${checked ? 'drops it (keepalived -t says nothing)' : 'runs it through /bin/sh, where it fails'}, ` +
    `so the ${describeRef(ref)} never runs: what it should ` +
    `do on that event (routes, services, alerts) never happens`
  );
}

/** ` (on 1.2.24 ...)`: how --from handled the same script, when the checks came in between. */
export function fromNote(from: Version | null, target: Version, since: string): string {
  if (!from || compareVersions(from, since) >= 0 || compareVersions(target, since) < 0) return '';
  return (
    ` (keepalived ${formatVersion(from)} still ran it through ` +
    `/bin/sh, which failed; from ${since} keepalived disables ` +
    `it instead)`
  );
}
