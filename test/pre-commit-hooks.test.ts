// .pre-commit-hooks.yaml: the hooks pre-commit offers, their file pattern, and that their entries
// run: each entry, with the files pre-commit would pass, through main().
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../src/cli/index.js';
import { REPO } from './helpers.js';
import { fakeIO } from './support/io.js';

interface Hook {
  id: string;
  name: string;
  entry: string;
  language: string;
  files: string;
  exclude?: string;
  types?: string[];
  pass_filenames?: boolean;
  always_run?: boolean;
  require_serial?: boolean;
}

const hooks = parse(fs.readFileSync(path.join(REPO, '.pre-commit-hooks.yaml'), 'utf8')) as Hook[];
const hook = (id: string) => {
  const h = hooks.find((x) => x.id === id);
  if (!h) throw new Error(`no hook ${id}`);
  return h;
};
/** pre-commit's choice: `files` and not `exclude`, searched (Python re.search) in the path from the repository root. */
const selected = (h: Hook, file: string) =>
  new RegExp(h.files).test(file) && !(h.exclude && new RegExp(h.exclude).test(file));
/** pre-commit splits the entry like a shell (no quoting is used here) and appends the file names when pass_filenames.
 * */
const argvOf = (h: Hook, files: string[]) => {
  const words = h.entry.split(/\s+/);
  expect(words[0]).toBe('keepalived-lint');
  return [...words.slice(1), ...(h.pass_filenames === false ? [] : files)];
};

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kl-hooks-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('.pre-commit-hooks.yaml', () => {
  it('offers keepalived-lint and keepalived-lint-diff as node hooks of the package bin', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(Object.keys(pkg.bin)).toContain('keepalived-lint');
    expect(hooks.map((h) => h.id)).toEqual(['keepalived-lint', 'keepalived-lint-diff']);
    expect(hook('keepalived-lint')).toMatchObject({
      entry: 'keepalived-lint',
      language: 'node',
      pass_filenames: true,
      require_serial: true,
    });
    expect(hook('keepalived-lint-diff')).toMatchObject({
      entry: 'keepalived-lint diff --git HEAD',
      language: 'node',
      pass_filenames: false,
      always_run: false,
    });
    expect(hook('keepalived-lint-diff').files).toBe(hook('keepalived-lint').files);
    expect(hook('keepalived-lint-diff').exclude).toBe(hook('keepalived-lint').exclude);
  });

  it.each([
    ['keepalived.conf', true],
    ['etc/keepalived/keepalived.conf', true],
    ['hosts/lb1/etc/keepalived/conf.d/vi_1.conf', true],
    ['hosts/lb1/etc/keepalived/notify.sh', true],
    ['roles/vrrp/files/keepalived/scripts/notify_master', true],
    ['keepalived/check.bash', true],
    ['conf.d/vrrp.conf', true],
    ['hosts/lb1/keepalived.conf.orig', false],
    ['nginx/conf.d/site.conf', false],
    ['etc/keepalived/README.md', false],
    ['etc/keepalived/README', false],
    ['etc/keepalived/.gitignore', false],
    ['etc/keepalived/notes.txt', false],
    ['docs/keepalived.md', false],
    ['src/keepalived.ts', false],
  ])('selects %s: %s', (file, expected) => {
    expect(selected(hook('keepalived-lint'), file)).toBe(expected);
  });

  it('keepalived-lint runs on the files pre-commit passes: a broken config fails, the example passes', async () => {
    const broken = fakeIO({ cwd: REPO });
    expect(await main(argvOf(hook('keepalived-lint'), ['examples/broken/keepalived.conf']), broken.io)).toBe(1);
    expect(broken.stdout).toContain('unknown-keyword');
    const router = [
      'examples/router/etc/keepalived/keepalived.conf',
      'examples/router/etc/keepalived/notify.sh',
      'examples/router/etc/keepalived/check-uplink.sh',
    ];
    for (const f of router) expect(selected(hook('keepalived-lint'), f), f).toBe(true);
    const ok = fakeIO({ cwd: REPO });
    expect(await main(argvOf(hook('keepalived-lint'), router), ok.io)).toBe(0);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/2 problems \(0 errors, 2 warnings\)/);
  });

  it('keepalived-lint checks a changed script passed with the config that calls it', async () => {
    const dir = path.join(tmp, 'router');
    fs.cpSync(path.join(REPO, 'examples', 'router'), dir, { recursive: true });
    const notify = path.join(dir, 'etc', 'keepalived', 'notify.sh');
    fs.writeFileSync(notify, fs.readFileSync(notify, 'utf8').replace('gateway_v4)', 'gateway)'));
    const t = fakeIO({ cwd: tmp });
    expect(
      await main(
        argvOf(hook('keepalived-lint'), [
          'router/etc/keepalived/keepalived.conf',
          'router/etc/keepalived/notify.sh',
          '--format',
          'json',
        ]),
        t.io,
      ),
    ).toBe(1);
    const out = JSON.parse(t.stdout) as {
      results: { file: string; diagnostics: { ruleId: string; line: number }[] }[];
    };
    expect(
      out.results
        .find((r) => r.file === 'router/etc/keepalived/notify.sh')
        ?.diagnostics.map((d) => `${d.line} ${d.ruleId}`),
    ).toContain('4 script-unknown-name');
  });

  // Issue 17: the hook passed keepalived/VERSION ("1.2.4") and it was linted as a config
  // ("Unknown keyword 1.2.4"), blocking the commit. A file given by name that is neither named nor
  // written like a config, nor a script (#!), is skipped with a note; a config without .conf in its
  // name is still linted, and a script without #! is checked through the config that runs it.
  it('keepalived-lint selects only configs and the scripts they call among the files pre-commit passes', async () => {
    const dir = path.join(tmp, 'layout');
    const write = (rel: string, text: string, mode = 0o644) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text, { mode });
    };
    const instance = (prio: string) =>
      'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n' +
      `    ${prio} 100\n    virtual_ipaddress {\n        192.0.2.10/24\n    }\n` +
      '    notify /etc/keepalived/notify\n}\n';
    write('etc/keepalived/keepalived.conf', instance('priority'));
    write('etc/keepalived/VERSION', '1.2.4\n');
    // A notify script without #! (keepalived runs it with /bin/sh) whose case never matches VI_1.
    write('etc/keepalived/notify', 'case "$2" in\n  VI_2) logger up ;;\nesac\n', 0o755);
    const files = ['etc/keepalived/keepalived.conf', 'etc/keepalived/VERSION', 'etc/keepalived/notify'];
    for (const f of files) expect(selected(hook('keepalived-lint'), f), f).toBe(true);
    const t = fakeIO({ cwd: dir });
    const code = await main(argvOf(hook('keepalived-lint'), [...files, '--format', 'json']), t.io);
    const out = JSON.parse(t.stdout) as { results: { file: string; diagnostics: { ruleId: string }[] }[] };
    const ids = (f: string) => out.results.find((r) => r.file === f)?.diagnostics.map((d) => d.ruleId) ?? [];
    expect(ids('etc/keepalived/VERSION')).toEqual([]);
    expect(ids('etc/keepalived/notify')).toContain('script-unknown-name');
    expect(ids('etc/keepalived/notify')).not.toContain('unknown-keyword');
    expect(t.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/VERSION: not linted: neither a keepalived configuration ' +
        '(not named *.conf, no keepalived keyword) nor a script that a linted configuration runs\n',
    );
    expect(code).toBe(1);

    // VERSION alone: nothing to lint is no error; a config under another name is linted.
    const alone = fakeIO({ cwd: dir });
    expect(await main(argvOf(hook('keepalived-lint'), ['etc/keepalived/VERSION']), alone.io)).toBe(0);
    write('keepalived/vip', instance('priorty'));
    const named = fakeIO({ cwd: dir });
    expect(await main(argvOf(hook('keepalived-lint'), ['keepalived/vip']), named.io)).toBe(1);
    expect(named.stdout).toContain('unknown-keyword');
    // The standard input is a config whatever it holds: the operator handed it over as one.
    const stdin = fakeIO({ cwd: dir, stdin: '1.2.4\n' });
    expect(await main(['-'], stdin.io)).toBe(1);
    expect(stdin.stdout).toContain('Unknown keyword "1.2.4"');
  });

  // Issue 15, item 6: a commit that changes only a script. The hook passes the script alone; it is
  // checked through the configs of the repository that run it (with #!, or without when executable),
  // and one that no config runs is said not to be checked (exit 0), never passed as clean.
  it('keepalived-lint checks a script-only commit through the configs of the repository that run it', async () => {
    const dir = path.join(tmp, 'script-only');
    const write = (rel: string, text: string, mode = 0o644) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text, { mode });
    };
    fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
    const instance = (name: string, vrid: number, script: string) =>
      `vrrp_instance ${name} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${vrid}\n` +
      `    priority 100\n    virtual_ipaddress {\n        192.0.2.${vrid}/24\n    }\n` +
      `    notify /etc/keepalived/${script}\n}\n`;
    write('etc/keepalived/keepalived.conf', instance('VI_1', 51, 'notify.sh') + instance('VI_2', 52, 'backup'));
    // Each script dispatches on a name no caller passes.
    write('etc/keepalived/notify.sh', '#!/bin/sh\ncase "$2" in\n  VI_3) logger up ;;\nesac\n', 0o755);
    write('etc/keepalived/backup', 'case "$2" in\n  VI_3) logger backup ;;\nesac\n', 0o755);
    write('etc/keepalived/unused.sh', '#!/bin/sh\nlogger unused\n', 0o755);
    const files = ['etc/keepalived/notify.sh', 'etc/keepalived/backup', 'etc/keepalived/unused.sh'];
    for (const f of files) expect(selected(hook('keepalived-lint'), f), f).toBe(true);
    const t = fakeIO({ cwd: dir });
    const code = await main(argvOf(hook('keepalived-lint'), [...files, '--format', 'json']), t.io);
    const out = JSON.parse(t.stdout) as { results: { file: string; diagnostics: { ruleId: string }[] }[] };
    const ids = (f: string) => out.results.find((r) => r.file === f)?.diagnostics.map((d) => d.ruleId) ?? [];
    expect(ids('etc/keepalived/notify.sh')).toContain('script-unknown-name');
    expect(ids('etc/keepalived/backup')).toContain('script-unknown-name');
    expect(out.results.map((r) => r.file)).not.toContain('etc/keepalived/unused.sh');
    expect(t.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/notify.sh: checked through the configuration that runs it: ' +
        'etc/keepalived/keepalived.conf\n' +
        'keepalived-lint: note: etc/keepalived/backup: checked through the configuration that runs it: ' +
        'etc/keepalived/keepalived.conf\n' +
        'keepalived-lint: note: etc/keepalived/unused.sh: not checked: no keepalived configuration under . ' +
        'runs this script (name a config that runs it, or --root)\n',
    );
    expect(code).toBe(1);

    const unused = fakeIO({ cwd: dir });
    expect(await main(argvOf(hook('keepalived-lint'), ['etc/keepalived/unused.sh']), unused.io)).toBe(0);
    expect(unused.stderr).toContain('etc/keepalived/unused.sh: not checked');
  });

  it('keepalived-lint-diff runs in a git repository and fails on the error an edit adds', async () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(repo);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], {
        cwd: repo,
        stdio: 'pipe',
      });
    git('init', '-q');
    const conf = path.join(repo, 'etc', 'keepalived', 'keepalived.conf');
    fs.mkdirSync(path.dirname(conf), { recursive: true });
    const good =
      'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    ' +
      'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
      '   192.0.2.10/24\n    }\n}\n';
    fs.writeFileSync(conf, good);
    git('add', '.');
    git('commit', '-q', '-m', 'config');
    const same = fakeIO({ cwd: repo });
    expect(await main(argvOf(hook('keepalived-lint-diff'), ['etc/keepalived/keepalived.conf']), same.io)).toBe(0);
    fs.writeFileSync(conf, good.replace('priority 100', 'priority 300'));
    const edited = fakeIO({ cwd: repo });
    expect(await main(argvOf(hook('keepalived-lint-diff'), ['etc/keepalived/keepalived.conf']), edited.io)).toBe(1);
    expect(edited.stdout).toContain('invalid-value');
  });
});
