/**
 * One node's vrrp_instances as the other nodes see them: what its adverts carry (VRID, version,
 * interval, authentication, VIPs), where they go (multicast or unicast peers) and the priorities it
 * can advertise (base priority and the weights of what it tracks). Built from the per-config
 * models (instanceSettings, basePriority, advertInt, vrrpInstances). Example:
 *
 *   vrrp_instance VI_1 { state MASTER priority 150 advert_int 2 track_interface { eth1 weight -60 } ... }
 *   -> { priority: 150, advertMicros: 2000000, trackers: [{ kind: 'interface', whenUp: 0, whenDown: -60 }] }
 */
import ipaddr from 'ipaddr.js';
import type { Token } from '../load/index.js';
import type { ConfigTree, Statement } from '../load/index.js';
import {
  advertInt,
  basePriority,
  instanceBasics,
  instanceSettings,
  type InstanceSettings,
} from '../model/instance-settings.js';
import { trackedDefinition } from '../model/tracking.js';
import { checkNumber, parseAddress, parseHostAddress, type Family } from '../model/values.js';
import type { Version } from '../versions/version.js';
import type { Address, ClusterInstance, ClusterNode, Tracker } from './types.js';

const VRRP_PRIO_OWNER = 255;
const TRUE = /^(true|on|yes)$/i;

/** Two networks (address/prefix) overlap: one contains the other. */
export function networksOverlap(a: { key: string; prefix: number }, b: { key: string; prefix: number }): boolean {
  const x = ipaddr.parse(a.key);
  const y = ipaddr.parse(b.key);
  if (x.kind() !== y.kind()) return false;
  return x.match(y, Math.min(a.prefix, b.prefix));
}

/** Normalised address text, so 2001:db8::1 and 2001:DB8:0::1 compare equal. */
export function addressKey(text: string): string | undefined {
  const a = parseHostAddress(text);
  if (!a) return undefined;
  return ipaddr.parse(a.text.replace(/%.*$/, '')).toNormalizedString();
}

const defined = (list: Statement[], keyword: string) => list.filter((c) => c.def && c.keyword.text === keyword);

export function clusterInstances(node: ClusterNode, tree: ConfigTree, target: Version): ClusterInstance[] {
  const settings = instanceSettings(tree);
  const seen = new Set<string>();
  const syncs = syncGroups(tree, settings, target);
  const out: ClusterInstance[] = [];
  for (const s of settings) {
    // keepalived keeps the first block of a name (duplicate-name reports the others).
    if (seen.has(s.name)) continue;
    seen.add(s.name);
    out.push(clusterInstance(node, tree, s, target, syncs.get(s.name)));
  }
  return out;
}

