// Hostile inputs: each is linted in a child process with a heap limit and a time limit, and must
// give a clear message with the file (and line where there is one), exit 2 where the input is
// unusable, and still lint the other files given with it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliChild } from './support/cli-child.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-hostile-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const GOOD =
  'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n   ' +
  ' priority 100\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n ' +
  '   priorty 1\n}\n';

function file(rel: string, content: string | Buffer): string {
  const f = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, content);
  return f;
}

/** Run the CLI with at most `heapMb` of heap and `seconds` of wall time (a hang; generous, as load stretches it). */
function run(args: string[], { heapMb = 256, seconds = 240 } = {}) {
  const t0 = Date.now();
  const r = spawnSync(
    process.execPath,
    [...cliChild([`--max-old-space-size=${heapMb}`]), 'lint', '--format', 'json', ...args],
    {
      cwd: tmp,
      encoding: 'utf8',
      timeout: seconds * 1000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** The other file of every run: it must still be linted (its priorty error reported). */
const good = file('good/keepalived.conf', GOOD);
function goodLinted(stdout: string): boolean {
  const out = JSON.parse(stdout) as { results: { file: string; diagnostics: { ruleId: string }[] }[] };
  return out.results.some(
    (r) => r.file.endsWith('good/keepalived.conf') && r.diagnostics.some((d) => d.ruleId === 'unknown-keyword'),
  );
}

describe('hostile inputs (bounded time and heap, the other file still linted)', () => {
  it('a binary file: findings or a clear message, never a stack trace', () => {
    const f = file('binary.conf', Buffer.from(Array.from({ length: 65536 }, (_, i) => (i * 7919) % 256)));
    const r = run([f, good]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect([1, 2]).toContain(r.code);
    expect(goodLinted(r.stdout)).toBe(true);
  });

  it('invalid UTF-8 and NUL bytes: read as Latin-1, the NUL line reported with its line', () => {
    const f = file(
      'latin1.conf',
      Buffer.concat([Buffer.from('vrrp_instance VI_\xe9 {\n    priority 1\0 00\n}\n', 'latin1')]),
    );
    const r = run([f, good]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      results: { file: string; diagnostics: { message: string; line: number }[] }[];
    };
    const mine = out.results.find((x) => x.file.endsWith('latin1.conf'))!;
    expect(mine.diagnostics.some((d) => d.line === 2 && /NUL/i.test(d.message))).toBe(true);
  });

  it('a 50 MB config: refused without reading it, exit 2, the message says why', () => {
    const f = path.join(tmp, 'huge.conf');
    fs.writeFileSync(f, '');
    fs.truncateSync(f, 50 * 1024 * 1024);
    const r = run([f, good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/huge\.conf:1:1: error: cannot lint this file: is 50\.0 MiB, more than the 16 MiB/);
    expect(goodLinted(r.stdout)).toBe(true);
  });

  it('100,000 nested braces: no stack overflow', () => {
    const f = file('braces.conf', 'vrrp_instance VI_1 {\n' + '{\n'.repeat(100_000));
    const r = run([f, good]);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
  });

  it('a 1 MB line: read in 1023-byte pieces as keepalived does, reported at its line', () => {
    const f = file('longline.conf', 'global_defs {\n    router_id ' + 'x'.repeat(1024 * 1024) + '\n}\n');
    const r = run([f, good]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      results: { file: string; diagnostics: { line: number; ruleId: string }[] }[];
    };
    expect(out.results.find((x) => x.file.endsWith('longline.conf'))!.diagnostics.some((d) => d.line === 2)).toBe(true);
  });

  it('an include loop: reported, not followed forever', () => {
    const f = file('loop/keepalived.conf', 'include keepalived.conf\n' + GOOD);
    const r = run([f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('include-loop');
  });

  it('an include glob matching 10,000 files', () => {
    const dir = path.join(tmp, 'many', 'conf.d');
    fs.mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 10_000; i++) fs.writeFileSync(path.join(dir, `f${i}.conf`), `! ${i}\n`);
    const f = file('many/keepalived.conf', 'include conf.d/*.conf\n' + GOOD);
    const r = run([f, good]);
    expect([1, 2]).toContain(r.code);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(goodLinted(r.stdout)).toBe(true);
  });

  it('a dangling symlink, a directory given as a file, and a FIFO: exit 2 each with the file, the rest linted', () => {
    const link = path.join(tmp, 'dangling.conf');
    fs.symlinkSync(path.join(tmp, 'nowhere.conf'), link);
    const dir = path.join(tmp, 'adir.conf');
    fs.mkdirSync(dir);
    const fifo = path.join(tmp, 'fifo.conf');
    spawnSync('mkfifo', [fifo]);
    for (const f of [link, fifo]) {
      const r = run([f, good]);
      expect(r.code, f).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          `${path.basename(f)}(:1:1: error: cannot lint this file: is not a regular file|: no such file or directory)`,
        ),
      );
      expect(goodLinted(r.stdout)).toBe(true);
    }
    // A directory is searched for configs: one holding none is a usage error too.
    const r = run([dir, good]);
    expect(r.code).toBe(2);
    expect(goodLinted(r.stdout)).toBe(true);
  });

  it('an unreadable file (skipped as root, who reads everything)', (ctx) => {
    if (process.getuid?.() === 0) return ctx.skip();
    const f = file('secret.conf', GOOD);
    fs.chmodSync(f, 0);
    const r = run([f, good]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secret.conf:1:1: error: cannot lint this file: permission denied');
  });

  it('a script that is a FIFO, and one that is a device: never opened, reported, no hang', () => {
    const root = path.join(tmp, 'fifoscript');
    fs.mkdirSync(path.join(root, 'etc', 'keepalived'), { recursive: true });
    spawnSync('mkfifo', [path.join(root, 'etc', 'keepalived', 'notify.sh')]);
    const conf = file(
      'fifoscript/etc/keepalived/keepalived.conf',
      'global_defs {\n    enable_script_security\n    script_user root\n}\n' +
        GOOD.replace('    priorty 1\n', '    notify /etc/keepalived/notify.sh\n    notify_master /dev/zero\n'),
    );
    const r = run([conf, good]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      results: { file: string; diagnostics: { ruleId: string; message: string }[] }[];
    };
    const ds = out.results.find((x) => x.file.endsWith('fifoscript/etc/keepalived/keepalived.conf'))!.diagnostics;
    const notFound = ds.filter((d) => d.ruleId === 'script-not-found').map((d) => d.message);
    expect(notFound).toHaveLength(2);
    expect(notFound.join('\n')).toContain('/etc/keepalived/notify.sh');
    expect(notFound.join('\n')).toContain('/dev/zero');
    expect(goodLinted(r.stdout)).toBe(true);
  });
});
