// Property/fuzz suite: mutated corpus configs and scripts (../shared/corpus; without ../shared,
// this repository's own fixtures/ and examples/), keyword soup, and folders of mutated
// fragments that include each other with symbolic links out of the root, up the tree and in loops,
// through the whole lint (preprocess, tree, every rule, the shell analysis). Invariants: no
// internal error, every diagnostic at a valid position of a file that was read, exit code in
// {0, 1, 2}, the same output twice, nothing outside the root read or quoted, and each input
// linted within FUZZ_SLOW_MS of CPU. CI runs a bounded number (FUZZ_RUNS, default 150); `npm run fuzz` runs a long one
// (1,000,000 by default, scripts/fuzz.mjs: one shard per core, seeds SEED..SEED+n-1) and prints the
// count and the seed to replay a failure (FUZZ_SEED).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../src/engine/index.js';
import type { LintReport } from '../src/engine/types.js';
import { formatters } from '../src/format/index.js';
import { rules } from '../rules/index.js';
import { cpuMsOf } from './support/cpu.js';
import { memHost } from './support/mem-host.js';
import { HAVE_SHARED, REPO, SHARED } from './helpers.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/**
 * An input is at most a few copies of a corpus file: its lint must take well under this much CPU
 * time (not wall time, which a loaded machine stretches: test/support/cpu.ts).
 */
const SLOW_MS = Number(process.env.FUZZ_SLOW_MS ?? 10_000);
const TRACE = process.env.FUZZ_TRACE;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : Date.now() % 2_147_483_647;
const ROOT = '/fz';
const CONF = `${ROOT}/etc/keepalived/keepalived.conf`;
const SCRIPT = `${ROOT}/etc/keepalived/notify.sh`;

/** The regular files under `dir` (recursively) whose names end in one of `exts`. */
function filesUnder(dir: string, exts: string[]): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => exts.some((e) => f.endsWith(e)) && fs.lstatSync(f).isFile());
}
const corpusDir = (sub: string) => path.join(SHARED, 'corpus', sub);
const inCorpus = (sub: string) => fs.readdirSync(corpusDir(sub)).map((f) => path.join(corpusDir(sub), f));
const ownFiles = (exts: string[]) => ['fixtures', 'examples'].flatMap((d) => filesUnder(path.join(REPO, d), exts));
/**
 * The seeds: other people's configurations and scripts (../shared/corpus) when they are there, as
 * in CI; in a clone alone, this repository's own fixtures/ and examples/.
 */
const SEEDS_FROM = HAVE_SHARED ? '../shared/corpus' : 'fixtures/ and examples/ (../shared is not there)';
const read = (files: string[]) => files.sort().map((f) => fs.readFileSync(f, 'latin1'));
// 1173.conf expands to 30,000 real servers (seconds per lint): covered by the corpus test, too slow here.
const corpusConfigs = read(
  (HAVE_SHARED ? inCorpus('configs') : ownFiles(['.conf', '.inc'])).filter((f) => !path.basename(f).includes('1173')),
);
const corpusScripts = read(HAVE_SHARED ? inCorpus('scripts') : ownFiles(['.sh']));
const WORDS = [
  'vrrp_instance',
  'vrrp_sync_group',
  'vrrp_script',
  'global_defs',
  'virtual_server',
  'real_server',
  'state',
  'MASTER',
  'interface',
  'eth0',
  'virtual_router_id',
  '51',
  'priority',
  '100',
  'virtual_ipaddress',
  '192.0.2.1/24',
  '2001:db8::1',
  'track_script',
  'notify',
  SCRIPT.slice(ROOT.length),
  'include',
  '*.conf',
  '@lb1',
  '$X=1',
  '$X',
  '~SEQ(i,1,3)',
  '${i}',
  '#',
  '!',
  '"',
  '{',
  '}',
  'unicast_peer',
  'authentication',
  'auth_pass',
  'use_vmac',
  'script',
  '"/bin/true | x"',
  'enable_script_security',
  'case',
  'esac',
  'gateway',
];

