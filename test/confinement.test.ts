// Confinement (src/source/confine.ts, the hardened Node host, directory walks, standard input):
// a linted repository is hostile, and nothing outside its root or repository may be read, nor
// echoed in any output format; kernel files and FIFOs end quickly with a message. Fixtures are
// built here in temporary folders; the ones that could hang run in a child process with a limit.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIO } from '../src/cli/index.js';
import { nodeHost, type FileHost } from '../src/source/host.js';
import { runCli, tempTree } from './helpers.js';
import { cliChild } from './support/cli-child.js';
import { CHILD_USAGE_STDIO, childCpuMs, childUsageEnv } from './support/cpu.js';
import { entryMac, keyFileFor } from '../src/cli/cache-option.js';
import { entryBoundary } from '../src/source/confine.js';

const { dir: tmp, write } = tempTree('kl-confine-');
const SECRET = 'https://user:TOKEN@example.invalid/x';
const GOOD =
  'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n   ' +
  ' priority 100\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n ' +
  '   priorty 1\n}\n';
const outside = write('outside/secret.conf', `${SECRET}\n`);
write('outside/keepalived.conf', `${SECRET}\n`);
write('outside/notify.sh', `#!/bin/sh\n# ${SECRET}\ncase "$2" in VI_1) ;; esac\n`, 0o755);

/** A git repository (a .git folder is all the boundary looks for) under tmp. */
function repo(name: string): string {
  const r = path.join(tmp, name);
  fs.mkdirSync(path.join(r, '.git'), { recursive: true });
  return r;
}

/** The host the CLI uses, with every question about a path under `folder` noted (realpath is not content). */
function spyingHost(cwd: string, folder: string): { host: FileHost; touched: string[] } {
  const base = nodeHost(cwd);
  const touched: string[] = [];
  const note = (q: string, p: string) =>
    void (path.resolve(cwd, p).startsWith(folder + '/') && touched.push(`${q} ${p}`));
  return {
    touched,
    host: {
      readText: (f) => (note('readText', f), base.readText(f)),
      stat: (f) => (note('stat', f), base.stat(f)),
      list: (d) => (note('list', d), base.list(d)),
      realpath: (f) => base.realpath(f),
      cwd: () => base.cwd(),
    },
  };
}

