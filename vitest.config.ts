import { defineConfig } from 'vitest/config';

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
