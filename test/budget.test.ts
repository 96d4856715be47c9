// The work budget per config (src/preprocess/budget.ts and the caps beside it): each bomb is a
// file of a few hundred bytes (or one huge script) that made the linter run for minutes or run out
// of memory. Each runs through the CLI in a child process with a heap limit, must end in bounded
// CPU time (measured here: wall time is what a loaded machine makes it, test/support/cpu.ts), report
// the cap at the line that hit it, and keep the config's other findings (a `priorty` typo in the
// same config). Then the report must not depend on --jobs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliChild } from './support/cli-child.js';
import { CHILD_USAGE_STDIO, childCpuMs, childUsageEnv, cpuMsOfSync } from './support/cpu.js';
import { expandBraces, MAX_BRACE_ALTERNATIVES } from '../src/source/glob.js';
import { lintFiles, MAX_FINDINGS_PER_RULE_AND_FILE, type Rule } from '../src/engine/index.js';
import { nodeHost } from '../src/source/host.js';
import { rules as configRules } from '../rules/index.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kl-budget-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Heap of the child: every bomb must lint within it (the limit makes an unbounded one fail). */
const HEAP_MB = 300;
/** CPU time a bomb may take beyond the start-up of the same command on a one-line config. */
const BOMB_CPU_SECONDS = 5;

interface Finding {
  ruleId: string;
  message: string;
  detail?: string;
  line: number;
  column: number;
}
interface JsonReport {
  results: { file: string; diagnostics: Finding[] }[];
}

function write(rel: string, content: string | Buffer): string {
  const f = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content);
  return f;
}

function run(args: string[], seconds = 240, heapMb = HEAP_MB, command = 'lint') {
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [...cliChild([`--max-old-space-size=${heapMb}`]), command, '--format', 'json', ...args],
    {
      cwd: tmp,
      encoding: 'utf8',
      timeout: seconds * 1000,
      maxBuffer: 256 * 1024 * 1024,
      stdio: CHILD_USAGE_STDIO,
      env: childUsageEnv(),
    },
  );
  const ms = Date.now() - t0;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms, cpuMs: childCpuMs(r.output) };
}

let startupCpuMs = 0;
beforeAll(() => {
  const f = write('startup/keepalived.conf', 'priorty 1\n');
  startupCpuMs = run([f]).cpuMs;
});

/**
 * Lint one bomb: bounded, no crash, exit 1 (findings), and its findings by file. Bounded: in heap
 * (HEAP_MB), in CPU time (BOMB_CPU_SECONDS beyond start-up), and in wall time for liveness only (a
 * hang, 240 s: generous, as a loaded machine stretches wall time).
 */
function lintBomb(
  conf: string,
  extra: string[] = [],
  command = 'lint',
): { findings: (Finding & { file: string })[]; ms: number } {
  const r = run([conf, ...extra], 240, HEAP_MB, command);
  expectBounded(r, 1);
  const report = JSON.parse(r.stdout) as JsonReport;
  return {
    findings: report.results.flatMap((x) => x.diagnostics.map((d) => ({ ...d, file: path.resolve(tmp, x.file) }))),
    ms: r.ms,
  };
}

/** The child ended by itself with exit `code`, no crash, within BOMB_CPU_SECONDS of CPU beyond start-up. */
function expectBounded(r: ReturnType<typeof run>, code: number): void {
  expect(r.signal, r.stderr).toBeNull();
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  expect(r.code, r.stderr).toBe(code);
  expect(
    r.cpuMs - startupCpuMs,
    `took ${r.cpuMs} ms of CPU, ${r.ms} ms of wall time (start-up ${startupCpuMs} ms of CPU)`,
  ).toBeLessThanOrEqual(BOMB_CPU_SECONDS * 1000);
}

/** `ruleId` reported, each finding with at most 10 related locations (not one per caller). */
function fewRelated(findings: (Finding & { related?: unknown[] })[], ruleId: string): void {
  const mine = findings.filter((d) => d.ruleId === ruleId);
  expect(mine.length).toBeGreaterThan(0);
  for (const d of mine) expect(d.related?.length ?? 0).toBeLessThanOrEqual(10);
}

function capFinding(findings: (Finding & { file: string })[], cap: string) {
  const hits = findings.filter((d) => d.ruleId === 'budget-exceeded' && d.message.includes(`cap "${cap}"`));
  expect(hits.length, JSON.stringify(findings.filter((d) => d.ruleId === 'budget-exceeded'))).toBeGreaterThan(0);
  return hits[0]!;
}

