// --cache (issue 7): a config is re-linted when anything its lint read changed (the config, an
// include, a file a glob now matches, a script's content, mode or existence, the options), and
// served from the cache otherwise. Served-from-cache is observed by marking the kept diagnostics:
// a served entry shows the mark, a re-linted one does not.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import { cpuMsOf } from './support/cpu.js';
import { MAX_CACHE_BYTES, defaultCacheFile, entryMac, keyFileFor } from '../src/cli/cache-option.js';

const MARK = 'KEPT-IN-CACHE';

/** The user's cache folder for the tests (the default cache lives outside the working tree). */
const XDG = tempTree('kl-xdg-').dir;
const ENV = { XDG_CACHE_HOME: XDG };
const cacheOf = (dir: string) => defaultCacheFile(dir, ENV)!;

function tree() {
  const t = tempTree('kl-cache-');
  for (const h of ['lb1', 'lb2']) {
    t.write(
      `${h}/etc/keepalived/keepalived.conf`,
      'global_defs {\n    enable_script_security\n}\ninclude ' +
        'conf.d/*.conf\nvrrp_instance VI_1 {\n    interface eth0\n    ' +
        'virtual_router_id 51\n    priorty 100\n    notify ' +
        '/etc/keepalived/notify.sh\n}\n',
    );
    t.write(`${h}/etc/keepalived/conf.d/a.conf`, 'vrrp_script chk {\n    script "/bin/true"\n}\n');
    t.write(`${h}/etc/keepalived/notify.sh`, '#!/bin/sh\ncase "$2" in\n  VI_1) exit 0 ;;\nesac\n', 0o755);
  }
  return t;
}

interface Kept {
  deps: unknown[];
  files: string[];
  diagnostics: { message: string; severity: string }[];
}

/** Edit every kept entry, and sign it again with the user's key unless `sign` is false. */
function edit(cacheFile: string, change: (e: Kept) => void, sign = true): void {
  const secret = Buffer.from(fs.readFileSync(keyFileFor(cacheFile), 'utf8').trim(), 'hex');
  const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as {
    entries: Record<string, { mac: string; body: string }>;
  };
  for (const [key, e] of Object.entries(data.entries)) {
    const body = JSON.parse(e.body) as Kept;
    change(body);
    e.body = JSON.stringify(body);
    if (sign) e.mac = entryMac(secret, key, e.body);
  }
  fs.writeFileSync(cacheFile, JSON.stringify(data));
}

/** Replace every kept message with MARK (signed, as the cache itself would have written it). */
function mark(cacheFile: string): void {
  edit(cacheFile, (e) => {
    for (const d of e.diagnostics) d.message = MARK;
  });
}

/** Per host: served from the cache (true) or linted (false). */
async function served(
  dir: string,
  extra: string[] = [],
): Promise<{ lb1: boolean; lb2: boolean; stdout: string; code: number }> {
  const r = await runCli(['lb1', 'lb2', '--cache', '--format', 'json', ...extra], { cwd: dir, env: ENV });
  const results = (JSON.parse(r.stdout) as { results: { file: string; diagnostics: { message: string }[] }[] }).results;
  const of = (h: string) =>
    results.filter((x) => x.file.startsWith(`${h}/`)).some((x) => x.diagnostics.some((d) => d.message === MARK));
  return { lb1: of('lb1'), lb2: of('lb2'), stdout: r.stdout, code: r.code };
}

