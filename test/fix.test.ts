// lint --fix, --unsafe-fixes and --diff (issue 18). Every fixture triple fixtures/<rule>/fix/NAME.conf
// (NAME.unsafe.conf: applied with --unsafe-fixes only) with its NAME.fixed.conf: the fix gives exactly
// the fixed text, a second --fix changes nothing, the result has none of the findings fixed and no new
// one, --diff changes no byte, and where keepalived is installed it accepts the result wherever it
// accepted the original, without the deprecation messages.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, lintJson, runCli, tempTree, type JsonDiagnostic } from './helpers.js';
import { keepalivedAvailable, runKeepalivedTest } from './support/oracle.js';
import { unifiedDiff } from '../src/format/unified-diff.js';
import { writeFixes } from '../src/cli/fix-option.js';
import { applyFixes } from '../src/engine/fixes.js';
import { nodeHost } from '../src/source/host.js';

const FIXTURES = path.join(REPO, 'fixtures');
const triples = fs
  .readdirSync(FIXTURES)
  .flatMap((rule) => {
    const dir = path.join(FIXTURES, rule, 'fix');
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.conf') && !f.endsWith('.fixed.conf'))
      .map((f) => ({ rule, dir, name: f, fixed: f.replace(/\.conf$/, '.fixed.conf') }));
  })
  .sort((a, b) => (a.rule + a.name < b.rule + b.name ? -1 : 1));

const findingKey = (d: JsonDiagnostic) => `${d.ruleId}:${d.messageId}:${JSON.stringify(d.data)}`;

describe('fix triples', () => {
  it('there are triples, each with its fixed text', () => {
    expect(triples.length).toBeGreaterThanOrEqual(3);
    for (const t of triples) expect(fs.existsSync(path.join(t.dir, t.fixed)), `${t.rule}/fix/${t.fixed}`).toBe(true);
  });
  for (const t of triples) {
    const unsafe = t.name.includes('.unsafe.');
    const args = unsafe ? ['--fix', '--unsafe-fixes'] : ['--fix'];
    it(`${t.rule}/fix/${t.name}`, async () => {
      const { dir } = tempTree('kl-fix-');
      const file = path.join(dir, 'keepalived.conf');
      const original = fs.readFileSync(path.join(t.dir, t.name), 'utf8');
      const expected = fs.readFileSync(path.join(t.dir, t.fixed), 'utf8');
      fs.writeFileSync(file, original);
      const before = await lintJson(file, [], dir);
      const fixable = before.all.filter((d) => d.ruleId === t.rule && (unsafe ? d.suggestions || d.fix : d.fix));
      expect(fixable.length, 'the fixture has findings with a fix').toBeGreaterThan(0);

      // --diff: nothing written, exit 1, and the diff is the one between the texts.
      const diff = await runCli(['lint', 'keepalived.conf', '--diff', ...(unsafe ? ['--unsafe-fixes'] : [])], {
        cwd: dir,
      });
      expect(diff.code).toBe(1);
      expect(fs.readFileSync(file, 'utf8')).toBe(original);
      expect(diff.stdout).toBe(unifiedDiff('a/keepalived.conf', 'b/keepalived.conf', original, expected));

      // Without --unsafe-fixes, an unsafe triple's suggestions are left alone.
      if (unsafe) {
        await runCli(['lint', 'keepalived.conf', '--fix'], { cwd: dir });
        expect(fs.readFileSync(file, 'utf8')).toBe(original);
      }
      const r = await runCli(['lint', 'keepalived.conf', ...args], { cwd: dir });
      expect(r.stderr).toMatch(/fixed \d+ problems? in 1 file/);
      expect(fs.readFileSync(file, 'utf8')).toBe(expected);

      // Re-lint: the fixed findings are gone, no finding is new.
      const after = await lintJson(file, [], dir);
      const old = new Set(before.all.map(findingKey));
      expect(after.all.filter((d) => !old.has(findingKey(d)))).toEqual([]);
      for (const d of fixable) expect(after.all.map(findingKey)).not.toContain(findingKey(d));

      // Idempotent: a second run changes nothing.
      const again = await runCli(['lint', 'keepalived.conf', ...args], { cwd: dir });
      expect(again.stderr).toMatch(/fixed 0 problems in 0 files/);
      expect(fs.readFileSync(file, 'utf8')).toBe(expected);
    });
    it.skipIf(!keepalivedAvailable())(`${t.rule}/fix/${t.name}: keepalived 2.2.7 accepts the result`, () => {
      const was = runKeepalivedTest(path.join(t.dir, t.name), { interfaces: ['eth0', 'eth1'] });
      const now = runKeepalivedTest(path.join(t.dir, t.fixed), { interfaces: ['eth0', 'eth1'] });
      if (was.exitCode === 0) expect(now.exitCode, now.raw).toBe(0);
      expect(now.raw).not.toMatch(/deprecated/i);
      expect(now.messages.length).toBeLessThanOrEqual(was.messages.length);
    });
  }
});

