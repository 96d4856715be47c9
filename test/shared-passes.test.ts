// Config-id passes read once for all (issue 16): a config whose `@id` lines only add keyword lines
// is read once, and each pass is a selection of the same lines. Every pass must be what reading it
// alone gives (the same lines, words, places, expansions, problems) and the lint the same, for
// every config here that has `@id` lines, for hand-written edge cases, and for the corpus.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { lintLoaded } from '../src/engine/index.js';
import type { Rule } from '../src/rule-api/index.js';
import {
  type ConfigTree,
  isLoadedConfig,
  loadConfig,
  type LoadedConfig,
  type ReadOptions,
  type Statement,
} from '../src/load/index.js';
import type { LogicalLine, Problem } from '../src/preprocess/types.js';
import { nodeHost } from '../src/source/host.js';
import { forEachStatement } from '../src/model/memo.js';
import { HAVE_SHARED, REPO, SHARED, tempTree } from './helpers.js';

const host = nodeHost(REPO);

function lineShape(l: LogicalLine): unknown {
  const via = (v: { kind: string; name: string; use: { start: number } }[]) =>
    v.map((e) => `${e.kind}:${e.name}@${e.use.start}`).join(',');
  return [
    l.kind,
    l.lineOrigin.file,
    l.lineOrigin.start,
    l.lineOrigin.end,
    via(l.via),
    l.tokens.map((t) => [t.text, t.quoted, t.unterminated, t.origin.start, t.origin.end, via(t.via)]),
    l.kind === 'words' ? (l.raw?.text ?? null) : null,
  ];
}

function problemShape(p: Problem): unknown {
  return [p.code, p.origin.file, p.origin.start, p.origin.end, p.data];
}

function treeShape(t: ConfigTree): unknown {
  const st = (s: Statement): unknown => [
    s.keyword.origin.start,
    s.args.length,
    s.scopePath,
    s.parent?.keyword.origin.start ?? null,
    s.depth,
    s.children.map((c) => c.keyword.origin.start),
    s.values.map((v) => v.lineOrigin.start),
    s.open?.origin.start ?? null,
    s.close?.origin.start ?? null,
  ];
  return {
    top: t.top.map((s) => s.keyword.origin.start),
    all: t.all.map(st),
    // What the rules walk (a pass tree's runs: its own statements and ranges of the shared tree's).
    walked: walked(t),
    issues: t.issues.map((i) => [i.code, 'statement' in i ? i.statement.keyword.origin.start : i.token.origin.start]),
    skipped: t.skipped.map((k) => [k.statement.keyword.origin.start, k.reason, k.topIndex]),
    braces: [t.braces.unclosed.length, t.braces.extra.length, t.braces.pairs.size, t.braces.lastRegion.length],
  };
}

function walked(t: ConfigTree): [number, number][] {
  const out: [number, number][] = [];
  forEachStatement(t, (s, i) => out.push([i, s.keyword.origin.start]));
  return out;
}

function shape(c: LoadedConfig): unknown {
  return {
    passes: c.passes.map((p) => ({
      id: p.id,
      lines: p.pre.lines.map(lineShape),
      unterminated: p.pre.unterminated.map(lineShape),
      problems: p.pre.problems.map(problemShape),
      ids: [...p.pre.conditionIds],
      refs: p.refs.length,
      tree: treeShape(p.tree),
    })),
    capped: c.capped,
    files: [...c.files.keys()].sort(),
    names: [...c.allNames].sort(),
  };
}

async function both(file: string, options: ReadOptions = {}) {
  const shared = await loadConfig(file, { ...options, sharePasses: true }, host);
  const alone = await loadConfig(file, { ...options, sharePasses: false }, host);
  return { shared, alone };
}

async function expectSame(file: string, options: ReadOptions = {}): Promise<void> {
  const { shared, alone } = await both(file, options);
  if (!isLoadedConfig(shared) || !isLoadedConfig(alone)) {
    expect(shared).toEqual(alone);
    return;
  }
  expect(shape(shared), file).toEqual(shape(alone));
  const lint = (c: LoadedConfig) =>
    lintLoaded(c, { rules }).map((d) => [d.ruleId, d.file, d.range.start, d.message, d.configIds ?? null]);
  expect(lint(shared), file).toEqual(lint(alone));
}

