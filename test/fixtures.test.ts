// Every rule's fixtures: valid/*.conf give no finding of that rule; invalid/*.conf give exactly the
// findings written inside them (see test/support/fixtures.ts for the notation). Cluster rules run
// `cluster` over a fixture and the node files its header names (those are not fixtures by themselves).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clusterRules, rules } from '../rules/index.js';
import { readFixture } from './support/fixtures.js';
import { REPO, lintJson, runCli, type JsonDiagnostic, confFiles } from './helpers.js';

const FIXTURES = path.join(REPO, 'fixtures');

const confs = confFiles;

function optionArgs(o: ReturnType<typeof readFixture>['options'], dir: string): string[] {
  return [
    ...(o.target ? ['--target', o.target] : []),
    ...(o.from ? ['--from', o.from] : []),
    ...(o.configId ? ['--config-id', o.configId] : []),
    ...(o.root ? ['--root', path.resolve(dir, o.root)] : []),
    ...(o.reportUnusedDisables ? ['--report-unused-disables'] : []),
  ];
}

for (const rule of rules) {
  const id = rule.meta.id;
  describe(`rule ${id}`, () => {
    const valid = confs(path.join(FIXTURES, id, 'valid'));
    const invalid = confs(path.join(FIXTURES, id, 'invalid'));
    it('has fixtures', () => {
      expect(valid.length, `fixtures/${id}/valid`).toBeGreaterThan(0);
      expect(invalid.length, `fixtures/${id}/invalid`).toBeGreaterThan(0);
    });
    for (const file of valid) {
      it(`valid/${path.basename(file)}`, async () => {
        const fx = readFixture(file);
        const r = await lintJson(file, optionArgs(fx.options, path.dirname(file)));
        const mine = r.all.filter((d) => d.ruleId === id);
        expect(mine, JSON.stringify(mine, null, 2)).toEqual([]);
        expect(r.stderr).toBe('');
      });
    }
    for (const file of invalid) {
      it(`invalid/${path.basename(file)}`, async () => {
        const fx = readFixture(file);
        const r = await lintJson(file, optionArgs(fx.options, path.dirname(file)));
        expectFindings(id, r.files);
      });
    }
  });
}

/** Findings in every file (the fixture, what it includes, the other nodes) match the expectations written in that file.
 * */
function expectFindings(id: string, files: Map<string, JsonDiagnostic[]>): void {
  const expectationsOf = (rel: string) => readFixture(path.join(REPO, rel)).expectations;
  const stated = [...files.keys()].reduce((n, rel) => n + expectationsOf(rel).length, 0);
  expect(stated, 'an invalid fixture (or a file it includes) must state what it expects').toBeGreaterThan(0);
  for (const [rel, all] of files) {
    const diags = all.filter((d) => d.ruleId === id);
    const got = diags.map((d) => `${rel}:${d.line}:${d.column}-${d.endColumn} ${d.ruleId}: ${d.message}`);
    const unmatched = [...diags];
    for (const e of expectationsOf(rel).filter((x) => x.ruleId === id)) {
      const i = unmatched.findIndex(
        (d) =>
          d.line === e.line &&
          d.column === e.column &&
          d.endColumn === e.endColumn &&
          (e.messageId === undefined || d.messageId === e.messageId) &&
          `${d.message}\n${d.detail ?? ''}`.includes(e.message),
      );
      expect(
        i,
        `expected ${rel}:${e.line}:${e.column}-${e.endColumn} ` +
          `${e.ruleId}${e.messageId ? `[${e.messageId}]` : ''}: ` +
          `${e.message}\ngot:\n${got.join('\n')}`,
      ).toBeGreaterThanOrEqual(0);
      unmatched.splice(i, 1);
    }
    expect(
      unmatched.map((d) => `${rel}:${d.line}:${d.column}-${d.endColumn} ${d.message}`),
      'findings the fixture does not expect',
    ).toEqual([]);
  }
}

async function clusterJson(
  file: string,
  members: string[],
): Promise<{ code: number; files: Map<string, JsonDiagnostic[]>; stderr: string }> {
  const dir = path.dirname(file);
  const r = await runCli(['cluster', file, ...members.map((m) => path.join(dir, m)), '--format', 'json'], {
    cwd: REPO,
  });
  const files = new Map<string, JsonDiagnostic[]>();
  if (r.stdout.trim())
    for (const res of (JSON.parse(r.stdout) as { results: { file: string; diagnostics: JsonDiagnostic[] }[] }).results)
      files.set(res.file, res.diagnostics);
  return { code: r.code, files, stderr: r.stderr };
}

for (const rule of clusterRules) {
  const id = rule.meta.id;
  describe(`cluster rule ${id}`, () => {
    // A file another fixture names as a node is part of that cluster, not a fixture of its own.
    const entries = (dir: string) => {
      const all = confs(dir);
      const members = new Set(all.flatMap((f) => (readFixture(f).options.cluster ?? []).map((m) => path.join(dir, m))));
      return all.filter((f) => !members.has(f));
    };
    const valid = entries(path.join(FIXTURES, id, 'valid'));
    const invalid = entries(path.join(FIXTURES, id, 'invalid'));
    it('has fixtures, each a cluster', () => {
      expect(valid.length, `fixtures/${id}/valid`).toBeGreaterThan(0);
      expect(invalid.length, `fixtures/${id}/invalid`).toBeGreaterThan(0);
      for (const f of [...valid, ...invalid])
        expect(readFixture(f).options.cluster, `${f}: "# fixture: cluster..." on the first line`).toBeDefined();
    });
    for (const file of valid) {
      it(`valid/${path.basename(file)}`, async () => {
        const r = await clusterJson(file, readFixture(file).options.cluster ?? []);
        const mine = [...r.files.values()].flat().filter((d) => d.ruleId === id);
        expect(mine, JSON.stringify(mine, null, 2)).toEqual([]);
        expect(r.stderr).toBe('');
        expect(r.code).toBeLessThan(2);
      });
    }
    for (const file of invalid) {
      it(`invalid/${path.basename(file)}`, async () => {
        const r = await clusterJson(file, readFixture(file).options.cluster ?? []);
        expect(r.stderr).toBe('');
        expectFindings(id, r.files);
      });
    }
  });
}
