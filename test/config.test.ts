// .keepalived-lint.yaml: search, validation errors at line:column, per-file resolution, overrides,
// path mappings, ignore globs, and the command line winning over the file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, lintJson, runCli, tempTree } from './helpers.js';
import { KNOWN_RANGE } from '../src/versions/distros.js';

const { dir: tmp, write } = tempTree('kl-config-');

// One mixed-family instance (an error from 1.2.20, none on jessie), a notify script, unicast
// without peers (a warning), and a script dispatch with one name the config does not define.
const CONF = `global_defs {
    enable_script_security
    script_user root
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority 100
    unicast_src_ip 192.0.2.2
    virtual_ipaddress {
        192.0.2.10/24
        2001:db8::10/64
    }
    notify /etc/keepalived/notify.sh
}
`;
for (const host of ['lb1', 'lb2']) write(`repo/hosts/${host}/keepalived/keepalived.conf`, CONF);
write('repo/hosts/lb1/keepalived/notify.sh', '#!/bin/sh\ncase "$2" in VI_1) ;; VI_OLD) ;; esac\n', 0o755);
write('repo/legacy/keepalived/keepalived.conf', 'vrrp_instance X {\n    priorty 1\n}\n');
write(
  'repo/.keepalived-lint.yaml',
  `target: 1.3.2
paths:
  "/etc/keepalived/": "hosts/{host}/keepalived/"
rules:
  unicast-without-peers: off
ignore:
  - legacy/**
overrides:
  - files: hosts/lb2/**
    rules:
      script-not-found: warning
      mixed-address-family: info
`,
);
const repo = path.join(tmp, 'repo');
const ids = (r: Awaited<ReturnType<typeof lintJson>>, file: string) =>
  (r.files.get(file) ?? []).map((d) => `${d.ruleId}:${d.severity}`).sort();

describe('a repository with .keepalived-lint.yaml at its top', () => {
  it('applies target, rules, overrides, paths ({host}) and ignore to each file', async () => {
    const r = await lintJson('.', [], repo);
    // What the configuration file silences is said on stderr (a pull request that edits it shows in the CI log).
    expect(r.stderr).toBe(
      'keepalived-lint: note: .keepalived-lint.yaml ignores 1 of 3 linted ' +
        'files: legacy/keepalived/keepalived.conf; turns off 1 rule: ' +
        'unicast-without-peers; lowers 2 rules below error: ' +
        'mixed-address-family, script-not-found\n',
    );
    // lb1: target 1.3.2 -> mixed family; the script is found through the mapping; unicast-without-peers off.
    expect(ids(r, 'hosts/lb1/keepalived/keepalived.conf')).toEqual(['mixed-address-family:error']);
    expect(ids(r, 'hosts/lb1/keepalived/notify.sh')).toEqual(['script-unknown-name:error']);
    // lb2: its override lowers two rules; its own mapping finds no script.
    expect(ids(r, 'hosts/lb2/keepalived/keepalived.conf')).toEqual([
      'mixed-address-family:info',
      'script-not-found:warning',
    ]);
    expect(r.all.find((d) => d.ruleId === 'script-not-found')!.detail).toContain(
      'the paths mapping "/etc/keepalived/" ->',
    );
    // legacy/ is ignored, even though it has an error.
    expect([...r.files.keys()].some((f) => f.startsWith('legacy'))).toBe(false);
  });

  it("the command line wins: --target jessie over the file's 1.3.2", async () => {
    const r = await lintJson('hosts/lb1', ['--target', 'jessie'], repo);
    // 1.2.13 accepted mixed families, and knew neither enable_script_security nor script_user.
    expect(ids(r, 'hosts/lb1/keepalived/keepalived.conf')).toEqual(['unknown-keyword:error', 'unknown-keyword:error']);
  });

  it('--print-config shows what applies to one file', async () => {
    const r = await runCli(['lint', '--print-config', 'hosts/lb2/keepalived/keepalived.conf'], { cwd: repo });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toMatchObject({
      configFile: '.keepalived-lint.yaml',
      ignored: false,
      target: '1.3.2',
      paths: [{ from: '/etc/keepalived/', to: path.join(repo, 'hosts/lb2/keepalived') + '/' }],
      severities: { 'unicast-without-peers': 'off', 'script-not-found': 'warning', 'mixed-address-family': 'info' },
    });
    const legacy = JSON.parse(
      (await runCli(['lint', '--print-config', 'legacy/keepalived/keepalived.conf'], { cwd: repo })).stdout,
    ) as { ignored: boolean };
    expect(legacy.ignored).toBe(true);
  });

  it('--config uses the given file instead of the nearest one', async () => {
    const other = write('other.yaml', 'rules:\n  mixed-address-family: off\n');
    const r = await lintJson('hosts/lb1', ['--config', other], repo);
    // No mapping in that file: the script is /etc/keepalived/notify.sh under the root /, outside
    // what the lint reads (the config's folder): a program of the router, not checked, no finding.
    expect(ids(r, 'hosts/lb1/keepalived/keepalived.conf')).toEqual(['unicast-without-peers:warning']);
  });
});

