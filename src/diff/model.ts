/**
 * One side of a diff: the expanded config reduced to what an operator compares across an upgrade
 * edit - instances, sync groups, vrrp_scripts and virtual servers with their settings as plain
 * strings. Example:
 *
 *   vrrp_instance gw { interface eth0 virtual_router_id 51 virtual_ipaddress { 192.0.2.1/24 } }
 *   -> instances: [{ name: 'gw', key: 'eth0/51/ipv4', vips: ['192.0.2.1/24'], fields: { interface: 'eth0', ... } }]
 */
import type { LoadedConfig } from '../load/index.js';
import type { ConfigTree, Statement } from '../load/index.js';
import { instanceSettings } from '../model/instance-settings.js';
import ipaddr from 'ipaddr.js';
import { parseAddress } from '../model/values.js';

export interface Entity {
  kind: 'vrrp_instance' | 'vrrp_sync_group' | 'vrrp_script' | 'virtual_server';
  name: string;
  statement: Statement;
  /** Compared field by field; values are display strings (lists joined with ", "). */
  fields: Record<string, string>;
  /** Instances: virtual addresses in canonical form, for overlap matching. */
  vips: string[];
  /** Instances: interface/VRID/family, the identity VRRP peers see. */
  key: string;
}

export interface SideModel {
  tree: ConfigTree;
  entities: Entity[];
}

/** Instance fields shown in a change, in this order. */
const INSTANCE_FIELDS = [
  'state',
  'interface',
  'virtual_router_id',
  'priority',
  'advert_int',
  'nopreempt',
  'vrrp_version',
  'unicast_src_ip',
  'unicast_peer',
  'track_script',
  'track_interface',
  'authentication',
  'use_vmac',
  'notify',
  'notify_master',
  'notify_backup',
  'notify_fault',
  'notify_stop',
] as const;

/** The side's model, from the config as loaded (its first pass: the chosen config-id, or none of the ids). */
export function readSide(loaded: LoadedConfig): SideModel {
  const tree = loaded.passes[0]!.tree;
  const entities: Entity[] = [];
  const settings = new Map(instanceSettings(tree).map((s) => [s.instance.statement, s]));
  for (const st of tree.top) {
    if (!st.def) continue;
    const kw = st.keyword.text;
    const name = st.args.map((a) => a.text).join(' ');
    if (kw === 'vrrp_instance') {
      const s = settings.get(st);
      const vips = valueWords(st, 'virtual_ipaddress').map(canonicalAddress);
      const family = s?.instance.nativeIpv6 ? 'ipv6' : (s?.instance.addresses[0]?.family ?? 'ipv4');
      const fields: Record<string, string> = {};
      for (const f of INSTANCE_FIELDS) {
        const v =
          f === 'unicast_peer' || f === 'track_script' || f === 'track_interface'
            ? valueWords(st, f).join(', ')
            : f === 'authentication'
              ? authText(st)
              : argsOf(st, f);
        if (v !== '') fields[f] = v;
      }
      fields.virtual_ipaddress = vips.join(', ');
      const excluded = valueWords(st, 'virtual_ipaddress_excluded').map(canonicalAddress);
      if (excluded.length) fields.virtual_ipaddress_excluded = excluded.join(', ');
      entities.push({
        kind: 'vrrp_instance',
        name,
        statement: st,
        fields,
        vips: [...vips, ...excluded],
        key: `${fields.interface ?? ''}/${fields.virtual_router_id ?? ''}/${family}`,
      });
    } else if (kw === 'vrrp_sync_group') {
      const fields: Record<string, string> = { group: valueWords(st, 'group').join(', ') };
      for (const f of ['notify', 'notify_master', 'notify_backup', 'notify_fault'])
        if (argsOf(st, f)) fields[f] = argsOf(st, f);
      entities.push({ kind: 'vrrp_sync_group', name, statement: st, fields, vips: [], key: '' });
    } else if (kw === 'vrrp_script') {
      const fields: Record<string, string> = {};
      for (const f of ['script', 'interval', 'weight', 'fall', 'rise', 'timeout', 'user'])
        if (argsOf(st, f)) fields[f] = argsOf(st, f);
      entities.push({ kind: 'vrrp_script', name, statement: st, fields, vips: [], key: '' });
    } else if (kw === 'virtual_server') {
      const fields: Record<string, string> = {};
      for (const f of ['lb_algo', 'lb_kind', 'protocol', 'persistence_timeout', 'delay_loop'])
        if (argsOf(st, f)) fields[f] = argsOf(st, f);
      fields.real_server = st.children
        .filter((c) => c.keyword.text === 'real_server')
        .map((c) => c.args.map((a) => a.text).join(' '))
        .join(', ');
      entities.push({ kind: 'virtual_server', name, statement: st, fields, vips: [], key: '' });
    }
  }
  return { tree, entities };
}

function argsOf(st: Statement, keyword: string): string {
  const c = st.children.filter((x) => x.keyword.text === keyword).at(-1);
  if (!c) return '';
  return c.args.length ? c.args.map((a) => a.text).join(' ') : 'yes';
}

function valueWords(st: Statement, keyword: string): string[] {
  return st.children
    .filter((x) => x.keyword.text === keyword)
    .flatMap((c) => c.values.map((v) => v.tokens.map((t) => t.text).join(' ')));
}

function authText(st: Statement): string {
  const a = st.children.find((c) => c.keyword.text === 'authentication');
  if (!a) return '';
  return a.children.map((c) => `${c.keyword.text} ${c.args.map((x) => x.text).join(' ')}`).join(', ');
}

/** `192.0.2.1` and `192.0.2.1/32`, `2001:DB8::1` and `2001:db8::1` compare equal; options kept. */
function canonicalAddress(line: string): string {
  const [first = '', ...rest] = line.split(' ');
  const [addr = '', prefix] = first.split('/');
  const a = parseAddress(addr, { allowPrefix: false });
  if (!a) return line;
  const bits = a.family === 'ipv4' ? '32' : '128';
  const text = a.family === 'ipv6' ? ipaddr.IPv6.parse(addr.replace(/%.*$/, '')).toString() : addr;
  return [`${text}/${prefix ?? bits}`, ...rest].join(' ');
}
