/**
 * Proves the `keepalived -t` oracle harness (test/support/oracle.ts, src/keepalived/) right:
 * the classifier reproduces the recorded classes, and live runs in a network
 * namespace reproduce the recorded corpus and oracle-case outputs.
 * This repository's own oracle cases (test/oracle-cases) are always read; the corpus and the
 * reference's oracle cases (../shared) only when they are there (HAVE_SHARED; .ci/run requires
 * them), and the live runs only where keepalived is installed.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CORPUS_CONFIGS_DIR,
  CORPUS_DIR,
  ORACLE_CASES_DIR,
  OWN_ORACLE_CASES_DIR,
  keepalivedAvailable,
  listOracleCaseConfigs,
  loadCorpusExitCodes,
  loadCorpusOracle,
  loadCorpusOracleRows,
  loadFakeifInterfaces,
  loadOracleCaseResults,
  normaliseCorpusPaths,
  runAll,
  runKeepalivedTest,
  runKeepalivedTestAsync,
} from './support/oracle.js';
import {
  classifyMessage,
  parseKeepalivedOutput,
  type KeepalivedMessage,
  type MessageClass,
} from '../src/keepalived/messages.js';
import { isValidInterfaceName } from '../src/keepalived/namespace.js';
import { HAVE_SHARED } from './helpers.js';

// ---------------------------------------------------------------------------
// helpers

interface KnownDifference {
  source: 'corpus-plain' | 'corpus-fakeif' | 'oracle-case' | 'own-case';
  name: string;
  kind: 'missing' | 'extra' | 'exitCode';
  cls?: MessageClass;
  file?: string | null;
  line?: number | null;
  text?: string;
  expected?: number;
  actual?: number;
  reason: string;
}

const KNOWN: KnownDifference[] = (
  JSON.parse(readFileSync(new URL('./support/oracle-known-differences.json', import.meta.url), 'utf8')) as {
    differences: KnownDifference[];
  }
).differences;
const usedKnown = new Set<KnownDifference>();

const msgKey = (m: Pick<KeepalivedMessage, 'file' | 'line' | 'text'>) => `${m.file ?? '-'}:${m.line ?? '-'}: ${m.text}`;

interface Diff {
  missing: KeepalivedMessage[];
  extra: KeepalivedMessage[];
}

/** Set difference on (file, line, text), optionally restricted to one class of the *expected* side's classifier. */
function diffMessages(expected: KeepalivedMessage[], actual: KeepalivedMessage[], only?: MessageClass): Diff {
  const keep = (m: KeepalivedMessage) => only === undefined || m.cls === only;
  const exp = expected.filter(keep);
  const act = actual.filter(keep);
  const expKeys = new Set(exp.map(msgKey));
  const actKeys = new Set(act.map(msgKey));
  return {
    missing: exp.filter((m) => !actKeys.has(msgKey(m))),
    extra: act.filter((m) => !expKeys.has(msgKey(m))),
  };
}

function isKnown(
  source: KnownDifference['source'],
  name: string,
  kind: 'missing' | 'extra',
  m: KeepalivedMessage,
): boolean {
  const k = KNOWN.find(
    (d) =>
      d.source === source &&
      d.name === name &&
      d.kind === kind &&
      (d.file ?? null) === m.file &&
      (d.line ?? null) === m.line &&
      d.text === m.text,
  );
  if (k) usedKnown.add(k);
  return k !== undefined;
}

function unexplained(source: KnownDifference['source'], name: string, d: Diff): string[] {
  return [
    ...d.missing
      .filter((m) => !isKnown(source, name, 'missing', m))
      .map((m) => `${name}: MISSING [${m.cls}] ${msgKey(m)}`),
    ...d.extra.filter((m) => !isKnown(source, name, 'extra', m)).map((m) => `${name}: EXTRA   [${m.cls}] ${msgKey(m)}`),
  ];
}

