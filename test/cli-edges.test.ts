// The rough edges an operator meets first (issue 17, item 5): a reader that closes the pipe early,
// a misspelt --format, a --target outside what the keyword table knows.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KNOWN_RANGE } from '../src/versions/distros.js';
import { closestName } from '../src/versions/suggest.js';
import { REPO, runCli, tempTree } from './helpers.js';
import { packageLinks, repositoryWebUrl } from '../src/cli/package-info.js';
import { ruleUrlBaseOf, ruleUrls } from '../src/format/common.js';

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
    [['diff', EXAMPLE, EXAMPLE, '-f', 'jason'], 'Accepted formats: text, json, markdown.', ' Did you mean "json"?'],
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
      'keepalived-lint: warning: --target 9.9.9 is newer than the keepalived releases ' +
        `keepalived-lint knows ${range}; ` +
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

describe("the rule's page in every format", () => {
  const { dir, write } = tempTree('kl-edges-');
  const file = write(
    'keepalived.conf',
    'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    priorty 100\n    priority 100\n' +
      '    virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n',
  );
  const BASE = 'https://docs.example.com/keepalived-lint/v0.1.0/rules';
  const page = `${BASE}/unknown-keyword.md`;
  const withBase = async (format: string) =>
    (await runCli(['lint', file, '-f', format, '--rule-url-base', `${BASE}/`], { cwd: dir })).stdout;

  it('--rule-url-base URL: URL/<rule-id>.md in stylish, json, sarif, github, checkstyle and junit', async () => {
    expect(await withBase('stylish')).toContain(`\nFor more information:\n  unknown-keyword  ${page}\n\n1 problem`);
    const json = JSON.parse(await withBase('json'));
    expect(json.results[0].diagnostics[0].ruleUrl).toBe(page);
    const sarif = JSON.parse(await withBase('sarif'));
    const rule = sarif.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'unknown-keyword');
    expect(rule.helpUri).toBe(page);
    expect(await withBase('github')).toContain(`%0A%0AMore information: ${page}\n`);
    expect(await withBase('checkstyle')).toContain(`(more information: ${page})"`);
    expect(await withBase('junit')).toContain(`\n\nMore information: ${page}</failure>`);
  });

  it('by default, docs/rules of the repository package.json names (else the project on GitHub)', async () => {
    const r = await runCli(['lint', file], { cwd: dir });
    expect(r.stdout).toContain(
      `For more information:\n  unknown-keyword  ${packageLinks().ruleUrlBase}/unknown-keyword.md\n`,
    );
    expect(packageLinks().ruleUrlBase).toMatch(/^https:\/\/github\.com\/[\w.-]+\/[\w.-]+\/blob\/main\/docs\/rules$/);
  });

  it('cluster takes --rule-url-base too; a value that is not an http(s) address is exit 2', async () => {
    const node = (vip: string) =>
      write(
        `${vip}.conf`,
        'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    priority 100\n' +
          `    virtual_ipaddress {\n        ${vip}/24\n    }\n}\n`,
      );
    const c = await runCli(['cluster', node('192.0.2.1'), node('192.0.2.2'), '-f', 'json', '--rule-url-base', BASE], {
      cwd: dir,
    });
    const diagnostics = JSON.parse(c.stdout).results.flatMap((r: { diagnostics: unknown[] }) => r.diagnostics);
    expect(diagnostics.map((d: { ruleUrl: string }) => d.ruleUrl)).toEqual([
      `${BASE}/cluster-vip-mismatch.md`,
      `${BASE}/cluster-vip-mismatch.md`,
    ]);
    const bad = await runCli(['lint', file, '--rule-url-base', 'docs/rules'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^error: option '--rule-url-base <url>' argument 'docs\/rules' is invalid\. Expected an http\(s\) address/,
    );
  });

  it('rules --format json gives each rule its page', async () => {
    const list = JSON.parse((await runCli(['rules', '-f', 'json', '--rule-url-base', BASE])).stdout);
    expect(list.length).toBeGreaterThan(30);
    for (const r of list) expect(r.url).toBe(`${BASE}/${r.id}.md`);
    const byDefault = JSON.parse((await runCli(['rules', '-f', 'json'])).stdout);
    expect(byDefault[0].url).toBe(`${packageLinks().ruleUrlBase}/${byDefault[0].id}.md`);
  });

  it('no page for what keepalived -t said (rule "keepalived"), none when a library caller gives no base', () => {
    const urlOf = ruleUrls({ ruleUrlBase: BASE, rules: [{ id: 'unknown-keyword' }] });
    expect(urlOf('unknown-keyword')).toBe(page);
    expect(urlOf('keepalived')).toBeUndefined();
    expect(ruleUrls({})('unknown-keyword')).toBeUndefined();
  });

  it("reads package.json's repository in its usual spellings; GitHub only (the blob/main layout)", () => {
    const web = 'https://github.com/keepalived-lint/keepalived-lint';
    for (const r of [
      { type: 'git', url: 'git+https://github.com/keepalived-lint/keepalived-lint.git' },
      'github:keepalived-lint/keepalived-lint',
      'keepalived-lint/keepalived-lint',
      'git@github.com:keepalived-lint/keepalived-lint.git',
      'git://github.com/keepalived-lint/keepalived-lint.git',
      'https://github.com/keepalived-lint/keepalived-lint/',
    ])
      expect(repositoryWebUrl(r)).toBe(web);
    for (const r of [undefined, 42, {}, 'https://gitlab.com/a/b.git', 'not a url'])
      expect(repositoryWebUrl(r)).toBeNull();
    expect(ruleUrlBaseOf(web)).toBe(`${web}/blob/main/docs/rules`);
  });
});