function clusterInstance(
  node: ClusterNode,
  tree: ConfigTree,
  s: InstanceSettings,
  target: Version,
  sync: SyncInfo | undefined,
): ClusterInstance {
  const inst = s.instance;
  const kids = inst.statement.children.filter((c) => c.def);
  const basics = instanceBasics(s);
  const family: Family = inst.nativeIpv6 ? 'ipv6' : (inst.addresses[0]?.family ?? 'ipv4');
  const vridTok = basics.vrid?.args[0];
  const vips: Address[] = [];
  const vipNetworks: ClusterInstance['vipNetworks'] = [];
  for (const a of inst.addresses) {
    if (a.kind !== 'vip' || a.family !== family || a.keyword.keyword.text !== 'virtual_ipaddress') continue;
    const key = addressKey(a.token.text.split('/')[0]!);
    if (!key || vips.some((v) => v.key === key)) continue;
    vips.push({ key, token: a.token });
    const prefix = parseAddress(a.token.text)?.prefix;
    if (prefix !== null && prefix !== undefined) vipNetworks.push({ key, prefix });
  }
  const peers: Address[] = [];
  for (const a of inst.addresses) {
    if (a.kind !== 'peer' || a.family !== family) continue;
    const key = addressKey(a.token.text);
    if (key) peers.push({ key, token: a.token });
  }
  const srcTok = basics.unicastSrc?.args[0];
  const srcKey = srcTok ? addressKey(srcTok.text) : undefined;
  const priority = basePriority(s, target);
  const master = s.master;
  return {
    node,
    settings: s,
    name: s.name,
    statement: inst.statement,
    vrid: basics.vrid && vridTok ? { value: Number(vridTok.text), at: vridTok } : undefined,
    family,
    iface: basics.interface?.args[0],
    vips,
    vipNetworks,
    vipStatement: defined(kids, 'virtual_ipaddress')[0],
    advertMicros: effectiveAdvert(s),
    advertAt: advertInt(s)?.at,
    auth: effectiveAuth(s, family),
    unicastSrc: srcTok && srcKey ? { key: srcKey, token: srcTok } : undefined,
    peers,
    peerStatement: defined(kids, 'unicast_peer')[0],
    unicast: peers.length > 0,
    mcastDst: defined(kids, 'mcast_dst_ip').at(-1)?.args[0]?.text ?? '',
    useVmac: defined(kids, 'use_vmac')[0],
    priority,
    priorityAt: s.priority?.at,
    master,
    // vrrp_complete_instance() clears nopreempt for the address owner; with state MASTER the
    // instance still starts as master, which nopreempt-master reports.
    nopreempt: priority === VRRP_PRIO_OWNER || master ? undefined : s.nopreempt,
    trackers:
      priority === VRRP_PRIO_OWNER
        ? []
        : [...(sync && !sync.instanceWeights ? [] : instanceTrackers(tree, kids)), ...(sync?.trackers ?? [])],
  };
}

/** advert_int as vrrp_complete_instance() leaves it: whole seconds up to 255 s (v2), 10 ms steps below 40.96 s (v3). */
function effectiveAdvert(s: InstanceSettings): number {
  const micros = advertInt(s)?.micros ?? 1_000_000;
  const step = s.version === 2 ? 1_000_000 : 10_000;
  const max = s.version === 2 ? 255_000_000 : 40_950_000;
  if (micros > max) return max;
  return Math.max(step, Math.floor((micros + step / 2) / step) * step);
}

function effectiveAuth(s: InstanceSettings, family: Family): ClusterInstance['auth'] {
  const none = { type: 'none' as const, at: undefined, password: undefined, passwordAt: undefined };
  if (!s.authType || s.version === 3 || s.strict) return none;
  const type = s.authType.args[0]!.text === 'AH' ? 'AH' : 'PASS';
  if (type === 'AH' && family === 'ipv6') return none;
  const pass = (s.authentication?.children ?? [])
    .filter((c) => c.def && c.keyword.text === 'auth_pass' && c.args[0])
    .at(-1)?.args[0];
  if (!pass) return none;
  // keepalived keeps the first 8 bytes (sizeof auth_data) and compares all 8 (padded with NULs).
  const password = Buffer.from(pass.text, 'utf8').subarray(0, 8).toString('latin1');
  return { type, at: s.authType, password, passwordAt: pass };
}

/**
 * How keepalived 2.2.7 reads a track_* line (alloc_track_script, _if, _process, _bfd and
 * vrrp_alloc_track_file) and the definition it names. `named`: the line names a definition;
 * `line`: the range of the line's own weight, and whether +-254 becomes +-253; `badOption`: what
 * an unknown word after the weight does (track_file and track_bfd drop the line, the others warn);
 * `noreverse`: the word is known; `needs`: the keyword a definition must have, or keepalived removes
 * it at its end (its trackers are then "not found").
 */