type Mutation =
  | { kind: 'delete' | 'duplicate'; line: number }
  | { kind: 'swap'; a: number; b: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'bytes'; at: number; bytes: number[] }
  | { kind: 'truncate'; at: number }
  | { kind: 'nest'; depth: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '{',
      '}',
      '"',
      "'",
      '\\',
      '#',
      '!',
      '\n',
      '\0',
      '{ }',
      '$',
      '~SEQ(',
      '@',
      'include /fz/etc/keepalived/keepalived.conf\n',
    ),
  }),
  fc.record({
    kind: fc.constant('bytes' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('nest' as const), depth: fc.integer({ min: 1, max: 300 }) }),
);

function mutate(text: string, ms: Mutation[]): Buffer {
  let buf = Buffer.from(text, 'latin1');
  for (const m of ms) {
    const lines = buf.toString('latin1').split('\n');
    const n = Math.max(1, lines.length);
    switch (m.kind) {
      case 'delete':
        lines.splice(m.line % n, 1);
        break;
      case 'duplicate':
        lines.splice(m.line % n, 0, lines[m.line % n] ?? '');
        break;
      case 'swap': {
        const a = m.a % n;
        const b = m.b % n;
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        break;
      }
      case 'nest':
        lines.unshift(...Array.from({ length: m.depth }, (_, i) => `vrrp_instance N${i} {`));
        break;
      default:
        break;
    }
    buf = Buffer.from(lines.join('\n'), 'latin1');
    const at = (x: number) => (buf.length ? x % (buf.length + 1) : 0);
    if (m.kind === 'insert')
      buf = Buffer.concat([buf.subarray(0, at(m.at)), Buffer.from(m.text, 'latin1'), buf.subarray(at(m.at))]);
    if (m.kind === 'bytes')
      buf = Buffer.concat([buf.subarray(0, at(m.at)), Buffer.from(m.bytes), buf.subarray(at(m.at))]);
    if (m.kind === 'truncate') buf = buf.subarray(0, at(m.at));
  }
  return buf;
}

const input = fc.oneof(
  fc.record({
    config: fc
      .tuple(fc.nat(corpusConfigs.length - 1), fc.array(mutation, { maxLength: 6 }))
      .map(([i, ms]) => mutate(corpusConfigs[i]!, ms)),
    script: fc
      .tuple(fc.nat(corpusScripts.length - 1), fc.array(mutation, { maxLength: 4 }))
      .map(([i, ms]) => mutate(corpusScripts[i]!, ms)),
  }),
  fc.record({
    config: fc
      .array(
        fc.array(fc.constantFrom(...WORDS), { maxLength: 6 }).map((ws) => ws.join(' ')),
        { maxLength: 40 },
      )
      .map((ls) => Buffer.from(ls.join('\n'))),
    script: fc
      .array(
        fc.constantFrom(
          '#!/bin/sh',
          'case "$2" in',
          'gateway)',
          ';;',
          'esac',
          'if [ "$2" = VI_1 ]; then',
          'fi',
          'NAME=$2',
          'while read l; do set -- $l; done',
          '"',
          '$(',
          '{',
        ),
        { maxLength: 20 },
      )
      .map((ls) => Buffer.from(ls.join('\n'))),
  }),
);

/*
 * Folders: a config and fragments under conf.d/ that include each other (globs, brace
 * alternatives, the same file twice, up the tree), and symbolic links in the tree that point out
 * of the root, up the tree, at / and at themselves. Files outside the root hold a marker that must
 * never be read nor appear in a report.
 */