function typoAt(findings: (Finding & { file: string })[], file: string, line: number): boolean {
  return findings.some(
    (d) => d.ruleId === 'unknown-keyword' && d.file === file && d.line === line && d.message.includes('"priorty"'),
  );
}

const lineOf = (file: string, line: number) => fs.readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';

/** The bombs, each in its own router folder (R/etc/keepalived/keepalived.conf, R is the root). */
const bombs = {
  doubling(): string {
    // f0 includes f1 twice, f1 includes f2 twice, ...: keepalived reads f40 2^40 times.
    for (let i = 0; i < 40; i++)
      write(`doubling/etc/keepalived/f${i}.inc`, `include f${i + 1}.inc\ninclude f${i + 1}.inc\n`);
    write('doubling/etc/keepalived/f40.inc', 'global_defs {\n}\n');
    return write('doubling/etc/keepalived/keepalived.conf', 'include f0.inc\nglobal_defs {\n    priorty 1\n}\n');
  },
  globReentry(): string {
    // 8 files that each include *.inc: every one reads the 7 others again (keepalived never ends).
    for (let i = 0; i < 8; i++) write(`glob/etc/keepalived/conf.d/f${i}.inc`, 'include *.inc\n');
    return write('glob/etc/keepalived/keepalived.conf', 'include conf.d/*.inc\nglobal_defs {\n    priorty 1\n}\n');
  },
  braces(): string {
    const pattern = '/x/' + '{a,b}'.repeat(24);
    return write('braces/etc/keepalived/keepalived.conf', `global_defs {\n    priorty 1\n}\ninclude ${pattern}\n`);
  },
  includeLookups(oneExists: boolean): string {
    // 50,000 include lines of 4,096 alternatives each (under the per-line brace cap): 200 million
    // stats, and with one alternative present, a 4,095-name "missing" list per line.
    const dir = oneExists ? 'lookups1' : 'lookups';
    if (oneExists) write(`${dir}/n${'a'.repeat(12)}`, 'global_defs {\n}\n');
    const pattern = '/n' + '{a,b}'.repeat(12);
    return write(
      `${dir}/etc/keepalived/keepalived.conf`,
      `global_defs {\n    priorty 1\n}\n~SEQ(i,1,50000) include ${pattern}\n`,
    );
  },
  sequences(): string {
    // One short line per value (a block per value reaches the words cap instead: see the report).
    const seq = '~SEQ(i,1,100000) priorty $i\n';
    return write('seq/etc/keepalived/keepalived.conf', `global_defs {\n    priorty 1\n}\n${seq.repeat(5)}`);
  },
  wideDefinition(): string {
    // 500 words in $A, 100,000 times: 50 million words.
    const a = `$A=${'a '.repeat(500).trim()}\n`;
    return write('wide/etc/keepalived/keepalived.conf', `global_defs {\n    priorty 1\n}\n${a}~SEQ(i,1,100000) $A\n`);
  },
  configIds(): string {
    const ids = Array.from(
      { length: 1000 },
      (_, i) => `@id${i} vrrp_script chk_${i} {\n@id${i}     script "/bin/true"\n@id${i} }\n`,
    ).join('');
    return write('ids/etc/keepalived/keepalived.conf', `global_defs {\n    priorty 1\n}\n${ids}`);
  },
  linkedFolder(): string {
    // conf.d/up -> .. : `include up/conf.d/f0.conf` is f0.conf again under a longer name each time,
    // and f0 and f1 each include *.conf twice (found by the fuzz: 65 s, paths growing to 64 levels).
    const d = 'linked/etc/keepalived/conf.d';
    write(`${d}/f0.conf`, 'include *.conf\ninclude up/conf.d/f0.conf\ninclude *.conf\n');
    write(`${d}/f1.conf`, 'include up/conf.d/f0.conf\ninclude *.conf\ninclude {f0,f1}.conf\n');
    fs.symlinkSync('..', path.join(tmp, d, 'up'));
    return write('linked/etc/keepalived/keepalived.conf', 'include conf.d/*.conf\nglobal_defs {\n    priorty 1\n}\n');
  },
  selfSequence(): string {
    // Found by the fuzz (20 s): $X puts "} ~SEQ(i,1,3)" after itself, so every copy of the ~SEQ
    // line holds the next one: 3^1000 lines (keepalived 2.2.7 -t never finishes, tested).
    return write(
      'selfseq/etc/keepalived/keepalived.conf',
      'global_defs {\n    priorty 1\n}\n$X=1 $X } ~SEQ(i,1,3)\nvrrp_script $X authentication priority\n' +
        'include global_defs\n\n{\n\nvirtual_ipaddress {\n$X state "\n',
    );
  },
  openBraces(): string {
    return write('open/etc/keepalived/keepalived.conf', `global_defs {\n    priorty 1\n}\n${'{\n'.repeat(5_000_000)}`);
  },
};