interface TrackSpec {
  kind: Tracker['kind'];
  named: boolean;
  line: { limit: number; clamp: boolean };
  badOption: 'drop' | 'keep';
  noreverse: boolean;
  needs?: string;
}
const TRACK_KINDS: Record<string, TrackSpec> = {
  track_script: {
    kind: 'script',
    named: true,
    line: { limit: 254, clamp: true },
    badOption: 'keep',
    noreverse: true,
    needs: 'script',
  },
  track_interface: {
    kind: 'interface',
    named: false,
    line: { limit: 254, clamp: true },
    badOption: 'keep',
    noreverse: false,
  },
  track_process: {
    kind: 'process',
    named: true,
    line: { limit: 254, clamp: false },
    badOption: 'keep',
    noreverse: true,
    needs: 'process',
  },
  track_bfd: { kind: 'bfd', named: true, line: { limit: 253, clamp: false }, badOption: 'drop', noreverse: true },
  track_file: {
    kind: 'file',
    named: true,
    line: { limit: 254, clamp: false },
    badOption: 'drop',
    noreverse: true,
    needs: 'file',
  },
};

/** An integer word within -limit..limit (read_int_strvec), else undefined. */
function intWithin(word: Token | undefined, limit: number): number | undefined {
  const r = word ? checkNumber(word.text, { min: -limit, max: limit }) : undefined;
  return r?.ok ? r.value : undefined;
}

/**
 * The weight and reverse a definition gives its trackers, as its `weight` handler leaves them
 * (a `reverse` once read stays): vrrp_script and bfd_instance, the last valid weight (-253..253);
 * vrrp_track_process, the first valid one that is not 0 (-254..254, "Weight already set");
 * track_file, the first line while the weight is still 1 (-254..254; an invalid one sets 1).
 */
function definitionWeight(kind: Tracker['kind'], block: Statement | undefined): { weight: number; reverse: boolean } {
  let weight = kind === 'file' ? 1 : 0;
  let reverse = false;
  if (!block) return { weight, reverse };
  for (const w of defined(block.children, 'weight')) {
    const [value, option] = w.args;
    if (kind === 'script' || kind === 'bfd') {
      const v = intWithin(value, 253);
      if (v !== undefined) weight = v;
    } else if (kind === 'process') {
      const v = intWithin(value, 254);
      if (!value || weight !== 0 || v === undefined) continue;
      weight = v;
    } else if (kind === 'file') {
      if (!value || weight !== 1) continue;
      weight = intWithin(value, 254) ?? 1;
    }
    if (option?.text === 'reverse') reverse = true;
  }
  return { weight, reverse };
}

/** Whether keepalived keeps the definition (a vrrp_script without `script` is removed, and so on). */
function kept(spec: TrackSpec, block: Statement): boolean {
  return !spec.needs || defined(block.children, spec.needs).length > 0;
}

/**
 * Every entry of the track_* blocks among `statements` that keepalived keeps, with the weight it
 * gives it: its own (`chk weight -20`), else its definition's (vrrp_script chk { weight -20 }),
 * else the default. Left out as keepalived leaves them out: a name whose definition is missing,
 * comes only after the block or is removed ("track script chk not found, ignoring..."), a line
 * whose option is not `weight` or whose `weight` has no value, an unknown word after the weight of
 * a track_file or track_bfd line, a name already tracked in the same list. Shared with simulate
 * (src/simulate/tracked.ts).
 */
export function trackEntries(
  tree: ConfigTree,
  statements: Statement[],
): { kind: Tracker['kind']; name: string; weight: number; reverse: boolean; at: Token }[] {
  const out: { kind: Tracker['kind']; name: string; weight: number; reverse: boolean; at: Token }[] = [];
  for (const st of statements) {
    const spec = TRACK_KINDS[st.keyword.text];
    if (!spec || !st.def) continue;
    for (const line of st.values) {
      const [nameTok, ...rest] = line.tokens;
      if (!nameTok) continue;
      const def = spec.named ? trackedDefinition(tree, nameTok, st) : undefined;
      if (spec.named && (!def || !kept(spec, def.statement))) continue;
      if (out.some((e) => e.kind === spec.kind && e.name === nameTok.text)) continue;
      if (rest.length && (rest[0]!.text !== 'weight' || rest.length < 2)) continue;
      const option = rest[2]?.text;
      const known = option === undefined || option === 'reverse' || (spec.noreverse && option === 'noreverse');
      if (!known && spec.badOption === 'drop') continue;
      // `weight N [reverse|noreverse]`: an invalid N keeps the definition's weight, no word its reverse.
      const base = definitionWeight(spec.kind, def?.statement);
      const own = intWithin(rest[1], spec.line.limit);
      const weight = own === undefined ? base.weight : spec.line.clamp ? Math.max(-253, Math.min(253, own)) : own;
      const reverse = option === 'reverse' ? true : option === 'noreverse' && spec.noreverse ? false : base.reverse;
      out.push({ kind: spec.kind, name: nameTok.text, weight, reverse, at: nameTok });
    }
  }
  return out;
}

