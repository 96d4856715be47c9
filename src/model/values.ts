/**
 * Value shapes keepalived's handlers accept: addresses (IPv6 with ipaddr.js; IPv4 as ipaddr.js's
 * isValidFourPartDecimal accepts it, its pattern and octets checked here), numbers as
 * read_unsigned/read_int/read_decimal read them, and the option words of address and route lines.
 * Example: parseAddress('192.0.2.1/24') -> { family: 'ipv4', prefix: 24 }.
 */
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

export interface ParsedAddress {
  family: Family;
  prefix: number | null;
  text: string;
}

/** ipaddr.IPv4.isValidFourPartDecimal's pattern (it then parses the address to check the octets). */
const FOUR_PART_DECIMAL = /^(0|[1-9]\d*)(\.(0|[1-9]\d*)){3}$/;

/**
 * Whether each part of a four-part decimal (FOUR_PART_DECIMAL matched) is at most 255: what
 * ipaddr.IPv4.isValidFourPartDecimal then checks, by parsing it into an address object (most of a
 * 10,000-instance lint's address checks).
 */
function octetsFit(addr: string): boolean {
  let part = 0;
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c === 46) part = 0;
    else if ((part = part * 10 + c - 48) > 255) return false;
  }
  return true;
}

export function parseAddress(text: string, { allowPrefix = true } = {}): ParsedAddress | null {
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const pfx = slash === -1 ? null : text.slice(slash + 1);
  // ipaddr.js accepts shorthand like "10.1" as IPv4; keepalived (inet_pton) does not.
  let family: Family;
  // ipaddr.js's own test of the four-part form, first: most words asked about are no address, and
  // its parser finds that out by throwing (9 us a word).
  if (FOUR_PART_DECIMAL.test(addr) && octetsFit(addr)) family = 'ipv4';
  else if (addr.includes(':') && ipaddr.IPv6.isValid(addr.replace(/%.*$/, ''))) family = 'ipv6';
  else return null;
  if (pfx === null) return { family, prefix: null, text };
  if (!allowPrefix || !/^\d{1,3}$/.test(pfx)) return null;
  const prefix = Number(pfx);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return null;
  return { family, prefix, text };
}

/**
 * An address as keepalived's inet_stosockaddr() reads it (unicast_src_ip, mcast_src_ip,
 * unicast_peer): anything from the first "-" (else "/") on is dropped, so 192.0.2.2/24 is 192.0.2.2.
 */
export function parseHostAddress(text: string): ParsedAddress | null {
  const cut = text.includes('-') ? text.indexOf('-') : text.indexOf('/');
  return parseAddress(cut === -1 ? text : text.slice(0, cut), { allowPrefix: false });
}

/** Two addresses name the same host, prefixes aside ("2001:db8::a/64" and "2001:db8:0::a"). */
export function sameHost(a: string, b: string): boolean {
  const x = parseAddress(a.split('/')[0]!);
  const y = parseAddress(b.split('/')[0]!);
  if (!x || !y || x.family !== y.family) return false;
  return (
    ipaddr.parse(x.text.replace(/%.*$/, '')).toNormalizedString() ===
    ipaddr.parse(y.text.replace(/%.*$/, '')).toNormalizedString()
  );
}

export type NumberCheck =
  | { ok: true; value: number }
  | { ok: false; reason: 'not-a-number' | 'out-of-range' | 'too-many-decimals'; value?: number };

/** A number as keepalived's read_*_strvec() reads it (decimal places only where allowed). */
export function checkNumber(text: string, spec: { min: number; max: number; decimals?: number }): NumberCheck {
  const decimals = spec.decimals ?? 0;
  const re = decimals > 0 ? /^[+-]?(\d+(\.\d*)?|\.\d+)$/ : /^[+-]?\d+$/;
  if (!re.test(text)) return { ok: false, reason: 'not-a-number' };
  const value = Number(text);
  const frac = text.includes('.') ? text.split('.')[1]!.length : 0;
  if (frac > decimals) return { ok: false, reason: 'too-many-decimals', value };
  if (value < spec.min || value > spec.max) return { ok: false, reason: 'out-of-range', value };
  return { ok: true, value };
}

export const BOOL_WORDS = ['on', 'off', 'true', 'false', 'yes', 'no'];

/**
 * Options of an address line (virtual_ipaddress, static_ipaddress): word -> takes a value.
 * As vrrp_ipaddress.c reads them (2.2.7 and HEAD): "-nodad" only (never "nodad"); use_vmac is a flag.
 */
export const ADDRESS_OPTIONS: Record<string, 'value' | 'flag' | 'optional-value'> = {
  dev: 'value',
  brd: 'value',
  broadcast: 'value',
  scope: 'value',
  label: 'value',
  peer: 'value',
  home: 'flag',
  '-nodad': 'flag',
  mngtmpaddr: 'flag',
  noprefixroute: 'flag',
  autojoin: 'flag',
  no_track: 'flag',
  preferred_lft: 'value',
  track_group: 'value',
  use_vmac: 'flag',
};

/**
 * Words of a policy-rule line (virtual_rules, static_rules) as vrrp_iprule.c reads them: options
 * that take the next word, flags, and the actions. Any other word is "Unknown rule option".
 */
export const RULE_OPTIONS_WITH_VALUE = new Set([
  'from',
  'to',
  'table',
  'lookup',
  'preference',
  'order',
  'priority',
  'tos',
  'dsfield',
  'fwmark',
  'realms',
  'suppress_prefixlength',
  'sup_pl',
  'suppress_ifgroup',
  'sup_group',
  'dev',
  'iif',
  'oif',
  'tunnel-id',
  'uidrange',
  'protocol',
  'ipproto',
  'sport',
  'dport',
  'track_group',
  'goto',
  'type',
]);
export const RULE_FLAGS = new Set([
  'inet',
  'inet6',
  'l3mdev',
  'no_track',
  'nop',
  'blackhole',
  'unreachable',
  'prohibit',
]);
