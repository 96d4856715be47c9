// Every rule's fixtures: valid/*.conf give no finding of that rule; invalid/*.conf give exactly the
// findings written inside them (see test/support/fixtures.ts for the notation).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { readFixture } from './support/fixtures.js';
import { REPO, lintJson } from './helpers.js';

const FIXTURES = path.join(REPO, 'fixtures');

function confs(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.conf')).sort().map((f) => path.join(dir, f)) : [];
}

function optionArgs(o: ReturnType<typeof readFixture>['options'], dir: string): string[] {
  return [
    ...(o.target ? ['--target', o.target] : []),
    ...(o.from ? ['--from', o.from] : []),
    ...(o.configId ? ['--config-id', o.configId] : []),
    ...(o.root ? ['--root', path.resolve(dir, o.root)] : []),
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
        const stated = [...r.files.keys()].reduce((n, rel) => n + (rel === path.relative(REPO, file) ? fx.expectations : readFixture(path.join(REPO, rel)).expectations).length, 0);
        expect(stated, 'an invalid fixture (or a file it includes) must state what it expects').toBeGreaterThan(0);
        // Findings in files the fixture includes are checked against the expectations written
        // in those files.
        for (const [rel, all] of r.files) {
          const expectations = rel === path.relative(REPO, file) ? fx.expectations : readFixture(path.join(REPO, rel)).expectations;
          const diags = all.filter((d) => d.ruleId === id);
          const got = diags.map((d) => `${rel}:${d.line}:${d.column}-${d.endColumn} ${d.ruleId}: ${d.message}`);
          const unmatched = [...diags];
          for (const e of expectations.filter((x) => x.ruleId === id)) {
            const i = unmatched.findIndex(
              (d) => d.line === e.line && d.column === e.column && d.endColumn === e.endColumn && d.message.includes(e.message),
            );
            expect(i, `expected ${rel}:${e.line}:${e.column}-${e.endColumn} ${e.ruleId}: ${e.message}\ngot:\n${got.join('\n')}`).toBeGreaterThanOrEqual(0);
            unmatched.splice(i, 1);
          }
          expect(unmatched.map((d) => `${rel}:${d.line}:${d.column}-${d.endColumn} ${d.message}`), 'findings the fixture does not expect').toEqual([]);
        }
      });
    }
  });
}
