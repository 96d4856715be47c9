/**
 * The graph of what a config does, as data: elements (nodes of the drawing: routers, sync groups,
 * instances, VIPs, interfaces, vrrp_scripts and tracked processes, files and BFD sessions,
 * notify/FIFO/check scripts and their dispatch arms, virtual and real servers) and the
 * edges between them. The renderers (render.ts) and `--format json` print this shape; it is
 * documented by schema/graph.schema.json. Example:
 *
 *   vrrp_instance VI_1 { interface eth0 virtual_router_id 51 priority 150 virtual_ipaddress { 192.0.2.1 } }
 *   -> nodes [router lb1, instance VI_1, interface eth0, vip 192.0.2.1], edges [lb1 -contains-> VI_1,
 *      VI_1 -interface-> eth0, VI_1 -vip-> 192.0.2.1]
 */
import type { Severity } from '../engine/types.js';

export type ElementKind =
  | 'router'
  | 'sync-group'
  | 'instance'
  | 'vip'
  | 'interface'
  | 'vrrp-script'
  | 'track-process'
  | 'track-file'
  | 'track-bfd'
  | 'script'
  | 'arm'
  | 'virtual-server'
  | 'real-server';

export type EdgeKind =
  | 'contains'
  | 'member'
  | 'vip'
  | 'interface'
  | 'tracks'
  | 'notify'
  | 'check'
  | 'real-server'
  | 'dispatches'
  | 'matches'
  | 'peer';

export interface GraphFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Where the finding is (path relative to the working directory), 1-based. */
  file: string;
  line: number;
  column: number;
}

export interface GraphElement {
  /** Made of letters, digits and `_` only (never of a name from the config): safe in every format. */
  id: string;
  kind: ElementKind;
  /** One or more lines of text (names come from the config as written: untrusted). */
  label: string;
  /** The router (cluster node) the element belongs to. */
  router: string;
  /** Where it is defined (relative path, 1-based line), when it is written somewhere. */
  file?: string;
  line?: number;
  /** Kind-specific values: name, vrid, interface, priority, family, state, address, path, literal... */
  [key: string]: unknown;
  findings: GraphFinding[];
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** Short text drawn on the edge: the hook (notify_master), a weight, the peers' VRID. */
  label?: string;
}

export interface Graph {
  version: 1;
  nodes: GraphElement[];
  edges: GraphEdge[];
}

/** An element is drawn red when it carries an error or a warning (infos are carried, not drawn). */
export function flagged(e: GraphElement): boolean {
  return e.findings.some((f) => f.severity === 'error' || f.severity === 'warning');
}
