// The progress line on stderr: only on a terminal, only for many files, never in CI; cleared at the end.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { fakeIO } from './support/io.js';
import { tempTree } from './helpers.js';

const { dir: tmp, write } = tempTree('kl-progress-');

const CONF = (vrid: number) =>
  `vrrp_instance VI_${vrid} {\n    state BACKUP\n    interface ` +
  `eth0\n    virtual_router_id ${vrid}\n    priority 100\n ` +
  `   virtual_ipaddress {\n        192.0.2.${vrid}/24\n ` +
  `   }\n}\n`;
const hosts = (dir: string, n: number) =>
  Array.from({ length: n }, (_, i) => write(`${dir}/lb${String(i + 1).padStart(2, '0')}/keepalived.conf`, CONF(i + 1)));
const ERASE = '\r\u001b[K';

describe('progress line', () => {
  hosts('many', 12);
  hosts('few', 10);

  it(
    'shows linting N/TOTAL FILE for more than 10 files on a terminal, ' + 'overwritten in place, then clears it',
    async () => {
      const t = fakeIO({ cwd: tmp, stderrIsTTY: true });
      expect(await main(['many'], t.io)).toBe(0);
      const steps = t.stderrWrites.slice(0, -1);
      expect(steps).toHaveLength(12);
      expect(steps[0]).toBe(`${ERASE}linting 1/12 many/lb01/keepalived.conf`);
      expect(steps[11]).toBe(`${ERASE}linting 12/12 many/lb12/keepalived.conf`);
      expect(t.stderrWrites.at(-1)).toBe(ERASE);
      expect(t.stdout).toBe('');
    },
  );

  it('stays quiet off a terminal, in CI, on a dumb terminal, and for 10 files or fewer', async () => {
    for (const [argv, o] of [
      [['many'], { stderrIsTTY: false }],
      [['many'], {}],
      [['many'], { stderrIsTTY: true, env: { CI: 'true' } }],
      [['many'], { stderrIsTTY: true, env: { TERM: 'dumb' } }],
      [['few'], { stderrIsTTY: true }],
    ] as const) {
      const t = fakeIO({ cwd: tmp, ...o });
      expect(await main([...argv], t.io)).toBe(0);
      expect(t.stderrWrites, JSON.stringify(o)).toEqual([]);
    }
  });

  it('fits the line in the terminal width, keeping the end of the path', async () => {
    const t = fakeIO({ cwd: tmp, stderrIsTTY: true, columns: 30 });
    await main(['many'], t.io);
    const line = t.stderrWrites[0]!.slice(ERASE.length);
    expect(line).toBe('linting 1/12 …keepalived.conf');
    expect(line.length).toBe(29);
  });

  it('clears the line before the messages that follow the lint', async () => {
    hosts('mixed', 11);
    const fifo = path.join(tmp, 'mixed', 'fifo.conf');
    execFileSync('mkfifo', [fifo]);
    const t = fakeIO({ cwd: tmp, stderrIsTTY: true });
    expect(await main(['mixed', fifo], t.io)).toBe(2);
    const err = t.stderrWrites.findIndex((s) => s.includes('fifo.conf:1:1: error: cannot lint this file'));
    expect(err).toBe(13);
    expect(t.stderrWrites[err - 1]).toBe(ERASE);
    expect(t.stderrWrites[err - 2]).toBe(`${ERASE}linting 12/12 mixed/fifo.conf`);
  });

  it('shows keepalived -t N/TOTAL FILE while --with-keepalived runs, and clears it before its notes', async () => {
    // A stand-in keepalived, and an unshare that refuses (--unsafe-keepalived-sandbox), so that a note follows the
    // runs.
    const ka = write('bin/keepalived', '#!/bin/sh\n[ "$1" = -v ] && echo "Keepalived v2.2.7" >&2\nexit 0\n', 0o755);
    write('nons/unshare', '#!/bin/sh\nexit 1\n', 0o755);
    const t = fakeIO({ cwd: tmp, stderrIsTTY: true, env: { PATH: path.join(tmp, 'nons') } });
    expect(await main([`--with-keepalived=${ka}`, '--unsafe-keepalived-sandbox', 'many'], t.io)).toBe(0);
    const runs = t.stderrWrites.filter((s) => s.startsWith(`${ERASE}keepalived -t `));
    expect(runs).toHaveLength(12);
    expect(runs[11]).toBe(`${ERASE}keepalived -t 12/12 many/lb12/keepalived.conf`);
    const note = t.stderrWrites.findIndex((s) =>
      s.includes('note: --unsafe-keepalived-sandbox: keepalived -t runs outside the sandbox'),
    );
    expect(note).toBeGreaterThan(0);
    expect(t.stderrWrites[note - 1]).toBe(ERASE);
  });
});