describe('an include that leads outside the repository', () => {
  const r1 = repo('r1');
  write(
    'r1/etc/keepalived/keepalived.conf',
    `include conf.d/*.conf\ninclude ../../../outside/secret.conf\ninclude ../../../outside/*.conf\n${GOOD}`,
  );
  fs.mkdirSync(path.join(r1, 'etc/keepalived/conf.d'), { recursive: true });
  fs.symlinkSync(outside, path.join(r1, 'etc/keepalived/conf.d/linked.conf'));

  it.each(['json', 'sarif', 'stylish', 'github'])(
    'is reported as outside the root and never echoed (%s)',
    async (format) => {
      const r = await runCli(['lint', '.', '--format', format], { cwd: r1 });
      expect(r.stdout + r.stderr).not.toContain('TOKEN');
      expect(r.stdout).toContain('outside the root; not read');
      expect(r.stdout).toMatch(/priorty/);
      expect(r.code).toBe(1);
    },
  );

  it('names both the symbolic link and the ../ path, and reads nothing outside (also on worker threads)', async () => {
    const spy = spyingHost(r1, path.join(tmp, 'outside'));
    const r = await runCli(['lint', '.', '--format', 'json'], { cwd: r1, host: spy.host });
    const messages = (
      JSON.parse(r.stdout) as { results: { diagnostics: { ruleId: string; message: string }[] }[] }
    ).results.flatMap((x) => x.diagnostics);
    const outsideFindings = messages.filter(
      (d) => d.ruleId === 'include-not-found' && d.message.includes('outside the root; not read'),
    );
    expect(outsideFindings.map((d) => d.message.replace(/: .*/, ''))).toEqual([
      'include "conf.d/*.conf"',
      'include "../../../outside/secret.conf"',
      'include "../../../outside/*.conf"',
    ]);
    expect(spy.touched).toEqual([]);
    // Worker threads build their own host: the boundary holds there too.
    for (let i = 0; i < 6; i++)
      write(`r1/hosts/h${i}/keepalived.conf`, 'include ../../etc/keepalived/conf.d/linked.conf\n');
    const threaded = await runCli(['lint', '.', '--format', 'json', '--jobs', '2'], { cwd: r1 });
    expect(threaded.stdout + threaded.stderr).not.toContain('TOKEN');
    expect(threaded.stdout.match(/outside the root; not read/g)?.length).toBeGreaterThanOrEqual(7);
  });

  it('the other commands read through the same boundary: cluster, diff, parse', async () => {
    write(
      'r1/other/etc/keepalived/keepalived.conf',
      `include ../../../../outside/secret.conf\n${GOOD.replace('priority 100', 'priority 90')}`,
    );
    const runs = [
      await runCli(
        ['cluster', 'etc/keepalived/keepalived.conf', 'other/etc/keepalived/keepalived.conf', '--format', 'json'],
        { cwd: r1 },
      ),
      await runCli(
        ['diff', 'etc/keepalived/keepalived.conf', 'other/etc/keepalived/keepalived.conf', '--format', 'json'],
        { cwd: r1 },
      ),
      await runCli(['parse', 'etc/keepalived/keepalived.conf'], { cwd: r1 }),
      await runCli(
        [
          'lint',
          '--cluster',
          'etc/keepalived/keepalived.conf',
          'other/etc/keepalived/keepalived.conf',
          '--format',
          'json',
        ],
        { cwd: r1 },
      ),
    ];
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toContain('TOKEN');
      expect(r.code).not.toBeNull();
    }
    expect(runs[3]!.stdout).toContain('outside the root; not read');
  });

  it('--cache records the outside answer: pointing the link inside re-lints the config', async () => {
    const r2 = repo('r2');
    write('r2/etc/keepalived/keepalived.conf', `include part.conf\n${GOOD}`);
    write('r2/etc/keepalived/inside.conf', 'priorty_inside 1\n');
    const link = path.join(r2, 'etc/keepalived/part.conf');
    fs.symlinkSync(outside, link);
    const args = ['lint', '.', '--format', 'json', '--cache-location', path.join(tmp, 'r2.cache')];
    const first = await runCli(args, { cwd: r2 });
    expect(first.stdout).toContain('outside the root; not read');
    fs.rmSync(link);
    fs.symlinkSync('inside.conf', link);
    const second = await runCli(args, { cwd: r2 });
    expect(second.stdout).not.toContain('outside the root');
    expect(second.stdout).toContain('priorty_inside');
  });
});

describe('a --cache file in the repository', () => {
  it('cannot make a replay read outside the boundary (even signed with the key), nor hang on /proc/kmsg', async () => {
    const r = repo('c1');
    // A real repository: the cache's "tracked by git?" question needs a git that answers.
    fs.rmSync(path.join(r, '.git'), { recursive: true });
    execFileSync('git', ['init', '-q', r]);
    write('c1/etc/keepalived/keepalived.conf', GOOD);
    const cacheFile = path.join(r, '.keepalived-lint-cache');
    const args = ['lint', '.', '--cache-location', cacheFile, '--format', 'json'];
    await runCli(args, { cwd: r });
    // An entry that asks the replay to re-read files outside, signed as if the key had leaked:
    // the boundary, not only the MAC, keeps the replay inside.
    const secret = Buffer.from(fs.readFileSync(keyFileFor(cacheFile), 'utf8').trim(), 'hex');
    const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as {
      entries: Record<string, { mac: string; body: string }>;
    };
    for (const [key, e] of Object.entries(data.entries)) {
      const body = JSON.parse(e.body) as { deps: [string, string, string][] };
      body.deps.unshift(['readText', outside, 'x'], ['list', path.join(tmp, 'outside'), 'x']);
      e.body = JSON.stringify(body);
      e.mac = entryMac(secret, key, e.body);
    }
    fs.writeFileSync(cacheFile, JSON.stringify(data));
    const spy = spyingHost(r, path.join(tmp, 'outside'));
    const run = await runCli(args, { cwd: r, host: spy.host });
    expect(run.code).toBe(1);
    expect(spy.touched).toEqual([]);
    // The cache file itself linked to /proc/kmsg: refused at once (an empty cache), no hang.
    fs.rmSync(cacheFile);
    fs.symlinkSync('/proc/kmsg', cacheFile);
    const res = child(['lint', '--format', 'json', '--cache-location', cacheFile, '.'], { cwd: r, seconds: 240 });
    expect(res.signal).toBeNull();
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/cache/);
  });
});