function withConditions(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.conf') && /^[ \t]*@/m.test(fs.readFileSync(p, 'latin1'))) out.push(p);
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out.sort();
}

const { dir, write } = tempTree('kl-shared-passes-');

const CASES: Record<string, string> = {
  plain:
    'vrrp_script t {\n  odd {\n  }\n}\n@lb1 priority 150\n@lb2 priority 100\n' +
    'vrrp_instance VI_1 {\n  interface eth0\n  @lb1 state MASTER\n}\n',
  negated: 'vrrp_instance VI_1 {\n  @^lb1 priority 100\n  @lb1 priority 200\n  virtual_router_id 5\n}\n',
  // Each of these makes the passes differ beyond keyword lines: read alone.
  definition: '@lb1 $P=150\n@lb2 $P=100\nvrrp_instance VI_1 {\n  priority $P\n}\n',
  brace: '@lb1 vrrp_instance VI_1 {\n@lb1 priority 1\n@lb1 }\n@lb2 vrrp_instance VI_2 { priority 2 }\n',
  dollar: '$X=1\nvrrp_instance VI_1 {\n  @lb1 priority $X\n}\n',
  instance: 'vrrp_instance VI_${_INSTANCE} {\n  @lb1 priority 9\n}\n',
  include: '@lb1 include lb1.conf\nvrrp_instance VI_1 {\n  @lb2 priority 9\n}\n',
  sequence: '@lb1 ~SEQ(i,1,3) vrrp_instance VI_$i { }\n@lb2 priority 1\n',
  'multiline definition': '$M= \\\n@lb1 priority 5 \\\n@lb2 priority 6\n\nvrrp_instance VI_1 {\n  $M\n}\n',
  'condition from a definition': '$C=@lb1 priority 7\nvrrp_instance VI_1 {\n  $C\n  @lb2 priority 8\n}\n',
  'empty id and ids inside a sequence': '@ priority 1\n~SEQ(i,1,2) @lb$i priority 2\nglobal_defs {\n @lb3 x\n}\n',
  'duplicate blocks around conditioned lines':
    'vrrp_instance A {\n  priority 1\n}\n@lb1 vrrp_instance A\n@lb2 foo\nvrrp_instance A {\n  @lb1 priority 2\n}\n' +
    'vrrp_sync_group G {\n  group {\n    A\n    @lb2 B\n  }\n}\nvirtual_ipaddress {\n  @lb1 192.0.2.1\n}\n',
  'block keyword conditioned':
    '@lb1 global_defs\n{\n  router_id x\n}\n@lb2 vrrp_instance VI\nvrrp_script s {\n  odd {\n  }\n}\n',
  'comment and quote': '@lb1 notify "/x y.sh" # c\n@lb2 smtp_server 192.0.2.1 25 ! x\n',
  'unterminated quotes':
    '@lb1 notify "/x y.sh\nrouter_id "a b\n@^lb1 smtp_server "x\nvrrp_instance VI {\n @lb2 x "y\n}\n',
  // A pass reads past the lines it does not have wherever it reads a line: before a "{", in a
  // value block, in a block it skips.
  'conditioned lines before braces':
    'vrrp_instance VI_1\n@lb1 priority 1\n{\n  state MASTER\n}\nvirtual_ipaddress\n@lb2 192.0.2.1\n{\n' +
    ' 192.0.2.2\n@lb1 192.0.2.3\n}\nvrrp_instance VI_1\n@lb1 foo\n{\n @lb2 x\n}\n',
};

