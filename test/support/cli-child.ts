/**
 * How a test starts the CLI in a child process, for what only a process shows (a heap limit, its
 * CPU time, its exit): `[...cliChild(['--max-old-space-size=300']), 'lint', ...]` is the argv of
 * process.execPath. It runs the built bundle (bin/keepalived-lint.js, the CLI as users run it) when
 * `npm run build` made it after the last change to the sources (`npm test` builds first), else the
 * sources through tsx (test/support/run-cli.ts: a targeted `vitest run` after an edit). The bundle
 * starts in ~0.3 s of CPU, tsx in ~1.8 s, and the test files start the CLI some 50 times.
 * test/support/report-usage.cjs is preloaded: with childUsageEnv() (test/support/cpu.ts) the child
 * reports its CPU time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from '../helpers.js';

const BUNDLE = path.join(REPO, 'dist', 'src', 'cli', 'index.bundle.cjs');
/** What the bundle is built from (scripts/bundle.mjs, scripts/copy-bundle.mjs). */
const SOURCES = ['src', 'rules', 'grammar', 'schema', 'package.json'];

function newestMtimeMs(p: string): number {
  const st = fs.statSync(p, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of fs.readdirSync(p)) newest = Math.max(newest, newestMtimeMs(path.join(p, e)));
  return newest;
}

function bundleIsCurrent(): boolean {
  const built = fs.statSync(BUNDLE, { throwIfNoEntry: false });
  return !!built && SOURCES.every((s) => newestMtimeMs(path.join(REPO, s)) <= built.mtimeMs);
}

const PRELOAD = ['--require', path.join(REPO, 'test', 'support', 'report-usage.cjs')];
const TSX = pathToFileURL(path.join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** 'bundle' or 'sources': what cliChild runs (decided once per test file). */
export const CLI_CHILD_RUNS: 'bundle' | 'sources' = bundleIsCurrent() ? 'bundle' : 'sources';

/** The argv of process.execPath that starts the CLI with `nodeFlags`; the CLI's arguments follow. */
export function cliChild(nodeFlags: string[] = []): string[] {
  return CLI_CHILD_RUNS === 'bundle'
    ? [...nodeFlags, ...PRELOAD, path.join(REPO, 'bin', 'keepalived-lint.js')]
    : [...nodeFlags, '--liftoff-only', ...PRELOAD, '--import', TSX, path.join(REPO, 'test', 'support', 'run-cli.ts')];
}