describe('a script and a linted file outside the repository', () => {
  it(
    'a notify script linked outside: "outside the root; not checked" once, ' +
      'as information, however many instances run it',
    async () => {
      const r3 = repo('r3');
      const conf = (n: number) =>
        `vrrp_instance VI_${n} {\n    interface eth0\n    virtual_router_id ` +
        `${n}\n    priority 100\n    virtual_ipaddress {\n  ` +
        `      192.0.2.${n}/24\n    }\n    notify /etc/keepalived/notify.sh\n}\n`;
      write('r3/etc/keepalived/keepalived.conf', conf(1) + conf(2) + conf(3));
      fs.symlinkSync(path.join(tmp, 'outside/notify.sh'), path.join(r3, 'etc/keepalived/notify.sh'));
      const spy = spyingHost(r3, path.join(tmp, 'outside'));
      const r = await runCli(['lint', '.', '--format', 'json'], { cwd: r3, host: spy.host });
      expect(r.stdout).not.toContain('TOKEN');
      const found = (
        JSON.parse(r.stdout) as { results: { diagnostics: { ruleId: string; severity: string; message: string }[] }[] }
      ).results
        .flatMap((x) => x.diagnostics)
        .filter((d) => d.ruleId === 'script-not-found');
      // Not checkable is not an error: one info finding for the script, not one per instance.
      expect(found.map((d) => [d.severity, /is outside the root; not checked/.test(d.message)])).toEqual([
        ['info', true],
      ]);
      expect(spy.touched).toEqual([]);
    },
  );

  it('the linted file itself linked outside its root: not read, said so', async () => {
    const r4 = repo('r4');
    fs.mkdirSync(path.join(r4, 'etc/keepalived'), { recursive: true });
    fs.symlinkSync(outside, path.join(r4, 'etc/keepalived/keepalived.conf'));
    const r = await runCli(['lint', 'etc/keepalived/keepalived.conf', '--format', 'json'], { cwd: r4 });
    expect(r.stdout + r.stderr).not.toContain('TOKEN');
    expect(r.stderr).toContain('etc/keepalived/keepalived.conf:1:1: error: cannot lint this file: is outside the root');
    expect(r.code).toBe(2);
  });
});

describe('the operator on the host itself', () => {
  const host =
    'global_defs {\n    enable_script_security\n    script_user root\n}\n' +
    GOOD.replace('    priorty 1\n', '    notify_master /bin/true\n');
  it(
    'in a repository, /bin/true is outside and no finding (a program of ' +
      'the router); with --root / (typed by the operator) it is checked on ' +
      'this machine',
    async () => {
      const r = repo('h1');
      write('h1/keepalived.conf', host);
      const plain = await runCli(['lint', 'keepalived.conf', '--format', 'json'], { cwd: r });
      expect(plain.stdout).not.toContain('script-not-found');
      expect(plain.code).toBe(0);
      const withRoot = await runCli(['lint', 'keepalived.conf', '--format', 'json', '--root', '/'], { cwd: r });
      expect(withRoot.stdout).not.toContain('script-not-found');
      expect(withRoot.code).toBe(0);
    },
  );

  it(
    'with no repository and root /, a program of the router (/bin/true) ' +
      'gives no finding: it is not read, and not an error',
    async () => {
      const h = tempTree('kl-host-');
      h.write('keepalived.conf', host);
      const r = await runCli(['lint', 'keepalived.conf', '--format', 'json'], { cwd: h.dir });
      expect(r.stdout).not.toContain('script-not-found');
      expect(r.code).toBe(0);
    },
  );

  it('the whole file system only for --root / or a config whose real path is under /etc/keepalived/', () => {
    // A host with no .git anywhere whose real paths are the paths themselves.
    const bare: FileHost = {
      readText: () => ({ ok: false, reason: 'x' }),
      stat: () => ({ kind: 'missing', executable: false }),
      list: () => [],
      realpath: (f) => f,
      cwd: () => '/',
    };
    const at = (entry: string, root: string, rootGiven = false) =>
      entryBoundary(entry, { root, rootGiven }, bare).folders;
    expect(at('/etc/keepalived/keepalived.conf', '/')).toBeNull();
    expect(at('/etc/keepalived/conf.d/vrrp.conf', '/')).toBeNull();
    expect(at('/srv/cases/x.conf', '/', true)).toBeNull();
    expect(at('/srv/cases/x.conf', '/')).toEqual(['/srv/cases']);
    expect(at('/home/runner/work/r/hosts/lb1/keepalived.conf', '/')).toEqual(['/home/runner/work/r/hosts/lb1']);
    expect(at('/home/runner/work/r/etc/keepalived/keepalived.conf', '/home/runner/work/r')).toEqual([
      '/home/runner/work/r',
      '/home/runner/work/r/etc/keepalived',
    ]);
    expect(at('/etc/keepalived.conf', '/')).toEqual(['/etc']);
  });
});

