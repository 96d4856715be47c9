import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

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

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // Modes git cannot record (a world-writable fixture folder for script-insecure).
    globalSetup: ['./test/support/fixture-modes.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
