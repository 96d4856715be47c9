// schema/report.schema.json describes what `--format json` prints: every invalid fixture linted
// through the CLI (grouped by the options their headers set), cluster runs (the cluster command
// and lint --cluster) and diff runs are validated against it with ajv, and every diagnostic is
// data: a message id and a data object, a one-line message of at most 160 characters.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass, ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { clusterRules, rules } from '../rules/index.js';
import { MAX_MESSAGE } from '../src/rule-api/index.js';
import { readFixture } from './support/fixtures.js';
import { REPO, runCli, confFiles } from './helpers.js';

const FIXTURES = path.join(REPO, 'fixtures');
const SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'report.schema.json'), 'utf8')) as { $id: string };

// Ajv as src/config loads it (CommonJS default export); strict here, so the schema is strict-clean.
const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvClass }).default;
const ajv = new Ajv({ allErrors: true, strict: true });
ajv.addSchema(SCHEMA);
const validateReport = ajv.getSchema(SCHEMA.$id)!;
const validateDiff = ajv.getSchema(`${SCHEMA.$id}#/definitions/diffReport`)!;

interface Diag {
  ruleId: string;
  message: string;
  messageId?: string;
  data?: unknown;
}

function expectValid(validate: ValidateFunction, doc: unknown, what: string): void {
  const ok = validate(doc);
  expect(ok ? [] : validate.errors?.slice(0, 5), what).toEqual([]);
}

/** Every diagnostic is data: message id, data, one short line of message. */
function expectData(diags: Diag[], what: string): void {
  for (const d of diags) {
    expect(typeof d.messageId, `${what}: ${d.ruleId} "${d.message}" has no messageId`).toBe('string');
    expect(d.data, `${what}: ${d.ruleId} "${d.message}" has no data`).toBeTypeOf('object');
    expect(d.message.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(d.message).not.toMatch(/[\r\n]/);
  }
}

function lintDiagnostics(out: string): Diag[] {
  return (JSON.parse(out) as { results: { diagnostics: Diag[] }[] }).results.flatMap((r) => r.diagnostics);
}

const confs = confFiles;

describe('schema/report.schema.json', () => {
  it(
    'rejects what breaks it: a message over 160 characters or with a ' +
      'newline, a diagnostic without data, an unknown field',
    () => {
      const diag = {
        ruleId: 'x-y',
        severity: 'error',
        message: 'm',
        messageId: 'm',
        data: {},
        line: 1,
        column: 1,
        endLine: 1,
        endColumn: 2,
      };
      const doc = (d: Record<string, unknown>) => ({ version: 1, results: [{ file: 'k.conf', diagnostics: [d] }] });
      expect(validateReport(doc(diag))).toBe(true);
      expect(validateReport(doc({ ...diag, message: 'x'.repeat(161) }))).toBe(false);
      expect(validateReport(doc({ ...diag, message: 'a\nb' }))).toBe(false);
      const { data: _, ...noData } = diag;
      expect(validateReport(doc(noData))).toBe(false);
      expect(validateReport(doc({ ...diag, extra: 1 }))).toBe(false);
      expect(validateReport(doc({ ...diag, data: { a: [1] } }))).toBe(false);
      // The rule's page: an http(s) address, in lint and diff diagnostics alike.
      const ruleUrl = 'https://github.com/keepalived-lint/keepalived-lint/blob/main/docs/rules/x-y.md';
      expect(validateReport(doc({ ...diag, ruleUrl }))).toBe(true);
      expect(validateReport(doc({ ...diag, ruleUrl: 'docs/rules/x-y.md' }))).toBe(false);
      expect(validateReport(doc({ ...diag, ruleUrl: 1 }))).toBe(false);
      expect(validateDiff({ version: 1, changes: [], diagnostics: [{ ...diag, file: 'k.conf', ruleUrl }] })).toBe(true);
      expect(validateDiff({ version: 1, changes: [], diagnostics: [{ ...diag, file: 'k.conf' }] })).toBe(true);
      expect(validateDiff({ version: 1, changes: [], diagnostics: [diag] })).toBe(false);
    },
  );

  it('describes lint --format json of every invalid fixture', async () => {
    // One CLI run per set of options the fixtures' headers ask for.
    const groups = new Map<string, string[]>();
    for (const rule of rules) {
      for (const file of confs(path.join(FIXTURES, rule.meta.id, 'invalid'))) {
        const o = readFixture(file).options;
        const args = [
          ...(o.target ? ['--target', o.target] : []),
          ...(o.from ? ['--from', o.from] : []),
          ...(o.configId ? ['--config-id', o.configId] : []),
          ...(o.root ? ['--root', path.resolve(path.dirname(file), o.root)] : []),
        ];
        const key = JSON.stringify(args);
        groups.set(key, [...(groups.get(key) ?? []), file]);
      }
    }
    let total = 0;
    const ruleIds = new Set<string>();
    for (const [key, files] of groups) {
      const r = await runCli(['lint', ...files, '--format', 'json', '--jobs', '1', ...(JSON.parse(key) as string[])], {
        cwd: REPO,
      });
      const doc = JSON.parse(r.stdout) as unknown;
      expectValid(validateReport, doc, `lint ${key}`);
      const diags = lintDiagnostics(r.stdout);
      expectData(diags, `lint ${key}`);
      total += diags.length;
      for (const d of diags) ruleIds.add(d.ruleId);
    }
    // The runs mean something: findings of (nearly) every rule.
    expect(total).toBeGreaterThan(200);
    expect(ruleIds.size).toBeGreaterThanOrEqual(rules.length - 2);
  });

  it('describes cluster --format json and lint --cluster', async () => {
    let total = 0;
    for (const rule of clusterRules) {
      const dir = path.join(FIXTURES, rule.meta.id, 'invalid');
      const first = confs(dir).find((f) => (readFixture(f).options.cluster ?? []).length > 0);
      if (!first) continue;
      const nodes = [first, ...readFixture(first).options.cluster!.map((m) => path.join(dir, m))];
      for (const argv of [
        ['cluster', ...nodes],
        ['lint', '--cluster', '--jobs', '1', ...nodes],
      ]) {
        const r = await runCli([...argv, '--format', 'json'], { cwd: REPO });
        expect(r.code, `${argv.join(' ')}: ${r.stderr}`).toBeLessThan(2);
        expectValid(validateReport, JSON.parse(r.stdout), argv.join(' '));
        const diags = lintDiagnostics(r.stdout);
        expectData(diags, argv.join(' '));
        expect(diags.some((d) => d.ruleId === rule.meta.id)).toBe(true);
        total += diags.length;
      }
    }
    expect(total).toBeGreaterThan(0);
  });

  it('describes diff --format json (its own definition, diffReport)', async () => {
    const deb = (side: string) => path.join(REPO, 'test', 'diff-cases', 'debian', side);
    const simple = (f: string) => path.join(REPO, 'test', 'diff-cases', 'simple', f);
    let total = 0;
    for (const [a, b] of [
      [deb('old'), deb('new')],
      [deb('old'), deb('new-fixed')],
      [simple('base.conf'), simple('moved.conf')],
    ] as const) {
      const r = await runCli(['diff', a, b, '--target', 'stretch', '--format', 'json'], { cwd: REPO });
      const doc = JSON.parse(r.stdout) as { diagnostics: Diag[] };
      expectValid(validateDiff, doc, `diff ${a} ${b}`);
      expectData(doc.diagnostics, `diff ${a} ${b}`);
      total += doc.diagnostics.length;
    }
    expect(total).toBeGreaterThan(0);
  });
});
