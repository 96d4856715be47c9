// The rough edges an operator meets first (issue 17, item 5): a reader that closes the pipe early,
// a misspelt --format, a --target outside what the keyword table knows.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_RANGE } from '../src/versions/distros.js';
import { closestName } from '../src/versions/suggest.js';
import { REPO, runCli } from './helpers.js';

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

describe('--format takes only the values it names', () => {
  it.each([
    [['rules', '--format', 'yaml'], 'Accepted formats: text, json.', ''],
    [['rules', '-f', 'jsno'], 'Accepted formats: text, json.', ' Did you mean "json"?'],
    [
      ['lint', EXAMPLE, '-f', 'SARIF'],
      'Accepted formats: stylish, json, sarif, github, checkstyle, junit.',
      ' Did you mean "sarif"?',
    ],
    [
      ['cluster', EXAMPLE, '-f', 'junt'],
      'Accepted formats: stylish, json, sarif, github, checkstyle, junit.',
      ' Did you mean "junit"?',
    ],
    [['diff', EXAMPLE, EXAMPLE, '-f', 'jason'], 'Accepted formats: text, json.', ' Did you mean "json"?'],
  ])('%j: exit 2, the accepted values and a did-you-mean, nothing on stdout', async (argv, accepted, hint) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const value = argv.at(-1)!;
    expect(r.stderr.split('\n')[0]).toBe(
      `error: option '-f, --format <format>' argument '${value}' is invalid. ${accepted}${hint}`,
    );
  });

  it("commander's own did-you-mean for a misspelt option stays on a line of its own", async () => {
    const r = await runCli(['lint', '--frmat', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown option '--frmat'\n\(Did you mean --format\?\)\n/);
  });
});

describe('closestName (did-you-mean)', () => {
  it('finds a case slip, a word cut short, a typo; nothing for an unrelated word', () => {
    expect(closestName('bookwrom', ['bullseye', 'bookworm', 'buster'])).toBe('bookworm');
    expect(closestName('warn', ['off', 'info', 'warning', 'error'])).toBe('warning');
    expect(closestName('JSON', ['text', 'json'])).toBe('json');
    expect(closestName('yaml', ['text', 'json'])).toBeUndefined();
    expect(closestName('s', ['stylish', 'sarif'])).toBeUndefined();
  });
});

describe('--target outside the releases the keyword table knows', () => {
  const range = `(${KNOWN_RANGE.oldest} to ${KNOWN_RANGE.newest})`;
  it('a newer version: one warning naming the range and what is assumed, and the lint runs', async () => {
    const r = await runCli(['lint', EXAMPLE, '--target', '9.9.9', '--format', 'json']);
    expect(r.stderr).toBe(
      `keepalived-lint: warning: --target 9.9.9 is newer than the keepalived releases keepalived-lint knows ${range}; ` +
        `checking with the keywords of ${KNOWN_RANGE.newest}, as if nothing changed since\n`,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results.length).toBeGreaterThan(0);
  });

  it('an older version (or --from): checked as the oldest known release, said once', async () => {
    const r = await runCli(['lint', EXAMPLE, '--target', '0.1', '--format', 'json']);
    expect(r.stderr).toBe(
      `keepalived-lint: warning: --target 0.1 is older than the keepalived releases keepalived-lint knows ${range}; ` +
        `checking as ${KNOWN_RANGE.oldest}\n`,
    );
    // Checked as 1.2.1: global_defs is known (at 0.1 every keyword would be unknown).
    const messages = JSON.parse(r.stdout).results.flatMap((x: { diagnostics: { message: string }[] }) =>
      x.diagnostics.map((d) => d.message),
    );
    expect(messages.some((m: string) => m.includes('"global_defs"'))).toBe(false);
    expect(messages.some((m: string) => m.includes(`keepalived ${KNOWN_RANGE.oldest} ignores`))).toBe(true);
    const from = await runCli(['lint', EXAMPLE, '--from', '1.0', '--format', 'json']);
    expect(from.stderr).toContain(`warning: --from 1.0 is older than`);
    expect(from.code).toBe(0);
  });

  it('inside the range, a distribution and HEAD: no warning', async () => {
    for (const t of ['2.2.9', KNOWN_RANGE.newest, KNOWN_RANGE.oldest, 'bookworm', 'HEAD'])
      expect((await runCli(['lint', EXAMPLE, '--target', t, '--format', 'json'])).stderr).toBe('');
  });

  it('a misspelt distribution: exit 2 with a did-you-mean, for every command', async () => {
    for (const argv of [
      ['lint', EXAMPLE],
      ['cluster', EXAMPLE],
      ['parse', EXAMPLE],
      ['diff', EXAMPLE, EXAMPLE],
    ]) {
      const r = await runCli([...argv, '--target', 'bookwrom']);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        'keepalived-lint: --target "bookwrom" is neither a keepalived version such as 2.2.7 nor a distribution ' +
          'such as bookworm or ubuntu-24.04. Did you mean "bookworm"?\n',
      );
    }
  });
});