function trackersOf(tree: ConfigTree, statements: Statement[]): Tracker[] {
  const out: Tracker[] = [];
  for (const e of trackEntries(tree, statements)) {
    if (e.weight === 0) continue; // weight 0: FAULT on failure, no priority change
    const value = e.weight * (e.reverse ? -1 : 1);
    // vrrp_track.c: a positive weight is added while the object is up, a negative one while it is down.
    out.push({
      kind: e.kind,
      name: e.name,
      whenUp: e.weight > 0 ? value : 0,
      whenDown: e.weight < 0 ? value : 0,
      unbounded: e.kind === 'file',
      at: e.at,
    });
  }
  return out;
}

function instanceTrackers(tree: ConfigTree, kids: Statement[]): Tracker[] {
  return trackersOf(tree, kids);
}

interface SyncInfo {
  /** sync_group_tracking_weight: the members keep the weights of what they track themselves. */
  instanceWeights: boolean;
  /** The group's own weighted trackers, applied to every member (cleared when a member is the address owner). */
  trackers: Tracker[];
}

/** Sync group membership by instance name (vrrp_complete_instance() drops member weights without
 * sync_group_tracking_weight). */
function syncGroups(tree: ConfigTree, settings: InstanceSettings[], target: Version): Map<string, SyncInfo> {
  const out = new Map<string, SyncInfo>();
  // The address owners' names, once (a search of every instance for each group's members was
  // quadratic: 10,000 instances in 5,000 groups took a second).
  let owners: Set<string> | undefined;
  for (const g of tree.top.filter((t) => t.def && t.keyword.text === 'vrrp_sync_group')) {
    const kids = g.children.filter((c) => c.def);
    const members = defined(kids, 'group').flatMap((st) => st.values.flatMap((l) => l.tokens.map((t) => t.text)));
    const flag = defined(kids, 'sync_group_tracking_weight').at(-1);
    const instanceWeights = flag !== undefined && (flag.args[0] === undefined || TRUE.test(flag.args[0].text));
    owners ??= new Set(settings.filter((s) => basePriority(s, target) === VRRP_PRIO_OWNER).map((s) => s.name));
    const ownerSet = owners;
    const owner = members.some((m) => ownerSet.has(m));
    const trackers = owner ? [] : trackersOf(tree, kids);
    for (const m of members) if (!out.has(m)) out.set(m, { instanceWeights, trackers });
  }
  return out;
}

/** The priority keepalived advertises: total clamped to 1..254; the address owner always 255. */
export function clampPriority(base: number, total: number): number {
  if (base === VRRP_PRIO_OWNER) return base;
  return Math.min(254, Math.max(1, total));
}

/** Priorities an instance can advertise: with everything up, at worst, at best (null: a tracked file makes it
 * unbounded). */
export function priorityRange(i: ClusterInstance): { healthy: number; worst: number; best: number } | null {
  if (i.trackers.some((t) => t.unbounded)) return null;
  let healthy = i.priority;
  let worst = i.priority;
  let best = i.priority;
  for (const t of i.trackers) {
    healthy += t.whenUp;
    worst += Math.min(t.whenUp, t.whenDown);
    best += Math.max(t.whenUp, t.whenDown);
  }
  return {
    healthy: clampPriority(i.priority, healthy),
    worst: clampPriority(i.priority, worst),
    best: clampPriority(i.priority, best),
  };
}