const DIR = `${ROOT}/etc/keepalived`;
const OUTSIDE_MARK = 'OUTSIDE_SECRET_TOKEN';
const OUTSIDE: Record<string, string> = {
  '/outside/secret.conf': `vrrp_instance ${OUTSIDE_MARK} {\n    https://user:${OUTSIDE_MARK}@example.invalid/x\n}\n`,
  '/outside/notify.sh': `#!/bin/sh\ncase "$2" in ${OUTSIDE_MARK}) ip route add default ;; esac\n`,
  '/outside/keepalived/keepalived.conf': `global_defs {\n    router_id ${OUTSIDE_MARK}\n}\n`,
};
const INCLUDES = [
  'include conf.d/*.conf',
  'include *.conf',
  'include f0.conf',
  'include f1.conf',
  'include f2.conf',
  'include ../keepalived.conf',
  'include /etc/keepalived/conf.d/*.conf',
  'include {f0,f1,f2}.conf',
  'include conf.d/{f0,f0,f0,f0}.conf',
  'include /outside/secret.conf',
  'include ../../../../../outside/secret.conf',
  'include secret.conf',
  'include conf.d/secret.conf',
  'include up/conf.d/f0.conf',
  'include root/outside/secret.conf',
  'include self.conf',
  'include conf.d/self.conf',
  'include /etc/keepalived/escape/keepalived.conf',
  'include {a,b}{c,d}{e,f}{g,h}*.conf',
  `notify ${DIR.slice(ROOT.length)}/notify.sh`,
  `notify ${DIR.slice(ROOT.length)}/conf.d/out.sh`,
];
const LINKS: [string, string][] = [
  [`${DIR}/conf.d/secret.conf`, '/outside/secret.conf'],
  [`${DIR}/conf.d/up`, '..'],
  [`${DIR}/conf.d/root`, '/'],
  [`${DIR}/conf.d/self.conf`, 'self.conf'],
  [`${DIR}/conf.d/out.sh`, '/outside/notify.sh'],
  [`${DIR}/escape`, '/outside/keepalived'],
  [`${DIR}/conf.d/f2.conf`, '../../../../outside/secret.conf'],
];

interface Tree {
  files: Record<string, Buffer>;
  links: Record<string, string>;
}

function withIncludes(text: Buffer, lines: { at: number; line: string }[]): Buffer {
  const out = text.toString('latin1').split('\n');
  for (const { at, line } of lines) out.splice(at % (out.length + 1), 0, line);
  return Buffer.from(out.join('\n'), 'latin1');
}

const includeLines = fc.array(fc.record({ at: fc.nat(), line: fc.constantFrom(...INCLUDES) }), { maxLength: 5 });
const corpusPiece = fc
  .tuple(
    fc.nat(corpusConfigs.length - 1),
    fc.array(mutation, { maxLength: 3 }),
    fc.nat(),
    fc.integer({ min: 1, max: 60 }),
  )
  .map(([i, ms, from, n]) => {
    const lines = corpusConfigs[i]!.split('\n');
    const start = from % lines.length;
    return mutate(lines.slice(start, start + n).join('\n'), ms);
  });
const tree: fc.Arbitrary<Tree> = fc
  .record({
    main: fc.tuple(corpusPiece, includeLines),
    fragments: fc.array(fc.tuple(corpusPiece, includeLines), { minLength: 1, maxLength: 3 }),
    links: fc.subarray(LINKS),
    script: fc
      .tuple(fc.nat(corpusScripts.length - 1), fc.array(mutation, { maxLength: 2 }))
      .map(([i, ms]) => mutate(corpusScripts[i]!, ms)),
  })
  .map(({ main, fragments, links, script }) => {
    const files: Record<string, Buffer> = {
      [CONF]: withIncludes(main[0], [{ at: 0, line: 'include conf.d/*.conf' }, ...main[1]]),
      [SCRIPT]: script,
    };
    fragments.forEach(([text, inc], i) => (files[`${DIR}/conf.d/f${i}.conf`] = withIncludes(text, inc)));
    for (const [f, t] of Object.entries(OUTSIDE)) files[f] = Buffer.from(t);
    const linkMap: Record<string, string> = {};
    for (const [from, to] of links) {
      delete files[from];
      linkMap[from] = to;
    }
    return { files, links: linkMap };
  });