describe('a checkout with no .git (a tarball, GIT_STRATEGY: none, the REST fallback of actions/checkout)', () => {
  it("is confined to the config's own folder: an absolute include of a file outside is not read", async () => {
    const c = tempTree('kl-nogit-');
    const token = tempTree('kl-runner-').write('.git-credentials', `${SECRET}\n`);
    c.write('hosts/lb1/keepalived.conf', `include ${token}\ninclude part.conf\n${GOOD}`);
    c.write('hosts/lb1/part.conf', 'priorty_part 1\n');
    for (const format of ['json', 'sarif', 'stylish']) {
      const r = await runCli(['lint', 'hosts/lb1/keepalived.conf', '--format', format], { cwd: c.dir });
      expect(r.stdout + r.stderr).not.toContain('TOKEN');
      expect(r.stdout).toContain('outside the root; not read');
      expect(r.stdout).toContain('priorty_part');
    }
  });
});

describe("git's own folder, inside the repository", () => {
  const CREDENTIALS = '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic TOKEN\n';

  it('.git/config (the token actions/checkout leaves there) is not read: "inside .git; not read"', async () => {
    const r = repo('git1');
    write('git1/.git/config', CREDENTIALS);
    fs.mkdirSync(path.join(r, 'etc/keepalived/sub/.git'), { recursive: true });
    write('git1/etc/keepalived/sub/.git/config', CREDENTIALS);
    write('git1/etc/keepalived/nested.conf', 'include sub/.git/config\n');
    fs.symlinkSync('../../.git/config', path.join(r, 'etc/keepalived/linked.conf'));
    write(
      'git1/etc/keepalived/keepalived.conf',
      `include ../../.git/config\ninclude /.git/config\ninclude linked.conf\ninclude nested.conf\n${GOOD}`,
    );
    for (const format of ['json', 'sarif', 'stylish']) {
      const run = await runCli(['lint', 'etc/keepalived/keepalived.conf', '--format', format], { cwd: r });
      expect(run.stdout + run.stderr).not.toContain('TOKEN');
      expect(run.stdout.match(/inside \.git; not read/g)?.length, run.stdout).toBeGreaterThanOrEqual(4);
    }
    const asEntry = await runCli(['lint', '.git/config', '--format', 'json'], { cwd: r });
    expect(asEntry.stdout + asEntry.stderr).not.toContain('TOKEN');
    expect(asEntry.stderr).toContain('cannot lint this file: is inside .git');
  });

  it(
    "a worktree's .git file: its gitdir and the common folder it names are " + 'refused too, even inside the root',
    async () => {
      const w = tempTree('kl-gitdir-');
      w.write('gitdirs/main/config', CREDENTIALS);
      w.write('gitdirs/wt/commondir', '../main\n');
      w.write('gitdirs/wt/HEAD', 'ref: TOKEN\n');
      w.write('wt/.git', 'gitdir: ../gitdirs/wt\n');
      w.write('wt/keepalived.conf', `include /gitdirs/main/config\ninclude /gitdirs/wt/HEAD\n${GOOD}`);
      const run = await runCli(['lint', 'keepalived.conf', '--root', w.dir, '--format', 'json'], {
        cwd: path.join(w.dir, 'wt'),
      });
      expect(run.stdout + run.stderr).not.toContain('TOKEN');
      expect(run.stdout.match(/inside \.git; not read/g)).toHaveLength(2);
    },
  );
});

