/**
 * Typed views of top-level virtual_server blocks as keepalived's check_data.c validates them: the
 * address or fwmark, the port, the protocol, the forwarding method (lb_kind / lvs_method, NAT by
 * default) and the real and sorry servers with the method each ends with. Example:
 *
 *   virtual_server 192.0.2.1 80 { lb_kind DR; real_server 192.0.2.2 8080 { } }
 *   -> { address: 192.0.2.1, port: 80, method: DR, servers: [{ kind: real_server, port: 8080, method: DR }] }
 */
import type { Token } from '../preprocess/types.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import { perStatement } from './memo.js';

export type ForwardingMethod = 'NAT' | 'DR' | 'TUN';

export interface BackendServer {
  kind: 'real_server' | 'sorry_server';
  statement: Statement;
  address: Token;
  /** The port written, when it is a number other than 0 (alloc_rs treats 0 as none). */
  port: { token: Token; value: number } | undefined;
  method: ForwardingMethod;
}

export interface VirtualServer {
  statement: Statement;
  /** `fwmark N` (and not `group NAME`): keepalived matches packets by mark, not address and port. */
  fwmark: boolean;
  group: boolean;
  address: Token | undefined;
  port: number | undefined;
  /** The last protocol statement whose value keepalived accepts (TCP, UDP, SCTP). */
  protocol: Statement | undefined;
  method: ForwardingMethod;
  servers: BackendServer[];
}

const METHODS = new Set(['NAT', 'DR', 'TUN']);
const RS_METHOD = ['lvs_method'];

/**
 * The last `keyword METHOD` among statements, for a method keepalived knows (case-sensitive, as
 * strcmp). Looked for from the end, making no list: it is asked for every real server (a ~SEQ
 * LVS config: 25,000).
 */
function lastMethod(list: readonly Statement[], keywords: readonly string[]): ForwardingMethod | undefined {
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    if (!c.def || !keywords.includes(c.keyword.text)) continue;
    const method = c.args[0]?.text ?? '';
    if (METHODS.has(method)) return method as ForwardingMethod;
  }
  return undefined;
}

function portOf(t: Token | undefined): BackendServer['port'] {
  return t && /^\d+$/.test(t.text) && Number(t.text) > 0 && Number(t.text) < 65536
    ? { token: t, value: Number(t.text) }
    : undefined;
}

/**
 * The top-level virtual servers. Not kept with the tree (perTree): one rule asks, once per pass, and
 * kept they lived as long as the tree, ~200 bytes a real server (a ~SEQ LVS config: 25,000).
 */
export function virtualServers(tree: ConfigTree): VirtualServer[] {
  return tree.top.filter((s) => s.def && s.keyword.text === 'virtual_server').map((s) => virtualServer(s, tree));
}

/** One top-level virtual_server block: its own lines decide it all. */
const virtualServer = perStatement((st: Statement): VirtualServer => {
  const kids = st.children.filter((c) => c.def);
  const head = st.args[0]?.text;
  const method = lastMethod(kids, ['lb_kind', 'lvs_method']) ?? 'NAT';
  const sorryMethod = lastMethod(kids, ['sorry_server_lvs_method']) ?? method;
  const servers: BackendServer[] = [];
  for (const c of kids) {
    const kind = c.keyword.text;
    if (kind !== 'real_server' && kind !== 'sorry_server') continue;
    // (A line's words after the first are made when asked: asked once here.)
    const args = c.args;
    if (args[0])
      servers.push({
        kind,
        statement: c,
        address: args[0],
        port: portOf(args[1]),
        method: kind === 'real_server' ? (lastMethod(c.children, RS_METHOD) ?? method) : sorryMethod,
      });
  }
  const addressed = head !== 'fwmark' && head !== 'group';
  return {
    statement: st,
    fwmark: head === 'fwmark',
    group: head === 'group',
    address: addressed ? st.args[0] : undefined,
    port: addressed ? (/^\d+$/.test(st.args[1]?.text ?? '') ? Number(st.args[1]!.text) : 0) : undefined,
    protocol: kids
      .filter((c) => c.keyword.text === 'protocol' && /^(TCP|UDP|SCTP)$/i.test(c.args[0]?.text ?? ''))
      .at(-1),
    method,
    servers,
  };
});
