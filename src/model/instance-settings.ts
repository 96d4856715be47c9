/**
 * The settings keepalived's vrrp_complete_instance() derives for each vrrp_instance after parsing:
 * VRRP version, strict mode, initial state, priority, nopreempt, authentication. Each value keeps
 * the statement that decided it, so a message can say why. Example:
 *
 *   global_defs { vrrp_version 3 }  vrrp_instance A { virtual_ipaddress { 192.0.2.1 } }
 *   -> { name: 'A', version: 3, versionFrom: { kind: 'global', at: <vrrp_version> }, strict: false, ... }
 */
import { fitted, type ConfigTree, type Statement } from '../tree/index.js';
import { compareVersions, formatVersion, type Version } from '../versions/version.js';
import { vrrpInstances, type VrrpInstance } from './vrrp.js';
import { perTree } from './memo.js';

/** No vrrp_version anywhere, no IPv6 address: one shared, frozen reason. */
const DEFAULT_VERSION: VersionReason = Object.freeze({ kind: 'default' });

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

export const instanceSettings = perTree(deriveInstanceSettings);

function deriveInstanceSettings(tree: ConfigTree): InstanceSettings[] {
  const globals = tree.top.filter((s) => s.keyword.text === 'global_defs' && s.def).flatMap((s) => s.children);
  const globalStrict = last(globals, 'vrrp_strict');
  const globalVersion = last(globals, 'vrrp_version');
  return vrrpInstances(tree).map((instance) => {
    const family = instance.nativeIpv6 ? 'ipv6' : (instance.addresses[0]?.family ?? 'ipv4');
    const firstAddress = instance.addresses[0]?.keyword;
    // One walk over the instance's known statements (each setting below is the first or the last
    // of its kind): 1,000 instances asked a dozen filters each.
    const kids = instance.statement.children;
    const firstAt = firstAddress && family === 'ipv6' ? known(kids).indexOf(firstAddress) : Infinity;
    let strict: Statement | undefined = globalStrict;
    let ownVersion: Statement | undefined;
    let master: Statement | undefined;
    let prio: Statement | undefined;
    let lastFlag: Statement | undefined;
    let authentication: Statement | undefined;
    let authType: Statement | undefined;
    let at = 0;
    for (let i = 0; i < kids.length; i++) {
      const c = kids[i]!;
      if (!c.def) continue;
      const index = at++;
      const arg = c.args[0]?.text;
      switch (c.keyword.text) {
        case 'strict_mode':
          if (arg === undefined || TRUE.test(arg)) strict = c;
          else if (FALSE.test(arg)) strict = undefined;
          break;
        case 'version':
          // `version 2` after the first IPv6 address conflicts with the deduced version and is ignored.
          if ((arg === '2' || arg === '3') && !(family === 'ipv6' && arg === '2' && index > firstAt)) ownVersion = c;
          break;
        case 'state':
          if (arg === 'MASTER' && !master) master = c;
          break;
        case 'priority':
          if (/^\d+$/.test(arg ?? '')) prio = c;
          break;
        case 'nopreempt':
        case 'preempt':
          lastFlag = c;
          break;
        case 'authentication':
          authentication = c;
          for (const a of c.children)
            if (a.def && a.keyword.text === 'auth_type' && (a.args[0]?.text === 'PASS' || a.args[0]?.text === 'AH'))
              authType = a;
          break;
      }
    }
    let version: 2 | 3 = 2;
    let versionFrom: VersionReason = DEFAULT_VERSION;
    if (ownVersion)
      [version, versionFrom] = [ownVersion.args[0]!.text === '3' ? 3 : 2, { kind: 'instance', at: ownVersion }];
    else if (family === 'ipv6') [version, versionFrom] = [3, { kind: 'ipv6', instance }];
    else if (globalVersion?.args[0]?.text === '3') [version, versionFrom] = [3, { kind: 'global', at: globalVersion }];
    if (family === 'ipv6' && version === 2 && strict) [version, versionFrom] = [3, { kind: 'ipv6', instance }];
    const value = prio ? Number(prio.args[0]!.text) : NaN;
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

/** The statements keepalived knows, of a block. */
function known(list: Statement[]): Statement[] {
  return list.filter((c) => c.def);
}

/** keepalived -t shows these post-parse checks from 2.0.7 (report_config_error); before, syslog only. */
export function syslogOnly(target: Version): string {
  return compareVersions(target, '2.0.7') < 0 ? ' and only logs it to syslog (keepalived -t does not show it)' : '';
}

/** The priority keepalived runs with: the last valid priority, else 255 with state MASTER (1.2.20+), else 100. */
/** The report data every instance rule shares: the instance, the target, whether -t shows it. */
export function instanceData(
  s: InstanceSettings,
  target: Version,
): { name: string; target: string; visibility: string } {
  return { name: s.name, target: formatVersion(target), visibility: syslogOnly(target) };
}

export function basePriority(s: InstanceSettings, target: Version): number {
  return s.priority?.value ?? (s.master && compareVersions(target, '1.2.20') >= 0 ? 255 : 100);
}

/**
 * The last advert_int the parser accepts (0.01-255 s, at most 6 decimals: 2.x reads microseconds),
 * in microseconds, so checks against whole seconds or 10 ms steps stay exact.
 */
export function advertInt(s: InstanceSettings): { at: Statement; micros: number } | undefined {
  for (const c of s.instance.statement.children.filter((k) => k.def && k.keyword.text === 'advert_int').reverse()) {
    const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(c.args[0]?.text ?? '');
    if (!m) continue;
    const micros = Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0'));
    if (micros >= 10_000 && micros <= 255e6) return { at: c, micros };
  }
  return undefined;
}

/** The keywords that mark an instance "unicast configured" (vrrp_parser.c sets VRRP_FLAG_UNICAST_CONFIGURED). */
const UNICAST_KEYWORDS = [
  'unicast_src_ip',
  'unicast_peer',
  'check_unicast_src',
  'old_unicast_checksum',
  'unicast_fault_no_peer',
];

export interface InstanceBasics {
  /** A virtual_router_id keepalived accepts (1-255); `vridStatement` is the last one written. */
  vrid: Statement | undefined;
  vridStatement: Statement | undefined;
  interface: Statement | undefined;
  /** unicast_src_ip with a value (keepalived's VRRP_FLAG_SADDR_FROM_CONFIG). */
  unicastSrc: Statement | undefined;
  /** Every unicast keyword, in source order. */
  unicastKeywords: Statement[];
  /** unicast_peer addresses keepalived keeps (those of the instance's family). */
  peers: number;
  faultNoPeer: Statement | undefined;
  /** VIPs keepalived keeps (those of the instance's family). */
  vips: number;
  noVirtualIpaddress: Statement | undefined;
}

/** What keepalived's chk_min_cfg() and the unicast/VIP checks of vrrp_complete_instance() look at. */
/** Asked by several rules for every instance: derived once per instance. */
const basicsOf = new WeakMap<InstanceSettings, InstanceBasics>();

export function instanceBasics(s: InstanceSettings): InstanceBasics {
  let b = basicsOf.get(s);
  if (!b) basicsOf.set(s, (b = deriveInstanceBasics(s)));
  return b;
}

/** One walk over the instance's known keywords (asked for every instance by several rules). */
function deriveInstanceBasics(s: InstanceSettings): InstanceBasics {
  let vrid: Statement | undefined;
  let vridStatement: Statement | undefined;
  let iface: Statement | undefined;
  let unicastSrc: Statement | undefined;
  let faultNoPeer: Statement | undefined;
  let noVirtualIpaddress: Statement | undefined;
  const unicastKeywords: Statement[] = [];
  for (const c of s.instance.statement.children) {
    if (!c.def) continue;
    const k = c.keyword.text;
    if (UNICAST_KEYWORDS.includes(k)) unicastKeywords.push(c);
    if (k === 'virtual_router_id') {
      vridStatement = c;
      const text = c.args[0]?.text ?? '';
      if (/^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 255) vrid = c;
    } else if (k === 'interface') {
      if (c.args.length > 0) iface = c;
    } else if (k === 'unicast_src_ip') {
      if (c.args.length > 0) unicastSrc = c;
    } else if (k === 'unicast_fault_no_peer') faultNoPeer ??= c;
    else if (k === 'no_virtual_ipaddress') noVirtualIpaddress ??= c;
  }
  const family = s.instance.nativeIpv6 ? 'ipv6' : s.instance.addresses[0]?.family;
  let peers = 0;
  let vips = 0;
  for (const a of s.instance.addresses) {
    if (a.family !== family) continue;
    if (a.kind === 'peer') peers++;
    else if (a.kind === 'vip') vips++;
  }
  return {
    vrid,
    vridStatement,
    interface: iface,
    unicastSrc,
    unicastKeywords: fitted(unicastKeywords),
    peers,
    faultNoPeer,
    vips,
    noVirtualIpaddress,
  };
}

/** Why the instance has its VRRP version, for a message: `version 3 at f:4:5`, `VRRPv2 by default`. */
export function versionReason(s: InstanceSettings, where: (o: Statement['keyword']['origin']) => string): string {
  const f = s.versionFrom;
  if (f.kind === 'instance') return `version ${s.version} at ${where(f.at.keyword.origin)}`;
  if (f.kind === 'global') return `vrrp_version ${s.version} in global_defs at ${where(f.at.keyword.origin)}`;
  if (f.kind === 'ipv6' && f.instance.nativeIpv6)
    return `native_ipv6 at ${where(f.instance.nativeIpv6.keyword.origin)} makes it IPv6, and IPv6 instances use VRRPv3`;
  const first = f.kind === 'ipv6' ? f.instance.addresses[0] : undefined;
  if (first)
    return (
      `its first address, ${first.token.text} at ${where(first.token.origin)}, ` +
      `makes it IPv6, and IPv6 instances use VRRPv3`
    );
  return 'VRRPv2 is the default';
}