describe('configuration errors: exit 2, each at its key', () => {
  async function errors(yaml: string): Promise<{ code: number; lines: string[] }> {
    const f = write('bad/.keepalived-lint.yaml', yaml);
    write(
      'bad/keepalived.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    priority 100\n}\n',
    );
    const r = await runCli(['lint', 'keepalived.conf'], { cwd: path.dirname(f) });
    return { code: r.code, lines: r.stderr.trim().split('\n') };
  }

  it('unknown keys, bad severities and missing fields', async () => {
    const r = await errors('target: 2.2.7\nrules:\n  syntax-error: loud\ncolour: yes\noverrides:\n  - rules: {}\n');
    expect(r.code).toBe(2);
    // In the order of the file.
    expect(r.lines).toEqual([
      '.keepalived-lint.yaml:3:17: error: "rules.syntax-error" must be one of off, info, warning, error',
      '.keepalived-lint.yaml:4:1: error: unknown key "colour" in the top level',
      '.keepalived-lint.yaml:6:5: error: "overrides.0" needs "files"',
    ]);
  });

  it('every problem in one pass (schema, rule ids, targets), at its key or value, with a did-you-mean', async () => {
    const r = await errors(
      [
        'taget: bookworm',
        'target: bookwrom',
        'rules:',
        '  unicast-without-peer: off',
        '  unknown-keyword: warn',
        '  invalid-value:',
        '    severty: error',
        '  script-insecure:',
        '    severity: eror',
        'overrides:',
        '  - files: "x/**"',
        '    target: potato',
        '    rules:',
        '      nosuch: off',
        '    colour: 1',
        '',
      ].join('\n'),
    );
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      '.keepalived-lint.yaml:1:1: error: unknown key "taget" in the top level; did you mean "target"?',
      '.keepalived-lint.yaml:2:9: error: "bookwrom" is neither a keepalived version such as 2.2.7 nor a ' +
        'distribution such as bookworm; did you mean "bookworm"?',
      '.keepalived-lint.yaml:4:3: error: unknown rule "unicast-without-peer"; did you mean "unicast-without-peers"? ' +
        '(keepalived-lint rules lists them)',
      '.keepalived-lint.yaml:5:20: error: "rules.unknown-keyword" must be one of off, info, warning, error; ' +
        'did you mean "warning"?',
      '.keepalived-lint.yaml:7:5: error: unknown key "severty" in "rules.invalid-value"; did you mean "severity"?',
      '.keepalived-lint.yaml:9:15: error: "rules.script-insecure.severity" must be one of off, info, warning, ' +
        'error; did you mean "error"?',
      '.keepalived-lint.yaml:12:13: error: "potato" is neither a keepalived version such as 2.2.7 nor a ' +
        'distribution such as bookworm',
      '.keepalived-lint.yaml:14:7: error: unknown rule "nosuch" (keepalived-lint rules lists them)',
      '.keepalived-lint.yaml:15:5: error: unknown key "colour" in "overrides.0"',
    ]);
  });

  it('values of the wrong shape are reported by the schema, and the rest is still checked', async () => {
    const r = await errors(
      'target: 7\nroot: [a]\npaths: 3\nrules: [x]\noverrides: 1\nclusters:\n  - files: a\n    nme: x\n',
    );
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      '.keepalived-lint.yaml:1:9: error: "target" must be string',
      '.keepalived-lint.yaml:2:7: error: "root" must be string',
      '.keepalived-lint.yaml:3:8: error: "paths" must be object',
      '.keepalived-lint.yaml:4:8: error: "rules" must be object',
      '.keepalived-lint.yaml:5:12: error: "overrides" must be array',
      '.keepalived-lint.yaml:8:5: error: unknown key "nme" in "clusters.0"; did you mean "name"?',
    ]);
  });

  it('an unknown rule id (with a suggestion), an unknown target, options for a rule without any', async () => {
    const r = await errors(
      'target: potato\nrules:\n  unicast-without-peer: off\n  invalid-value:\n    options: { x: 1 }\n',
    );
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      '.keepalived-lint.yaml:1:9: error: "potato" is neither a keepalived ' +
        'version such as 2.2.7 nor a distribution such as bookworm',
      '.keepalived-lint.yaml:3:3: error: unknown rule ' +
        '"unicast-without-peer"; did you mean "unicast-without-peers"? ' +
        '(keepalived-lint rules lists them)',
      '.keepalived-lint.yaml:5:5: error: rule "invalid-value" takes no options',
    ]);
  });

  it('a target outside the known releases: one warning at its value, and the lint runs', async () => {
    const f = write('range/.keepalived-lint.yaml', 'target: 9.9.9\noverrides:\n  - files: old/**\n    target: "0.1"\n');
    const conf =
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    priorty 100\n' +
      '    virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n';
    write('range/keepalived.conf', conf);
    write('range/old/keepalived.conf', conf);
    const cwd = path.dirname(f);
    const r = await runCli(['lint', 'keepalived.conf', 'old/keepalived.conf', '-f', 'json'], { cwd });
    const range = `(${KNOWN_RANGE.oldest} to ${KNOWN_RANGE.newest})`;
    expect(r.stderr.trim().split('\n')).toEqual([
      `.keepalived-lint.yaml:1:9: warning: target 9.9.9 is newer than the keepalived releases keepalived-lint knows ` +
        `${range}; checking with the keywords of ${KNOWN_RANGE.newest}, as if nothing changed since`,
      `.keepalived-lint.yaml:4:13: warning: target 0.1 is older than the keepalived releases keepalived-lint knows ` +
        `${range}; checking as ${KNOWN_RANGE.oldest}`,
    ]);
    expect(r.code).toBe(1);
    const messages = JSON.parse(r.stdout).results.map((x: { diagnostics: { message: string }[] }) =>
      x.diagnostics.map((d) => d.message),
    );
    expect(messages).toEqual([
      ['Unknown keyword "priorty" in vrrp_instance VI_1: keepalived 9.9.9 ignores the line'],
      [`Unknown keyword "priorty" in vrrp_instance VI_1: keepalived ${KNOWN_RANGE.oldest} ignores the line`],
    ]);
  });

  it('invalid YAML', async () => {
    const r = await errors('rules:\n  - a\n  b: c\n');
    expect(r.code).toBe(2);
    expect(r.lines[0]).toMatch(/^\.keepalived-lint\.yaml:\d+:\d+: error: invalid YAML: /);
  });

  it('a path mapping must map a folder to a folder', async () => {
    const r = await errors('paths:\n  "/etc/keepalived/": "hosts/x"\n');
    expect(r.lines).toEqual([
      '.keepalived-lint.yaml:2:23: error: "/etc/keepalived/" and "hosts/x" ' +
        'must both end with "/" (folders) or both not (files)',
    ]);
  });
});

