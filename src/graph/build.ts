/**
 * Builds the graph (model.ts) from the cluster's nodes as the loader read them, the groups of
 * instances that are one virtual router across nodes (src/cluster/groups.ts), and the findings of
 * the lint and cluster rules: each finding is carried by the smallest element whose written text
 * holds its location (a case arm, a VIP, an instance, a vrrp_script, a script by the path the config
 * writes for it), else by its router. Besides VRRP: the processes, files and BFD sessions instances
 * track, and the LVS side (virtual_server -> real_servers, their MISC_CHECK, notify_up/down and
 * quorum_up/down scripts). Example:
 *
 *   gw1, gw2: vrrp_instance gateway_v4 { notify /etc/keepalived/default-route.sh } and the script's
 *   `gateway)` arm -> arm "gateway)" carrying script-unknown-name, instance gateway_v4 carrying
 *   script-unhandled-instance, a peer edge gw1 gateway_v4 -- gw2 gateway_v4.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../engine/types.js';
import type { Statement, Token } from '../load/index.js';
import type { ClusterGroup, ClusterInstance, ClusterNode } from '../cluster/types.js';
import type { ScriptRef } from '../model/scripts.js';
import type { NameTest } from '../scripts/analyze.js';
import { testMatches } from '../scripts/names.js';
import type { EdgeKind, ElementKind, Graph, GraphEdge, GraphElement } from './model.js';

/** The config-id label of the lint's pass for an id no `@` line names (engine OTHER_CONFIG_ID). */
const OTHER_CONFIG_ID = '(other)';

interface Span {
  file: string;
  start: number;
  end: number;
}

interface Placed {
  element: GraphElement;
  node: ClusterNode;
  spans: Span[];
}

export interface GraphInput {
  nodes: ClusterNode[];
  groups: ClusterGroup[];
  diagnostics: Diagnostic[];
  cwd: string;
}

/** The text ranges a statement is written in: one per file (a block may pull lines from an include). */
function spansOf(st: Statement): Span[] {
  const byFile = new Map<string, Span>();
  const add = (t: Token | undefined) => {
    if (!t) return;
    const o = t.origin;
    const s = byFile.get(o.file);
    if (!s) byFile.set(o.file, { file: o.file, start: o.start, end: o.end });
    else {
      s.start = Math.min(s.start, o.start);
      s.end = Math.max(s.end, o.end);
    }
  };
  const walk = (s: Statement) => {
    add(s.keyword);
    for (const a of s.args) add(a);
    for (const v of s.values) for (const t of v.tokens) add(t);
    for (const c of s.children) walk(c);
    add(s.close);
  };
  walk(st);
  return [...byFile.values()];
}

const tokenSpan = (t: Token): Span => ({ file: t.origin.file, start: t.origin.start, end: t.origin.end });
const defined = (list: Statement[], keyword: string) => list.filter((c) => c.def && c.keyword.text === keyword);
/** The first word of each line of a value block (`group { a b }`, `track_script { chk weight -20 }`). */
const listed = (st: Statement, all = false): Token[] =>
  st.values.flatMap((l) => (all ? l.tokens : l.tokens.slice(0, 1)));

