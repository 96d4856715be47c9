/**
 * A RuleTester for keepalived-lint: one fixture through the library API (src/engine lintFiles, or
 * src/cluster lintCluster for a cluster rule) with ONLY the rule under test enabled, its findings
 * as plain data, and a check of those findings against the expectations written in the fixture
 * (test/support/fixtures.ts: position, and the message id where `rule-id[messageId]` names it).
 * No CLI: no configuration file discovery, no formatter, no output parsing. Example:
 *
 *   const run = await runRule(rule, 'fixtures/unknown-keyword/invalid/typo.conf');
 *   expectFindingsMatch(run);                   // every expectation of unknown-keyword met, nothing else
 *   run.findings.map((f) => f.messageId)        // ['unknown']
 *
 * Options come from the fixture's header (`# fixture: target=1.3.2 root=. config-id=lb1
 * report-unused-disables with=unknown-keyword`) as test/fixtures.test.ts passes them to the CLI;
 * `with=` adds the named rules beside the one under test (a finding that exists only when another
 * rule runs; the other rules' findings are left out of the run). Every other rule id is passed as
 * one that exists but does not run here, so that a disable comment naming it is not "unknown".
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { allRules, rules as allPerConfig } from '../../rules/index.js';
import { lintFiles, type Diagnostic, type LintReport, type Rule } from '../../src/engine/index.js';
import { lintCluster, type ClusterRule } from '../../src/cluster/index.js';
import { nodeHost } from '../../src/source/host.js';
import { parseFixture, readFixture, type Expectation, type Fixture } from './fixtures.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Finding {
  /** Path from the repository. */
  file: string;
  ruleId: string;
  messageId: string | undefined;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  detail: string | undefined;
}

export interface RuleRun {
  /** The rule under test. */
  ruleId: string;
  fixture: Fixture;
  /** Findings of the rule under test, in file and position order. */
  findings: Finding[];
  /** Every file the run read as a config (the fixture, what it includes, the other nodes), from the repository. */
  files: string[];
  /** Text of the files read, by path from the repository (for their expectations). */
  sources: Map<string, string>;
  /** Files that could not be linted at all. */
  errors: { file: string; message: string }[];
}

const host = nodeHost(REPO);

export function toFinding(d: Diagnostic): Finding {
  return {
    file: path.relative(REPO, d.file),
    ruleId: d.ruleId,
    messageId: d.messageId,
    line: d.start.line,
    column: d.start.column,
    endLine: d.end.line,
    endColumn: d.end.column,
    message: d.message,
    detail: d.detail,
  };
}

/** `file:line:column-endColumn rule[messageId] message`: one line per finding, for messages and comparisons. */
export function showFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}-${f.endColumn} ${f.ruleId}[${f.messageId ?? '?'}] ${f.message}`;
}

/** The lint options a fixture's header gives (as test/fixtures.test.ts gives them to the CLI). */
export function fixtureOptions(fx: Fixture): {
  target?: string;
  from?: string;
  configId?: string;
  root?: string;
  reportUnusedDisables?: boolean;
} {
  const o = fx.options;
  return {
    ...(o.target ? { target: o.target } : {}),
    ...(o.from ? { from: o.from } : {}),
    ...(o.configId ? { configId: o.configId } : {}),
    ...(o.root ? { root: path.resolve(path.dirname(fx.file), o.root) } : {}),
    ...(o.reportUnusedDisables ? { reportUnusedDisables: true } : {}),
  };
}

function companions(fx: Fixture, ruleId: string): Rule[] {
  return (fx.options.with ?? [])
    .map((id) => {
      const r = allPerConfig.find((x) => x.meta.id === id);
      if (!r) throw new Error(`${fx.file}: with=${id} names no per-config rule`);
      return r;
    })
    .filter((r) => r.meta.id !== ruleId);
}

function runOf(ruleId: string, fx: Fixture, report: LintReport): RuleRun {
  const findings = report.results
    .flatMap((r) => r.diagnostics)
    .filter((d) => d.ruleId === ruleId)
    .map(toFinding);
  const sources = new Map([...report.sources].map(([f, t]) => [path.relative(REPO, f), t]));
  return {
    ruleId,
    fixture: fx,
    findings,
    files: [...sources.keys()],
    sources,
    errors: report.errors.map((e) => ({ file: path.relative(REPO, e.file), message: e.message })),
  };
}

/**
 * Lint one fixture with `rule` alone (plus the fixture's `with=` rules). `rules` replaces the rule
 * set (the full run of the same fixture, for comparing); the findings kept are always `rule`'s.
 */
export async function runRule(rule: Rule, file: string, opts: { rules?: Rule[] } = {}): Promise<RuleRun> {
  const abs = path.resolve(REPO, file);
  const fx = readFixture(abs);
  const running = opts.rules ?? [rule, ...companions(fx, rule.meta.id)];
  const otherRuleIds = allRules.map((r) => r.meta.id).filter((id) => !running.some((r) => r.meta.id === id));
  const report = await lintFiles([abs], { host, rules: running, ...fixtureOptions(fx), otherRuleIds });
  return runOf(rule.meta.id, fx, report);
}

/** The other nodes a cluster fixture names (`# fixture: cluster=lb2.conf,lb3.conf`), as paths. */
export function clusterMembers(file: string): string[] {
  const abs = path.resolve(REPO, file);
  return (readFixture(abs).options.cluster ?? []).map((m) => path.join(path.dirname(abs), m));
}