describe('the shipped schema', () => {
  it('accepts the example of the README', async () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    const example = /## Configuration file[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    write(
      'readme/hosts/edge1/keepalived/keepalived.conf',
      'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n   ' +
        ' priority 100\n    virtual_ipaddress {\n        192.0.2.1/24\n    ' +
        '}\n}\n',
    );
    write('readme/.keepalived-lint.yaml', example!);
    const r = await runCli(['lint', '--print-config', 'hosts/edge1/keepalived/keepalived.conf'], {
      cwd: path.join(tmp, 'readme'),
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({
      target: 'ubuntu-22.04',
      configIds: ['lb1', 'lb2'],
      severities: { 'script-insecure': 'error', 'script-not-found': 'warning' },
    });
  });
});

// Issue 13: a pull request that edits .keepalived-lint.yaml to silence the check must show in the
// CI log: exit 0 as before (the operator asked for it), with one note on stderr.
describe('a configuration file that silences the lint', () => {
  it('ignoring every linted file: exit 0, no findings, and a note saying so', async () => {
    const t = tempTree('kl-silence-');
    for (const h of ['lb1', 'lb2', 'lb3'])
      t.write(`hosts/${h}/keepalived/keepalived.conf`, 'vrrp_instance X {\n    priorty 1\n}\n');
    t.write('.keepalived-lint.yaml', 'ignore: ["**"]\n');
    const r = await runCli(['lint', '.', '--format', 'github'], { cwd: t.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('keepalived-lint: note: .keepalived-lint.yaml ignores all 3 linted files\n');
  });

  it('turning rules off: the note names them, and no note without a configuration file', async () => {
    const t = tempTree('kl-silence-');
    t.write('keepalived/keepalived.conf', 'vrrp_instance X {\n    priorty 1\n}\n');
    const plain = await runCli(['lint', '.'], { cwd: t.dir });
    expect(plain.stderr).toBe('');
    t.write('.keepalived-lint.yaml', 'rules:\n  unknown-keyword: off\n  missing-required: off\n');
    const r = await runCli(['lint', '.'], { cwd: t.dir });
    expect(r.stderr).toBe(
      'keepalived-lint: note: .keepalived-lint.yaml turns off 2 rules: missing-required, unknown-keyword\n',
    );
  });
});