describe('config-id passes read once for all', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`reads each pass as it reads it alone: ${name}`, async () => {
      const file = write(`${name.replace(/ /g, '-')}/keepalived.conf`, text);
      write(`${name.replace(/ /g, '-')}/lb1.conf`, 'vrrp_instance VI_9 {\n  @lb2 priority 3\n}\n');
      await expectSame(file);
      await expectSame(file, { configIds: ['lb1', 'lb2'] });
    });
  }

  it('really shares the lines of a config whose @id lines are keyword lines', async () => {
    const file = path.join(dir, 'plain/keepalived.conf');
    const { shared, alone } = await both(file);
    if (!isLoadedConfig(shared) || !isLoadedConfig(alone)) throw new Error('not loaded');
    expect(shared.passes.map((p) => p.id)).toEqual([null, 'lb1', 'lb2']);
    // The same line objects in every pass (read once), not equal copies.
    const [none, lb1] = shared.passes;
    expect(lb1!.pre.lines.length).toBe(none!.pre.lines.length + 2);
    expect(lb1!.pre.lines.filter((l) => none!.pre.lines.includes(l))).toHaveLength(none!.pre.lines.length);
    expect(alone.passes[1]!.pre.lines[0]).not.toBe(alone.passes[0]!.pre.lines[0]);
  });

  it('runs a statementLocal hook once for a block the passes share, and gives each pass its reports', async () => {
    const file = write(
      'local/keepalived.conf',
      'vrrp_instance VI_1 {\n  priority 1\n  @lb1 state MASTER\n}\nvrrp_instance VI_2 {\n  priority 2\n}\n' +
        '@lb2 router_id x\n',
    );
    const calls: string[] = [];
    const counting = (statementLocal: boolean): Rule => ({
      meta: {
        id: 'count',
        description: 'every statement',
        severity: 'warning',
        messages: { m: '{{k}}' },
        ...(statementLocal ? { statementLocal: true as const } : {}),
      },
      create: (ctx) => ({
        statement(s) {
          calls.push(`${s.keyword.text} ${s.args[0]?.text ?? ''}`);
          ctx.report({ messageId: 'm', at: s.keyword, data: { k: `${s.keyword.text} ${s.args[0]?.text ?? ''}` } });
        },
      }),
    });
    const loaded = await loadConfig(file, { sharePasses: true }, host);
    if (!isLoadedConfig(loaded)) throw new Error('not loaded');
    expect(loaded.passes.map((p) => p.id)).toEqual([null, 'lb1', 'lb2']);
    const findings = (r: Rule) =>
      lintLoaded(loaded, { rules: [r] }).map((d) => `${d.message} ${d.configIds?.join(',') ?? 'all'}`);
    const every = findings(counting(false));
    const everyCalls = calls.splice(0);
    const local = findings(counting(true));
    // The same findings, config-ids included; VI_2's block (no `@id` line in it) is read once, not
    // in each of the three passes; VI_1's block differs between passes and is read in each.
    expect(local).toEqual(every);
    expect(every).toContain('vrrp_instance VI_2 all');
    expect(every).toContain('router_id x lb2');
    expect(everyCalls.filter((c) => c === 'vrrp_instance VI_2')).toHaveLength(3);
    expect(calls.filter((c) => c === 'vrrp_instance VI_2')).toHaveLength(1);
    expect(calls.filter((c) => c === 'priority 2')).toHaveLength(1);
    expect(calls.filter((c) => c === 'vrrp_instance VI_1')).toHaveLength(3);
    // A pass that has every line (lb1 here) has the shared tree itself: VI_2 is read once again.
    const all = write('local-all/keepalived.conf', 'vrrp_instance VI_2 {\n  priority 2\n}\n@lb1 router_id x\n');
    const loadedAll = await loadConfig(all, { sharePasses: true }, host);
    if (!isLoadedConfig(loadedAll)) throw new Error('not loaded');
    calls.length = 0;
    const both = lintLoaded(loadedAll, { rules: [counting(true)] }).map((d) => d.configIds?.join(',') ?? 'all');
    expect(both).toEqual(['all', 'all', 'lb1']);
    expect(calls.filter((c) => c === 'vrrp_instance VI_2')).toHaveLength(1);
  });

  it('reads each pass of every fixture and example with @id lines as alone', async () => {
    const files = [
      ...withConditions(path.join(REPO, 'fixtures')),
      ...withConditions(path.join(REPO, 'examples')),
      ...withConditions(path.join(REPO, 'test', 'oracle-cases')),
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) await expectSame(f, { root: path.dirname(f) });
  });

  it.skipIf(!HAVE_SHARED)('reads each pass of every corpus config with @id lines as alone', async () => {
    const files = withConditions(path.join(SHARED, 'corpus', 'configs')).filter((f) => !f.endsWith('1173.conf'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) await expectSame(f, { root: path.dirname(f) });
  });
});
