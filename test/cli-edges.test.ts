// The rough edges an operator meets first (issue 17, item 5): a reader that closes the pipe early,
// a misspelt --format, a --target outside what the keyword table knows.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const BIN = path.join(REPO, 'bin', 'keepalived-lint.js');
const EXAMPLE = 'examples/router/etc/keepalived/keepalived.conf';

/** Runs the built command into a pipe whose reader has already gone (`| true`); its exit status and stderr. */
function intoClosedPipe(args: string[]): { status: string; stderr: string } {
  const r = spawnSync(
    'bash',
    ['-c', '"$@" | true; echo "status=${PIPESTATUS[0]}"', 'sh', process.execPath, BIN, ...args],
    { cwd: REPO, encoding: 'utf8', timeout: 60_000 },
  );
  return { status: r.stdout.trim(), stderr: r.stderr };
}

describe('a reader that closes standard output early (EPIPE)', () => {
  const cases: string[][] = [
    ['rules'],
    ['rules', '--format', 'json'],
    ['--help'],
    ...['stylish', 'json', 'sarif', 'github', 'checkstyle', 'junit'].map((f) => [EXAMPLE, '--format', f]),
    ['parse', EXAMPLE],
  ];
  it.each(cases.map((c) => [c.join(' ')]))('ends quietly with exit 0: %s', (line) => {
    const r = intoClosedPipe(cases.find((c) => c.join(' ') === line)!);
    expect(r.stderr).toBe('');
    expect(r.status).toBe('status=0');
  });
});
