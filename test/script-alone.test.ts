// A script linted on its own (issue 15, item 6): `keepalived-lint etc/keepalived/notify.sh` finds
// the configs of its tree that run it and checks it through them; a script no config runs gets a
// one-line note and exit 0, never an empty report that reads as clean.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.js';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kl-alone-')));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const instance = (name: string, vrid: number, extra = '') =>
  `vrrp_instance ${name} {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${vrid}\n` +
  `    priority 100\n    virtual_ipaddress {\n        192.0.2.${vrid}/24\n    }\n${extra}}\n`;
const NOTIFY = '#!/bin/sh\ncase "$2" in\n    VI_1) logger "VI_1 is $3" ;;\nesac\n';

/** A repository (a `.git` folder is what marks one) with `files`; returns its path. */
function repo(name: string, files: Record<string, string>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(path.join(dir, '.git'), { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text, { mode: rel.endsWith('.sh') ? 0o755 : 0o644 });
  }
  return dir;
}

interface Json {
  results: { file: string; diagnostics: { ruleId: string; line: number }[] }[];
}
const findings = (stdout: string) =>
  (JSON.parse(stdout) as Json).results.flatMap((r) => r.diagnostics.map((d) => `${r.file}:${d.line} ${d.ruleId}`));

describe('a script linted on its own', () => {
  // Two configs: keepalived.conf runs notify.sh for VI_2, which the script does not handle (it
  // knows only VI_1, which nobody passes); backup.conf does not run it. Both have a finding of their
  // own (priorty), which linting the script must not show.
  const dir = repo('two', {
    'etc/keepalived/keepalived.conf': instance('VI_2', 52, '    notify /etc/keepalived/notify.sh\n    priorty 1\n'),
    'etc/keepalived/backup.conf': instance('VI_9', 59, '    priorty 1\n'),
    'etc/keepalived/notify.sh': NOTIFY,
  });

  it('is checked through the config of its repository that runs it, and shows only what points into it', async () => {
    const r = await runCli(['etc/keepalived/notify.sh', '--format', 'json'], { cwd: dir });
    expect(findings(r.stdout)).toEqual([
      'etc/keepalived/keepalived.conf:9 script-unhandled-instance',
      'etc/keepalived/notify.sh:3 script-unknown-name',
    ]);
    expect(r.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/notify.sh: checked through the configuration that runs it: ' +
        'etc/keepalived/keepalived.conf\n',
    );
    expect(r.code).toBe(1);
  });

  it('searches the whole repository, not only the working directory', async () => {
    const r = await runCli(['notify.sh', '--format', 'json'], { cwd: path.join(dir, 'etc', 'keepalived') });
    expect(findings(r.stdout)).toEqual([
      'keepalived.conf:9 script-unhandled-instance',
      'notify.sh:3 script-unknown-name',
    ]);
    expect(r.code).toBe(1);
  });

  it('named with the config that runs it, is checked through that config alone (no note)', async () => {
    const r = await runCli(['etc/keepalived/keepalived.conf', 'etc/keepalived/notify.sh', '--format', 'json'], {
      cwd: dir,
    });
    expect(findings(r.stdout)).toContain('etc/keepalived/notify.sh:3 script-unknown-name');
    expect(findings(r.stdout)).toContain('etc/keepalived/keepalived.conf:10 unknown-keyword');
    expect(r.stderr).toBe('');
  });

  it('named through a link inside its repository is still a script, checked through its callers', async () => {
    const linked = repo('link', {
      'etc/keepalived/keepalived.conf': instance('VI_2', 52, '    notify /etc/keepalived/notify.sh\n'),
      'scripts/notify.sh': NOTIFY,
    });
    fs.symlinkSync('../../scripts/notify.sh', path.join(linked, 'etc/keepalived/notify.sh'));
    const r = await runCli(['etc/keepalived/notify.sh', '--format', 'json'], { cwd: linked });
    expect(findings(r.stdout)).toContain('etc/keepalived/keepalived.conf:9 script-unhandled-instance');
    expect(r.code).toBe(1);
  });

  it('that no config runs gets a one-line note, no result, and exit 0', async () => {
    const alone = repo('nobody', {
      'etc/keepalived/keepalived.conf': instance('VI_1', 51),
      'etc/keepalived/notify.sh': NOTIFY,
    });
    const r = await runCli(['etc/keepalived/notify.sh', '--format', 'json'], { cwd: alone });
    expect((JSON.parse(r.stdout) as Json).results).toEqual([]);
    expect(r.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/notify.sh: not checked: no keepalived configuration under . ' +
        'runs this script (name a config that runs it, or --root)\n',
    );
    expect(r.code).toBe(0);
    const stylish = await runCli(['etc/keepalived/notify.sh'], { cwd: alone });
    expect(stylish.stdout).toBe('');
    expect(stylish.code).toBe(0);
  });

  it('that its .keepalived-lint.yaml ignores is not searched for, and a note says so', async () => {
    const ignoring = repo('ignoring', {
      '.keepalived-lint.yaml': 'ignore: ["etc/keepalived/*.sh"]\n',
      'etc/keepalived/keepalived.conf': instance('VI_2', 52, '    notify /etc/keepalived/notify.sh\n'),
      'etc/keepalived/notify.sh': NOTIFY,
    });
    const r = await runCli(['etc/keepalived/notify.sh'], { cwd: ignoring });
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/notify.sh: not checked: .keepalived-lint.yaml ignores it\n',
    );
    expect(r.code).toBe(0);
  });

  it('is checked through the config that includes the caller, and never through an ignored one', async () => {
    const layout = {
      'etc/keepalived/keepalived.conf': 'include conf.d/*.conf\n',
      'etc/keepalived/conf.d/vi_2.conf': instance('VI_2', 52, '    notify /etc/keepalived/notify.sh\n'),
      'etc/keepalived/notify.sh': NOTIFY,
    };
    const including = repo('including', layout);
    const r = await runCli(['etc/keepalived/notify.sh', '--format', 'json'], { cwd: including });
    expect(r.stderr).toBe(
      'keepalived-lint: note: etc/keepalived/notify.sh: checked through the configuration that runs it: ' +
        'etc/keepalived/keepalived.conf\n',
    );
    expect(findings(r.stdout)).toContain('etc/keepalived/notify.sh:3 script-unknown-name');
    const ignoring = repo('ignoring-callers', { ...layout, '.keepalived-lint.yaml': 'ignore: ["**/*.conf"]\n' });
    const i = await runCli(['etc/keepalived/notify.sh'], { cwd: ignoring });
    expect(i.stderr).toMatch(/^keepalived-lint: note: etc\/keepalived\/notify.sh: not checked: no keepalived/);
    expect(i.code).toBe(0);
  });

  it('never looks outside its repository nor through a linked folder', async () => {
    // outside/ runs the script (its root is the repository: /etc/keepalived/notify.sh is the file),
    // but it is not in the repository; inside, linked -> ../outside is a folder the walk does not enter.
    const inner = repo('confined', { 'etc/keepalived/notify.sh': NOTIFY, README: 'x\n' });
    const outside = path.join(tmp, 'outside');
    fs.mkdirSync(path.join(outside, 'keepalived'), { recursive: true });
    fs.writeFileSync(
      path.join(outside, 'keepalived', 'keepalived.conf'),
      instance('VI_2', 52, `    notify ${path.join(inner, 'etc/keepalived/notify.sh')}\n`),
    );
    fs.symlinkSync('../outside', path.join(inner, 'linked'));
    // The config outside does run it when linted with it: only the search is confined.
    const withIt = await runCli(
      ['../outside/keepalived/keepalived.conf', 'etc/keepalived/notify.sh', '--root', '/', '--format', 'json'],
      { cwd: inner },
    );
    expect(findings(withIt.stdout)).toContain('etc/keepalived/notify.sh:3 script-unknown-name');
    // With --root / the config behind the link could read the script: the walk still does not enter it.
    const r = await runCli(['etc/keepalived/notify.sh', '--root', '/'], { cwd: inner });
    expect(r.stderr).toMatch(/^keepalived-lint: note: etc\/keepalived\/notify.sh: not checked: .*\n$/);
    expect(r.code).toBe(0);
  });
});