describe('a config named through a linked folder (a shell glob over hosts/NAME/keepalived.conf)', () => {
  it('is not read when the folder leads out of the repository', async () => {
    const r = repo('g1');
    fs.mkdirSync(path.join(r, 'hosts'), { recursive: true });
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(r, 'hosts/evil'));
    const run = await runCli(['lint', 'hosts/evil/keepalived.conf', '--format', 'json'], { cwd: r });
    expect(run.stdout + run.stderr).not.toContain('TOKEN');
    expect(run.stderr).toContain('hosts/evil/keepalived.conf:1:1: error: cannot lint this file: is outside the root');
  });

  it(
    'outside any repository, a config named on the command line may read ' + 'its neighbours (a --root elsewhere)',
    async () => {
      const n = tempTree('kl-norepo-');
      n.write('cases/keepalived.conf', `include part.conf\n${GOOD}`);
      n.write('cases/part.conf', 'priorty_part 1\n');
      const run = await runCli(
        [
          'lint',
          path.join(n.dir, 'cases/keepalived.conf'),
          '--root',
          path.join(n.dir, 'elsewhere'),
          '--format',
          'json',
        ],
        { cwd: n.dir },
      );
      expect(run.stdout).toContain('priorty_part');
      expect(run.stdout).not.toContain('outside the root');
    },
  );
});

describe('.keepalived-lint.yaml pointing outside its repository', () => {
  async function withYaml(name: string, yaml: string) {
    const r = repo(name);
    write(`${name}/.keepalived-lint.yaml`, yaml);
    write(`${name}/hosts/lb1/keepalived/keepalived.conf`, `include /etc/keepalived/secret.conf\n${GOOD}`);
    const spy = spyingHost(r, path.join(tmp, 'outside'));
    const run = await runCli(['lint', '.', '--format', 'json'], { cwd: r, host: spy.host });
    return { ...run, touched: spy.touched, dir: r };
  }

  it('root: a problem at its line, exit 2, nothing outside read', async () => {
    const r = await withYaml('y1', 'root: ../outside\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `.keepalived-lint.yaml:1:7: error: root "../outside" ` +
        `is outside the repository ${path.join(tmp, 'y1')} holding ` +
        `this configuration file; not used`,
    );
    expect(r.stdout + r.stderr).not.toContain('TOKEN');
    expect(r.touched).toEqual([]);
  });

  it('paths: a problem at its line, exit 2, nothing outside read', async () => {
    const r = await withYaml('y2', 'paths:\n  "/etc/keepalived/": "../outside/"\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '.keepalived-lint.yaml:2:23: error: "/etc/keepalived/" maps to "../outside/", outside the repository',
    );
    expect(r.touched).toEqual([]);
  });

  it('paths: to a folder of the repository that is a symbolic link out: a problem at its line', async () => {
    fs.mkdirSync(path.join(repo('y3')), { recursive: true });
    fs.symlinkSync(path.join(tmp, 'outside'), path.join(tmp, 'y3/scripts'));
    const r = await withYaml('y3', 'paths:\n  "/etc/keepalived/": "scripts/"\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      '.keepalived-lint.yaml:2:23: error: "/etc/keepalived/" maps to "scripts/", outside the repository',
    );
    expect(r.stdout + r.stderr).not.toContain('TOKEN');
    expect(r.touched).toEqual([]);
  });

  it('a configuration file linked outside its repository is refused', async () => {
    const r = repo('y4');
    write('y4/keepalived.conf', GOOD);
    fs.symlinkSync(path.join(tmp, 'outside/secret.conf'), path.join(r, '.keepalived-lint.yaml'));
    const run = await runCli(['lint', 'keepalived.conf', '--format', 'json'], { cwd: r });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `.keepalived-lint.yaml:1:1: error: the configuration ` +
        `file is a symbolic link to ${outside}, outside the ` +
        `repository`,
    );
    expect(run.stderr + run.stdout).not.toContain('TOKEN');
  });

  it("--root on the command line wins over the file's root and paths", async () => {
    const r = repo('y5');
    write('y5/.keepalived-lint.yaml', 'root: sub\npaths:\n  "/etc/keepalived/": "hosts/{host}/keepalived/"\n');
    write('y5/hosts/lb1/keepalived/keepalived.conf', GOOD);
    const shown = await runCli(['lint', '--print-config', 'hosts/lb1/keepalived/keepalived.conf', '--root', 'other'], {
      cwd: r,
    });
    const out = JSON.parse(shown.stdout) as { root?: string; paths?: unknown };
    expect(out.root).toBe(path.join(r, 'other'));
    expect(out.paths).toBeUndefined();
  });
});

