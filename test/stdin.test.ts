// `keepalived-lint -` and --stdin-filename, through main() with a fake standard input.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { nodeHost } from '../src/source/host.js';
import { overlayHost } from '../src/source/overlay-host.js';
import { fakeIO } from './support/io.js';
import { tempTree } from './helpers.js';

const { dir: tmp, write } = tempTree('kl-stdin-');

const INSTANCE = (name: string, extra = '') =>
  `vrrp_instance ${name} {\n    state BACKUP\n    interface ` +
  `eth0\n    virtual_router_id ${name === 'VI_1' ? 51 : 52}\n ` +
  `   priority 100\n    virtual_ipaddress {\n        192.0.2.${name === 'VI_1' ? 10 : 11}/24\n ` +
  `   }\n${extra}}\n`;
// Includes conf.d/*.conf and runs a notify script under /etc/keepalived/: both resolve next to the
// file the piped text stands for (and --root defaults from its path).
const PIPED =
  `global_defs {\n    enable_script_security\n    script_user ` +
  `root\n}\ninclude conf.d/*.conf\n${INSTANCE('VI_1', '    notify /etc/keepalived/kl-stdin-notify.sh\n')}`;

interface JsonOut {
  results: { file: string; diagnostics: { ruleId: string; line: number; message: string }[] }[];
}
function findings(stdout: string): string[] {
  return (JSON.parse(stdout) as JsonOut).results.flatMap((r) =>
    r.diagnostics.map((d) => `${r.file}:${d.line} ${d.ruleId}`),
  );
}

describe('reading the config from standard input', () => {
  it('lints the piped text as <stdin> in the cwd when no name is given', async () => {
    const t = fakeIO({ cwd: tmp, stdin: INSTANCE('VI_1').replace('priority 100', 'priorty 100') });
    const code = await main(['-', '--format', 'json'], t.io);
    expect(t.stderr).toBe('');
    expect(code).toBe(1);
    expect(findings(t.stdout)).toEqual(['<stdin>:5 unknown-keyword']);
    expect(t.stdinReads).toBe(1);
  });

  it(
    'resolves includes and scripts next to --stdin-filename, names ' +
      'findings after it, and never reads the file on disk under that name',
    async () => {
      write('hosts/lb7/etc/keepalived/conf.d/vi2.conf', INSTANCE('VI_2').replace('priority 100', 'priorty 100'));
      write('hosts/lb7/etc/keepalived/kl-stdin-notify.sh', '#!/bin/sh\nexit 0\n', 0o755);
      // What is on disk under that name is the committed version; the piped text is the edited one.
      write('hosts/lb7/etc/keepalived/keepalived.conf', PIPED.replace('priority 100', 'priority 300'));
      const t = fakeIO({ cwd: tmp, stdin: PIPED });
      const code = await main(
        ['-', '--stdin-filename', 'hosts/lb7/etc/keepalived/keepalived.conf', '--format', 'json'],
        t.io,
      );
      expect(t.stderr).toBe('');
      expect(code).toBe(1);
      expect(findings(t.stdout)).toEqual(['hosts/lb7/etc/keepalived/conf.d/vi2.conf:5 unknown-keyword']);
    },
  );

  it(
    'without --stdin-filename, the same text looks for its include from ' +
      'the cwd (and finds none), and its script on the router (not read: no ' +
      'finding)',
    async () => {
      const t = fakeIO({ cwd: tmp, stdin: PIPED });
      await main(['-', '--format', 'json'], t.io);
      expect(findings(t.stdout)).toEqual(['<stdin>:5 include-not-found']);
      // With --root / the operator asks for this machine: the script is looked for here.
      const here = fakeIO({ cwd: tmp, stdin: PIPED });
      await main(['-', '--format', 'json', '--root', '/'], here.io);
      expect(findings(here.stdout)).toEqual(['<stdin>:5 include-not-found', '<stdin>:14 script-not-found']);
    },
  );

  it('lints the piped config with the files given beside -', async () => {
    const other = write('other/keepalived.conf', INSTANCE('VI_1').replace('priority 100', 'priority 300'));
    const t = fakeIO({ cwd: tmp, stdin: INSTANCE('VI_1').replace('priority 100', 'priorty 100') });
    await main([other, '-', '--format', 'json'], t.io);
    expect(findings(t.stdout)).toEqual(['<stdin>:5 unknown-keyword', 'other/keepalived.conf:5 invalid-value']);
  });

  it('exits 2 for --stdin-filename without -, and for - where there is no standard input', async () => {
    const a = fakeIO({ cwd: tmp, stdin: '' });
    expect(await main([write('plain.conf', INSTANCE('VI_1')), '--stdin-filename', 'x.conf'], a.io)).toBe(2);
    expect(a.stderr).toMatch(/--stdin-filename .*add - to the paths/);
    expect(a.stdinReads).toBe(0);
    const b = fakeIO({ cwd: tmp });
    expect(await main(['-'], b.io)).toBe(2);
    expect(b.stderr).toContain('standard input cannot be read here');
  });
});

describe('overlayHost', () => {
  it('serves the text for the path, lists it in its folder, and delegates every other path', () => {
    write('ov/real.conf', 'on disk\n');
    const file = path.join(tmp, 'ov', 'piped.conf');
    const host = overlayHost(nodeHost(tmp), new Map([[file, 'piped\n']]));
    expect(host.readText(file)).toEqual({ ok: true, text: 'piped\n', encoding: 'utf8' });
    expect(host.stat(file).kind).toBe('file');
    expect(host.list(path.join(tmp, 'ov'))).toEqual(['piped.conf', 'real.conf']);
    expect(host.readText(path.join(tmp, 'ov', 'real.conf'))).toMatchObject({ ok: true, text: 'on disk\n' });
    expect(host.stat(path.join(tmp, 'ov', 'missing.conf')).kind).toBe('missing');
    expect(host.realpath(file)).toBe(file);
  });
});