/** The cluster check over a cluster fixture and the nodes it names, with `rule` alone (or `rules`). */
export async function runClusterRule(
  rule: ClusterRule,
  file: string,
  opts: { rules?: readonly ClusterRule[] } = {},
): Promise<RuleRun> {
  const abs = path.resolve(REPO, file);
  const fx = readFixture(abs);
  const entries = [abs, ...clusterMembers(abs)].map((f) => ({ file: f, options: {} }));
  const { report } = await lintCluster(entries, host, opts.rules ?? [rule]);
  return runOf(rule.meta.id, fx, report);
}

/** The expectations of the rule under test written in the files of a run. */
export function expectationsOf(run: RuleRun): (Expectation & { file: string })[] {
  return run.files.flatMap((file) =>
    parseFixture(file, run.sources.get(file) ?? '')
      .expectations.filter((e) => e.ruleId === run.ruleId)
      .map((e) => ({ ...e, file })),
  );
}

/**
 * The run's findings are exactly the expectations of its rule: same file, line, column and end
 * column, the message id where the expectation names it, and the text where it gives one (in the
 * message or the detail). `invalid`: there must be at least one expectation.
 */
export function expectFindingsMatch(run: RuleRun, { invalid = true } = {}): void {
  expect(run.errors, 'files that could not be linted').toEqual([]);
  const expected = expectationsOf(run);
  if (invalid)
    expect(
      expected.length,
      `${run.fixture.file}: an invalid fixture (or a file it includes) must state what it expects of ${run.ruleId}`,
    ).toBeGreaterThan(0);
  const unmatched = [...run.findings];
  const got = () => run.findings.map(showFinding).join('\n') || '(none)';
  for (const e of expected) {
    const i = unmatched.findIndex(
      (f) =>
        f.file === e.file &&
        f.line === e.line &&
        f.column === e.column &&
        f.endColumn === e.endColumn &&
        (e.messageId === undefined || f.messageId === e.messageId) &&
        `${f.message}\n${f.detail ?? ''}`.includes(e.message),
    );
    expect(
      i,
      `expected ${e.file}:${e.line}:${e.column}-${e.endColumn} ` +
        `${e.ruleId}${e.messageId ? `[${e.messageId}]` : ''}: ` +
        `${e.message}\ngot:\n${got()}`,
    ).toBeGreaterThanOrEqual(0);
    unmatched.splice(i, 1);
  }
  expect(unmatched.map(showFinding), 'findings the fixture does not expect').toEqual([]);
}

/** A stable list of a run's findings, to compare two runs. */
export function findingKeys(run: RuleRun): string[] {
  return run.findings.map((f) => `${showFinding(f)}\n${f.detail ?? ''}`).sort();
}