function exitCodeKnown(source: KnownDifference['source'], name: string, expected: number, actual: number): boolean {
  const k = KNOWN.find(
    (d) =>
      d.source === source && d.name === name && d.kind === 'exitCode' && d.expected === expected && d.actual === actual,
  );
  if (k) usedKnown.add(k);
  return k !== undefined;
}

// ---------------------------------------------------------------------------
// Offline tests (no keepalived needed)

describe('classifyMessage', () => {
  for (const which of ['plain', 'fakeif'] as const) {
    it.skipIf(!HAVE_SHARED)(`agrees with the class column of every row of the ${which} corpus TSV`, () => {
      const rows = loadCorpusOracleRows(which);
      expect(rows.length).toBeGreaterThan(100);
      const bad = rows
        .map((r) => ({ r, got: classifyMessage(r.text) }))
        .filter(({ r, got }) => got !== r.cls)
        .map(({ r, got }) => `${r.corpusFile}:${r.line ?? '-'} expected ${r.cls}, got ${got}: ${r.text}`);
      expect(bad, `${bad.length}/${rows.length} rows disagree:\n${bad.join('\n')}`).toEqual([]);
    });
  }

  const allClassified = (dir: string) => {
    const results = loadOracleCaseResults(dir);
    expect(results.size).toBeGreaterThan(10);
    const unclassified: string[] = [];
    for (const [name, r] of results)
      for (const m of r.messages) if (m.cls === 'unclassified') unclassified.push(`${name}: ${m.text}`);
    expect(unclassified, unclassified.join('\n')).toEqual([]);
  };
  it("classifies every message of this repository's oracle cases (none unclassified)", () =>
    allClassified(OWN_ORACLE_CASES_DIR));
  it.skipIf(!HAVE_SHARED)("classifies every message of the reference's oracle cases (none unclassified)", () =>
    allClassified(ORACLE_CASES_DIR),
  );

  it('can say "unclassified" and separates the three classes', () => {
    expect(classifyMessage('something keepalived never printed')).toBe('unclassified');
    expect(classifyMessage("Unknown keyword 'priorty'")).toBe('syntax');
    expect(classifyMessage('VI_1 and VI_2 both use VRID 51 with IPv4 on interface eth0')).toBe('semantic');
    expect(classifyMessage("WARNING - interface eth9 for vrrp_instance VI_1 doesn't exist")).toBe('environment');
    // the deprecated unicast usage is semantic although it says "deprecated"
    expect(
      classifyMessage(
        '(VI_2) A unicast keyword has been specified without any unicast ' +
          'peers. Defaulting to multicast. This usage is deprecated - please ' +
          'update your configuration.',
      ),
    ).toBe('semantic');
  });
});

