// `keepalived-lint graph`: the elements and edges of a config or a cluster, the findings carried by
// the element at their location (drawn red), escaping of untrusted names in Mermaid and DOT, the
// JSON output against schema/graph.schema.json (ajv), and unusable input (exit 2, a clear message).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import { describe, expect, it } from 'vitest';
import { dotText, mermaidText, type Graph, type GraphElement } from '../src/graph/index.js';
import { REPO, runCli, tempTree } from './helpers.js';

/** Graphviz, where installed: the DOT output must be read by dot itself. */
const HAVE_DOT = spawnSync('dot', ['-V'], { encoding: 'utf8' }).status === 0;
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'graph.schema.json'), 'utf8')) as { $id: string };
const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvClass }).default;
const validate = new Ajv({ allErrors: true, strict: true }).compile(SCHEMA);

async function graphJson(args: string[], cwd = REPO): Promise<Graph> {
  const r = await runCli(['graph', ...args, '--format', 'json'], { cwd });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const g = JSON.parse(r.stdout) as Graph;
  const ok = validate(g);
  expect(ok ? [] : validate.errors?.slice(0, 5)).toEqual([]);
  return g;
}

const find = (g: Graph, router: string, kind: GraphElement['kind'], pred: (e: GraphElement) => boolean) =>
  g.nodes.filter((e) => e.router === router && e.kind === kind && pred(e));
const one = (g: Graph, router: string, kind: GraphElement['kind'], pred: (e: GraphElement) => boolean) => {
  const list = find(g, router, kind, pred);
  expect(list, `${kind} on ${router}`).toHaveLength(1);
  return list[0]!;
};
const instance = (g: Graph, router: string, name: string) => one(g, router, 'instance', (e) => e.name === name);
const rulesOf = (e: GraphElement) => e.findings.map((f) => f.ruleId).sort();
const edgesFrom = (g: Graph, from: string, kind: string) => g.edges.filter((e) => e.from === from && e.kind === kind);

/** Copy of the Debian split case with default-route.sh dispatching on `text` instead. */
function debianWithScript(text: string): string {
  const { dir } = tempTree('kl-graph-debian-');
  fs.cpSync(path.join(REPO, 'test/simulate-cases/debian-split'), dir, { recursive: true });
  for (const n of ['gw1', 'gw2'])
    fs.writeFileSync(path.join(dir, n, 'etc/keepalived/default-route.sh'), text, { mode: 0o755 });
  return dir;
}

