/**
 * The settings keepalived's vrrp_complete_instance() derives for each vrrp_instance after parsing:
 * VRRP version, strict mode, initial state, priority, nopreempt, authentication. Each value keeps
 * the statement that decided it, so a message can say why. Example:
 *
 *   global_defs { vrrp_version 3 }  vrrp_instance A { virtual_ipaddress { 192.0.2.1 } }
 *   -> { name: 'A', version: 3, versionFrom: { kind: 'global', at: <vrrp_version> }, strict: false, ... }
 */
import type { ConfigTree, Statement } from '../tree/index.js';
import { compareVersions, type Version } from '../versions/version.js';
import { vrrpInstances, type VrrpInstance } from './vrrp.js';

export type VersionReason =
  | { kind: 'instance'; at: Statement }
  | { kind: 'global'; at: Statement }
  | { kind: 'ipv6'; instance: VrrpInstance }
  | { kind: 'default' };

export interface InstanceSettings {
  instance: VrrpInstance;
  name: string;
  version: 2 | 3;
  versionFrom: VersionReason;
  /** The vrrp_strict (global) or strict_mode (instance) statement that turns strict mode on. */
  strict: Statement | undefined;
  /** The `state MASTER` statement (keepalived ignores a later `state BACKUP`). */
  master: Statement | undefined;
  /** The last valid `priority`, and its value (undefined: not set). */
  priority: { at: Statement; value: number } | undefined;
  /** The last `nopreempt` when no `preempt` follows it. */
  nopreempt: Statement | undefined;
  authentication: Statement | undefined;
  /** auth_type PASS or AH (anything else leaves authentication off). */
  authType: Statement | undefined;
}

const TRUE = /^(true|on|yes)$/i;
const FALSE = /^(false|off|no)$/i;

/** Last known statement with this keyword among `list`. */
function last(list: Statement[], keyword: string): Statement | undefined {
  return list.filter((s) => s.def && s.keyword.text === keyword).at(-1);
}

export function instanceSettings(tree: ConfigTree): InstanceSettings[] {
  const globals = tree.top.filter((s) => s.keyword.text === 'global_defs' && s.def).flatMap((s) => s.children);
  const globalStrict = last(globals, 'vrrp_strict');
  const globalVersion = last(globals, 'vrrp_version');
  return vrrpInstances(tree).map((instance) => {
    const kids = instance.statement.children.filter((c) => c.def);
    const family = instance.nativeIpv6 ? 'ipv6' : instance.addresses[0]?.family ?? 'ipv4';
    const firstAddress = instance.addresses[0]?.keyword;
    const firstAt = firstAddress ? kids.indexOf(firstAddress) : Infinity;

    let strict: Statement | undefined = globalStrict;
    for (const c of kids.filter((k) => k.keyword.text === 'strict_mode')) {
      const arg = c.args[0]?.text;
      if (arg === undefined || TRUE.test(arg)) strict = c;
      else if (FALSE.test(arg)) strict = undefined;
    }

    // `version 2` after the first IPv6 address conflicts with the deduced version and is ignored.
    const ownVersion = kids
      .filter((c) => c.keyword.text === 'version' && (c.args[0]?.text === '2' || c.args[0]?.text === '3'))
      .filter((c) => !(family === 'ipv6' && c.args[0]!.text === '2' && kids.indexOf(c) > firstAt))
      .at(-1);
    let version: 2 | 3 = 2;
    let versionFrom: VersionReason = { kind: 'default' };
    if (ownVersion) [version, versionFrom] = [ownVersion.args[0]!.text === '3' ? 3 : 2, { kind: 'instance', at: ownVersion }];
    else if (family === 'ipv6') [version, versionFrom] = [3, { kind: 'ipv6', instance }];
    else if (globalVersion?.args[0]?.text === '3') [version, versionFrom] = [3, { kind: 'global', at: globalVersion }];
    if (family === 'ipv6' && version === 2 && strict) [version, versionFrom] = [3, { kind: 'ipv6', instance }];

    const master = kids.find((c) => c.keyword.text === 'state' && c.args[0]?.text === 'MASTER');
    const prio = kids.filter((c) => c.keyword.text === 'priority' && /^\d+$/.test(c.args[0]?.text ?? '')).at(-1);
    const value = prio ? Number(prio.args[0]!.text) : NaN;
    const preemptFlags = kids.filter((c) => c.keyword.text === 'nopreempt' || c.keyword.text === 'preempt');
    const lastFlag = preemptFlags.at(-1);
    const authentication = last(kids, 'authentication');
    const authType = kids
      .filter((c) => c.keyword.text === 'authentication')
      .flatMap((a) => a.children)
      .filter((c) => c.def && c.keyword.text === 'auth_type')
      .filter((c) => c.args[0]?.text === 'PASS' || c.args[0]?.text === 'AH')
      .at(-1);
    return {
      instance,
      name: instance.name,
      version,
      versionFrom,
      strict,
      master,
      priority: prio && value >= 1 && value <= 255 ? { at: prio, value } : undefined,
      nopreempt: lastFlag?.keyword.text === 'nopreempt' ? lastFlag : undefined,
      authentication,
      authType,
    };
  });
}

/** keepalived -t shows these post-parse checks from 2.0.7 (report_config_error); before, syslog only. */
export function syslogOnly(target: Version): string {
  return compareVersions(target, '2.0.7') < 0 ? ' and only logs it to syslog (keepalived -t does not show it)' : '';
}