describe('parseKeepalivedOutput / loaders', () => {
  it('parses the three prefixes, trims, normalises the main file and de-duplicates', () => {
    const raw = [
      "(Line 16) Unknown keyword 'x'",
      "(dir/main.conf: Line 16) Unknown keyword 'x'",
      "(dir/main.conf: Line 16) Unknown keyword 'x'",
      '(inc/other.conf: Line 2)         Please use global lvs_sync_daemon',
      "There are 1 missing '}'s or extra '{'s",
      "There are 1 missing '}'s or extra '{'s",
      '',
    ].join('\n');
    expect(parseKeepalivedOutput(raw, 'dir/main.conf')).toEqual([
      { file: 'main.conf', line: 16, text: "Unknown keyword 'x'", cls: 'syntax' },
      { file: 'inc/other.conf', line: 2, text: 'Please use global lvs_sync_daemon', cls: 'syntax' },
      { file: null, line: null, text: "There are 1 missing '}'s or extra '{'s", cls: 'syntax' },
    ]);
  });

  it('the comparison reports a single altered expectation (the harness can fail)', () => {
    const own = loadOracleCaseResults(OWN_ORACLE_CASES_DIR);
    const [name, rec] = [...own].find(([, r]) => r.messages.some((x) => x.cls === 'syntax' && x.line !== null))!;
    const msgs = rec.messages;
    const mutated = msgs.map((m, i) =>
      i === msgs.findIndex((x) => x.cls === 'syntax' && x.line !== null) ? { ...m, line: m.line! + 1 } : m,
    );
    const d = diffMessages(mutated, msgs, 'syntax');
    expect(d.missing).toHaveLength(1);
    expect(d.extra).toHaveLength(1);
    expect(unexplained('own-case', name, d)).toHaveLength(2);
    expect(unexplained('own-case', name, diffMessages(msgs, msgs))).toEqual([]);
  });

  it("loads this repository's own oracle cases (config, -i, exit code, messages)", () => {
    const own = loadOracleCaseResults(OWN_ORACLE_CASES_DIR);
    expect(own.get('clean')).toEqual({
      exitCode: 0,
      messages: [],
      cwd: OWN_ORACLE_CASES_DIR,
      args: ['-t', '-f', 'clean.conf'],
      configArg: 'clean.conf',
      configId: null,
    });
    expect(own.get('unknown-keywords')?.exitCode).toBe(5);
    // "(Line N)" (the main file, said by the first pass) and "(FILE: Line N)" are one message each.
    const f = 'unknown-keywords.conf';
    expect(own.get('unknown-keywords')?.messages).toEqual([
      { file: f, line: 3, text: "Unknown keyword 'notification_emial'", cls: 'syntax' },
      { file: f, line: 17, text: "Unknown keyword 'not_a_top_level_block'", cls: 'syntax' },
      { file: f, line: 17, text: "Unexpected '{' - ignoring", cls: 'syntax' },
      { file: f, line: 18, text: "Unknown keyword 'whatever'", cls: 'syntax' },
      { file: f, line: 19, text: "Unknown keyword '}'", cls: 'syntax' },
      { file: f, line: 10, text: "Unknown keyword 'priorty'", cls: 'syntax' },
    ]);
    expect(own.get('config-id.i-lb1')).toMatchObject({
      exitCode: 5,
      configArg: 'config-id.conf',
      configId: 'lb1',
      messages: [{ file: 'config-id.conf', line: 6, text: "Unknown keyword 'only_on_lb1_typo'", cls: 'syntax' }],
    });
    expect(own.get('missing-parameter')?.exitCode).toBe(2);
    expect(own.get('include-relative')?.messages.map((m) => m.file)).toEqual(['sub/instance.conf']);
    // Every case has its recorded output, and every configuration at the top is a case.
    for (const name of own.keys())
      expect(existsSync(path.join(OWN_ORACLE_CASES_DIR, `${name}.expected`)), name).toBe(true);
    const args = new Set([...own.values()].map((r) => r.configArg));
    for (const conf of listOracleCaseConfigs(OWN_ORACLE_CASES_DIR)) expect(args.has(conf), conf).toBe(true);
  });

  it.skipIf(!HAVE_SHARED)("loads the recorded corpus oracle and the reference's oracle-case results", () => {
    const plain = loadCorpusOracle('plain');
    const fakeif = loadCorpusOracle('fakeif');
    expect(plain.size).toBe(32);
    expect([...fakeif.keys()].sort()).toEqual([...plain.keys()].sort());
    expect(fakeif.get('DrPsychick__docker-dnsmasq__keepalived.conf')).toEqual([]);
    const cases = loadOracleCaseResults();
    expect(cases.get('01-unknown-keyword')).toMatchObject({
      exitCode: 5,
      configArg: '01-unknown-keyword.conf',
      messages: [
        { file: '01-unknown-keyword.conf', line: 16, text: "Unknown keyword 'bogus_top_level_keyword'", cls: 'syntax' },
        { file: '01-unknown-keyword.conf', line: 9, text: "Unknown keyword 'priorty'", cls: 'syntax' },
      ],
    });
    expect(cases.get('16-conditional-lines.i-node2')?.configId).toBe('node2');
    expect(cases.get('22-missing-parameter')?.exitCode).toBe(2);
    expect(cases.get('lexical-L05-include-relative')?.cwd).toBe(path.join(ORACLE_CASES_DIR, 'lexical'));
    expect(existsSync(path.join(CORPUS_DIR, 'ORACLE_fakeif_messages.tsv'))).toBe(true);
  });

  it.skipIf(!HAVE_SHARED)("skips the corpus interface list's one name that is not an interface name", () => {
    expect(loadFakeifInterfaces().filter((n) => !isValidInterfaceName(n))).toEqual(['192.168.200.10']);
  });

  it('skips names that are not interface names', () => {
    for (const bad of ['eth0;reboot', 'a b', '$(x)', 'averyveryverylongname0', '../x', 'eth0:1', ''])
      expect(isValidInterfaceName(bad), bad).toBe(false);
    for (const ok of ['bond0.13', 'eth-br1', 'br_ydevopps', 'ens7f1.57'])
      expect(isValidInterfaceName(ok), ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------
// Live keepalived -t (Debian 2.2.7) in a network namespace

const HOSTNAME = 'vm'; // host name of the machine that recorded the oracles (default config-id)
const ORACLE_CASE_INTERFACES = ['eth0', 'ifb0', 'ifb1']; // oracle-cases/README.md
const PLAIN_INTERFACES = ['eth0']; // corpus/README.md: a host with only lo/eth0
const OWN_CASE_INTERFACES = ['eth0']; // test/oracle-cases/record.sh

describe.runIf(keepalivedAvailable())('live keepalived -t', () => {
  let tmp = '';
  beforeAll(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kalint-oracle-'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    // Entries about ../shared (corpus, reference cases) are only looked for when it is there.
    const unused = KNOWN.filter((k) => !usedKnown.has(k) && (HAVE_SHARED || k.source === 'own-case'));
    if (unused.length)
      console.log(
        `oracle-known-differences.json: ${unused.length} entr${unused.length === 1 ? 'y' : 'ies'} ` +
          `did not occur on this host: ${unused.map((u) => `${u.name}/${u.kind}`).join(', ')}`,
      );
  });

  const write = (name: string, text: string) => {
    const p = path.join(tmp, name);
    writeFileSync(p, text);
    return p;
  };

  it('reports a planted syntax error with its line, and a clean config with exit 0', () => {
    const bad = write('planted.conf', 'global_defs {\n  router_id X\n  bogus_planted_keyword 1\n}\n');
    const r = runKeepalivedTest(bad);
    expect(r.exitCode).toBe(5);
    expect(r.messages).toEqual([
      { file: 'planted.conf', line: 3, text: "Unknown keyword 'bogus_planted_keyword'", cls: 'syntax' },
    ]);
    const good = write('clean.conf', 'global_defs {\n  router_id X\n}\n');
    expect(runKeepalivedTest(good)).toEqual({ exitCode: 0, raw: '', messages: [] });
  });

  it('creates the requested interfaces (dotted names included) and nothing else', () => {
    const conf = write(
      'ifaces.conf',
      [
        'vrrp_instance VI_1 {',
        '  interface bond0.13',
        '  virtual_router_id 51',
        '  track_interface {',
        '    eth0.53',
        '    ens7f1.57',
        '  }',
        '  virtual_ipaddress {',
        '    192.0.2.10/24 dev br_ydevopps',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const all = runKeepalivedTest(conf, {
      interfaces: ['bond0', 'bond0.13', 'eth0', 'eth0.53', 'ens7f1.57', 'br_ydevopps', '192.168.200.10'],
    });
    expect(all.raw).toBe('');
    expect(all.exitCode).toBe(0);
    const some = runKeepalivedTest(conf, { interfaces: ['bond0.13', 'eth0.53'] });
    expect(some.exitCode).toBe(5);
    expect(some.messages.map((m) => [m.line, m.cls, m.text])).toEqual([
      [6, 'environment', "(VI_1) tracked interface ens7f1.57 doesn't exist"],
      [9, 'environment', "WARNING - interface br_ydevopps for ip address 192.0.2.10/24 doesn't exist"],
      [null, 'environment', 'Non-existent interface specified in configuration'],
    ]);
  });

  it('passes -i and the host name, and never hands a file name to a shell', () => {
    const conf = write(
      `we'ird $(touch PWNED); \`touch PWNED2\`.conf`,
      '@node1 bogus_only_node1\n@^node1 bogus_not_node1\n@myhost bogus_only_myhost\n',
    );
    const r1 = runKeepalivedTest(conf, { configId: 'node1' });
    expect(r1.messages.map((m) => m.text)).toEqual(["Unknown keyword 'bogus_only_node1'"]);
    expect(r1.messages[0]?.file).toBe(path.basename(conf));
    const r2 = runKeepalivedTest(conf, { hostname: 'myhost' });
    expect(r2.messages.map((m) => m.text)).toEqual([
      "Unknown keyword 'bogus_not_node1'",
      "Unknown keyword 'bogus_only_myhost'",
    ]);
    const r3 = runKeepalivedTest(path.basename(conf), { cwd: tmp, interfaces: ['eth0;touch PWNED3'] });
    expect(r3.messages.map((m) => m.text)).toContain("Unknown keyword 'bogus_not_node1'");
    expect(r3.messages.map((m) => m.text)).not.toContain("Unknown keyword 'bogus_only_node1'");
    for (const f of ['PWNED', 'PWNED2', 'PWNED3']) {
      expect(existsSync(path.join(tmp, f))).toBe(false);
      expect(existsSync(path.join(process.cwd(), f))).toBe(false);
    }
  });

  const checkCorpus = async (which: 'plain' | 'fakeif') => {
    {
      const recorded = loadCorpusOracle(which);
      const exitCodes = loadCorpusExitCodes(which);
      const interfaces = which === 'fakeif' ? loadFakeifInterfaces() : PLAIN_INTERFACES;
      const source = which === 'fakeif' ? 'corpus-fakeif' : 'corpus-plain';
      const problems: string[] = [];
      let syntaxRecorded = 0;
      let syntaxSame = 0;
      let configsSyntaxSame = 0;
      let configsAllSame = 0;
      let exitSame = 0;
      const t0 = Date.now();
      const runs = runAll([...recorded.keys()], (file) =>
        runKeepalivedTestAsync(path.join(CORPUS_CONFIGS_DIR, file), { interfaces, hostname: HOSTNAME }),
      );
      for (const [i, [file, expected]] of [...recorded].entries()) {
        const live = await runs[i]!;
        const actual = live.messages.map((m) => ({ ...m, text: normaliseCorpusPaths(m.text) }));
        const syn = diffMessages(expected, actual, 'syntax');
        const errs = unexplained(source, file, syn);
        problems.push(...errs);
        const nSyn = expected.filter((m) => m.cls === 'syntax').length;
        syntaxRecorded += nSyn;
        syntaxSame += nSyn - syn.missing.length;
        if (errs.length === 0) configsSyntaxSame++;
        const all = diffMessages(expected, actual);
        if (all.missing.length === 0 && all.extra.length === 0) configsAllSame++;
        if (live.exitCode === exitCodes.get(file)) exitSame++;
      }
      const n = recorded.size;
      console.log(
        `oracle ${which}: ${configsSyntaxSame}/${n} configs reproduce the recorded syntax messages ` +
          `(${syntaxSame}/${syntaxRecorded} messages); all classes identical ${configsAllSame}/${n}, ` +
          `exit code identical ${exitSame}/${n}; ${Date.now() - t0} ms`,
      );
      expect(
        problems,
        `live keepalived -t disagrees with ${which} TSV on syntax-class messages:\n${problems.join('\n')}`,
      ).toEqual([]);
      expect(n).toBe(32);
    }
  };

  it.skipIf(!HAVE_SHARED)('reproduces ORACLE_fakeif_messages.tsv (syntax class) for every corpus config', () =>
    checkCorpus('fakeif'),
  );
  it.skipIf(!HAVE_SHARED)('reproduces ORACLE_messages.tsv (syntax class) for every corpus config', () =>
    checkCorpus('plain'),
  );

  /**
   * Live runs of every recorded case of `dir`. Cases that name /opt/oracle-cases (the reference's
   * recording folder) are held to their syntax-class messages; the others to every message and the
   * exit code.
   */
  const checkCases = async (dir: string, source: 'oracle-case' | 'own-case', interfaces: string[], atLeast: number) => {
    const results = loadOracleCaseResults(dir);
    const confs = listOracleCaseConfigs(dir);
    expect(confs.length).toBeGreaterThan(atLeast);
    const problems: string[] = [];
    let runs = 0;
    let syntaxCasesSame = 0;
    let fullCasesSame = 0;
    let noOptCases = 0;
    const t0 = Date.now();
    const variantsOf = new Map(
      confs.map((conf) => [conf, [...results].filter(([, r]) => r.configArg === conf && r.cwd === dir)] as const),
    );
    const all = [...variantsOf.values()].flat();
    const lives = runAll(all, ([, rec]) =>
      runKeepalivedTestAsync(rec.configArg!, {
        cwd: dir,
        interfaces,
        hostname: HOSTNAME,
        ...(rec.configId !== null ? { configId: rec.configId } : {}),
      }),
    );
    for (const conf of confs) {
      const variants = variantsOf.get(conf)!;
      if (variants.length === 0) problems.push(`${conf}: no recorded result in summary.tsv`);
      const dependsOnOpt = readFileSync(path.join(dir, conf), 'utf8').includes('/opt/');
      for (const variant of variants) {
        const [name, rec] = variant;
        runs++;
        const live = await lives[all.indexOf(variant)]!;
        const actual = live.messages.map((m) => ({
          ...m,
          text: m.text.split(dir).join('/opt/oracle-cases'),
        }));
        const synErrs = unexplained(source, name, diffMessages(rec.messages, actual, 'syntax'));
        problems.push(...synErrs);
        if (synErrs.length === 0) syntaxCasesSame++;
        if (dependsOnOpt) continue;
        // Cases that do not depend on /opt/oracle-cases must match on every class and on the exit code.
        noOptCases++;
        const fullErrs = unexplained(source, name, diffMessages(rec.messages, actual)).filter(
          (e) => !synErrs.includes(e),
        );
        if (live.exitCode !== rec.exitCode && !exitCodeKnown(source, name, rec.exitCode, live.exitCode))
          fullErrs.push(`${name}: exit code ${live.exitCode}, recorded ${rec.exitCode}`);
        problems.push(...fullErrs);
        if (synErrs.length === 0 && fullErrs.length === 0) fullCasesSame++;
      }
    }
    console.log(
      `${source}s: ${syntaxCasesSame}/${runs} runs reproduce the recorded syntax messages; ` +
        `${fullCasesSame}/${noOptCases} runs without /opt dependencies match on every message and exit code ` +
        `(known differences allowed); ${Date.now() - t0} ms`,
    );
    expect(problems, `live keepalived -t disagrees with the recording in ${dir}:\n${problems.join('\n')}`).toEqual([]);
  };

  it("reproduces this repository's oracle cases (test/oracle-cases) on every message and exit code", () =>
    checkCases(OWN_ORACLE_CASES_DIR, 'own-case', OWN_CASE_INTERFACES, 10));
  it.skipIf(!HAVE_SHARED)("reproduces the reference's recorded oracle cases (top-level .conf files)", () =>
    checkCases(ORACLE_CASES_DIR, 'oracle-case', ORACLE_CASE_INTERFACES, 30),
  );
});