describe('graph: the Debian split on two gateways', () => {
  const args = ['test/simulate-cases/debian-split', '--target', 'stretch'];

  it('draws sync group -> instances -> VIPs, interface, vrrp_script, the notify script and its arm', async () => {
    const g = await graphJson(args);
    expect(g.nodes.filter((e) => e.kind === 'router').map((e) => e.label)).toEqual(['gw1', 'gw2']);
    const v4 = instance(g, 'gw1', 'gateway_v4');
    expect(v4).toMatchObject({ vrid: 51, family: 'ipv4', interface: 'eth0', priority: 150, state: 'MASTER' });
    expect(instance(g, 'gw2', 'gateway_v4')).toMatchObject({ priority: 100, state: 'BACKUP' });
    const group = one(g, 'gw1', 'sync-group', (e) => e.name === 'gateways');
    expect(edgesFrom(g, group.id, 'member').map((e) => e.to)).toEqual([v4.id, instance(g, 'gw1', 'gateway_v6').id]);
    const vip = one(g, 'gw1', 'vip', (e) => e.address === '192.0.2.1');
    expect(edgesFrom(g, v4.id, 'vip').map((e) => e.to)).toEqual([vip.id]);
    const eth0 = one(g, 'gw1', 'interface', (e) => e.name === 'eth0');
    expect(edgesFrom(g, v4.id, 'interface').map((e) => e.to)).toEqual([eth0.id]);
    const chk = one(g, 'gw1', 'vrrp-script', (e) => e.name === 'chk_uplink');
    expect(chk.weight).toBe(-60);
    expect(edgesFrom(g, v4.id, 'tracks').map((e) => e.to)).toEqual([chk.id]);
    const script = one(g, 'gw1', 'script', (e) => e.path === '/etc/keepalived/default-route.sh');
    expect(edgesFrom(g, v4.id, 'notify')).toEqual([{ from: v4.id, to: script.id, kind: 'notify', label: 'notify' }]);
    const arm = one(g, 'gw1', 'arm', (e) => e.literal === 'gateway');
    expect(arm.label).toBe('gateway)');
    expect(edgesFrom(g, script.id, 'dispatches').map((e) => e.to)).toEqual([arm.id]);
  });

  it(
    'the arm still matching "gateway" names nothing: it carries script-unknown-name, ' +
      'the instances the unhandled finding',
    async () => {
      const g = await graphJson(args);
      for (const router of ['gw1', 'gw2']) {
        const arm = one(g, router, 'arm', (e) => e.literal === 'gateway');
        expect(rulesOf(arm)).toEqual(['script-unknown-name']);
        expect(arm.findings[0]).toMatchObject({
          severity: 'error',
          file: `test/simulate-cases/debian-split/${router}/etc/keepalived/default-route.sh`,
          line: 9,
        });
        expect(edgesFrom(g, arm.id, 'matches')).toEqual([]);
        for (const name of ['gateway_v4', 'gateway_v6'])
          expect(rulesOf(instance(g, router, name))).toEqual(['script-unhandled-instance']);
        // Nothing else is involved in a finding.
        expect(find(g, router, 'vip', (e) => e.findings.length > 0)).toEqual([]);
        expect(one(g, router, 'sync-group', () => true).findings).toEqual([]);
      }
    },
  );

  it('draws that arm and the unhandled instances red in Mermaid and DOT, and nothing else', async () => {
    const g = await graphJson(args);
    const red = g.nodes
      .filter((e) => e.findings.length)
      .map((e) => e.id)
      .sort();
    const mermaid = await runCli(['graph', ...args]);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('flowchart LR\n')).toBe(true);
    const classLine = mermaid.stdout.split('\n').find((l) => l.trim().startsWith('class '))!;
    expect(
      classLine
        .trim()
        .replace(/^class /, '')
        .replace(/ finding$/, '')
        .split(',')
        .sort(),
    ).toEqual(red);
    const arm = one(g, 'gw1', 'arm', (e) => e.literal === 'gateway');
    expect(mermaid.stdout).toContain(`    ${arm.id}>"gateway)"]`);
    const dot = await runCli(['graph', ...args, '--format', 'dot']);
    expect(dot.code).toBe(0);
    const filled = dot.stdout.split('\n').filter((l) => l.includes('fillcolor="#ffdddd"'));
    expect(filled.map((l) => l.trim().split(' ')[0]).sort()).toEqual(red);
    expect(dot.stdout).toContain('tooltip="Unknown instance or group name \\"gateway\\"');
  });

  it('once the script matches the new names, the arms are not red and each matches its instance', async () => {
    const dir = debianWithScript(
      '#!/bin/sh\ncase "$2" in\n    gateway_v4) ip route replace default via 192.0.2.254 ;;\n' +
        '    gateway_v6) ip -6 route replace default via 2001:db8::fe ;;\nesac\n',
    );
    const g = await graphJson(['.', '--target', 'stretch'], dir);
    for (const router of ['gw1', 'gw2']) {
      for (const name of ['gateway_v4', 'gateway_v6']) {
        const arm = one(g, router, 'arm', (e) => e.literal === name);
        expect(arm.findings).toEqual([]);
        expect(edgesFrom(g, arm.id, 'matches').map((e) => e.to)).toEqual([instance(g, router, name).id]);
        expect(instance(g, router, name).findings).toEqual([]);
      }
    }
    const mermaid = await runCli(['graph', '.', '--target', 'stretch'], { cwd: dir });
    expect(mermaid.stdout).not.toMatch(/^\s*class /m);
  });

  it('links the peers across the nodes: same VRID, interface and family', async () => {
    const g = await graphJson(args);
    const peers = g.edges.filter((e) => e.kind === 'peer');
    expect(peers).toEqual([
      {
        from: instance(g, 'gw1', 'gateway_v4').id,
        to: instance(g, 'gw2', 'gateway_v4').id,
        kind: 'peer',
        label: 'VRID 51 eth0 ipv4',
      },
      {
        from: instance(g, 'gw1', 'gateway_v6').id,
        to: instance(g, 'gw2', 'gateway_v6').id,
        kind: 'peer',
        label: 'VRID 52 eth0 ipv6',
      },
    ]);
  });
});