function check(report: LintReport): string[] {
  const problems: string[] = [];
  for (const e of report.errors) if (/internal error/.test(e.message)) problems.push(`internal error: ${e.message}`);
  for (const r of report.results) {
    for (const d of r.diagnostics) {
      const text = report.sources.get(d.file);
      if (text === undefined) problems.push(`${d.ruleId} in a file that was not read: ${d.file}`);
      else if (d.range.start < 0 || d.range.end > text.length || d.range.end < d.range.start)
        problems.push(`${d.ruleId} range ${d.range.start}-${d.range.end} outside ${text.length}`);
      if (d.start.line < 1 || d.start.column < 1 || d.end.line < d.start.line)
        problems.push(`${d.ruleId} at ${d.start.line}:${d.start.column}-${d.end.line}:${d.end.column}`);
    }
  }
  return problems;
}

async function lintTree(t: Tree): Promise<{ json: string; problems: string[]; code: number }> {
  const reads: string[] = [];
  const host = memHost(t.files, { executable: new Set([SCRIPT, '/outside/notify.sh']), links: t.links, reads });
  const report = await lintFiles([CONF], { host, rules });
  const json = formatters.json!(report, { cwd: '/', color: false });
  const errors = report.results.some((r) => r.diagnostics.some((d) => d.severity === 'error'));
  const code = report.errors.length ? 2 : errors ? 1 : 0;
  const problems = check(report);
  // Confinement: nothing outside the root is read, listed as a source, or quoted.
  for (const f of new Set(reads)) if (!f.startsWith(`${ROOT}/`)) problems.push(`read outside the root: ${f}`);
  for (const f of report.sources.keys()) if (!f.startsWith(`${ROOT}/`)) problems.push(`source outside the root: ${f}`);
  if (json.includes(OUTSIDE_MARK)) problems.push('text of a file outside the root is in the report');
  return { json, problems, code };
}

/** An input as files under `dir` (FUZZ_TRACE, or a slow input kept): the tree's paths, and links as a list. */
function writeTree(dir: string, t: Tree): void {
  for (const [f, content] of Object.entries(t.files)) {
    const out = path.join(dir, f);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, content);
  }
  fs.writeFileSync(path.join(dir, 'links.json'), JSON.stringify(t.links, null, 2));
}

describe('fuzz', () => {
  it(`${RUNS} generated inputs keep the invariants (seed ${SEED})`, {
    timeout: Math.max(300_000, RUNS * 200),
  }, async () => {
    console.log(
      `fuzz: ${RUNS} inputs, seed ${SEED} (replay with FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS}), mutating ` +
        `${corpusConfigs.length} configurations and ${corpusScripts.length} scripts from ${SEEDS_FROM}`,
    );
    expect(corpusConfigs.length).toBeGreaterThan(20);
    expect(corpusScripts.length).toBeGreaterThan(5);
    let tried = 0;
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: input.map((x) => ({ files: { [CONF]: x.config, [SCRIPT]: x.script }, links: {} })), weight: 2 },
          { arbitrary: tree, weight: 1 },
        ),
        async (t: Tree) => {
          // Progress for the long run (fast-check runs each input once, shrinking aside).
          if (++tried % 5_000 === 0)
            console.log(`fuzz: ${tried} of ${RUNS} (seed ${SEED}), ${((Date.now() - started) / 1000).toFixed(0)} s`);
          if (TRACE) writeTree(TRACE, t);
          const { value: a, cpuMs: ms } = await cpuMsOf(() => lintTree(t));
          if (ms > SLOW_MS) {
            // A lint this slow on an input of a few KB is super-linear somewhere: keep the input.
            const saved = path.join(os.tmpdir(), `keepalived-lint-fuzz-slow-${SEED}-${tried}`);
            writeTree(saved, t);
            expect.fail(`input ${tried} took ${ms} ms of CPU to lint (bound ${SLOW_MS} ms); saved in ${saved}`);
          }
          expect(a.problems).toEqual([]);
          expect([0, 1, 2]).toContain(a.code);
          const b = await lintTree(t);
          expect(b.json).toBe(a.json);
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
  });
});
