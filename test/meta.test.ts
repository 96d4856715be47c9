// The rule registry, the rule files, their fixtures, their docs pages and the README table agree; the
// project's own code keeps to its line width.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allRules, clusterRules, rules } from '../rules/index.js';
import { replaceRulesTable } from '../src/format/rules-table.js';
import { REPO } from './helpers.js';

const ruleFiles = fs
  .readdirSync(path.join(REPO, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

describe('rule registry', () => {
  it('lists every file in rules/, sorted by id, and nothing else (per-config and cluster rules)', () => {
    for (const list of [rules, clusterRules]) {
      const ids = list.map((r) => r.meta.id);
      expect(ids).toEqual([...ids].sort());
    }
    expect(allRules.map((r) => r.meta.id)).toEqual(ruleFiles);
  });

  it('cluster rules are named cluster-*, and no other rule is', () => {
    expect(clusterRules.map((r) => r.meta.id).every((id) => id.startsWith('cluster-'))).toBe(true);
    expect(rules.some((r) => r.meta.id.startsWith('cluster-'))).toBe(false);
  });

  it.each(allRules.map((r) => [r.meta.id, r] as const))('%s has kebab-case id, description, messages', (id, r) => {
    expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)+$/);
    expect(r.meta.description.length).toBeGreaterThan(20);
    expect(Object.keys(r.meta.messages).length).toBeGreaterThan(0);
    for (const m of Object.values(r.meta.messages) as (string | { message: string; detail?: string })[]) {
      const spec = typeof m === 'string' ? { message: m } : m;
      // One line that starts with what is wrong; the explanation, if any, is a detail of sentences.
      expect(spec.message).toMatch(/^[A-Z"'{]/);
      expect(spec.message).not.toMatch(/\n/);
      if (spec.detail !== undefined) expect(spec.detail.trim(), spec.message).not.toBe('');
    }
  });

  it.each(ruleFiles)('%s has a docs page with what, why, examples', (id) => {
    const doc = path.join(REPO, 'docs', 'rules', `${id}.md`);
    expect(fs.existsSync(doc), doc).toBe(true);
    const text = fs.readFileSync(doc, 'utf8');
    expect(text).toMatch(new RegExp(`^# ${id}\\b`));
    for (const heading of ['## Why it matters', '## Incorrect', '## Correct'])
      expect(text, `${id}.md: ${heading}`).toContain(heading);
  });

  it.each(ruleFiles)('%s has valid and invalid fixtures', (id) => {
    for (const kind of ['valid', 'invalid']) {
      const dir = path.join(REPO, 'fixtures', id, kind);
      expect(fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.conf')), dir).toBe(true);
    }
  });

  it('README rules table is up to date (run `npm run docs`)', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    expect(replaceRulesTable(readme, allRules)).toBe(readme);
  });

  it('no fixture or docs folder for a rule that does not exist', () => {
    const fixtureDirs = fs
      .readdirSync(path.join(REPO, 'fixtures'))
      .filter((d) => fs.statSync(path.join(REPO, 'fixtures', d)).isDirectory());
    expect(fixtureDirs.sort()).toEqual(ruleFiles);
    const docs = fs.readdirSync(path.join(REPO, 'docs', 'rules')).map((f) => f.replace(/\.md$/, ''));
    expect(docs.sort()).toEqual(ruleFiles);
  });
});

describe('the code', () => {
  // Biome's formatter wraps code at 120 columns (biome.jsonc) but leaves a long string, regex, comment or
  // template alone: this holds those to the same width. Fixtures are data and keep their own lines.
  it("no line of the project's code is longer than 120 columns", () => {
    const files = execFileSync('git', ['ls-files', '-z', '--', '*.ts', '*.mjs', '*.cjs', '*.js'], {
      cwd: REPO,
      encoding: 'utf8',
    })
      .split('\0')
      .filter((f) => f && !f.startsWith('fixtures/') && !/\.ohm-bundle\./.test(f));
    expect(files.length).toBeGreaterThan(100);
    const long: string[] = [];
    for (const file of files) {
      const full = path.join(REPO, file);
      if (!fs.existsSync(full)) continue; // deleted in the work tree, not yet in the index
      fs.readFileSync(full, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (line.length > 120) long.push(`${file}:${i + 1}`);
        });
    }
    expect(long).toEqual([]);
  });
});