describe('graph: a cluster of two nodes', () => {
  const node = (priority: number, vips: string[], name = 'VI_1') =>
    `vrrp_instance ${name} {\n    interface eth0\n    virtual_router_id 51\n    priority ${priority}\n` +
    `    virtual_ipaddress {\n${vips.map((v) => `        ${v}\n`).join('')}    }\n}\n`;

  it('peers renamed copies (same VRID, interface, family) and draws red the VIP only one node has', async () => {
    const { dir, write } = tempTree('kl-graph-cluster-');
    write('hosts/lb1/keepalived.conf', node(150, ['192.0.2.10/24', '192.0.2.11/24']));
    write('hosts/lb2/keepalived.conf', node(100, ['192.0.2.10/24'], 'web'));
    const g = await graphJson(['hosts'], dir);
    const a = instance(g, 'lb1', 'VI_1');
    const b = instance(g, 'lb2', 'web');
    expect(g.edges.filter((e) => e.kind === 'peer')).toEqual([
      { from: a.id, to: b.id, kind: 'peer', label: 'VRID 51 eth0 ipv4' },
    ]);
    const only = one(g, 'lb1', 'vip', (e) => e.address === '192.0.2.11');
    expect(rulesOf(only)).toEqual(['cluster-vip-mismatch']);
    expect(one(g, 'lb1', 'vip', (e) => e.address === '192.0.2.10').findings).toEqual([]);
    expect(one(g, 'lb2', 'vip', (e) => e.address === '192.0.2.10').findings).toEqual([]);
    expect(rulesOf(b)).toContain('cluster-vip-mismatch');
    const mermaid = await runCli(['graph', 'hosts'], { cwd: dir });
    expect(mermaid.stdout).toMatch(new RegExp(`^  class .*\\b${only.id}\\b.* finding$`, 'm'));
    expect(mermaid.stdout).toContain(`  ${a.id} -.->|"VRID 51 eth0 ipv4"| ${b.id}\n`);
  });

  it('makes one node per config-id of one file, peered', async () => {
    const { dir, write } = tempTree('kl-graph-ids-');
    write(
      'keepalived.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n@lb1    priority 150\n' +
        '@lb2    priority 100\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n',
    );
    const g = await graphJson(['keepalived.conf'], dir);
    expect(g.nodes.filter((e) => e.kind === 'router').map((e) => [e.label, e.configId])).toEqual([
      ['lb1', 'lb1'],
      ['lb2', 'lb2'],
    ]);
    expect([instance(g, 'lb1', 'VI_1').priority, instance(g, 'lb2', 'VI_1').priority]).toEqual([150, 100]);
    expect(g.edges.filter((e) => e.kind === 'peer')).toHaveLength(1);
  });

  it('warns when the Mermaid text is larger than Mermaid renders, and still prints it', async () => {
    const { dir, write } = tempTree('kl-graph-big-');
    const many = Array.from({ length: 300 }, (_, i) =>
      node(100, [`10.0.${Math.floor(i / 200)}.${(i % 200) + 1}/24`], `VI_${i}`).replace('51', String((i % 255) + 1)),
    );
    write('keepalived.conf', many.join(''));
    const r = await runCli(['graph', 'keepalived.conf'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(50_000);
    expect(r.stderr).toMatch(/more than the 50000 Mermaid renders by default.*--format dot/);
    const small = await runCli(['graph', 'keepalived.conf', '--format', 'dot'], { cwd: dir });
    expect(small.stderr).toBe('');
  });

  it('draws a single node, without peers', async () => {
    const { dir, write } = tempTree('kl-graph-one-');
    write('keepalived.conf', node(100, ['192.0.2.10/24']));
    const g = await graphJson(['keepalived.conf'], dir);
    expect(g.nodes.filter((e) => e.kind === 'router')).toHaveLength(1);
    expect(g.edges.filter((e) => e.kind === 'peer')).toEqual([]);
  });
});

/** Every line of our Mermaid: a node (an id, a shape around one quoted label), an edge, a subgraph, a class. */
const MERMAID_LINE = new RegExp(
  [
    'flowchart LR',
    '  end',
    '  subgraph \\w+\\["[^"]*"\\]',
    '    \\w+(?:\\[|\\(\\[|\\[/|\\[\\\\|\\[\\(|\\(\\(|\\(|\\{\\{|\\[\\[|>)"[^"]*"' +
      '(?:\\]|\\]\\)|/\\]|\\\\\\]|\\)\\]|\\)\\)|\\)|\\}\\}|\\]\\])',
    '  \\w+ (?:-->|-\\.->)(?:\\|"[^"]*"\\|)? \\w+',
    '  classDef .*',
    '  class [\\w,]+ finding',
  ]
    .map((l) => `(?:${l})`)
    .join('|')
    .replace(/^/, '^(?:')
    .replace(/$/, ')$'),
);

describe('graph: tracked processes, files and BFD sessions, and the LVS side', () => {
  const args = ['test/graph-cases/lvs-track'];
  const R = 'lvs-track';

  it('draws what the instance tracks besides vrrp_scripts, each with its weight', async () => {
    const g = await graphJson(args);
    const vi = instance(g, R, 'VI_1');
    const proc = one(g, R, 'track-process', (e) => e.name === 'nginx');
    expect(proc).toMatchObject({
      process: 'nginx',
      weight: 10,
      label: 'vrrp_track_process nginx\nprocess nginx\nweight 10',
    });
    const file = one(g, R, 'track-file', (e) => e.name === 'maintenance');
    expect(file).toMatchObject({ path: '/var/run/keepalived-maintenance', weight: -50 });
    const bfd = one(g, R, 'track-bfd', (e) => e.name === 'uplink');
    expect(bfd).toMatchObject({ neighbor: '192.0.2.254' });
    expect(edgesFrom(g, vi.id, 'tracks')).toEqual([
      { from: vi.id, to: proc.id, kind: 'tracks' },
      { from: vi.id, to: file.id, kind: 'tracks', label: 'weight -20' },
      { from: vi.id, to: bfd.id, kind: 'tracks', label: 'weight -30' },
    ]);
  });

  it('draws virtual_server -> real_servers, their quorum, notify and MISC_CHECK scripts', async () => {
    const g = await graphJson(args);
    const router = one(g, R, 'router', () => true);
    const vs = one(g, R, 'virtual-server', (e) => e.name === '192.0.2.10 80');
    expect(vs).toMatchObject({
      quorum: 1,
      label: 'virtual_server 192.0.2.10 80\nlb_algo rr · lb_kind NAT · protocol TCP',
    });
    expect(edgesFrom(g, router.id, 'contains').map((e) => e.to)).toContain(vs.id);
    const rs1 = one(g, R, 'real-server', (e) => e.name === '10.0.0.1 80');
    const rs2 = one(g, R, 'real-server', (e) => e.name === '10.0.0.2 80');
    expect([rs1.checks, rs2.checks]).toEqual([['MISC_CHECK'], ['TCP_CHECK']]);
    expect(edgesFrom(g, vs.id, 'real-server').map((e) => e.to)).toEqual([rs1.id, rs2.id]);
    const quorum = one(g, R, 'script', (e) => e.path === '/etc/keepalived/quorum.sh');
    expect(edgesFrom(g, vs.id, 'notify').map((e) => [e.to, e.label])).toEqual([
      [quorum.id, 'quorum_up'],
      [quorum.id, 'quorum_down'],
    ]);
    const notify = one(g, R, 'script', (e) => e.path === '/etc/keepalived/rs-notify.sh');
    expect(edgesFrom(g, rs1.id, 'notify').map((e) => [e.to, e.label])).toEqual([
      [notify.id, 'notify_up'],
      [notify.id, 'notify_down'],
    ]);
    const check = one(g, R, 'script', (e) => e.path === '/etc/keepalived/check-web.sh');
    expect(edgesFrom(g, rs1.id, 'check')).toEqual([{ from: rs1.id, to: check.id, kind: 'check', label: 'MISC_CHECK' }]);
    expect(edgesFrom(g, rs2.id, 'check')).toEqual([]);
  });

  it('the MISC_CHECK script not found carries the finding and is the one element drawn red', async () => {
    const g = await graphJson(args);
    const check = one(g, R, 'script', (e) => e.path === '/etc/keepalived/check-web.sh');
    expect(check.missing).toBe(true);
    expect(rulesOf(check)).toEqual(['script-not-found']);
    expect(g.nodes.filter((e) => e.findings.length).map((e) => e.id)).toEqual([check.id]);
    const mermaid = await runCli(['graph', ...args]);
    for (const line of mermaid.stdout.trimEnd().split('\n')) expect(line).toMatch(MERMAID_LINE);
    expect(mermaid.stdout).toContain(`\n  class ${check.id} finding\n`);
    expect(mermaid.stdout).toContain(`    ${one(g, R, 'track-file', () => true).id}[\\"track_file maintenance<br>`);
    const dot = await runCli(['graph', ...args, '--format', 'dot']);
    const filled = dot.stdout.split('\n').filter((l) => l.includes('fillcolor="#ffdddd"'));
    expect(filled.map((l) => l.trim().split(' ')[0])).toEqual([check.id]);
    expect(dot.stdout).toMatch(/shape=trapezium, label="virtual_server 192\.0\.2\.10 80\\n/);
  });
});

describe('graph: a FIFO script', () => {
  it('is run by the router; its arms match the instances they name, the unquoted one is red', async () => {
    const { dir, write } = tempTree('kl-graph-fifo-');
    const inst = (name: string, vrid: number) =>
      `vrrp_instance ${name} {\n    interface eth0\n    virtual_router_id ${vrid}\n    priority 100\n` +
      `    virtual_ipaddress {\n        192.0.2.${vrid}/24\n    }\n}\n`;
    write(
      'etc/keepalived/keepalived.conf',
      'global_defs {\n    vrrp_notify_fifo /run/keepalived.fifo\n' +
        '    vrrp_notify_fifo_script /etc/keepalived/fifo.sh\n}\n' +
        inst('VI_1', 51) +
        inst('web', 52),
    );
    write(
      'etc/keepalived/fifo.sh',
      '#!/bin/sh\nwhile read TYPE NAME STATE PRIO; do\n  case "$NAME" in\n    \'"VI_1"\') echo one ;;\n' +
        '    web) echo two ;;\n  esac\ndone\n',
      0o755,
    );
    const g = await graphJson(['etc/keepalived/keepalived.conf'], dir);
    const router = g.nodes.find((e) => e.kind === 'router')!;
    const script = one(g, router.label, 'script', (e) => e.path === '/etc/keepalived/fifo.sh');
    expect(edgesFrom(g, router.id, 'notify')).toEqual([
      { from: router.id, to: script.id, kind: 'notify', label: 'vrrp_notify_fifo_script' },
    ]);
    const quoted = one(g, router.label, 'arm', (e) => e.literal === 'VI_1');
    expect(edgesFrom(g, quoted.id, 'matches').map((e) => e.to)).toEqual([instance(g, router.label, 'VI_1').id]);
    expect(quoted.findings).toEqual([]);
    const bare = one(g, router.label, 'arm', (e) => e.literal === 'web');
    expect(edgesFrom(g, bare.id, 'matches')).toEqual([]);
    expect(rulesOf(bare)).toEqual(['script-unknown-name']);
    // The test meant for web misses the FIFO quotes: the arm says it (script-unhandled-instance leaves it to it).
    expect(rulesOf(instance(g, router.label, 'web'))).toEqual([]);
  });
});

describe('graph: hostile names', () => {
  const HOSTILE = ['a"]; click n0 call x("', 'b#quot;<img src=x onerror=alert(1)>', 'c`**md**`|x|', 'd\u001b[2J\u0007'];

  it('escapes quotes, entity starts, HTML, backticks and control characters in Mermaid labels', () => {
    for (const s of HOSTILE) {
      const t = mermaidText(s);
      expect(t).not.toMatch(/["<>`|\u0000-\u001f]/);
      // Every # starts one of our entity codes: none of the input survives as an entity.
      expect(t.replace(/#(?:\d+|quot);/g, '')).not.toContain('#');
    }
    expect(mermaidText('a\nb')).toBe('a<br>b');
    expect(mermaidText('x"y#z')).toBe('x#quot;y#35;z');
    // Bidi controls reorder what a reviewer reads: shown, as the other formats show them.
    expect(mermaidText('a\u202eb\u2066c')).toBe('a\\u202eb\\u2066c');
    expect(dotText('a\u202eb')).toBe('a\\\\u202eb');
  });

  it('escapes quotes, backslashes and control characters in DOT strings', () => {
    // The control character is shown as the text \x1b: its backslash escaped for DOT.
    expect(dotText('a"b\\c\nd\u001b')).toBe('a\\"b\\\\c\\nd\\\\x1b');
    for (const s of HOSTILE) expect(dotText(s)).toMatch(/^(?:[^"\\\u0000-\u001f]|\\.)*$/);
  });

  it('keeps every name from the config inside its label, in every format', async () => {
    const { dir, write } = tempTree('kl-graph-hostile-');
    // keepalived's lexer reads `"` as a quote and `#` as a comment: those are checked above, on the escaping.
    const name = 'VI]_<b>&`|\u001b;x';
    write(
      'keepalived.conf',
      `vrrp_sync_group G<x>]\u0007 {\n    group {\n        ${name}\n    }\n}\n` +
        `vrrp_instance ${name} {\n    interface e"th0]\n    virtual_router_id 51\n    priority 100\n` +
        `    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n`,
    );
    const g = await graphJson(['keepalived.conf'], dir);
    expect(find(g, 'keepalived', 'instance', () => true).map((e) => e.name)).toEqual([name]);
    const mermaid = await runCli(['graph', 'keepalived.conf'], { cwd: dir });
    expect(mermaid.code).toBe(0);
    for (const line of mermaid.stdout.trimEnd().split('\n')) {
      // A statement line: an id, then a shape around one quoted label, or an edge with one quoted label.
      expect(line).toMatch(MERMAID_LINE);
      expect(line).not.toMatch(/[\u0000-\u001f]/);
      for (const label of line.match(/"[^"]*"/g) ?? []) expect(label.replaceAll('<br>', '')).not.toMatch(/[<>`]/);
    }
    const dot = await runCli(['graph', 'keepalived.conf', '--format', 'dot'], { cwd: dir });
    for (const line of dot.stdout.trimEnd().split('\n')) {
      expect(line).not.toMatch(/[\u0000-\u001f]/);
      // Outside the quoted strings, only ids, punctuation and our own attribute words.
      const bare = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
      expect(bare).toMatch(/^[\w\s{}[\]=;,"\->#]*$/);
    }
  });
});

describe.skipIf(!HAVE_DOT)('graph: Graphviz reads the DOT output', () => {
  it('the Debian split, the LVS case and hostile names render with dot -Tsvg, each name as its own text', async () => {
    const { dir, write } = tempTree('kl-graph-dot-');
    write(
      'keepalived.conf',
      'vrrp_instance VI]_<b>&`|\u001b;x\\ {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n' +
        '    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n',
    );
    for (const [args, cwd] of [
      [['test/simulate-cases/debian-split', '--target', 'stretch'], REPO],
      [['test/graph-cases/lvs-track'], REPO],
      [['keepalived.conf'], dir],
    ] as const) {
      const r = await runCli(['graph', ...args, '--format', 'dot'], { cwd });
      const svg = spawnSync('dot', ['-Tsvg'], { input: r.stdout, encoding: 'utf8' });
      expect(svg.stderr).toBe('');
      expect(svg.status).toBe(0);
      if (cwd === dir) expect(svg.stdout).toContain('>VI]_&lt;b&gt;&amp;`|\\x1b;x\\</text>');
    }
  });
});

describe('graph: unusable input', () => {
  it('a missing path: exit 2 and says which', async () => {
    const { dir } = tempTree('kl-graph-bad-');
    const r = await runCli(['graph', 'nope.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nope\.conf/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a folder without any keepalived config: exit 2, no config found', async () => {
    const { dir, write } = tempTree('kl-graph-empty-');
    write('notes/readme.txt', 'nothing here\n');
    const r = await runCli(['graph', 'notes'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no keepalived config/);
  });

  it('an unknown format: exit 2 naming the accepted ones', async () => {
    const r = await runCli(['graph', 'test/simulate-cases/debian-split', '--format', 'svg']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Accepted formats: mermaid, dot, json');
  });

  it('a config with a broken line is still drawn, the broken line as a finding of its router', async () => {
    const { dir, write } = tempTree('kl-graph-broken-');
    write('keepalived.conf', 'global_defs {\n    router_id "lb1\n}\nvrrp_instance VI_1 {\n    interface eth0\n}\n');
    const g = await graphJson(['keepalived.conf'], dir);
    const all = g.nodes.flatMap((e) => e.findings.map((f) => f.ruleId));
    expect(all).toContain('syntax-error');
  });
});