describe('--fix and --diff on the command line', () => {
  const conf = (word: string) =>
    `vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n    priority 100\n` +
    `    virtual_ipaddress {\n        192.0.2.1/24\n    }\n    virtual_routes {\n` +
    `        198.51.100.0/24 ${word} 192.0.2.254\n    }\n}\n`;

  it('--unsafe-fixes alone, and --fix on standard input, are usage errors (exit 2)', async () => {
    const { dir, write } = tempTree('kl-fix-usage-');
    write('keepalived.conf', conf('gw'));
    const alone = await runCli(['lint', 'keepalived.conf', '--unsafe-fixes'], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--unsafe-fixes goes with --fix or --diff/);
    const stdin = await runCli(['lint', '-', '--fix', '--stdin-filename', 'keepalived.conf'], {
      cwd: dir,
      stdin: conf('gw'),
    });
    expect(stdin.code).toBe(2);
    expect(stdin.stderr).toMatch(/not for a config read from standard input/);
    expect(fs.readFileSync(path.join(dir, 'keepalived.conf'), 'utf8')).toBe(conf('gw'));
  });

  it('fixes an included file where it is, keeps a symbolic link a link, its mode, and CRLF line ends', async () => {
    const { dir, write } = tempTree('kl-fix-include-');
    write('keepalived.conf', 'include conf.d/*.conf\n');
    write('real/vi1.conf', conf('gw').replace(/\n/g, '\r\n'), 0o640);
    fs.mkdirSync(path.join(dir, 'conf.d'));
    fs.symlinkSync('../real/vi1.conf', path.join(dir, 'conf.d', 'vi1.conf'));
    const r = await runCli(['lint', 'keepalived.conf', '--fix'], { cwd: dir });
    expect(r.stderr).toMatch(/fixed 1 problem in 1 file/);
    expect(fs.lstatSync(path.join(dir, 'conf.d', 'vi1.conf')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'real', 'vi1.conf'), 'utf8')).toBe(conf('via').replace(/\n/g, '\r\n'));
    expect(fs.statSync(path.join(dir, 'real', 'vi1.conf')).mode & 0o777).toBe(0o640);
  });

  it('a file that cannot be written is an error (exit 2), the others are still written', () => {
    const { dir, write } = tempTree('kl-fix-unwritable-');
    const ok = write('keepalived.conf', conf('gw'));
    const host = nodeHost(dir);
    // /proc/version: readable, and no one (root included) can create a file beside it to rename over it.
    const proc = host.readText('/proc/version');
    const changed = new Map([[ok, { before: conf('gw'), after: conf('via') }]]);
    if (proc.ok) changed.set('/proc/version', { before: proc.text, after: 'x' });
    const errors = writeFixes({ changed, applied: 2, left: 0 }, host, dir);
    expect(fs.readFileSync(ok, 'utf8')).toBe(conf('via'));
    if (proc.ok)
      expect(errors).toEqual([expect.stringMatching(/^\/proc\/version:1:1: error: cannot write the fixes: /)]);
  });

  it('a file changed on disk after it was read is not overwritten', () => {
    const { dir, write } = tempTree('kl-fix-raced-');
    const f = write('keepalived.conf', conf('gw'));
    const errors = writeFixes(
      { changed: new Map([[f, { before: 'other text', after: conf('via') }]]), applied: 1, left: 0 },
      nodeHost(dir),
      dir,
    );
    expect(errors).toEqual([expect.stringMatching(/changed while it was being fixed/)]);
    expect(fs.readFileSync(f, 'utf8')).toBe(conf('gw'));
  });
});

