// --cache (issue 7): a config is re-linted when anything its lint read changed (the config, an
// include, a file a glob now matches, a script's content, mode or existence, the options), and
// served from the cache otherwise. Served-from-cache is observed by marking the kept diagnostics:
// a served entry shows the mark, a re-linted one does not.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';

const MARK = 'KEPT-IN-CACHE';

function tree() {
  const t = tempTree('kl-cache-');
  for (const h of ['lb1', 'lb2']) {
    t.write(
      `${h}/etc/keepalived/keepalived.conf`,
      'global_defs {\n    enable_script_security\n}\ninclude conf.d/*.conf\nvrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priorty 100\n    notify /etc/keepalived/notify.sh\n}\n',
    );
    t.write(`${h}/etc/keepalived/conf.d/a.conf`, 'vrrp_script chk {\n    script "/bin/true"\n}\n');
    t.write(`${h}/etc/keepalived/notify.sh`, '#!/bin/sh\ncase "$2" in\n  VI_1) exit 0 ;;\nesac\n', 0o755);
  }
  return t;
}

/** Replace every kept message with MARK. */
function mark(cacheFile: string): void {
  const data = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, { diagnostics: { message: string }[] }> };
  for (const e of Object.values(data.entries)) for (const d of e.diagnostics) d.message = MARK;
  fs.writeFileSync(cacheFile, JSON.stringify(data));
}

/** Per host: served from the cache (true) or linted (false). */
async function served(dir: string, extra: string[] = []): Promise<{ lb1: boolean; lb2: boolean; stdout: string; code: number }> {
  const r = await runCli(['lb1', 'lb2', '--cache', '--format', 'json', ...extra], { cwd: dir });
  const results = (JSON.parse(r.stdout) as { results: { file: string; diagnostics: { message: string }[] }[] }).results;
  const of = (h: string) => results.filter((x) => x.file.startsWith(`${h}/`)).some((x) => x.diagnostics.some((d) => d.message === MARK));
  return { lb1: of('lb1'), lb2: of('lb2'), stdout: r.stdout, code: r.code };
}

describe('--cache', () => {
  it('gives the same report from the cache as from a lint, and keeps it in .keepalived-lint-cache', async () => {
    const { dir } = tree();
    const first = await runCli(['lb1', 'lb2', '--format', 'json'], { cwd: dir });
    const cold = await runCli(['lb1', 'lb2', '--cache', '--format', 'json'], { cwd: dir });
    const warm = await runCli(['lb1', 'lb2', '--cache', '--format', 'json'], { cwd: dir });
    expect(fs.existsSync(path.join(dir, '.keepalived-lint-cache'))).toBe(true);
    expect(first.code).toBe(1);
    expect(cold.stdout).toBe(first.stdout);
    expect(warm.stdout).toBe(first.stdout);
    expect(warm.code).toBe(first.code);
    mark(path.join(dir, '.keepalived-lint-cache'));
    const r = await served(dir);
    expect([r.lb1, r.lb2]).toEqual([true, true]);
  });

  const changes: [string, (d: string) => void][] = [
    ['the config is edited', (d) => fs.appendFileSync(path.join(d, 'lb1/etc/keepalived/keepalived.conf'), '# edited\n')],
    ['an included file is edited', (d) => fs.writeFileSync(path.join(d, 'lb1/etc/keepalived/conf.d/a.conf'), 'vrrp_script chk {\n    script "/bin/false"\n}\n')],
    ['a new file matches an include glob', (d) => fs.writeFileSync(path.join(d, 'lb1/etc/keepalived/conf.d/b.conf'), '')],
    ['a script loses its execute bit', (d) => fs.chmodSync(path.join(d, 'lb1/etc/keepalived/notify.sh'), 0o644)],
    ['a script is edited', (d) => fs.appendFileSync(path.join(d, 'lb1/etc/keepalived/notify.sh'), '# edited\n')],
    ['a script is removed', (d) => fs.rmSync(path.join(d, 'lb1/etc/keepalived/notify.sh'))],
  ];
  for (const [what, change] of changes) {
    it(`re-lints only that config when ${what}`, async () => {
      const { dir } = tree();
      await served(dir);
      mark(path.join(dir, '.keepalived-lint-cache'));
      change(dir);
      const r = await served(dir);
      expect(r.lb1).toBe(false);
      expect(r.lb2).toBe(true);
      // And what it says is what a lint without the cache says.
      const plain = await runCli(['lb1', '--format', 'json'], { cwd: dir });
      const lb1 = (s: string) => JSON.stringify((JSON.parse(s) as { results: { file: string }[] }).results.filter((x) => x.file.startsWith('lb1/')));
      expect(lb1(r.stdout)).toBe(lb1(plain.stdout));
    });
  }

  it('re-lints everything when an option that changes findings changes (--target)', async () => {
    const { dir } = tree();
    await served(dir);
    mark(path.join(dir, '.keepalived-lint-cache'));
    const r = await served(dir, ['--target', '2.0.10']);
    expect([r.lb1, r.lb2]).toEqual([false, false]);
    // The entries for the first target are still there.
    const back = await served(dir);
    expect([back.lb1, back.lb2]).toEqual([true, true]);
  });

  it('serves from the cache on worker threads too, with the same report', async () => {
    const { dir } = tree();
    const a = await runCli(['lb1', 'lb2', '--cache', '--jobs', '2', '--format', 'json'], { cwd: dir });
    const b = await runCli(['lb1', 'lb2', '--cache', '--jobs', '2', '--format', 'json'], { cwd: dir });
    expect(b.stdout).toBe(a.stdout);
    mark(path.join(dir, '.keepalived-lint-cache'));
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
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'cache/kl.json'), 'utf8'))).toMatchObject({ version: 1 });
    expect(fs.existsSync(path.join(dir, '.keepalived-lint-cache'))).toBe(false);
  });

  it('warns, and still reports, when the cache cannot be written', async () => {
    const { dir, write } = tree();
    write('blocker', 'a file where a folder would be');
    const r = await runCli(['lb1', '--cache-location', 'blocker/cache.json', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/warning: cannot write the cache .*blocker\/cache\.json/);
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results.length).toBeGreaterThan(0);
  });
});