/** A config whose notify script is `script`, with a priorty typo at line 3. */
function withScript(dir: string, script: string | Buffer): string {
  write(`${dir}/etc/keepalived/notify.sh`, script);
  fs.chmodSync(path.join(tmp, dir, 'etc/keepalived/notify.sh'), 0o755);
  return write(
    `${dir}/etc/keepalived/keepalived.conf`,
    [
      'global_defs {',
      '    enable_script_security',
      '    priorty 1',
      '}',
      'vrrp_instance VI_1 {',
      '    state BACKUP',
      '    interface eth0',
      '    virtual_router_id 1',
      '    priority 100',
      '    virtual_ipaddress {',
      '        192.0.2.1/24',
      '    }',
      '    notify /etc/keepalived/notify.sh',
      '}',
      '',
    ].join('\n'),
  );
}
const NOTIFY_LINE = 13;

const scriptBombs = {
  calls(): string {
    // f0 calls f1 twice, f1 calls f2 twice, ...: the analysis would walk f25 2^25 times.
    const fns = Array.from({ length: 26 }, (_, i) =>
      i < 25
        ? `f${i}() {\n  f${i + 1} "$@"\n  f${i + 1} "$@"\n}\n`
        : `f25() {\n  case "$2" in VI_1) echo up ;; esac\n}\n`,
    );
    return withScript('calls', `#!/bin/sh\n${fns.join('')}f0 "$@"\n`);
  },
  nested(): string {
    return withScript(
      'nested',
      `#!/bin/sh\nx=${'$('.repeat(2000)}echo${')'.repeat(2000)}\ncase "$2" in VI_1) echo up ;; esac\n`,
    );
  },
  huge(): string {
    return withScript(
      'huge',
      '#!/bin/sh\ncase "$2" in VI_1) echo up ;; esac\n' +
        '# padding padding padding padding padding padding\n'.repeat(280_000),
    );
  },
  evaluations(): string {
    // One function that echoes 1,000 expansions, called on 1,000 lines: a million words evaluated.
    const body = `f() {\n  echo "${'$a'.repeat(1000)}"\n  case "$2" in VI_1) echo up ;; esac\n}\n`;
    return withScript('evaluations', `#!/bin/sh\n${body}${'f "$@"\n'.repeat(1000)}`);
  },
  hugeCallee(): string {
    // The notify script hands the name to a 14 MB program of the repository.
    write(
      'hugecallee/usr/local/bin/role-change',
      '#!/bin/sh\ncase "$1" in VI_1) echo up ;; esac\n' +
        '# padding padding padding padding padding padding\n'.repeat(280_000),
    );
    fs.chmodSync(path.join(tmp, 'hugecallee/usr/local/bin/role-change'), 0o755);
    return withScript('hugecallee', '#!/bin/sh\nNAME=$2\n/usr/local/bin/role-change "$NAME"\n');
  },
};