describe('applyFixes', () => {
  const edit = (start: number, end: number, text: string) => ({
    file: '/k.conf',
    start,
    end,
    text,
    from: { line: 1, column: start + 1 },
    to: { line: 1, column: end + 1 },
  });
  const report = (...fixes: ReturnType<typeof edit>[][]) => ({
    results: [
      {
        file: '/k.conf',
        diagnostics: fixes.map((edits, i) => ({
          ruleId: 'r',
          severity: 'error' as const,
          message: `m${i}`,
          file: '/k.conf',
          range: { start: 0, end: 0 },
          start: { line: 1, column: 1 },
          end: { line: 1, column: 1 },
          fix: { message: `f${i}`, edits },
        })),
      },
    ],
  });
  const text = () => 'abcdefghij';

  it('applies every edit of a fix, in source order, and the same edit offered twice once', () => {
    const out = applyFixes(report([edit(8, 10, 'IJ')], [edit(0, 2, 'AB')], [edit(0, 2, 'AB')]), text, {
      unsafe: false,
    });
    expect(out.texts.get('/k.conf')).toBe('ABcdefghIJ');
    expect(out.applied).toBe(2);
    expect(out.deferred).toBe(0);
  });

  it('defers a fix that overlaps one already taken, whole (none of its edits is made)', () => {
    const out = applyFixes(report([edit(0, 4, 'X')], [edit(2, 6, 'Y'), edit(8, 9, 'Z')]), text, { unsafe: false });
    expect(out.texts.get('/k.conf')).toBe('Xefghij');
    expect(out.deferred).toBe(1);
  });

  it('an insertion beside a replacement is taken, before it; fixes offered out of order land in order', () => {
    const out = applyFixes(report([edit(8, 9, 'Z')], [edit(2, 4, 'R')], [edit(2, 2, 'I')]), text, { unsafe: false });
    expect(out.texts.get('/k.conf')).toBe('abIRefghZj');
    expect(out.applied).toBe(3);
  });

  it('takes suggestions only when unsafe', () => {
    const r = report();
    r.results[0]!.diagnostics.push({
      ruleId: 'r',
      severity: 'error',
      message: 's',
      file: '/k.conf',
      range: { start: 0, end: 0 },
      start: { line: 1, column: 1 },
      end: { line: 1, column: 1 },
      suggestions: [{ message: 's', edits: [edit(0, 1, 'Q')] }],
    } as never);
    expect(applyFixes(r, text, { unsafe: false }).texts.size).toBe(0);
    expect(applyFixes(r, text, { unsafe: true }).texts.get('/k.conf')).toBe('Qbcdefghij');
  });
});