export function buildGraph(input: GraphInput): Graph {
  const { nodes, groups, cwd } = input;
  const elements: GraphElement[] = [];
  const edges: GraphEdge[] = [];
  const placed: Placed[] = [];
  const instanceIds = new Map<ClusterInstance, string>();
  const edgeSeen = new Set<string>();
  const rel = (f: string) => {
    const r = path.relative(cwd, f);
    return r && !r.startsWith('..') ? r : f;
  };
  const edge = (from: string, to: string, kind: EdgeKind, label?: string) => {
    const key = `${from}\0${to}\0${kind}\0${label ?? ''}`;
    if (edgeSeen.has(key)) return;
    edgeSeen.add(key);
    edges.push({ from, to, kind, ...(label ? { label } : {}) });
  };

  nodes.forEach((node, n) => {
    const counters = new Map<string, number>();
    const add = (
      kind: ElementKind,
      prefix: string,
      label: string,
      spans: Span[],
      extra: Record<string, unknown> = {},
    ): GraphElement => {
      const k = counters.get(prefix) ?? 0;
      counters.set(prefix, k + 1);
      const first = spans[0];
      const sf = first ? node.files.get(first.file) : undefined;
      const element: GraphElement = {
        id: prefix === 'r' ? `n${n}` : `n${n}_${prefix}${k}`,
        kind,
        label,
        router: node.label,
        ...(first && sf ? { file: rel(first.file), line: sf.index.position(first.start).line } : {}),
        ...extra,
        findings: [],
      };
      elements.push(element);
      placed.push({ element, node, spans });
      return element;
    };
    const router = add('router', 'r', node.label, [], {
      file: rel(node.file),
      ...(node.configId !== null ? { configId: node.configId } : {}),
    });
    const top = node.pass.tree.top.filter((t) => t.def);

    // Sync groups, then the instances (in a group or directly on the router).
    const groupIds = new Map<string, string>();
    const inGroup = new Set<string>();
    for (const g of defined(top, 'vrrp_sync_group')) {
      const name = g.args[0]?.text;
      if (name === undefined || groupIds.has(name)) continue;
      const e = add('sync-group', 'g', `sync group ${name}`, spansOf(g), { name });
      groupIds.set(name, e.id);
      edge(router.id, e.id, 'contains');
    }
    const interfaces = new Map<string, string>();
    const iface = (name: string) => {
      let id = interfaces.get(name);
      if (!id) {
        id = add('interface', 'if', name, [], { name }).id;
        interfaces.set(name, id);
      }
      return id;
    };
    const instanceByName = new Map<string, string>();
    for (const i of node.instances) {
      const state = i.master ? 'MASTER' : 'BACKUP';
      const lines = [
        i.name,
        `VRID ${i.vrid?.value ?? 'unset'} · ${i.family}`,
        `priority ${i.priority}${i.nopreempt ? ' · nopreempt' : ''} · ${state}`,
      ];
      const e = add('instance', 'i', lines.join('\n'), spansOf(i.statement), {
        name: i.name,
        vrid: i.vrid?.value ?? null,
        family: i.family,
        interface: i.iface?.text ?? null,
        priority: i.priority,
        state,
        nopreempt: Boolean(i.nopreempt),
      });
      instanceIds.set(i, e.id);
      instanceByName.set(i.name, e.id);
      if (i.iface) edge(e.id, iface(i.iface.text), 'interface');
      for (const v of i.vips) {
        const vip = add('vip', 'v', v.token.text, [tokenSpan(v.token)], { address: v.key });
        edge(e.id, vip.id, 'vip');
      }
    }
    for (const g of defined(top, 'vrrp_sync_group')) {
      const id = groupIds.get(g.args[0]?.text ?? '');
      if (!id) continue;
      for (const st of defined(g.children, 'group'))
        for (const t of listed(st, true)) {
          const member = instanceByName.get(t.text);
          if (member && !inGroup.has(t.text)) {
            inGroup.add(t.text);
            edge(id, member, 'member');
          }
        }
    }
    for (const i of node.instances) if (!inGroup.has(i.name)) edge(router.id, instanceIds.get(i)!, 'contains');

    // vrrp_scripts, and who tracks them (instances and sync groups); tracked interfaces.
    const vrrpScripts = new Map<string, string>();
    for (const s of defined(top, 'vrrp_script')) {
      const name = s.args[0]?.text;
      if (name === undefined || vrrpScripts.has(name)) continue;
      const weight = defined(s.children, 'weight').at(-1)?.args[0]?.text;
      const label = `vrrp_script ${name}${weight !== undefined ? `\nweight ${weight}` : ''}`;
      const e = add('vrrp-script', 's', label, spansOf(s), {
        name,
        ...(weight !== undefined ? { weight: Number(weight) } : {}),
      });
      vrrpScripts.set(name, e.id);
    }
    const owners: [string, Statement][] = [
      ...node.instances.map((i): [string, Statement] => [instanceIds.get(i)!, i.statement]),
      ...defined(top, 'vrrp_sync_group').flatMap((g): [string, Statement][] => {
        const id = groupIds.get(g.args[0]?.text ?? '');
        return id ? [[id, g]] : [];
      }),
    ];
    // Tracked processes, files and BFD sessions: drawn as vrrp_scripts are, with who tracks them.
    const tracked = new Map<string, Map<string, string>>();
    for (const spec of TRACKED) {
      const ids = new Map<string, string>();
      tracked.set(spec.track, ids);
      for (const b of top.filter((t) => t.def && spec.defs.includes(t.keyword.text))) {
        const name = b.args[0]?.text;
        if (name === undefined || ids.has(name)) continue;
        const kids = b.children.filter((c) => c.def);
        const weight = defined(kids, 'weight').at(-1)?.args[0]?.text;
        const what = defined(kids, spec.what).at(-1);
        const value = what ? (what.args.length ? what.args : listed(what, true)).map((a) => a.text).join(' ') : '';
        const lines = [
          `${b.keyword.text} ${name}`,
          ...(value ? [`${spec.what} ${value}`] : []),
          ...(weight ? [`weight ${weight}`] : []),
        ];
        const e = add(spec.kind, spec.prefix, lines.join('\n'), spansOf(b), {
          name,
          ...(value ? { [spec.field]: value } : {}),
          ...(weight !== undefined && /^[+-]?\d+$/.test(weight) ? { weight: Number(weight) } : {}),
        });
        ids.set(name, e.id);
      }
    }
    for (const [id, st] of owners) {
      for (const t of defined(st.children, 'track_script'))
        for (const l of t.values) {
          const [name, ...rest] = l.tokens;
          const target = name && vrrpScripts.get(name.text);
          if (target) edge(id, target, 'tracks', weightLabel(rest));
        }
      for (const spec of TRACKED)
        for (const t of defined(st.children, spec.track))
          for (const l of t.values) {
            const [name, ...rest] = l.tokens;
            const target = name && tracked.get(spec.track)!.get(name.text);
            if (target) edge(id, target, 'tracks', weightLabel(rest));
          }
      for (const t of defined(st.children, 'track_interface'))
        for (const l of t.values) {
          const [name, ...rest] = l.tokens;
          if (name) edge(id, iface(name.text), 'tracks', weightLabel(rest));
        }
    }

    // LVS: virtual servers and their real servers (the scripts they run come with the others below).
    const lvsIds = new Map<Statement, string>();
    for (const vs of defined(top, 'virtual_server')) {
      const name = vs.args.map((a) => a.text).join(' ');
      const kids = vs.children.filter((c) => c.def);
      const settings = ['lb_algo', 'lb_kind', 'protocol']
        .map((k) => defined(kids, k).at(-1))
        .flatMap((st) => (st?.args[0] ? [`${st.keyword.text} ${st.args[0].text}`] : []));
      const quorum = defined(kids, 'quorum').at(-1)?.args[0]?.text;
      const lines = [`virtual_server ${name}`, ...(settings.length ? [settings.join(' · ')] : [])];
      const v = add('virtual-server', 'vs', lines.join('\n'), spansOf(vs), {
        name,
        ...(quorum !== undefined && /^\d+$/.test(quorum) ? { quorum: Number(quorum) } : {}),
      });
      lvsIds.set(vs, v.id);
      edge(router.id, v.id, 'contains');
      for (const rs of defined(kids, 'real_server')) {
        const rname = rs.args.map((a) => a.text).join(' ');
        const rkids = rs.children.filter((c) => c.def);
        const weight = defined(rkids, 'weight').at(-1)?.args[0]?.text;
        const checks = rkids.filter((c) => CHECKERS.has(c.keyword.text)).map((c) => c.keyword.text);
        const rlines = [
          `real_server ${rname}`,
          ...(weight !== undefined ? [`weight ${weight}`] : []),
          ...(checks.length ? [checks.join(' · ')] : []),
        ];
        const r = add('real-server', 'rs', rlines.join('\n'), spansOf(rs), {
          name: rname,
          ...(weight !== undefined && /^\d+$/.test(weight) ? { weight: Number(weight) } : {}),
          checks,
        });
        lvsIds.set(rs, r.id);
        edge(v.id, r.id, 'real-server');
      }
    }

    // Notify, FIFO and check scripts: who runs them, with which hook, and the names each dispatches on.
    const ownerId = (ref: ScriptRef): string | undefined =>
      ref.owner.kind === 'vrrp_instance'
        ? instanceByName.get(ref.owner.name)
        : ref.owner.kind === 'vrrp_sync_group'
          ? groupIds.get(ref.owner.name)
          : ref.owner.kind === 'global_defs'
            ? router.id
            : ref.owner.kind === 'real_server' || ref.owner.kind === 'virtual_server'
              ? ref.owner.statement
                ? lvsIds.get(ref.owner.statement)
                : undefined
              : undefined;
    const scripts = new Map<string, { id: string; refs: ScriptRef[]; spans: Placed['spans'] }>();
    for (const ref of node.pass.refs) {
      if (ref.owner.kind === 'vrrp_script' || ref.hook === 'startup_script' || ref.hook === 'shutdown_script') continue;
      if (ref.hook === 'lvs_notify_fifo_script') continue;
      const from = ownerId(ref);
      const file = node.loaded.scripts.file(ref);
      if (!from || !file) continue;
      let s = scripts.get(file.path);
      if (!s) {
        const e = add('script', 'x', file.deployed, [{ file: file.path, start: 0, end: Infinity }], {
          path: file.deployed,
          ...(file.source ? {} : { missing: true }),
        });
        s = { id: e.id, refs: [], spans: placed.at(-1)!.spans };
        scripts.set(file.path, s);
      }
      s.refs.push(ref);
      // The path as the config writes it is the script's too: a finding there (not found, not
      // executable, insecure) is carried by the script.
      const word = ref.command ?? ref.commandString;
      s.spans.push({ file: word.origin.file, start: word.origin.start, end: word.origin.end });
      if (ref.hook === 'misc_path') edge(from, s.id, 'check', 'MISC_CHECK');
      else edge(from, s.id, 'notify', ref.hook);
    }
    const named = new Map<string, string>([...instanceByName, ...groupIds]);
    for (const [file, s] of scripts) {
      const a = node.loaded.scripts.analysis(s.refs[0]!);
      if (!a?.parsed) continue;
      const names = [...new Set(s.refs.flatMap((r) => r.names))];
      const arms: { file: string; t: NameTest }[] = a.dispatches.flatMap((d) => d.tests.map((t) => ({ file, t })));
      for (const c of a.callees ?? [])
        if (c.analysis.parsed)
          arms.push(...c.analysis.dispatches.flatMap((d) => d.tests.map((t) => ({ file: c.file.path, t }))));
      const seen = new Set<string>();
      for (const { file: f, t } of arms) {
        const key = `${f}\0${t.literal.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const arm = add('arm', 'a', armLabel(t), [{ file: f, start: t.literal.start, end: t.literal.end }], {
          literal: t.literal.text,
          construct: t.construct,
          negated: t.negated,
        });
        edge(s.id, arm.id, 'dispatches');
        if (t.negated || t.missingQuotes) continue;
        for (const name of names) {
          const to = named.get(name);
          if (to && testMatches(t, name)) edge(arm.id, to, 'matches');
        }
      }
      if (a.dispatches.some((d) => d.hasDefault)) {
        const arm = add('arm', 'a', '*) default', [], { literal: '*', construct: 'default', negated: false });
        edge(s.id, arm.id, 'dispatches');
      }
    }
  });

  // Peers: the instances of different nodes that are one virtual router.
  for (const g of groups) {
    const members = g.members.filter((m) => instanceIds.has(m));
    for (let a = 0; a < members.length; a++)
      for (let b = a + 1; b < members.length; b++) {
        const x = members[a]!;
        const label = `VRID ${x.vrid?.value ?? '?'} ${x.iface?.text ?? ''} ${x.family}`.replace(/ +/g, ' ');
        edge(instanceIds.get(x)!, instanceIds.get(members[b]!)!, 'peer', label);
      }
  }

  attachFindings(input, placed, instanceIds, edges, rel);
  return { version: 1, nodes: elements, edges };
}

/** What instances track besides vrrp_scripts and interfaces: the track_* keyword, its blocks, what they watch. */
const TRACKED: {
  track: string;
  defs: string[];
  kind: ElementKind;
  prefix: string;
  what: string;
  field: string;
}[] = [
  {
    track: 'track_process',
    defs: ['vrrp_track_process'],
    kind: 'track-process',
    prefix: 'tp',
    what: 'process',
    field: 'process',
  },
  {
    track: 'track_file',
    defs: ['track_file', 'vrrp_track_file'],
    kind: 'track-file',
    prefix: 'tf',
    what: 'file',
    field: 'path',
  },
  {
    track: 'track_bfd',
    defs: ['bfd_instance', 'vrrp_track_bfd'],
    kind: 'track-bfd',
    prefix: 'tb',
    what: 'neighbor_ip',
    field: 'neighbor',
  },
];

/** The health checkers of a real_server. */
const CHECKERS = new Set([
  'TCP_CHECK',
  'HTTP_GET',
  'SSL_GET',
  'MISC_CHECK',
  'SMTP_CHECK',
  'DNS_CHECK',
  'BFD_CHECK',
  'UDP_CHECK',
  'PING_CHECK',
  'FILE_CHECK',
]);

function weightLabel(words: Token[]): string | undefined {
  const i = words.findIndex((w) => w.text === 'weight');
  if (i < 0 || !words[i + 1]) return undefined;
  return `weight ${words[i + 1]!.text}${words[i + 2]?.text === 'reverse' ? ' reverse' : ''}`;
}

function armLabel(t: NameTest): string {
  const text = t.literal.text;
  if (t.construct === 'case') return `${text})`;
  if (t.construct === 'key') return `[${text}]`;
  return `${t.negated ? '!=' : '=='} ${text}`;
}

/**
 * Each finding on the smallest element of each node it applies to whose text holds its start (the
 * node's router when none does). A VIP mismatch is also carried by the VIPs the peers do not share.
 */
function attachFindings(
  input: GraphInput,
  placed: Placed[],
  instanceIds: Map<ClusterInstance, string>,
  edges: GraphEdge[],
  rel: (f: string) => string,
): void {
  const byNode = new Map<ClusterNode, Placed[]>();
  for (const p of placed) {
    const list = byNode.get(p.node);
    if (list) list.push(p);
    else byNode.set(p.node, [p]);
  }
  const byId = new Map(placed.map((p) => [p.element.id, p]));
  // The findings an element carries, by rule and message: a set, not a scan of its list for each
  // (every finding no element holds goes to the router: a scan made that quadratic).
  const carried = new Map<GraphElement, Set<string>>();
  const carry = (e: GraphElement, d: Diagnostic) => {
    const key = `${d.ruleId}\0${d.message}`;
    let seen = carried.get(e);
    if (!seen) carried.set(e, (seen = new Set(e.findings.map((f) => `${f.ruleId}\0${f.message}`))));
    if (seen.has(key)) return;
    seen.add(key);
    e.findings.push({
      ruleId: d.ruleId,
      severity: d.severity,
      message: d.message,
      file: rel(d.file),
      line: d.start.line,
      column: d.start.column,
    });
  };
  // Which nodes each finding is for, then, per node, the element whose span holds it most tightly,
  // found for all of the node's findings at once (one pass over each finding and every span of the
  // node was quadratic: two nodes of 10,000 instances took 5 s).
  const nodesOf = input.diagnostics.map((d) => {
    const holding = input.nodes.filter((n) => n.files.has(d.file));
    const forId = holding.filter((n) => !d.configIds || d.configIds.includes(n.configId ?? OTHER_CONFIG_ID));
    return forId.length ? forId : holding;
  });
  let vips: VipIndex | undefined;
  // The findings for each node, in order.
  const asked = new Map<ClusterNode, number[]>();
  nodesOf.forEach((nodes, k) => {
    for (const node of nodes) {
      const ks = asked.get(node);
      if (ks) ks.push(k);
      else asked.set(node, [k]);
    }
  });
  const tightest = new Map<ClusterNode, (Placed | undefined)[]>();
  for (const [node, list] of byNode)
    tightest.set(node, tightestHolding(list, asked.get(node) ?? [], input.diagnostics));
  for (let k = 0; k < input.diagnostics.length; k++) {
    const d = input.diagnostics[k]!;
    for (const node of nodesOf[k]!) {
      const list = byNode.get(node) ?? [];
      const target = tightest.get(node)?.[k] ?? list.find((p) => p.element.kind === 'router');
      if (!target) continue;
      carry(target.element, d);
      if (d.ruleId === 'cluster-vip-mismatch' && target.element.kind === 'instance') {
        vips ??= vipIndex(input.groups, instanceIds, edges);
        for (const vip of unsharedVips(target.element.id, vips, byId)) carry(vip, d);
      }
    }
  }
}

/** The VIP edges of each instance and the virtual router of each (by the instance's id). */
interface VipIndex {
  edges: Map<string, GraphEdge[]>;
  groupOf: Map<string, ClusterGroup>;
}

function vipIndex(groups: ClusterGroup[], instanceIds: Map<ClusterInstance, string>, edges: GraphEdge[]): VipIndex {
  const byFrom = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    if (e.kind !== 'vip') continue;
    const list = byFrom.get(e.from);
    if (list) list.push(e);
    else byFrom.set(e.from, [e]);
  }
  const groupOf = new Map<string, ClusterGroup>();
  for (const g of groups)
    for (const m of g.members) {
      const id = instanceIds.get(m);
      // The first group that has it, as a search of the groups in order would find.
      if (id !== undefined && !groupOf.has(id)) groupOf.set(id, g);
    }
  return { edges: byFrom, groupOf };
}

/**
 * For the findings `asked` (indexes of `diagnostics`): the element of `list` with the smallest span
 * that holds the finding's start (a span of no length holds its start), the first of them in the
 * order of `list` and of its spans on a tie; undefined when none does. By file, spans and findings
 * in order of position, with the spans begun so far in a heap by size.
 */
function tightestHolding(list: Placed[], asked: number[], diagnostics: Diagnostic[]): (Placed | undefined)[] {
  interface Held {
    start: number;
    end: number;
    size: number;
    order: number;
    placed: Placed;
  }
  const spans = new Map<string, Held[]>();
  let order = 0;
  for (const p of list)
    for (const s of p.spans) {
      let inFile = spans.get(s.file);
      if (!inFile) spans.set(s.file, (inFile = []));
      inFile.push({
        start: s.start,
        end: Math.max(s.end, s.start + 1),
        size: s.end - s.start,
        order: order++,
        placed: p,
      });
    }
  for (const inFile of spans.values()) inFile.sort((a, b) => a.start - b.start);
  const out: (Placed | undefined)[] = [];
  const before = (a: Held, b: Held) => a.size < b.size || (a.size === b.size && a.order < b.order);
  const byFile = new Map<string, number[]>();
  for (const k of asked) {
    const f = diagnostics[k]!.file;
    const ks = byFile.get(f);
    if (ks) ks.push(k);
    else byFile.set(f, [k]);
  }
  for (const [file, ks] of byFile) {
    const inFile = spans.get(file);
    if (!inFile) continue;
    ks.sort((a, b) => diagnostics[a]!.range.start - diagnostics[b]!.range.start);
    const heap: Held[] = [];
    let next = 0;
    for (const k of ks) {
      const at = diagnostics[k]!.range.start;
      while (next < inFile.length && inFile[next]!.start <= at) heapPush(heap, inFile[next++]!, before);
      // A span that ended before this finding ends before every later one too.
      while (heap.length && heap[0]!.end <= at) heapPop(heap, before);
      out[k] = heap[0]?.placed;
    }
  }
  return out;
}

function heapPush<T>(heap: T[], x: T, before: (a: T, b: T) => boolean): void {
  heap.push(x);
  for (let i = heap.length - 1; i > 0; ) {
    const up = (i - 1) >> 1;
    if (!before(heap[i]!, heap[up]!)) break;
    [heap[i], heap[up]] = [heap[up]!, heap[i]!];
    i = up;
  }
}

function heapPop<T>(heap: T[], before: (a: T, b: T) => boolean): void {
  const last = heap.pop()!;
  if (!heap.length) return;
  heap[0] = last;
  for (let i = 0; ; ) {
    const l = 2 * i + 1;
    const r = l + 1;
    let top = i;
    if (l < heap.length && before(heap[l]!, heap[top]!)) top = l;
    if (r < heap.length && before(heap[r]!, heap[top]!)) top = r;
    if (top === i) return;
    [heap[i], heap[top]] = [heap[top]!, heap[i]!];
    i = top;
  }
}

/** The VIP elements of an instance whose address is not on every peer of its virtual router. */
function unsharedVips(instanceId: string, index: VipIndex, byId: Map<string, Placed>): GraphElement[] {
  const group = index.groupOf.get(instanceId);
  if (!group) return [];
  const shared = (key: string) => group.members.every((m) => m.vips.some((v) => v.key === key));
  return (index.edges.get(instanceId) ?? [])
    .map((e) => byId.get(e.to)!.element)
    .filter((v) => !shared(String(v.address)));
}