describe('work budget: each bomb ends fast, within the heap, with its finding and the others', () => {
  it('files that include the next one twice, 40 deep: cap included-files at an include line', () => {
    const conf = bombs.doubling();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'included-files');
    expect(path.basename(hit.file)).toMatch(/^f\d+\.inc$/);
    expect(lineOf(hit.file, hit.line)).toMatch(/^include f\d+\.inc$/);
    expect(typoAt(findings, conf, 3)).toBe(true);
  });

  it('8 files that each include *.inc: cap file-reads at an include line', () => {
    const conf = bombs.globReentry();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'file-reads');
    expect(lineOf(hit.file, hit.line)).toBe('include *.inc');
    expect(typoAt(findings, conf, 3)).toBe(true);
  });

  it('a file included again through a linked folder (up -> ..) is an include loop, not a longer chain', () => {
    const conf = bombs.linkedFolder();
    const { findings } = lintBomb(conf);
    const f0 = path.join(tmp, 'linked/etc/keepalived/conf.d/f0.conf');
    // Line 2 of f0 includes f0 itself under another name: a loop at that line, read by its real path.
    expect(findings.some((d) => d.ruleId === 'include-loop' && d.file === f0 && d.line === 2)).toBe(true);
    expect(findings.filter((d) => d.ruleId === 'budget-exceeded')).toEqual([]);
    expect(typoAt(findings, conf, 3)).toBe(true);
  });

  it('an include with 24 brace groups: cap brace-alternatives at the include line', () => {
    const conf = bombs.braces();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'brace-alternatives');
    expect([hit.file, hit.line]).toEqual([conf, 4]);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it.each([false, true])(
    '50,000 include lines of 4,096 alternatives (one of them present: %s): cap include-lookups at the ~SEQ line',
    (oneExists) => {
      const conf = bombs.includeLookups(oneExists);
      const { findings } = lintBomb(conf);
      const hit = capFinding(findings, 'include-lookups');
      expect([hit.file, hit.line]).toEqual([conf, 4]);
      expect(typoAt(findings, conf, 2)).toBe(true);
      const partly = findings.filter(
        (d) => d.ruleId === 'include-not-found' && d.message.includes('some alternatives name no file'),
      );
      if (oneExists) {
        // The missing names are a few, then a count: not 4,095 paths in each finding.
        expect(partly.length).toBeGreaterThan(0);
        expect(partly[0]!.detail).toMatch(/ and 4090 more\)/);
        expect(partly[0]!.detail!.length).toBeLessThan(1000);
      } else expect(partly).toEqual([]);
    },
  );

  it('a conf.d of 3,000 files and 300 include lines stays under include-lookups (real configs are not cut)', () => {
    for (let i = 0; i < 3000; i++)
      write(`confd/etc/keepalived/conf.d/f${i}.conf`, `vrrp_script chk_${i} {\n    script "/bin/true"\n}\n`);
    const inc = Array.from({ length: 300 }, (_, i) => `include conf.d/f${i}.conf\n`).join('');
    const conf = write(
      'confd/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\ninclude conf.d/*.conf\n${inc}`,
    );
    const { findings } = lintBomb(conf);
    expect(findings.filter((d) => d.ruleId === 'budget-exceeded')).toEqual([]);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it('five ~SEQ(i,1,100000) lines: cap sequence-values at the first ~SEQ line', () => {
    const conf = bombs.sequences();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'sequence-values');
    expect([hit.file, hit.line]).toEqual([conf, 4]);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it('a ~SEQ that a self-referencing $X repeats inside itself: said once at its use, not expanded', () => {
    const conf = bombs.selfSequence();
    const { findings } = lintBomb(conf);
    const seq = findings.filter((d) => d.ruleId === 'syntax-error' && d.message.startsWith('Invalid ~SEQ(i,1,3)'));
    expect(seq.map((d) => [d.file, d.line, d.column])).toEqual([[conf, 5, 13]]);
    expect(seq[0]!.message).toContain('$X, which refers to itself');
    expect(seq[0]!.detail).toMatch(/never finishes/);
    // Nothing was counted out: no sequence cap, and the line's other findings and the typo stay.
    expect(findings.filter((d) => d.ruleId === 'budget-exceeded')).toEqual([]);
    expect(findings.some((d) => d.line === 5 && d.message.includes('refers to itself: keepalived expands'))).toBe(true);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it('a $A of 500 words in a ~SEQ line: cap words at the ~SEQ line', () => {
    const conf = bombs.wideDefinition();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'words');
    expect([hit.file, hit.line]).toEqual([conf, 5]);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it('1,000 @id lines: cap config-ids at the first id not linted', () => {
    const conf = bombs.configIds();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'config-ids');
    expect(lineOf(conf, hit.line)).toMatch(/^@id64 vrrp_script chk_64 \{$/);
    expect(typoAt(findings, conf, 2)).toBe(true);
  });

  it.each(['cluster', 'lint --cluster'])(
    '%s: two nodes, one with 1,000 @id lines: ends in bounds, cap config-ids said once',
    (command) => {
      const ids = fs.readFileSync(bombs.configIds(), 'utf8');
      const lb1 = write(`cluster-ids/${command.length}/lb1/etc/keepalived/keepalived.conf`, ids);
      write(
        `cluster-ids/${command.length}/lb2/etc/keepalived/keepalived.conf`,
        'global_defs {\n    router_id lb2\n}\n',
      );
      const [cmd, ...flags] = command.split(' ');
      const lb2 = path.join(tmp, `cluster-ids/${command.length}/lb2/etc/keepalived/keepalived.conf`);
      const { findings } = lintBomb(lb1, [lb2, ...flags], cmd);
      const caps = findings.filter((d) => d.ruleId === 'budget-exceeded' && d.message.includes('cap "config-ids"'));
      expect(caps.length, JSON.stringify(findings.filter((d) => d.ruleId === 'budget-exceeded'))).toBe(1);
      expect([caps[0]!.file, lineOf(lb1, caps[0]!.line)]).toEqual([lb1, '@id64 vrrp_script chk_64 {']);
    },
  );

  it('5,000,000 "{" lines: cap brace-depth at the 1,001st open "{"', () => {
    const conf = bombs.openBraces();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'brace-depth');
    expect([hit.file, hit.line]).toEqual([conf, 4 + 1001 - 1]);
    expect(typoAt(findings, conf, 2)).toBe(true);
    // The pass stopped there: the blocks it left open are not reported as unclosed.
    expect(findings.filter((d) => d.ruleId === 'syntax-error' && d.message.startsWith('Unclosed block'))).toEqual([]);
    // Each "{" read opens nothing: one finding each, the 1,000 before the cap.
    expect(findings.filter((d) => d.ruleId === 'syntax-error').length).toBe(1000);
  });

  it.each([
    ['a notify script whose 26 functions each call the next twice', scriptBombs.calls],
    // (It took 9 s: the words of a function were evaluated again at each call, uncounted.)
    ['a function echoing 1,000 expansions, called 1,000 times', scriptBombs.evaluations],
  ])('%s: not analysed (cap script-analysis-steps)', (_, bomb) => {
    const conf = bomb();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'script-analysis-steps');
    expect([hit.file, hit.line]).toEqual([conf, NOTIFY_LINE]);
    expect(typoAt(findings, conf, 3)).toBe(true);
  });

  it('2,000 nested $( in a script: reported as not analysed, the config keeps its findings', () => {
    const conf = scriptBombs.nested();
    const { findings } = lintBomb(conf);
    const hit = findings.find((d) => d.ruleId === 'budget-exceeded' && d.message.startsWith('Script not analysed'));
    expect(hit, JSON.stringify(findings)).toBeDefined();
    expect([hit!.file, hit!.line]).toEqual([conf, NOTIFY_LINE]);
    expect(typoAt(findings, conf, 3)).toBe(true);
  });

  it('a 14 MB script: not read (cap script-bytes), the config keeps its findings', () => {
    const conf = scriptBombs.huge();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'script-bytes');
    expect([hit.file, hit.line]).toEqual([conf, NOTIFY_LINE]);
    expect(typoAt(findings, conf, 3)).toBe(true);
  });
});

describe('work budget: a script the name is handed on to', () => {
  it('a 14 MB program the notify script hands the name to: not read, said at the call (cap script-bytes)', () => {
    const conf = scriptBombs.hugeCallee();
    const { findings } = lintBomb(conf);
    const hit = capFinding(findings, 'script-bytes');
    expect([path.relative(tmp, hit.file), hit.line, hit.column]).toEqual(['hugecallee/etc/keepalived/notify.sh', 3, 1]);
    expect(hit.message).toContain('/usr/local/bin/role-change');
    expect(typoAt(findings, conf, 3)).toBe(true);
  });
});

describe('work budget: brace alternatives are built one by one, up to the cap', () => {
  it('keeps glob(3) order, and stops 24 groups at MAX_BRACE_ALTERNATIVES without building the rest', () => {
    expect(expandBraces('/x/{a,b}{c,{d,e}}{f}')).toEqual({
      patterns: ['/x/ac{f}', '/x/ad{f}', '/x/ae{f}', '/x/bc{f}', '/x/bd{f}', '/x/be{f}'],
      truncated: false,
    });
    // 2^24 alternatives would take minutes; 4,096 take milliseconds (CPU time: test/support/cpu.ts).
    const { value: r, cpuMs } = cpuMsOfSync(() => expandBraces('/x/' + '{a,b}'.repeat(24)));
    expect(cpuMs).toBeLessThan(2000);
    expect(r.truncated).toBe(true);
    expect(r.patterns.length).toBe(MAX_BRACE_ALTERNATIVES);
    expect(r.patterns[0]).toBe('/x/' + 'a'.repeat(24));
    expect(r.patterns[1]).toBe('/x/' + 'a'.repeat(23) + 'b');
  });
});

describe('work budget: findings per rule and file', () => {
  it('1,500 misspelt lines: the first 1,000 findings, then one that says the rest are not shown', () => {
    const conf = write('typos/etc/keepalived/keepalived.conf', `global_defs {\n${'    priorty 1\n'.repeat(1500)}}\n`);
    const { findings } = lintBomb(conf);
    expect(findings.filter((d) => d.ruleId === 'unknown-keyword').map((d) => d.line)).toEqual(
      Array.from({ length: 1000 }, (_, i) => i + 2),
    );
    const more = findings.filter((d) => d.ruleId === 'budget-exceeded');
    expect(more.map((d) => [d.line, d.message])).toEqual([
      [
        1002,
        'Too many findings of unknown-keyword in this file: only the first ' +
          '1000 are shown (cap "findings-per-rule-and-file").',
      ],
    ]);
  });
});

describe('work budget: a name defined over and over', () => {
  it('30,000 vrrp_script blocks of one name: linted in bounded time (it was quadratic: 33 s)', () => {
    const block = 'vrrp_script chk {\n    script "/bin/true"\n}\n';
    const conf = write(
      'redefined/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\n${block.repeat(30_000)}`,
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    // The repeats are reported, up to the cap of findings per rule and file.
    const repeats = findings.filter((d) => d.ruleId === 'duplicate-name');
    expect(repeats.length).toBeGreaterThan(0);
    expect(repeats.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_RULE_AND_FILE);
  });
});

describe('work budget: findings that cost more than their size', () => {
  it('2,000 track_script names defined nowhere, among 2,000 vrrp_scripts: the suggestions are bounded', () => {
    const x = 'x'.repeat(20);
    const names = Array.from({ length: 2000 }, (_, i) => `        u${x}${i}\n`).join('');
    const scripts = Array.from({ length: 2000 }, (_, i) => `vrrp_script s${x}${i} {\n    script "/bin/true"\n}\n`);
    const conf = write(
      'suggest/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n` +
        `    priority 100\n    virtual_ipaddress {\n        192.0.2.1\n    }\n    track_script {\n${names}    }\n}\n` +
        scripts.join(''),
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    expect(findings.filter((d) => d.ruleId === 'undefined-reference').length).toBeGreaterThan(0);
  });

  it('1,000 findings that quote a word of 3,500 no-break spaces (a $N of 500, used 7 times): bounded', () => {
    const n = '\u00a0'.repeat(500);
    const lines = `    priority 1 x${'${N}'.repeat(7)}\n`.repeat(1000);
    const conf = write(
      'spaces/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\n$N=${n}\nvrrp_instance VI_1 {\n    interface eth0\n` +
        `    virtual_router_id 1\n    priority 100\n    virtual_ipaddress {\n        192.0.2.1\n    }\n${lines}}\n`,
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    expect(findings.filter((d) => d.ruleId === 'invalid-value').length).toBeGreaterThan(0);
  });
});

describe('work budget: one script called from many instances', () => {
  it('4,000 instances whose notify_master passes a name, every other one VI_0: bounded, a few related each', () => {
    const inst = (i: number) =>
      `vrrp_instance VI_${i} {\n    interface eth0\n    virtual_router_id ${(i % 255) + 1}\n    priority 100\n` +
      `    notify_master "/etc/keepalived/n.sh ${i % 2 ? 'VI_0' : `VI_${i}`}"\n}\n`;
    const conf = write(
      'passes/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\n${Array.from({ length: 4000 }, (_, i) => inst(i)).join('')}`,
    );
    write('passes/etc/keepalived/n.sh', '#!/bin/sh\necho "$1"\n');
    fs.chmodSync(path.join(tmp, 'passes/etc/keepalived/n.sh'), 0o755);
    fewRelated(lintBomb(conf).findings, 'script-name-argument');
  });
});

describe('work budget: a script of many branches called from many instances', () => {
  // 4,000 x 4,000: the literals compared with every name (and suggestions sought among them) took 8.5 s.
  it.each([1000, 4000])(
    '%i instances whose notify script has as many case branches naming none: bounded, a few related each',
    (n) => {
      const inst = (i: number) =>
        `vrrp_instance VI_${i} {\n    interface eth0\n    virtual_router_id ${(i % 255) + 1}\n    priority 100\n` +
        '    notify /etc/keepalived/n.sh\n}\n';
      const conf = write(
        `branches/${n}/etc/keepalived/keepalived.conf`,
        `global_defs {\n    priorty 1\n}\n${Array.from({ length: n }, (_, i) => inst(i)).join('')}`,
      );
      const arms = Array.from({ length: n }, (_, j) => `    u${j}) echo ${j} ;;\n`).join('');
      write(`branches/${n}/etc/keepalived/n.sh`, `#!/bin/sh\ncase "$2" in\n${arms}    *) echo other ;;\nesac\n`);
      fs.chmodSync(path.join(tmp, `branches/${n}/etc/keepalived/n.sh`), 0o755);
      const { findings } = lintBomb(conf);
      expect(typoAt(findings, conf, 2)).toBe(true);
      fewRelated(findings, 'script-unknown-name');
    },
  );
});

describe('work budget: many instances of one VRID', () => {
  it('10,000 unicast instances of VRID 1, each its own peer: linted in bounded time (it was quadratic)', () => {
    const inst = (i: number) =>
      `vrrp_instance VI_${i} {\n    interface eth0\n    virtual_router_id 1\n    priority 100\n` +
      `    unicast_src_ip 10.1.${i >> 8}.${i & 255}\n    unicast_peer {\n        10.2.${i >> 8}.${i & 255}\n    }\n` +
      '    virtual_ipaddress {\n        192.0.2.1\n    }\n}\n';
    const conf = write(
      'vrid/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\n${Array.from({ length: 10_000 }, (_, i) => inst(i)).join('')}`,
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    // No two share a local address and a peer: keepalived starts them all.
    expect(findings.filter((d) => d.ruleId === 'duplicate-vrid')).toEqual([]);
  });
});

describe('work budget: the findings kept are the first by position, whatever order a rule reports in', () => {
  // A cross-statement rule reports from its end() hook, here the last statement first.
  const backwards: Rule = {
    meta: {
      id: 'test-backwards',
      description: 'Reports the first statement 2,000 times, then every statement, last first.',
      severity: 'warning',
      messages: { it: 'Statement "{{k}}".' },
    },
    create(ctx) {
      return {
        end() {
          // The same finding again and again (a line read again through an expansion) is one finding.
          const first = ctx.tree.all[0]!;
          for (let i = 0; i < 2000; i++)
            ctx.report({ messageId: 'it', at: first.keyword, data: { k: first.keyword.text } });
          for (const s of [...ctx.tree.all].reverse())
            ctx.report({ messageId: 'it', at: s.keyword, data: { k: s.keyword.text } });
        },
      };
    },
  };
  it(
    '1,500 statements reported last first (the first also 2,000 times ' +
      'before): lines 1-1,000 are kept, the summary at line 1,001',
    async () => {
      const conf = write('backwards/keepalived.conf', 'router_id a\n'.repeat(1500));
      const rules = [backwards, configRules.find((r) => r.meta.id === 'budget-exceeded')!];
      const report = await lintFiles([conf], { host: nodeHost(tmp), rules });
      const ds = report.results.flatMap((r) => r.diagnostics);
      const lines = ds.filter((d) => d.ruleId === 'test-backwards').map((d) => d.start.line);
      expect(lines).toEqual(Array.from({ length: MAX_FINDINGS_PER_RULE_AND_FILE }, (_, i) => i + 1));
      expect(ds.filter((d) => d.ruleId === 'budget-exceeded').map((d) => [d.start.line, d.messageId])).toEqual([
        [MAX_FINDINGS_PER_RULE_AND_FILE + 1, 'findings'],
      ]);
    },
  );
});

describe('work budget: the report does not depend on --jobs', () => {
  it('a folder of bombs and good configs gives the same JSON with -j 1 and -j 4', () => {
    const dir = path.join(tmp, 'many');
    const copy = (name: string, text: string) => write(`many/${name}/etc/keepalived/keepalived.conf`, text);
    copy('good1', 'global_defs {\n    router_id a\n    priorty 1\n}\n');
    copy(
      'good2',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n   ' +
        ' priority 100\n    virtual_ipaddress {\n        192.0.2.1/24\n    ' +
        '}\n}\n',
    );
    copy('seq', fs.readFileSync(bombs.sequences(), 'utf8'));
    copy('wide', fs.readFileSync(bombs.wideDefinition(), 'utf8'));
    copy('ids', fs.readFileSync(bombs.configIds(), 'utf8'));
    copy('braces', fs.readFileSync(bombs.braces(), 'utf8'));
    copy('lookups', fs.readFileSync(bombs.includeLookups(false), 'utf8'));
    copy('doubling', 'include f0.inc\n');
    for (let i = 0; i < 40; i++)
      write(`many/doubling/etc/keepalived/f${i}.inc`, `include f${i + 1}.inc\ninclude f${i + 1}.inc\n`);
    // Several bombs at once in one process (-j 1): a heap for all of them, not for one.
    const one = run([dir, '--jobs', '1'], 300, 1024);
    const four = run([dir, '--jobs', '4'], 300, 1024);
    expect(one.stderr).toBe('');
    expect(one.code).toBe(1);
    expect(four.code).toBe(1);
    expect(four.stdout).toBe(one.stdout);
    const files = (JSON.parse(one.stdout) as JsonReport).results.map((r) =>
      path.basename(path.dirname(path.dirname(path.dirname(r.file)))),
    );
    expect(files).toEqual(expect.arrayContaining(['good1', 'seq', 'wide', 'ids', 'braces', 'lookups', 'doubling']));
    expect(one.stdout).toContain('cap \\"included-files\\"');
    expect(one.stdout).toContain('cap \\"include-lookups\\"');
  });
});

describe('work budget: simulate, many routers on one node', () => {
  it('10,000 instances in sync groups of 2, each tracking its own script: bounded (it was quadratic: 30 s)', () => {
    const n = 10_000;
    const out = ['global_defs {', '    router_id sim', '}'];
    for (let i = 0; i < n; i++) out.push(`vrrp_script chk_${i} {`, '    script "/bin/true"', '}');
    for (let g = 0; g < n / 2; g++)
      out.push(
        `vrrp_sync_group G_${g} {`,
        '    group {',
        `        VI_${2 * g}`,
        `        VI_${2 * g + 1}`,
        '    }',
        '}',
      );
    for (let i = 0; i < n; i++)
      out.push(
        `vrrp_instance VI_${i} {`,
        `    interface eth${i >> 8}`,
        `    virtual_router_id ${(i % 255) + 1}`,
        '    priority 100',
        '    track_script {',
        `        chk_${i}`,
        '    }',
        '}',
      );
    const conf = write('simulate/etc/keepalived/keepalived.conf', `${out.join('\n')}\n`);
    const r = run([conf], 240, HEAP_MB, 'simulate');
    expectBounded(r, 0);
    const report = JSON.parse(r.stdout) as {
      nodes: string[];
      events: { event: { kind: string; name?: string }; routers: { instance: string; fault: string[] }[] }[];
    };
    // Each of the 40 interfaces and of the 10,000 scripts fails, then recovers.
    expect(report.events.length).toBe(2 * (40 + n));
    // The sync group moves together: both members go FAULT, and no other router moves.
    const fail = report.events.find((e) => e.event.kind === 'track-fail' && e.event.name === 'chk_5');
    expect(fail?.routers.map((x) => [x.instance, x.fault])).toEqual([
      ['VI_4', report.nodes],
      ['VI_5', report.nodes],
    ]);
  });
});

describe('work budget: a case pattern of many stars against a long name', () => {
  it('`*a*a*a*a*a*a*a*ab)` against an instance named with 60 letters: bounded (it took 29 s)', () => {
    const name = 'a'.repeat(60);
    write('stars/etc/keepalived/notify.sh', `#!/bin/sh\ncase "$2" in\n  ${'*a'.repeat(8)}b) echo up ;;\nesac\n`);
    fs.chmodSync(path.join(tmp, 'stars/etc/keepalived/notify.sh'), 0o755);
    const conf = write(
      'stars/etc/keepalived/keepalived.conf',
      `global_defs {\n    priorty 1\n}\nvrrp_instance ${name} {\n    interface eth0\n    virtual_router_id 1\n` +
        '    priority 100\n    notify /etc/keepalived/notify.sh\n}\n',
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    // The arm matches no name (none ends in b): said at the pattern.
    const unknown = findings.filter((d) => d.ruleId === 'script-unknown-name');
    expect(unknown.map((d) => [path.basename(d.file), d.line])).toEqual([['notify.sh', 3]]);
  });
});

describe('work budget: a definition that refers to itself, used on many lines', () => {
  it('$A=$A used by each of 50,000 ~SEQ values: bounded (it took 20 s), said at the use', () => {
    const conf = write(
      'recursive/etc/keepalived/keepalived.conf',
      'global_defs {\n    priorty 1\n}\n$A=$A\n~SEQ(i,1,50000) x $A\n',
    );
    const { findings } = lintBomb(conf);
    expect(typoAt(findings, conf, 2)).toBe(true);
    const said = findings.filter((d) => d.ruleId === 'syntax-error' && d.message.includes('$A'));
    expect(said.map((d) => d.line)).toContain(5);
  });
});
