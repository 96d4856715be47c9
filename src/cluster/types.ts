/**
 * The cluster check's model: the nodes of a VRRP cluster (one config file each, or one config-id
 * of a shared file), their vrrp_instances in the terms that matter between peers, and the groups
 * of instances that form one virtual router across the nodes. Example:
 *
 *   hosts/lb1/keepalived.conf: vrrp_instance VI_1 { virtual_router_id 51 ... }
 *   hosts/lb2/keepalived.conf: vrrp_instance VI_1 { virtual_router_id 51 ... }
 *   -> nodes [lb1, lb2], groups [{ members: [lb1 VI_1, lb2 VI_1] }]
 */
import type { Origin, SourceFile, Token } from '../load/index.js';
import type { ConfigTree, Statement } from '../load/index.js';
import type { InstanceSettings } from '../model/instance-settings.js';
import type { Family } from '../model/values.js';
import type { RuleMeta, Severity, SeveritySetting } from '../rule-api/index.js';
import type { Version } from '../versions/version.js';
import type { LoadedConfig, LoadedPass } from '../load/index.js';

export interface ClusterNode {
  /** How messages name the node: the config-id, or the part of the path that tells the files apart. */
  label: string;
  /** The node's main config file (absolute). */
  file: string;
  /** The config-id keepalived runs this node with (`-i`), or null for a file without `@` lines. */
  configId: string | null;
  /** The cluster it belongs to (`clusters:` in .keepalived-lint.yaml; '' when none is configured). */
  cluster: string;
  tree: ConfigTree;
  target: Version;
  /** Every file read for this node (the config and what it includes). */
  files: Map<string, SourceFile>;
  severities: Record<string, SeveritySetting>;
  ruleOptions: Record<string, Record<string, unknown>>;
  instances: ClusterInstance[];
  /** What the loader read for this node: its pass (the scripts it runs) and the config's script store. */
  loaded: LoadedConfig;
  pass: LoadedPass;
}

export interface Address {
  /** Normalised text (ipaddr.js), for comparing across nodes. */
  key: string;
  token: Token;
}

/** A tracked object whose state changes the instance's priority (weight != 0). */
export interface Tracker {
  kind: 'script' | 'interface' | 'process' | 'bfd' | 'file';
  name: string;
  /** The contribution when the tracked object is up / the check succeeds, and when it fails. */
  whenUp: number;
  whenDown: number;
  /** A tracked file adds its content times the weight: no bound can be known offline. */
  unbounded: boolean;
  /** The line that tracks it (in the instance or its sync group). */
  at: Token;
}

export interface ClusterInstance {
  node: ClusterNode;
  settings: InstanceSettings;
  name: string;
  statement: Statement;
  vrid: { value: number; at: Token } | undefined;
  family: Family;
  iface: Token | undefined;
  /** VIPs keepalived advertises (virtual_ipaddress, of the instance's family). */
  vips: Address[];
  /** Networks of VIPs written with a prefix (192.0.2.0/24), to tell segments apart. */
  vipNetworks: { key: string; prefix: number }[];
  vipStatement: Statement | undefined;
  /** Effective advert interval in microseconds (after keepalived's rounding for the version). */
  advertMicros: number;
  advertAt: Statement | undefined;
  /** Authentication keepalived really uses: none under VRRPv3, strict mode, or without a password. */
  auth: {
    type: 'none' | 'PASS' | 'AH';
    at: Statement | undefined;
    password: string | undefined;
    passwordAt: Token | undefined;
  };
  unicastSrc: Address | undefined;
  peers: Address[];
  peerStatement: Statement | undefined;
  /** unicast_peer entries of the instance's family: adverts go to them instead of the multicast group. */
  unicast: boolean;
  mcastDst: string;
  useVmac: Statement | undefined;
  /** basePriority(): what keepalived starts with. */
  priority: number;
  priorityAt: Statement | undefined;
  master: Statement | undefined;
  /** nopreempt as keepalived keeps it (cleared with state MASTER or priority 255). */
  nopreempt: Statement | undefined;
  trackers: Tracker[];
}

/** Instances on several nodes that form one virtual router (at most one instance per node). */
export interface ClusterGroup {
  members: ClusterInstance[];
  /** How the members were matched: by instance name, or by VRID + family + interface/peers. */
  matchedBy: 'name' | 'vrid';
}

export interface ClusterModel {
  nodes: ClusterNode[];
  groups: ClusterGroup[];
}

export interface ClusterRelated {
  node: ClusterNode;
  at: Token | Origin;
  message: string;
}

export interface ClusterReport<Id extends string = string> {
  messageId: Id;
  data?: Record<string, string | number>;
  /** The node whose file gets the finding. */
  node: ClusterNode;
  at: Token | Origin;
  related?: ClusterRelated[];
  /** A lower severity for this finding, used unless the configuration sets the rule's severity. */
  severity?: Severity;
}

export interface ClusterContext<Id extends string = string> {
  readonly cluster: ClusterModel;
  /** `file:line:column` of a place in a node's files, for messages that cite another line. */
  where(node: ClusterNode, at: Token | Origin): string;
  report(r: ClusterReport<Id>): void;
}

/** A rule over every node at once: same metadata as a per-config rule, one check per cluster. */
export interface ClusterRule<Id extends string = string> {
  meta: RuleMeta<Id>;
  check(context: ClusterContext<Id>): void;
}

/** A cluster rule with its message ids checked, as defineRule does for per-config rules. */
export function defineClusterRule<const Id extends string>(rule: ClusterRule<Id>): ClusterRule<Id> {
  return rule;
}
