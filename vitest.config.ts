import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// ../shared (the corpus, keepalived's recorded verdicts on it, the keepalived reference) is beside
// the repository in CI (.ci/run requires it), not in a clone alone: then the tests that read it skip
// (test/helpers.ts HAVE_SHARED), and every test file still runs what needs only the repository
// (its keyword table, its own oracle cases in test/oracle-cases, fixtures/, examples/). What is
// skipped is said once, here, on one line.
const shared = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared');
const haveShared = existsSync(join(shared, 'corpus', 'configs'));
if (!haveShared) {
  console.log(
    `keepalived-lint tests: ${shared} (the corpus, keepalived -t verdicts recorded on it, the keepalived ` +
      'reference) is not there, so these skip: the corpus and reference oracle-case tests of test/oracle and ' +
      'test/differential, the keywords.json comparisons of test/versions, the corpus tests of test/cli and ' +
      'test/scripts; test/parser checks fewer lines and test/fuzz mutates fixtures/ and examples/ instead of ' +
      'the corpus. .ci/run requires ../shared.',
  );
}

// The test files that take longest (measured on a 2-core machine, 2026-12), longest first: they
// start first, so that the short files fill the other workers meanwhile and the run does not end
// on one long file. Without it, vitest orders by its cache of the last run's durations, which a
// fresh clone (CI) has not got, and then by file size.
const LONG_FIRST = [
  'differential',
  'install',
  'budget',
  'oracle',
  'parallel',
  'cli',
  'sandbox',
  'hostile',
  'diff',
  'confinement',
  'with-keepalived',
  'rules',
  'fuzz',
].map((name) => `test/${name}.test.ts`);

class LongFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = LONG_FIRST.indexOf(relative(f.project.config.root, f.moduleId));
      return i < 0 ? LONG_FIRST.length : i;
    };
    // Array.prototype.sort is stable: the other files keep vitest's own order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Liveness only: a test that hangs fails. A loaded machine stretches wall time many times over
    // (on 2 cores at load 19: the 1173.conf corpus case 143 s, a 14 s budget test 74 s), and no
    // test may fail for that; what must be fast is measured by `npm run bench`, what must be
    // bounded by CPU time (test/support/cpu.ts).
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One worker per core, at least 2: vitest's default (cores - 1) ran the files one by one on a
    // 2-core machine, while most tests spend much of their time waiting for child processes
    // (keepalived -t, npm, git, the CLI under a heap limit). No test bounds wall time (CPU time
    // instead: test/support/cpu.ts), so files running side by side do not make them fail.
    maxWorkers: Math.max(2, availableParallelism()),
    sequence: { sequencer: LongFirst },
    // Modes git cannot record (a world-writable fixture folder for script-insecure).
    globalSetup: ['./test/support/fixture-modes.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