describe('the Debian upgrade, end to end', () => {
  // The jessie config: "gateway" with IPv4 and IPv6 VIPs, its notify script matching "gateway)".
  const fixtures = path.join(FIXTURES, 'script-unknown-name', 'valid');
  it('--fix --unsafe-fixes --from jessie --target stretch: clean for stretch, diff shows only the split', async () => {
    const { dir, write } = tempTree('kl-fix-debian-');
    const original = fs
      .readFileSync(path.join(fixtures, 'debian-jessie-unsplit.conf'), 'utf8')
      .replace(/^# fixture:.*\n/, '');
    const conf = write('etc/keepalived/keepalived.conf', original);
    const script = fs.readFileSync(path.join(fixtures, 'etc', 'keepalived', 'default-route.sh'), 'utf8');
    write('etc/keepalived/default-route.sh', script, 0o755);
    const before = await lintJson(conf, ['--target', 'stretch'], dir);
    expect(before.all.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['mixed-address-family']);
    const r = await runCli(
      ['lint', 'etc/keepalived/keepalived.conf', '--fix', '--unsafe-fixes', '--from', 'jessie', '--target', 'stretch'],
      { cwd: dir },
    );
    expect(r.stderr).toMatch(/fixed 1 problem in 1 file/);
    expect(r.code).toBe(0);
    const after = await lintJson(conf, ['--target', 'stretch'], dir);
    expect(after.all.filter((d) => d.severity === 'error')).toEqual([]);
    expect(
      after.all.filter((d) => d.ruleId.startsWith('script-unknown') || d.ruleId.startsWith('script-unhandled')),
    ).toEqual([]);
    // The script is untouched: the group named "gateway" passes it the name it matches.
    expect(fs.readFileSync(path.join(dir, 'etc/keepalived/default-route.sh'), 'utf8')).toBe(script);
    const old = write('old.conf', original);
    const d = await runCli(['diff', old, conf, '--target', 'stretch'], { cwd: dir });
    expect(d.stdout).toMatch(/split\s+vrrp_instance gateway -> gateway_v4, gateway_v6/);
    expect(d.stdout).toMatch(/added\s+vrrp_sync_group gateway/);
    expect(d.stdout).toMatch(/Impact: no new problems\./);
    if (keepalivedAvailable()) {
      expect(runKeepalivedTest(conf, { interfaces: ['eth0'] }).exitCode).toBe(0);
      expect(runKeepalivedTest(old, { interfaces: ['eth0'] }).raw).toMatch(/address family must match/);
    }
  });
});

describe('the upgrade split of an instance already in a sync group', () => {
  const conf = [
    'global_defs {',
    '    router_id gw1',
    '    enable_script_security',
    '    script_user root',
    '    lvs_sync_daemon eth0 gateway id 10',
    '}',
    'vrrp_sync_group uplinks {',
    '    group {',
    '        gateway',
    '        transit',
    '    }',
    '}',
    ...['gateway', 'transit'].flatMap((name, i) => [
      `vrrp_instance ${name} {`,
      '    state BACKUP',
      `    interface eth${i}`,
      `    virtual_router_id ${51 + 10 * i}`,
      '    priority 100',
      '    virtual_ipaddress {',
      i ? '        198.51.100.1/24' : '        192.0.2.1/24\n        2001:db8::1/64',
      '    }',
      '    notify /etc/keepalived/default-route.sh',
      '}',
    ]),
    '',
  ].join('\n');
  const script = [
    '#!/bin/sh',
    'case "$2" in',
    '    gateway) [ "$3" = MASTER ] && ip route replace default via 192.0.2.254 ;;',
    '    "gateway") : ;;',
    '    transit) : ;;',
    'esac',
    '',
  ].join('\n');

  it('the group gets the new member, lvs_sync_daemon follows, the plain case arm takes both names', async () => {
    const { dir, write } = tempTree('kl-fix-group-');
    const c = write('etc/keepalived/keepalived.conf', conf);
    const s = write('etc/keepalived/default-route.sh', script, 0o750);
    const r = await runCli(['lint', 'etc/keepalived/keepalived.conf', '--fix', '--unsafe-fixes'], { cwd: dir });
    expect(r.stderr).toMatch(
      /fixed 1 problem in 2 files: etc\/keepalived\/keepalived.conf, etc\/keepalived\/default-route.sh/,
    );
    const fixed = fs.readFileSync(c, 'utf8');
    expect(fixed).toContain('    lvs_sync_daemon eth0 gateway_v4 id 10\n');
    expect(fixed).toContain('        gateway_v4\n        gateway_v6\n        transit\n');
    expect(fixed.match(/lvs_sync_daemon/g)).toHaveLength(1);
    // The quoted arm is not rewritten ("gateway_v4|gateway_v6" in quotes is one literal word).
    expect(fs.readFileSync(s, 'utf8')).toBe(script.replace('    gateway)', '    gateway_v4|gateway_v6)'));
    expect(fs.statSync(s).mode & 0o777).toBe(0o750);
    const after = await lintJson(c, [], dir);
    expect(after.all.filter((d) => d.ruleId === 'mixed-address-family')).toEqual([]);
    // What is left is the quoted arm, which names an instance that no longer exists.
    expect(after.all.filter((d) => d.severity === 'error').map((d) => d.ruleId)).toEqual(['script-unknown-name']);
    if (keepalivedAvailable()) expect(runKeepalivedTest(c, { interfaces: ['eth0', 'eth1'] }).exitCode).toBe(0);
  });
});

describe('several upgrade splits in one config', () => {
  it('each new instance gets its own free VRID (two splits never take the same one)', async () => {
    const { dir, write } = tempTree('kl-fix-two-splits-');
    const instance = (name: string, vrid: number, v4: string, v6: string) =>
      [
        `vrrp_instance ${name} {`,
        '    state BACKUP',
        '    interface eth0',
        `    virtual_router_id ${vrid}`,
        '    priority 100',
        '    virtual_ipaddress {',
        `        ${v4}`,
        `        ${v6}`,
        '    }',
        '}',
      ].join('\n');
    const c = write(
      'keepalived.conf',
      [
        instance('web', 51, '192.0.2.1/24', '2001:db8::1/64'),
        instance('db', 50, '192.0.2.2/24', '2001:db8::2/64'),
        '',
      ].join('\n'),
    );
    const r = await runCli(['lint', 'keepalived.conf', '--fix', '--unsafe-fixes'], { cwd: dir });
    expect(r.stderr).toMatch(/fixed 2 problems in 1 file/);
    const vrids = [...fs.readFileSync(c, 'utf8').matchAll(/virtual_router_id (\d+)/g)].map((m) => Number(m[1]));
    expect(vrids.sort((a, b) => a - b)).toEqual([50, 51, 52, 53]);
    const after = await lintJson(c, [], dir);
    expect(after.all.filter((d) => d.ruleId === 'duplicate-vrid' || d.ruleId === 'mixed-address-family')).toEqual([]);
  });
});