describe('directory walks', () => {
  it('never follow a folder linked to / or to .., and skip a config linked outside', () => {
    const r = repo('w1');
    write('w1/keepalived.conf', GOOD);
    fs.symlinkSync('/', path.join(r, 'all'));
    fs.symlinkSync('..', path.join(r, 'up'));
    fs.mkdirSync(path.join(r, 'hosts/x'), { recursive: true });
    fs.symlinkSync(path.join(tmp, 'outside/keepalived.conf'), path.join(r, 'hosts/x/keepalived.conf'));
    const res = child(['lint', '--format', 'json', '.'], { cwd: r, seconds: 240 });
    expect(res.signal).toBeNull();
    expect(res.stdout + res.stderr).not.toContain('TOKEN');
    const files = (JSON.parse(res.stdout) as { results: { file: string }[] }).results.map((x) => x.file);
    expect(files).toEqual(['keepalived.conf']);
    expect(res.stderr).toContain('hosts/x/keepalived.conf: is a symbolic link to');
    expect(res.code).toBe(1);
  });
});

function child(args: string[], o: { cwd: string; seconds: number; input?: Buffer }) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [...cliChild(['--max-old-space-size=256']), ...args], {
    cwd: o.cwd,
    encoding: 'utf8',
    timeout: o.seconds * 1000,
    maxBuffer: 64 * 1024 * 1024,
    stdio: CHILD_USAGE_STDIO,
    env: childUsageEnv(),
    ...(o.input ? { input: o.input } : {}),
  });
  const ms = Date.now() - t0;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms, cpuMs: childCpuMs(r.output) };
}

describe('kernel files, devices and FIFOs: each ends quickly with a message, the other file linted', () => {
  const k = tempTree('kl-kernel-');
  const good = k.write('good/keepalived.conf', GOOD);
  const goodLinted = (stdout: string) => /good\/keepalived\.conf[\s\S]*unknown-keyword/.test(stdout);
  // The CPU time a run takes with nothing hostile: each hostile run may take 5 s more, no longer
  // (reading /dev/zero or /proc/kmsg would take it all). CPU, not wall time, which a loaded machine
  // stretches (test/support/cpu.ts); a FIFO opened would block without CPU: the timeout.
  const baseline = () => child(['lint', '--format', 'json', good], { cwd: k.dir, seconds: 240 }).cpuMs;
  let base = 0;

  it.each([
    ['kmsg', '/proc/kmsg'],
    ['pagemap', '/proc/self/pagemap'],
    ['zero', '/dev/zero'],
    ['fifo', null],
  ])('%s as the linted file, an include and a script', (name, target) => {
    if (!base) base = baseline();
    const dir = path.join(k.dir, name);
    fs.mkdirSync(dir);
    const link = path.join(dir, 'hostile');
    if (target) fs.symlinkSync(target, link);
    else spawnSync('mkfifo', [link]);
    const asFile = path.join(dir, 'file.conf');
    fs.symlinkSync(link, asFile);
    // Beside the link: outside any repository, a config may read its own folder only.
    const includer = k.write(`${name}/inc.conf`, `include ${link}\n${GOOD}`);
    const caller = k.write(`${name}/script.conf`, GOOD.replace('    priorty 1\n', `    notify ${link}\n`));
    const r = child(['lint', '--format', 'json', asFile, includer, caller, good], { cwd: k.dir, seconds: 240 });
    expect(r.signal).toBeNull();
    expect(r.cpuMs, `${r.ms} ms of wall time`).toBeLessThan(base + 5000);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        /file\.conf:1:1: error: cannot lint this file: /.source +
          /(is under \/(proc|dev) \(\/(proc|dev)\/.*\); not read|is not a regular file)/.source,
      ),
    );
    const out = JSON.parse(r.stdout) as {
      results: { file: string; diagnostics: { ruleId: string; message: string }[] }[];
    };
    const of = (f: string) => out.results.find((x) => x.file === path.relative(k.dir, f))?.diagnostics ?? [];
    expect(
      of(includer).some(
        (d) => d.ruleId === 'include-not-found' && /is under \/(proc|dev); not read|not a regular file/.test(d.message),
      ),
    ).toBe(true);
    expect(
      of(caller).some(
        (d) =>
          d.ruleId === 'script-not-found' && /is under \/(proc|dev); not read|is not a regular file/.test(d.message),
      ),
    ).toBe(true);
    expect(goodLinted(r.stdout)).toBe(true);
  });
});

