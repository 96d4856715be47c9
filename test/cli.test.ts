// The CLI through main(argv, io): exit codes, the json shape, directories, unreadable input, parse.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HAVE_SHARED, REPO, SHARED, runCli, tempTree } from './helpers.js';

const { dir: tmp, write } = tempTree('kl-cli-');

const CLEAN =
  'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    ' +
  'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
  '   192.0.2.10/24\n    }\n}\n';

describe('lint exit codes and output', () => {
  it('exits 0 and prints nothing for a clean config', async () => {
    const r = await runCli(['lint', write('clean/keepalived.conf', CLEAN)]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('exits 1 with an error finding, 0 with warnings only', async () => {
    expect((await runCli(['lint', write('err.conf', CLEAN.replace('priority 100', 'priority 300'))])).code).toBe(1);
    expect((await runCli(['lint', write('warn.conf', CLEAN.replace('priority 100', 'priority 100 150'))])).code).toBe(
      0,
    );
  });

  it('prints the documented json shape with 1-based positions', async () => {
    const file = write('json.conf', CLEAN.replace('priority 100', 'priorty 100'));
    const r = await runCli(['lint', file, '--format', 'json'], { cwd: tmp });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toEqual({
      version: 1,
      results: [
        {
          file: 'json.conf',
          diagnostics: [
            {
              ruleId: 'unknown-keyword',
              severity: 'error',
              message: 'Unknown keyword "priorty" in vrrp_instance VI_1: keepalived 2.2.7 ignores the line',
              detail: expect.stringContaining('Did you mean "priority"?'),
              messageId: 'unknown',
              data: expect.objectContaining({ name: 'priorty', scope: 'in vrrp_instance VI_1' }),
              line: 5,
              column: 5,
              endLine: 5,
              endColumn: 12,
              ruleUrl: expect.stringMatching(
                /^https:\/\/github\.com\/[^/]+\/[^/]+\/blob\/main\/docs\/rules\/unknown-keyword\.md$/,
              ),
            },
          ],
        },
      ],
    });
    expect(out.results[0].diagnostics[0].detail).toContain('Did you mean "priority"?');
  });

  it('stylish output shows file, position, rule and a caret under the word', async () => {
    const file = write('stylish.conf', CLEAN.replace('state BACKUP', 'state master'));
    const r = await runCli(['lint', file], { cwd: tmp });
    expect(r.stdout).toContain('stylish.conf\n');
    expect(r.stdout).toMatch(/  2:11  error  "master" is not a valid value for state.*invalid-value/);
    expect(r.stdout).toContain('\n        state master\n              ^^^^^^\n');
    expect(r.stdout).not.toContain('\u001b['); // no colour when not a TTY
    const colored = await runCli(['lint', file], { cwd: tmp, isTTY: true });
    expect(colored.stdout).toContain('\u001b[31merror');
    const noColor = await runCli(['lint', file], { cwd: tmp, isTTY: true, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain('\u001b[');
  });

  it('exits 2 for a missing file, names it, and still lints the others', async () => {
    const good = write('other.conf', CLEAN.replace('priority 100', 'priority 0'));
    const r = await runCli(['lint', path.join(tmp, 'nope.conf'), good, '--format', 'json'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.conf: no such file or directory');
    expect(JSON.parse(r.stdout).results[0].file).toBe('other.conf');
    expect(JSON.parse(r.stdout).results[0].diagnostics[0].ruleId).toBe('invalid-value');
  });

  it.skipIf(process.getuid?.() === 0)(
    'exits 2 for an unreadable file with file:line:column, never a stack trace',
    async () => {
      const f = write('locked.conf', CLEAN);
      fs.chmodSync(f, 0);
      const r = await runCli(['lint', f], { cwd: tmp });
      fs.chmodSync(f, 0o644);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/locked\.conf:1:1: error: cannot lint this file: permission denied/);
    },
  );

  it('exits 2 for a dangling symlink and a FIFO given as files, and lints the rest', async () => {
    fs.symlinkSync(path.join(tmp, 'no-target.conf'), path.join(tmp, 'dangling.conf'));
    const fifo = path.join(tmp, 'fifo.conf');
    const { execFileSync } = await import('node:child_process');
    execFileSync('mkfifo', [fifo]);
    write('good-too.conf', CLEAN.replace('priority 100', 'priority 0'));
    const r = await runCli(['lint', 'dangling.conf', 'fifo.conf', 'good-too.conf'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dangling.conf: no such file or directory');
    expect(r.stderr).toMatch(/fifo\.conf:1:1: error: cannot lint this file: is not a regular file/);
    expect(r.stdout).toContain('good-too.conf');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('does not go round a symlink loop in a directory walk', async () => {
    write('looped/etc/keepalived/keepalived.conf', CLEAN);
    fs.symlinkSync('..', path.join(tmp, 'looped/etc/keepalived/up'));
    const r = await runCli(['lint', 'looped', '--format', 'json'], { cwd: tmp });
    expect(JSON.parse(r.stdout).results.map((x: { file: string }) => x.file)).toEqual([
      'looped/etc/keepalived/keepalived.conf',
    ]);
  });

  it('survives binary input without a stack trace', async () => {
    const f = path.join(tmp, 'binary.conf');
    fs.writeFileSync(f, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 0xff, 0xfe, 10, 0x7b, 10]));
    const r = await runCli(['lint', f, '--format', 'json'], { cwd: tmp });
    expect([0, 1]).toContain(r.code);
    expect(r.stderr).toBe('');
    expect(
      JSON.parse(r.stdout).results[0].diagnostics.some((d: { message: string }) => /NUL bytes/.test(d.message)),
    ).toBe(true);
  });

  it('rejects an unknown --target and an unknown option with exit 2', async () => {
    expect((await runCli(['lint', '--target', 'banana', write('t.conf', CLEAN)])).code).toBe(2);
    const r = await runCli(['lint', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown option');
  });

  it('finds keepalived.conf and keepalived/*.conf in a directory, and lints included files once', async () => {
    write('repo/hosts/lb1/etc/keepalived/keepalived.conf', 'include conf.d/*.conf\n');
    write('repo/hosts/lb1/etc/keepalived/conf.d/vi.conf', CLEAN.replace('priority 100', 'priority 256'));
    write('repo/README.conf', 'not a keepalived file\n');
    // a fragment that is only valid where it is included: linted in place, not on its own
    write(
      'repo/hosts/lb1/etc/keepalived/keepalived.conf',
      'include conf.d/*.conf\nvrrp_instance VI_2 {\n    include fragments/body.conf\n}\n',
    );
    write('repo/hosts/lb1/etc/keepalived/fragments/body.conf', 'state BACKUP\ninterface eth0\nvirtual_router_id 52\n');
    const r = await runCli(['lint', 'repo', '--format', 'json'], { cwd: tmp });
    const out = JSON.parse(r.stdout) as { results: { file: string; diagnostics: unknown[] }[] };
    expect(out.results.map((x) => x.file).sort()).toEqual([
      'repo/hosts/lb1/etc/keepalived/conf.d/vi.conf',
      'repo/hosts/lb1/etc/keepalived/keepalived.conf',
    ]);
    expect(r.stdout).not.toContain('body.conf');
    expect(out.results.find((x) => x.file.endsWith('vi.conf'))!.diagnostics).toHaveLength(1);
    expect(r.code).toBe(1);
  });

  it('resolves absolute includes under the root it infers from R/etc/keepalived/', async () => {
    write('root/etc/keepalived/keepalived.conf', 'include /etc/keepalived/extra.conf\n');
    write('root/etc/keepalived/extra.conf', 'bogus_keyword 1\n');
    const r = await runCli(['lint', 'root/etc/keepalived/keepalived.conf', '--format', 'json'], { cwd: tmp });
    const out = JSON.parse(r.stdout) as { results: { file: string; diagnostics: { ruleId: string }[] }[] };
    expect(out.results.find((x) => x.file === 'root/etc/keepalived/extra.conf')!.diagnostics[0]!.ruleId).toBe(
      'unknown-keyword',
    );
  });
});

describe('target versions and distributions', () => {
  const MIXED = CLEAN.replace('192.0.2.10/24\n', '192.0.2.10/24\n        2001:db8::10/64\n');
  it('reports mixed families for stretch and bookworm, not for jessie; --from names the change', async () => {
    const f = write('mixed.conf', MIXED);
    const rules = async (...args: string[]) =>
      (
        JSON.parse((await runCli(['lint', f, '--format', 'json', ...args], { cwd: tmp })).stdout).results[0]
          ?.diagnostics ?? []
      ).map((d: { ruleId: string; message: string; detail?: string }) => d);
    expect(await rules('--target', '1.2.13')).toEqual([]);
    expect(await rules('--target', 'jessie')).toEqual([]);
    for (const t of ['1.3.2', 'stretch', 'debian-9', 'bookworm']) {
      expect(
        (await rules('--target', t)).map((d: { ruleId: string }) => d.ruleId),
        t,
      ).toEqual(['mixed-address-family']);
    }
    expect((await rules()).map((d: { ruleId: string }) => d.ruleId)).toEqual(['mixed-address-family']);
    const [d] = await rules('--from', '1.2.13', '--target', '1.3.2');
    expect(d.message).toContain('IPv6 address 2001:db8::10/64 in IPv4 vrrp_instance');
    expect(d.detail).toContain('This changed in keepalived 1.2.20: 1.2.13 accepted both families');
    expect(d.detail).toContain('only logs it to syslog');
  });
  it('--from says when a keyword that works today stops working with the upgrade', async () => {
    // global_defs plugin_dir: installed up to 1.2.19, unknown from 1.2.20 on.
    const f = write('plugin.conf', 'global_defs {\n    plugin_dir /usr/lib/keepalived\n}\n');
    const r = await runCli(['lint', f, '--format', 'json', '--from', 'debian-8', '--target', 'stretch'], { cwd: tmp });
    const d = JSON.parse(r.stdout).results[0].diagnostics[0];
    expect(d.ruleId).toBe('unknown-keyword');
    expect(d.message).toContain('Unknown keyword "plugin_dir" in global_defs');
    expect(d.detail).toContain('removed after keepalived 1.2.19');
    expect(d.detail).toContain('valid in keepalived 1.2.13 (--from), so this line stops working with the upgrade');
    const plain = await runCli(['lint', f, '--format', 'json', '--target', 'stretch'], { cwd: tmp });
    const p = JSON.parse(plain.stdout).results[0].diagnostics[0];
    expect(`${p.message}\n${p.detail}`).not.toContain('--from');
  });

  it('rejects an unknown distribution, and --help lists the unverified mappings', async () => {
    const r = await runCli(['lint', '--target', 'debian-99', write('t2.conf', CLEAN)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('neither a keepalived version');
    const h = await runCli(['lint', '--help']);
    expect(h.stdout).toMatch(/jessie=1\.2\.13\?/);
    expect(h.stdout).toMatch(/bookworm=2\.2\.7[,\s]/);
  });
});

describe('config-ids', () => {
  it('lints once per @id and lists the ids a finding applies to', async () => {
    const f = write(
      'ids.conf',
      CLEAN.replace('    priority 100\n', '@lb1 priority 300\n@lb2 priority 100\n@^lb1 priority 50\n'),
    );
    const r = await runCli(['lint', f, '--format', 'json'], { cwd: tmp });
    const d = JSON.parse(r.stdout).results[0].diagnostics;
    expect(d).toHaveLength(1);
    expect(d[0].configIds).toEqual(['lb1']);
    expect(d[0].line).toBe(5);
    const only = await runCli(['lint', f, '--config-id', 'lb2'], { cwd: tmp });
    expect(only.code).toBe(0);
  });
});

describe('parse', () => {
  it('shows the instances a ~SEQ over a multi-line definition produces, with positions', async () => {
    const f = write(
      'seq.conf',
      [
        '$VI= \\',
        'vrrp_instance VLAN_${VLAN} { \\',
        '    interface eth0.${VLAN} \\',
        '    virtual_router_id ${VLAN} \\',
        '}',
        '',
        '~SEQ(VLAN, 101, 1, 103) $VI',
        '',
      ].join('\n'),
    );
    const r = await runCli(['parse', f], { cwd: tmp });
    expect(r.code).toBe(0);
    const tree = JSON.parse(r.stdout);
    const instances = tree.config.filter((n: { keyword: string }) => n.keyword === 'vrrp_instance');
    expect(instances.map((n: { args: string[] }) => n.args[0])).toEqual(['VLAN_101', 'VLAN_102', 'VLAN_103']);
    expect(instances[2]).toMatchObject({ file: 'seq.conf', line: 7, via: ['~SEQ(VLAN, 101, 1, 103)', '$VI'] });
    expect(instances[2].block).toEqual([
      expect.objectContaining({ keyword: 'interface', args: ['eth0.103'] }),
      expect.objectContaining({ keyword: 'virtual_router_id', args: ['103'] }),
    ]);
  });

  it('evaluates @id lines for the given config-id', async () => {
    const f = write('cond.conf', 'global_defs {\n@lb1 router_id one\n@^lb1 router_id other\n}\n');
    const one = JSON.parse((await runCli(['parse', f, '--config-id', 'lb1'], { cwd: tmp })).stdout);
    const other = JSON.parse((await runCli(['parse', f], { cwd: tmp })).stdout);
    expect(one.config[0].block.map((n: { args: string[] }) => n.args[0])).toEqual(['one']);
    expect(other.config[0].block.map((n: { args: string[] }) => n.args[0])).toEqual(['other']);
    expect(other.conditionIds).toEqual(['lb1']);
  });
});

describe('parse --scripts', () => {
  // Issue 15, item 4: what the analysis saw, per script: where the name arrives, each dispatch with
  // its literals, each use it cannot follow with its reason, each at file:line:column.
  const conf =
    'global_defs {\n    vrrp_notify_fifo_script /etc/keepalived/fifo.sh\n}\n' +
    'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 100\n' +
    '    virtual_ipaddress {\n        192.0.2.1/24\n    }\n' +
    '    notify /etc/keepalived/notify.sh\n    notify_master /etc/keepalived/notify.sh\n}\n' +
    'vrrp_instance VI_2 {\n    interface eth0\n    virtual_router_id 52\n    priority 100\n' +
    '    virtual_ipaddress {\n        192.0.2.2/24\n    }\n    notify /etc/keepalived/broken.sh\n}\n';
  const f = write('parse-scripts/etc/keepalived/keepalived.conf', conf);
  write(
    'parse-scripts/etc/keepalived/notify.sh',
    '#!/bin/sh\nNAME="$2"\ncase "$NAME" in\n  VI_1) logger one ;;\n  *) logger other ;;\nesac\n' +
      'if echo "$NAME" | grep -q VI; then logger x; fi\n',
    0o755,
  );
  write(
    'parse-scripts/etc/keepalived/fifo.sh',
    '#!/bin/bash\nwhile read -r type name state prio; do\n  [[ $name == \'"VI_2"\' ]] && logger two\ndone\n',
    0o755,
  );
  write('parse-scripts/etc/keepalived/broken.sh', '#!/bin/sh\ncase "$2" in\n  VI_2) logger two\n', 0o755);

  it('shows where the name arrives, each dispatch with its literals, each opaque use with its reason', async () => {
    const r = await runCli(['parse', f, '--scripts'], { cwd: path.join(tmp, 'parse-scripts') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config).toBeUndefined();
    const script = (name: string) => out.scripts.find((s: { script: string }) => s.script === name);
    expect(out.scripts.map((s: { script: string }) => s.script)).toEqual([
      'etc/keepalived/fifo.sh',
      'etc/keepalived/notify.sh',
      'etc/keepalived/broken.sh',
    ]);
    const notify = script('etc/keepalived/notify.sh');
    expect(notify.callers).toEqual([
      expect.objectContaining({ hook: 'notify of vrrp_instance VI_1', line: 11, nameArrives: '$2', names: ['VI_1'] }),
      expect.objectContaining({ hook: 'notify_master of vrrp_instance VI_1', line: 12, nameArrives: null }),
    ]);
    const at = (line: number, column: number) => ({ file: 'etc/keepalived/notify.sh', line, column });
    expect(notify.analyses[0]).toEqual({
      arrives: '$2',
      by: ['notify of vrrp_instance VI_1'],
      parsed: true,
      nameUsed: true,
      copies: [{ variable: 'NAME', ...at(2, 1) }],
      dispatches: [
        {
          kind: 'case',
          ...at(3, 1),
          hasDefault: true,
          tests: [{ literal: 'VI_1', ...at(4, 3), construct: 'case' }],
        },
      ],
      opaque: [{ why: 'the name is piped into grep', ...at(7, 4) }],
      interfaceUses: [],
      handoffs: [],
    });
    // notify_master passes no name: the script is read with $2 empty, and says so.
    expect(notify.analyses[1].by).toEqual(['notify_master of vrrp_instance VI_1 (passes no name: $2 stays empty)']);
    const fifo = script('etc/keepalived/fifo.sh');
    expect(fifo.analyses).toHaveLength(1);
    expect(fifo.analyses[0].arrives).toMatch(/^field 2 of each FIFO line/);
    expect(fifo.analyses[0].dispatches[0]).toMatchObject({
      kind: 'if',
      file: 'etc/keepalived/fifo.sh',
      line: 3,
      tests: [{ literal: 'VI_2' }],
    });
    const broken = script('etc/keepalived/broken.sh');
    expect(broken.analyses[0]).toMatchObject({
      parsed: false,
      syntaxError: { file: 'etc/keepalived/broken.sh' },
      dispatches: [],
    });
  });

  it('shows the programs the name is handed to (a sourced library, its function) and what they compare', async () => {
    const dir = path.join(REPO, 'fixtures', 'script-unknown-name', 'invalid');
    const r = await runCli(['parse', 'sourced-library.conf', '--scripts', '--root', '.'], { cwd: dir });
    expect(r.stderr).toBe('');
    const [a] = JSON.parse(r.stdout).scripts[0].analyses;
    expect(a.copies).toEqual([{ variable: 'NAME', file: 'etc/keepalived/sourcing.sh', line: 6, column: 1 }]);
    expect(a.handoffs).toEqual([
      expect.objectContaining({
        line: 5,
        program: '/etc/keepalived/lib/common.sh',
        sourced: 'inherited',
        arrives: '$2',
      }),
      expect.objectContaining({ line: 8, program: '(beside the script)/lib/roles.sh', function: 'apply_role' }),
    ]);
    // logger "$NAME" (line 7) is a program in PATH, not a function of the library: no handoff.
    const roles = a.callees.find((c: { deployed: string }) => c.deployed === '/etc/keepalived/lib/roles.sh');
    expect(roles.through).toEqual([expect.objectContaining({ line: 8, function: 'apply_role', arrives: '$1' })]);
    expect(roles.copies).toEqual([{ variable: 'instance', file: 'etc/keepalived/lib/roles.sh', line: 6, column: 11 }]);
    expect(roles.dispatches[0].tests.map((t: { literal: string }) => t.literal)).toEqual(['VI_1', 'VI_3']);
  });

  it('says why a script has no analysis, and plain parse still lists the scripts by path', async () => {
    const g = write(
      'parse-scripts2/etc/keepalived/keepalived.conf',
      'vrrp_script chk {\n    script /etc/keepalived/check.sh\n}\n',
    );
    write('parse-scripts2/etc/keepalived/check.sh', '#!/bin/sh\nexit 0\n', 0o755);
    const cwd = path.join(tmp, 'parse-scripts2');
    const out = JSON.parse((await runCli(['parse', g, '--scripts'], { cwd })).stdout);
    expect(out.scripts).toEqual([
      expect.objectContaining({
        script: 'etc/keepalived/check.sh',
        notAnalysed: 'no caller passes an instance or group name to it',
        analyses: [],
      }),
    ]);
    expect(JSON.parse((await runCli(['parse', g], { cwd })).stdout).scripts).toEqual(['etc/keepalived/check.sh']);
  });
});

describe('rules and help', () => {
  it('lists every rule with its severity', async () => {
    const r = await runCli(['rules', '--format', 'json']);
    const list = JSON.parse(r.stdout) as { id: string; severity: string }[];
    expect(list.map((x) => x.id)).toContain('unknown-keyword');
    expect(list.every((x) => ['error', 'warning', 'info'].includes(x.severity))).toBe(true);
  });
  it('prints help and version with exit 0', async () => {
    const h = await runCli(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: keepalived-lint');
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});

describe('shipped examples', () => {
  it('the quick-start example lints with warnings only; the broken one with errors', async () => {
    const ok = await runCli(['lint', 'examples/router/etc/keepalived/keepalived.conf'], { cwd: REPO });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('warning');
    const bad = await runCli(['lint', 'examples/broken/keepalived.conf'], { cwd: REPO });
    expect(bad.code).toBe(1);
  });
});

describe('every corpus config, oracle case and Debian sample parses without an internal error', () => {
  const files: string[] = [];
  const add = (dir: string, filter: (f: string) => boolean) => {
    if (!fs.existsSync(dir)) return;
    for (const f of fs.readdirSync(dir).sort())
      if (filter(f) && fs.statSync(path.join(dir, f)).isFile()) files.push(path.join(dir, f));
  };
  add(path.join(SHARED, 'corpus', 'configs'), () => true);
  add(path.join(SHARED, 'reference', 'keepalived', 'oracle-cases'), (f) => f.endsWith('.conf'));
  add(path.join(SHARED, 'reference', 'keepalived', 'oracle-cases', 'lexical'), (f) => f.endsWith('.conf'));
  add('/usr/share/doc/keepalived/samples', (f) => f.startsWith('keepalived.conf'));
  it.skipIf(!HAVE_SHARED)('has the shared corpus beside the repo', () =>
    expect(files.length).toBeGreaterThanOrEqual(32 + 30),
  );
  it.each(files.map((f) => [path.basename(f), f] as const))('%s', async (_name, f) => {
    const lint = await runCli(['lint', f, '--format', 'json'], { cwd: path.dirname(f) });
    expect(lint.stderr).not.toContain('internal error');
    expect([0, 1]).toContain(lint.code);
    const parse = await runCli(['parse', f], { cwd: path.dirname(f) });
    expect(parse.code, parse.stderr).toBe(0);
    expect(JSON.parse(parse.stdout).config.length).toBeGreaterThan(0);
  });
});
