// Rule-level tests through the library (test/support/rule-tester.ts), each rule ALONE: every
// fixtures/<id>/invalid/*.conf gives exactly the findings written in it (position, and message id
// where `rule-id[messageId]` names it), every valid/*.conf gives none, and the rule alone finds what
// it finds in the full run (a rule must not depend on another being enabled). Then the meta test:
// every message id of every rule is produced by at least one invalid fixture.
// test/fixtures.test.ts runs the same fixtures through the CLI with every rule enabled.
import * as path from 'node:path';
import { confFiles } from './helpers.js';
import { describe, expect, it } from 'vitest';
import { clusterRules, rules } from '../rules/index.js';
import type { Rule } from '../src/engine/index.js';
import type { ClusterRule } from '../src/cluster/index.js';
import { readFixture } from './support/fixtures.js';
import {
  clusterMembers,
  expectFindingsMatch,
  findingKeys,
  REPO,
  runClusterRule,
  runRule,
  type RuleRun,
} from './support/rule-tester.js';

const FIXTURES = path.join(REPO, 'fixtures');

const confs = confFiles;

/** A cluster fixture folder's entries: a file another fixture names as a node is part of that cluster. */
function clusterEntries(dir: string): string[] {
  const all = confs(dir);
  const members = new Set(all.flatMap((f) => clusterMembers(f)));
  return all.filter((f) => !members.has(f));
}

// One run per (rule, fixture), shared by the tests below and the meta test (which, run alone with
// -t, makes the runs it needs itself).
const runs = new Map<string, Promise<RuleRun>>();
function aloneRun(rule: Rule | ClusterRule, file: string, cluster: boolean): Promise<RuleRun> {
  const key = `${rule.meta.id}\0${file}`;
  let r = runs.get(key);
  if (!r) {
    r = cluster ? runClusterRule(rule as ClusterRule, file) : runRule(rule as Rule, file);
    runs.set(key, r);
  }
  return r;
}

const rel = (f: string) => path.relative(FIXTURES, f);

for (const rule of rules) {
  const id = rule.meta.id;
  describe(`rule ${id} alone`, () => {
    for (const file of confs(path.join(FIXTURES, id, 'invalid'))) {
      it(`${rel(file)}: the expected findings, and the same as in the full run`, async () => {
        const alone = await aloneRun(rule, file, false);
        expectFindingsMatch(alone);
        const full = await runRule(rule, file, { rules });
        expect(findingKeys(alone), `${id} alone finds other things than with every rule enabled`).toEqual(
          findingKeys(full),
        );
      });
    }
    for (const file of confs(path.join(FIXTURES, id, 'valid'))) {
      it(`${rel(file)}: no finding, alone or in the full run`, async () => {
        const alone = await runRule(rule, file);
        expect(alone.errors).toEqual([]);
        expect(findingKeys(alone)).toEqual([]);
        expect(findingKeys(await runRule(rule, file, { rules }))).toEqual([]);
      });
    }
  });
}

for (const rule of clusterRules) {
  const id = rule.meta.id;
  describe(`cluster rule ${id} alone`, () => {
    for (const file of clusterEntries(path.join(FIXTURES, id, 'invalid'))) {
      it(`${rel(file)}: the expected findings, and the same as with every cluster rule`, async () => {
        expect(readFixture(file).options.cluster, `${file}: "# fixture: cluster..." on the first line`).toBeDefined();
        const alone = await aloneRun(rule, file, true);
        expectFindingsMatch(alone);
        const full = await runClusterRule(rule, file, { rules: clusterRules });
        expect(findingKeys(alone), `${id} alone finds other things than with every cluster rule enabled`).toEqual(
          findingKeys(full),
        );
      });
    }
    for (const file of clusterEntries(path.join(FIXTURES, id, 'valid'))) {
      it(`${rel(file)}: no finding, alone or with every cluster rule`, async () => {
        const alone = await runClusterRule(rule, file);
        expect(alone.errors).toEqual([]);
        expect(findingKeys(alone)).toEqual([]);
        expect(findingKeys(await runClusterRule(rule, file, { rules: clusterRules }))).toEqual([]);
      });
    }
  });
}

/**
 * Message ids no fixture can produce, with the reason. The test fails when one of them is produced
 * after all (then remove it here), so that this list cannot hide a fixture gap.
 */
const NO_FIXTURE: Record<string, string> = {
  'include-not-found[tooMany]':
    'needs one folder of more than 20,000 matching files ' +
    '(MAX_GLOB_MATCHES): the lookup budget (25,000 per pass) stops a ' +
    'pattern that reaches the count by repeating alternatives first',
  'include-not-found[unreadable]':
    'needs a file that stat calls a readable regular file and that then ' +
    'cannot be read: permission denied (the tests run as root here), ' +
    'larger than 16 MiB, or changed while read',
};

describe('message ids', () => {
  it('every message id of every rule is produced by at least one invalid fixture, the rule alone', async () => {
    const missing: string[] = [];
    const exempted: string[] = [];
    for (const [list, cluster] of [
      [rules, false],
      [clusterRules, true],
    ] as const) {
      for (const rule of list) {
        const dir = path.join(FIXTURES, rule.meta.id, 'invalid');
        const files = cluster ? clusterEntries(dir) : confs(dir);
        const produced = new Set<string | undefined>();
        for (const f of files) for (const x of (await aloneRun(rule, f, cluster)).findings) produced.add(x.messageId);
        for (const m of Object.keys(rule.meta.messages)) {
          const name = `${rule.meta.id}[${m}]`;
          if (!produced.has(m) && !(name in NO_FIXTURE)) missing.push(name);
          if (produced.has(m) && name in NO_FIXTURE) exempted.push(name);
        }
      }
    }
    expect(
      missing,
      'message ids no invalid fixture produces: add a fixture ' +
        'fixtures/<rule>/invalid/<case>.conf with an expectation ' +
        '`rule[messageId]`',
    ).toEqual([]);
    expect(exempted, 'produced by a fixture after all: remove from NO_FIXTURE').toEqual([]);
  });
});
