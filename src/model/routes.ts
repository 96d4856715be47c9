/**
 * Route lines (virtual_routes, static_routes) read word by word as keepalived 2.x's alloc_route()
 * reads them (vrrp_iproute.c, 2.0 - HEAD): which word is the destination, whether an interface is
 * given, and why keepalived drops the whole route when it does. Example:
 *   '192.0.2.0/24 via 10.1.0.1 dev eth0'  -> { dest: '192.0.2.0/24', oif: 'eth0', dropped: undefined }
 *   'inet6 default via 2001:db8::1'        -> { dest: undefined, dropped: { reason: 'no-destination' } }
 */
import type { LogicalLine, Token } from '../preprocess/types.js';
import { parseAddress } from './values.js';

export interface RouteLine {
  /** The destination word (the last one, as keepalived keeps the last). */
  dest: Token | undefined;
  /** dev/oif before any nexthop: the interface keepalived tracks the route by. */
  oif: Token | undefined;
  noTrack: Token | undefined;
  /** The preferred source address ("src ADDR"). */
  src: Token | undefined;
  /** Words keepalived does not follow here (encap, nexthop lists): the reading stops there. */
  opaqueFrom: Token | undefined;
  /** Why keepalived drops the whole route ("unknown route keyword X", "Route must have a destination"). */
  dropped: { reason: 'unknown-word' | 'no-destination'; at: Token; skipped?: Token } | undefined;
}

/** Words followed by one value. */
const WITH_VALUE = new Set([
  'src',
  'from',
  'tos',
  'dsfield',
  'table',
  'protocol',
  'scope',
  'metric',
  'priority',
  'preference',
  'dev',
  'oif',
  'expires',
  'hoplimit',
  'window',
  'initcwnd',
  'initrwnd',
  'features',
  'quickack',
  'pref',
  'ttl-propagate',
  'fastopen_no_cookie',
  'realms',
  'or',
  'vrf',
]);
/** Words followed by an optional "lock" and a value. */
const LOCKABLE = new Set(['mtu', 'advmss', 'rtt', 'rttvar', 'reordering', 'cwnd', 'ssthresh', 'rto_min', 'congctl']);
const FLAGS = new Set(['onlink', 'add', 'prepend', 'append', 'no_track']);
/** Route types find_rttables_rtntype() knows; a number up to 255 is one too. */
const ROUTE_TYPES = new Set([
  'local',
  'nat',
  'broadcast',
  'brd',
  'anycast',
  'multicast',
  'prohibit',
  'unreachable',
  'blackhole',
  'xresolve',
  'unicast',
  'throw',
]);
/** Destinations parse_route() accepts besides addresses. */
export const ROUTE_SPECIALS = new Set(['default', 'any', 'all', 'default6']);

function isRouteType(w: string): boolean {
  return ROUTE_TYPES.has(w) || (/^(0x[0-9a-fA-F]+|\d+)$/.test(w) && Number(w) <= 255);
}

/** `staticRoute`: static_routes also read "track_group NAME" (virtual_routes take it for a destination). */
export function readRoute(line: LogicalLine, staticRoute: boolean): RouteLine {
  const words = line.tokens;
  const r: RouteLine = {
    dest: undefined,
    oif: undefined,
    noTrack: undefined,
    src: undefined,
    opaqueFrom: undefined,
    dropped: undefined,
  };
  for (let i = 0; i < words.length; i++) {
    const t = words[i]!;
    const w = t.text;
    // "inet"/"inet6" step over the next word as well (2.0 - HEAD), so "inet6 default" loses "default".
    if (w === 'inet' || w === 'inet6') {
      i++;
      if (words[i] && !r.dropped) r.dropped = { reason: 'no-destination', at: t, skipped: words[i]! };
    } else if (w === 'via' || w === 'gw') {
      if (words[i + 1]?.text === 'inet' || words[i + 1]?.text === 'inet6') i++;
      i++;
    } else if (w === 'as') {
      if (words[i + 1]?.text === 'to') i++;
      i++;
    } else if (w === 'dev' || w === 'oif') r.oif = words[++i];
    else if (w === 'src') r.src = words[++i];
    else if (WITH_VALUE.has(w) || (staticRoute && w === 'track_group')) i++;
    else if (LOCKABLE.has(w)) i += words[i + 1]?.text === 'lock' ? 2 : 1;
    else if (w === 'no_track') r.noTrack = t;
    else if (FLAGS.has(w)) continue;
    else if (w === 'encap' || w === 'nexthop') {
      r.opaqueFrom = t;
      break;
    } else {
      if (w === 'to' || isRouteType(w)) i++;
      const d = words[i];
      if (!d) break;
      if (!ROUTE_SPECIALS.has(d.text) && !parseAddress(d.text))
        return { ...r, dropped: { reason: 'unknown-word', at: d } };
      r.dest = d;
    }
  }
  if (r.dest) r.dropped = undefined;
  else if (!r.dropped && words[0]) r.dropped = { reason: 'no-destination', at: words[0] };
  return r;
}