describe('--cache', () => {
  it("gives the same report from the cache as from a lint, and keeps it in the user's cache folder", async () => {
    const { dir } = tree();
    const first = await runCli(['lb1', 'lb2', '--format', 'json'], { cwd: dir });
    const cold = await runCli(['lb1', 'lb2', '--cache', '--format', 'json'], { cwd: dir, env: ENV });
    const warm = await runCli(['lb1', 'lb2', '--cache', '--format', 'json'], { cwd: dir, env: ENV });
    expect(cold.stderr).toBe('');
    expect(fs.existsSync(cacheOf(dir))).toBe(true);
    expect(first.code).toBe(1);
    expect(cold.stdout).toBe(first.stdout);
    expect(warm.stdout).toBe(first.stdout);
    expect(warm.code).toBe(first.code);
    mark(cacheOf(dir));
    const r = await served(dir);
    expect([r.lb1, r.lb2]).toEqual([true, true]);
  });

  const changes: [string, (d: string) => void][] = [
    [
      'the config is edited',
      (d) => fs.appendFileSync(path.join(d, 'lb1/etc/keepalived/keepalived.conf'), '# edited\n'),
    ],
    [
      'an included file is edited',
      (d) =>
        fs.writeFileSync(
          path.join(d, 'lb1/etc/keepalived/conf.d/a.conf'),
          'vrrp_script chk {\n    script "/bin/false"\n}\n',
        ),
    ],
    [
      'a new file matches an include glob',
      (d) => fs.writeFileSync(path.join(d, 'lb1/etc/keepalived/conf.d/b.conf'), ''),
    ],
    ['a script loses its execute bit', (d) => fs.chmodSync(path.join(d, 'lb1/etc/keepalived/notify.sh'), 0o644)],
    ['a script is edited', (d) => fs.appendFileSync(path.join(d, 'lb1/etc/keepalived/notify.sh'), '# edited\n')],
    ['a script is removed', (d) => fs.rmSync(path.join(d, 'lb1/etc/keepalived/notify.sh'))],
  ];
  for (const [what, change] of changes) {
    it(`re-lints only that config when ${what}`, async () => {
      const { dir } = tree();
      await served(dir);
      mark(cacheOf(dir));
      change(dir);
      const r = await served(dir);
      expect(r.lb1).toBe(false);
      expect(r.lb2).toBe(true);
      // And what it says is what a lint without the cache says.
      const plain = await runCli(['lb1', '--format', 'json'], { cwd: dir });
      const lb1 = (s: string) =>
        JSON.stringify(
          (JSON.parse(s) as { results: { file: string }[] }).results.filter((x) => x.file.startsWith('lb1/')),
        );
      expect(lb1(r.stdout)).toBe(lb1(plain.stdout));
    });
  }

  it('re-lints everything when an option that changes findings changes (--target)', async () => {
    const { dir } = tree();
    await served(dir);
    mark(cacheOf(dir));
    const r = await served(dir, ['--target', '2.0.10']);
    expect([r.lb1, r.lb2]).toEqual([false, false]);
    // The entries for the first target are still there.
    const back = await served(dir);
    expect([back.lb1, back.lb2]).toEqual([true, true]);
  });

  it('serves from the cache on worker threads too, with the same report', async () => {
    const { dir } = tree();
    const a = await runCli(['lb1', 'lb2', '--cache', '--jobs', '2', '--format', 'json'], { cwd: dir, env: ENV });
    const b = await runCli(['lb1', 'lb2', '--cache', '--jobs', '2', '--format', 'json'], { cwd: dir, env: ENV });
    expect(b.stdout).toBe(a.stdout);
    mark(cacheOf(dir));
    const r = await served(dir, ['--jobs', '2']);
    expect([r.lb1, r.lb2]).toEqual([true, true]);
  });

  it('starts afresh from a cache file that is not one, and writes where --cache-location says', async () => {
    const { dir, write } = tree();
    write('cache/kl.json', 'not json {');
    const plain = await runCli(['lb1', 'lb2', '--format', 'json'], { cwd: dir });
    const r = await runCli(['lb1', 'lb2', '--cache-location', 'cache/kl.json', '--format', 'json'], { cwd: dir });
    expect(r.stdout).toBe(plain.stdout);
    expect(r.stderr).toBe('');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cache/kl.json'), 'utf8'))).toMatchObject({ version: 2 });
    expect(fs.existsSync(path.join(dir, '.keepalived-lint-cache'))).toBe(false);
  });

  it('warns, and still reports, when the cache cannot be written', async () => {
    const { dir, write } = tree();
    write('blocker', 'a file where a folder would be');
    const r = await runCli(['lb1', '--cache-location', 'blocker/cache.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        /^keepalived-lint: warning: cannot use the cache .*blocker\/cache\.json: /.source +
          /a folder on its path is a file; linting without the cache\n$/.source,
      ),
    );
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });
});

