import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// ../shared (the corpus, keepalived's recorded verdicts, the reference) is beside the repository in
// CI (.ci/run requires it), not in a clone alone: then the test files about nothing else are left
// out, and the corpus parts of the others skip (test/helpers.ts HAVE_SHARED). Said once, here.
const shared = join(dirname(fileURLToPath(import.meta.url)), '..', 'shared');
const SHARED_ONLY = ['test/fuzz.test.ts'];
const haveShared = existsSync(join(shared, 'corpus', 'configs'));
if (!haveShared) {
  console.log(
    `keepalived-lint tests: ${shared} is not there, so these are skipped: ${SHARED_ONLY.join(', ')}, and the ` +
      'corpus parts of test/cli, test/parser and test/scripts (they read the corpus, keepalived -t verdicts ' +
      'and the reference). .ci/run requires ../shared.',
  );
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: haveShared ? [] : SHARED_ONLY,
    testTimeout: 60_000,
    pool: 'forks',
    // Modes git cannot record (a world-writable fixture folder for script-insecure).
    globalSetup: ['./test/support/fixture-modes.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
