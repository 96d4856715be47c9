// Worker threads across files (issue 7): the report with several threads is the one the main
// thread alone gives, byte for byte, for every format; a file that fails stays that file's error.
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import * as path from 'node:path';
import { MIN_CORES_FOR_WORKERS, MIN_FILES_FOR_WORKERS, WorkerPool, workerCount } from '../src/cli/worker-pool.js';
import { lintEntry } from '../src/engine/index.js';
import { rules } from '../rules/index.js';
import { nodeHost } from '../src/source/host.js';

const { dir, write } = tempTree('kl-parallel-');

// Eight hosts with findings of several kinds: a duplicate VRID, an unknown keyword through an
// include, a script that does not handle its instance, and a config that is a directory's name.
for (let h = 1; h <= 8; h++) {
  const base = `hosts/lb${h}/etc/keepalived`;
  write(
    `${base}/keepalived.conf`,
    [
      'global_defs {',
      '    enable_script_security',
      '}',
      'include conf.d/*.conf',
      `vrrp_instance VI_${h} {`,
      '    state BACKUP',
      '    interface eth0',
      `    virtual_router_id ${h % 3 === 0 ? 51 : h}`,
      '    priority 100',
      `    virtual_ipaddress {\n        192.0.2.${h}/24\n    }`,
      '    notify /etc/keepalived/notify.sh',
      '}',
      h % 3 === 0
        ? 'vrrp_instance VI_DUP {\n    interface eth0\n    virtual_router_id ' +
          '51\n    priority 90\n    virtual_ipaddress {\n        ' +
          '192.0.2.200/24\n    }\n}'
        : '',
      '',
    ].join('\n'),
  );
  write(`${base}/conf.d/extra.conf`, h % 2 ? 'vrrp_script chk {\n    script "/bin/true"\n    intervall 2\n}\n' : '');
  write(`${base}/notify.sh`, `#!/bin/sh\ncase "$2" in\n  VI_${h === 4 ? 'OLD' : h}) exit 0 ;;\nesac\n`, 0o755);
}

describe('worker threads', () => {
  it(
    'picks one thread per core from MIN_FILES_FOR_WORKERS files and 3 ' + 'cores, none below that, and obeys --jobs',
    () => {
      expect(workerCount(undefined, MIN_FILES_FOR_WORKERS - 1, 8)).toBe(0);
      expect(workerCount(undefined, 200, 8)).toBe(8);
      expect(workerCount(undefined, 200, MIN_CORES_FOR_WORKERS - 1)).toBe(0);
      expect(workerCount(2, 200, 2)).toBe(2);
      expect(workerCount(4, 2)).toBe(2);
      expect(workerCount(1, 200)).toBe(0);
    },
  );

  it('lints on worker threads what the main thread lints, entry by entry', async () => {
    const pool = new WorkerPool(3);
    const files = [1, 2, 3, 4].map((h) => path.join(dir, `hosts/lb${h}/etc/keepalived/keepalived.conf`));
    try {
      const options = { host: nodeHost(dir), rules, target: '2.2.7' };
      const run = pool.entryRunner(dir, rules, options);
      const there = await Promise.all(files.map(run));
      expect(pool.started).toBe(2);
      for (const [i, f] of files.entries()) {
        const here = await lintEntry(f, options);
        expect(there[i]).toEqual(here);
      }
      expect(there.some((r) => 'diagnostics' in r && r.diagnostics.length > 0)).toBe(true);
    } finally {
      await pool.close();
    }
  });

  for (const format of ['json', 'stylish', 'sarif']) {
    it(`gives the same ${format} report on 4 threads as on the main thread`, async () => {
      const one = await runCli(['hosts', '--jobs', '1', '--format', format], { cwd: dir });
      const four = await runCli(['hosts', '--jobs', '4', '--format', format], { cwd: dir });
      expect(one.code).toBe(1);
      expect(four.code).toBe(one.code);
      expect(four.stdout).toBe(one.stdout);
      expect(four.stderr).toBe(one.stderr);
      if (format === 'json') {
        const rules = new Set(
          (JSON.parse(one.stdout) as { results: { diagnostics: { ruleId: string }[] }[] }).results.flatMap((r) =>
            r.diagnostics.map((d) => d.ruleId),
          ),
        );
        // The tree has findings from each stage, so the comparison covers them all.
        for (const id of ['duplicate-vrid', 'unknown-keyword', 'script-unknown-name']) expect(rules).toContain(id);
      }
    });
  }

  it('keeps the other files linted when one cannot be read', async () => {
    const broken = write('hosts/lb9/etc/keepalived/keepalived.conf', Buffer.from([0xff, 0xfe, 0x00, 0x41]));
    const r = await runCli(['hosts', '--jobs', '2', '--format', 'json'], { cwd: dir });
    const serial = await runCli(['hosts', '--jobs', '1', '--format', 'json'], { cwd: dir });
    expect(r.stdout).toBe(serial.stdout);
    expect(r.stderr).toBe(serial.stderr);
    expect(r.code).toBe(serial.code);
    expect((JSON.parse(r.stdout) as { results: unknown[] }).results.length).toBeGreaterThanOrEqual(8);
    expect(broken).toContain('lb9');
  });

  it('rejects a --jobs that is not a whole number from 1', async () => {
    for (const bad of ['0', '-1', 'two', '1.5']) {
      const r = await runCli(['hosts', '--jobs', bad], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--jobs|jobs/);
    }
  });
});