// Issue 13: the linted repository is hostile; its files must not make a broken config pass.
describe('--cache against a hostile repository', () => {
  const git = (dir: string, ...args: string[]) =>
    execFileSync('git', ['-C', dir, ...args], {
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 't',
        GIT_AUTHOR_EMAIL: 't@example.org',
        GIT_COMMITTER_NAME: 't',
        GIT_COMMITTER_EMAIL: 't@example.org',
      },
    });
  const lint = (dir: string, extra: string[] = [], env: Record<string, string> = ENV) =>
    runCli(['lb1', '--cache', '--format', 'json', ...extra], { cwd: dir, env });

  it('keeps the default cache outside the working tree, with a 0600 key beside it', async () => {
    const { dir } = tree();
    const before = fs.readdirSync(dir).sort();
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(cacheOf(dir).startsWith(path.join(XDG, 'keepalived-lint') + path.sep)).toBe(true);
    expect(fs.existsSync(cacheOf(dir))).toBe(true);
    expect(fs.statSync(keyFileFor(cacheOf(dir))).mode & 0o777).toBe(0o600);
    // HOME stands in when XDG_CACHE_HOME is not set; with neither, a warning and no cache.
    const home = tempTree('kl-home-').dir;
    expect((await lint(dir, [], { HOME: home })).code).toBe(1);
    expect(fs.existsSync(defaultCacheFile(dir, { HOME: home })!)).toBe(true);
    expect(defaultCacheFile(dir, { HOME: home })!.startsWith(path.join(home, '.cache', 'keepalived-lint'))).toBe(true);
    const none = await lint(dir, [], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(
      /^keepalived-lint: warning: --cache has no folder to keep its file in .*linting without the cache\n$/,
    );
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('ignores a committed .keepalived-lint-cache in the working tree (the old default)', async () => {
    const { dir, write } = tree();
    write('.keepalived-lint-cache', JSON.stringify({ version: 1, entries: {} }));
    expect((await lint(dir)).code).toBe(1);
  });

  it('re-lints an entry whose HMAC does not verify: the broken config still exits 1', async () => {
    const { dir } = tree();
    expect((await lint(dir)).code).toBe(1);
    // What a planted cache does: the same deps (so replay would serve it), the findings gone.
    edit(cacheOf(dir), (e) => void (e.diagnostics = []), false);
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('priorty');
    // The same entry signed with the user's key is served: the MAC is what refused it.
    edit(cacheOf(dir), (e) => void (e.diagnostics = []));
    expect((await lint(dir)).code).toBe(0);
  });

  it('refuses an entry that lists no dependencies, even signed', async () => {
    const { dir } = tree();
    expect((await lint(dir)).code).toBe(1);
    // No questions and no files: replay alone would serve it as it is.
    edit(cacheOf(dir), (e) => {
      e.diagnostics = [];
      e.deps = [];
      e.files = [];
    });
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('priorty');
  });

  it('refuses a cache file (or its key) that git tracks: a warning, not read, not written', async () => {
    const { dir } = tree();
    git(dir, 'init', '-q');
    expect((await lint(dir, ['--cache-location', 'kl.cache'])).code).toBe(1);
    edit(path.join(dir, 'kl.cache'), (e) => void (e.diagnostics = []));
    git(dir, 'add', 'kl.cache');
    git(dir, 'commit', '-q', '-m', 'plant');
    const planted = fs.readFileSync(path.join(dir, 'kl.cache'), 'utf8');
    const r = await lint(dir, ['--cache-location', 'kl.cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^keepalived-lint: warning: the cache file .*kl\.cache is tracked by git .*; linting without the cache\n$/,
    );
    expect(fs.readFileSync(path.join(dir, 'kl.cache'), 'utf8')).toBe(planted);
    // A tracked key (the attacker's own key, committed with a cache signed by it) is refused too.
    git(dir, 'rm', '-q', '--cached', 'kl.cache');
    git(dir, 'add', '-f', 'kl.cache.key');
    git(dir, 'commit', '-q', '-m', 'plant the key');
    const k = await lint(dir, ['--cache-location', 'kl.cache']);
    expect(k.code).toBe(1);
    expect(k.stderr).toMatch(/kl\.cache\.key is tracked by git/);
  });

  it('without git on PATH skips the tracked check; the HMAC still refuses a planted entry', async () => {
    const { dir } = tree();
    git(dir, 'init', '-q');
    // A cache planted by the repository: the user's entries with the findings taken out, not re-signed.
    expect((await lint(dir, ['--cache-location', 'kl.cache'])).code).toBe(1);
    edit(path.join(dir, 'kl.cache'), (e) => void (e.diagnostics = []), false);
    git(dir, 'add', 'kl.cache');
    git(dir, 'commit', '-q', '-m', 'plant');
    const saved = process.env.PATH;
    process.env.PATH = tempTree('kl-nogit-').dir;
    try {
      const r = await lint(dir, ['--cache-location', 'kl.cache']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
    } finally {
      process.env.PATH = saved;
    }
  });

  it(
    'a git that runs and fails (dubious ownership) refuses the cache: not ' + 'known untracked is not trusted',
    async () => {
      const { dir } = tree();
      git(dir, 'init', '-q');
      expect((await lint(dir, ['--cache-location', 'kl.cache'])).code).toBe(1);
      const bin = tempTree('kl-badgit-');
      bin.write('git', '#!/bin/sh\necho "fatal: detected dubious ownership" >&2\nexit 128\n', 0o755);
      const saved = process.env.PATH;
      process.env.PATH = `${bin.dir}${path.delimiter}${saved ?? ''}`;
      try {
        const r = await lint(dir, ['--cache-location', 'kl.cache']);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(
          new RegExp(
            /^keepalived-lint: warning: cannot use the cache .*kl\.cache: /.source +
              /git cannot say whether it tracks the cache file .*; linting without the cache\n$/.source,
          ),
        );
      } finally {
        process.env.PATH = saved;
      }
    },
  );

  it('refuses a key others can read (git checks files out 0644)', async () => {
    const { dir } = tree();
    expect((await lint(dir)).code).toBe(1);
    edit(cacheOf(dir), (e) => void (e.diagnostics = []));
    fs.chmodSync(keyFileFor(cacheOf(dir)), 0o644);
    const r = await lint(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot use the cache key .* is readable by others/);
  });

  for (const [what, make] of [
    ['a symbolic link to /dev/zero', (f: string) => fs.symlinkSync('/dev/zero', f)],
    ['a symbolic link to /proc/kmsg', (f: string) => fs.symlinkSync('/proc/kmsg', f)],
    ['a FIFO', (f: string) => execFileSync('mkfifo', [f])],
  ] as const) {
    it(`ends at once with a warning when the cache file is ${what}`, async () => {
      const { dir } = tree();
      make(path.join(dir, 'kl.cache'));
      // At once: no CPU spent reading /dev/zero (CPU time, which load does not stretch:
      // test/support/cpu.ts); a blocking read of a FIFO or /proc/kmsg would never end (the test's timeout).
      const { value: r, cpuMs } = await cpuMsOf(() => lint(dir, ['--cache-location', 'kl.cache']));
      expect(cpuMs).toBeLessThan(5000);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        new RegExp(
          /^keepalived-lint: warning: cannot use the cache .*kl\.cache: /.source +
            /(is a symbolic link|is not a regular file).*; linting without the cache\n$/.source,
        ),
      );
      // Not replaced either: the user's link stays what it was.
      expect(fs.lstatSync(path.join(dir, 'kl.cache')).isFile()).toBe(false);
    });
  }

  it('refuses a device given as the cache file itself', async () => {
    const { dir } = tree();
    const r = await lint(dir, ['--cache-location', '/dev/zero']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot use the cache \/dev\/zero: is not a regular file; linting without the cache/);
  });

  it('refuses a cache file larger than the cap, without reading it', async () => {
    const { dir } = tree();
    const big = path.join(dir, 'big.cache');
    fs.writeFileSync(big, '');
    fs.truncateSync(big, MAX_CACHE_BYTES + 1);
    const r = await lint(dir, ['--cache-location', 'big.cache']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot use the cache .*big\.cache: is 64\.0 MiB, more than the 64 MiB a cache may be/);
  });
});