describe('the Node host alone (below the boundary)', () => {
  it('refuses /proc, /sys and /dev by real path, also through a link, and never trusts st_size', () => {
    const h = nodeHost('/');
    const link = write('proc-link.conf', '');
    fs.rmSync(link);
    fs.symlinkSync('/proc/self/status', link);
    // /proc/self/status reports size 0 and holds text: read before, refused now.
    expect(h.readText(link)).toEqual({
      ok: false,
      reason: expect.stringMatching(
        /^is \/proc\/\d+\/status, under \/proc \(a kernel or device file system\); not read$/,
      ) as unknown,
    });
    expect(h.readText('/dev/zero')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('under /dev') as unknown,
    });
    expect(h.list('/proc/self')).toEqual([]);
    expect(h.readText(write('plain.conf', 'x\xe9\n'))).toEqual({ ok: true, text: 'x\xe9\n', encoding: 'utf8' });
  });
});

describe('standard input', () => {
  const s = tempTree('kl-stdin-cap-');
  function io(stdin: CliIO['stdin']): { io: CliIO; out: () => string; err: () => string } {
    let out = '';
    let err = '';
    return {
      io: {
        stdout: (x) => void (out += x),
        stderr: (x) => void (err += x),
        cwd: s.dir,
        env: {},
        isTTY: false,
        ...(stdin ? { stdin } : {}),
      },
      out: () => out,
      err: () => err,
    };
  }

  it('over 16 MiB: reading stops, exit 2 with a message (an endless stream too)', async () => {
    let chunks = 0;
    async function* endless() {
      const chunk = Buffer.alloc(1 << 20, '! comment line\n');
      for (;;) {
        chunks++;
        yield chunk;
      }
    }
    const t = io(() => endless());
    expect(await main(['-', '--format', 'json'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^keepalived-lint: standard input is larger than 16 MiB/);
    expect(chunks).toBeLessThanOrEqual(18);
    const text = io(async () => '! x\n'.repeat(5 * 1024 * 1024));
    expect(await main(['-'], text.io)).toBe(2);
    expect(text.err()).toContain('standard input is larger than 16 MiB');
  });

  it('over 16 MiB through the real process.stdin of a child: exit 2, quickly', () => {
    const r = child(['lint', '-'], { cwd: s.dir, seconds: 240, input: Buffer.alloc(17 * 1024 * 1024, '! comment\n') });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('standard input is larger than 16 MiB');
  });

  it('bytes that are not UTF-8 are read as Latin-1, as a file is', async () => {
    const bytes = Buffer.from(GOOD.replace('VI_1', 'VI_\xe9'), 'latin1');
    const t = io(() =>
      (async function* () {
        yield bytes;
      })(),
    );
    expect(await main(['-', '--format', 'json'], t.io)).toBe(1);
    expect(t.out()).toContain('VI_\u00e9');
    expect(t.out()).not.toContain('\ufffd');
  });
});
