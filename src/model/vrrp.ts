/**
 * Typed views of vrrp_instance blocks for the rules: name, the addresses that fix the instance's
 * address family, in the order keepalived reads them, and its virtual routes. Example:
 *
 *   vrrp_instance gw { virtual_ipaddress { 192.0.2.1/24 2001:db8::1/64 } }
 *   -> { name: 'gw', addresses: [{kind:'vip', family:'ipv4'}, {kind:'vip', family:'ipv6'}] }
 */
import type { Token } from '../preprocess/types.js';
import { fitted, type ConfigTree, type Statement } from '../tree/index.js';
import { parseAddress, parseHostAddress, sameHost, type Family } from './values.js';
import { readRoute, type RouteLine } from './routes.js';
import { perTree } from './memo.js';

export type AddressKind = 'vip' | 'src' | 'peer';

export interface AddressRef {
  kind: AddressKind;
  token: Token;
  family: Family;
  /** The keyword that carries it: virtual_ipaddress, unicast_src_ip, unicast_peer... */
  keyword: Statement;
}

export interface VrrpInstance {
  statement: Statement;
  name: string;
  /** VIPs, source addresses and unicast peers, in source order (excluded VIPs have no family rule). */
  addresses: AddressRef[];
  /** A native_ipv6 line before any address makes the instance IPv6. */
  nativeIpv6: Statement | undefined;
  /** virtual_routes lines. Routes have no family rule: keepalived installs both families. */
  routes: RouteLine[];
}

export const vrrpInstances = perTree(deriveVrrpInstances);

function deriveVrrpInstances(tree: ConfigTree): VrrpInstance[] {
  const out: VrrpInstance[] = [];
  for (const st of tree.top) {
    if (st.keyword.text !== 'vrrp_instance' || !st.def) continue;
    const addresses: AddressRef[] = [];
    let nativeIpv6: Statement | undefined;
    const routes: RouteLine[] = [];
    for (const c of st.children) {
      const kw = c.keyword.text;
      if (kw === 'native_ipv6' && addresses.length === 0) nativeIpv6 = c;
      if (kw === 'virtual_ipaddress' || kw === 'unicast_peer') {
        for (const line of c.values) {
          const t = line.tokens[0];
          const a = t && (kw === 'unicast_peer' ? parseHostAddress(t.text) : parseAddress(t.text.split('/')[0]!));
          if (t && a)
            addresses.push({ kind: kw === 'unicast_peer' ? 'peer' : 'vip', token: t, family: a.family, keyword: c });
        }
      }
      if (kw === 'virtual_routes') for (const line of c.values) routes.push(readRoute(line, false));
      if ((kw === 'unicast_src_ip' || kw === 'mcast_src_ip') && c.args[0]) {
        const a = parseHostAddress(c.args[0].text);
        if (a) addresses.push({ kind: 'src', token: c.args[0], family: a.family, keyword: c });
      }
    }
    out.push({
      statement: st,
      name: st.args[0]?.text ?? '',
      addresses: fitted(addresses),
      nativeIpv6,
      routes: fitted(routes),
    });
  }
  return out;
}

/** The virtual routes whose preferred source ("src") is this VIP. */
export function routesFrom(inst: VrrpInstance, vip: AddressRef): RouteLine[] {
  return inst.routes.filter((r) => !r.dropped && r.src && sameHost(r.src.text, vip.token.text));
}

export function familyName(f: Family): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}
