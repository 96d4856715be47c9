// `diff`: the change as keepalived sees it and the problems it adds, through the CLI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from './helpers.js';

const CASES = path.join(REPO, 'test', 'diff-cases');

interface DiffJson {
  version: number;
  changes: { kind: string; object: string; before: string[]; after: string[]; fields?: { field: string; before: string; after: string }[] }[];
  diagnostics: { file: string; ruleId: string; severity: string; message: string; line: number; column: number }[];
}

async function diffJson(args: string[], cwd = REPO): Promise<{ code: number; out: DiffJson; stderr: string }> {
  const r = await runCli(['diff', ...args, '--format', 'json'], { cwd });
  return { code: r.code, out: JSON.parse(r.stdout) as DiffJson, stderr: r.stderr };
}

const simple = (f: string) => path.join(CASES, 'simple', f);

describe('the Debian stretch split', () => {
  const deb = (side: string) => path.join(CASES, 'debian', side);
  it('is a split, and the unchanged route script is the impact: script-unknown-name at its gateway) arm naming the split, exit 1', async () => {
    const r = await diffJson([deb('old'), deb('new'), '--target', 'stretch']);
    expect(r.out.version).toBe(1);
    expect(r.out.changes.map((c) => [c.kind, c.object, c.before, c.after])).toEqual([
      ['split', 'vrrp_instance', ['gateway'], ['gateway_v4', 'gateway_v6']],
      ['added', 'vrrp_sync_group', [], ['gateways']],
    ]);
    const unknown = r.out.diagnostics.filter((d) => d.ruleId === 'script-unknown-name');
    expect(unknown.map((d) => [path.basename(d.file), d.line, d.column])).toEqual([['default-route.sh', 9, 5]]);
    expect(unknown[0]!.message).toMatch(/^vrrp_instance gateway was split into gateway_v4, gateway_v6 by this change/);
    expect(r.out.diagnostics.filter((d) => d.ruleId === 'script-unhandled-instance')).toHaveLength(2);
    // The old side's mixed-family error is gone and is not part of the impact.
    expect(r.out.diagnostics.some((d) => d.ruleId === 'mixed-address-family')).toBe(false);
    expect(r.code).toBe(1);
  });

  it('with the script fixed, the same split has no impact: exit 0', async () => {
    const r = await diffJson([deb('old'), deb('new-fixed'), '--target', 'stretch']);
    expect(r.out.changes[0]!.kind).toBe('split');
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('text output reads as a change summary', async () => {
    const r = await runCli(['diff', deb('old'), deb('new'), '--target', 'stretch']);
    expect(r.stdout).toContain('  split     vrrp_instance gateway -> gateway_v4, gateway_v6\n');
    expect(r.stdout).toContain('virtual_ipaddress: 2001:db8::1/64 in gateway -> in gateway_v6');
    expect(r.stdout).toContain('Impact: problems the new configuration has that the old one did not:');
    expect(r.code).toBe(1);
  });
});

describe('changes', () => {
  it('a pure rename', async () => {
    const r = await diffJson([simple('base.conf'), simple('renamed.conf')]);
    expect(r.out.changes).toEqual([{ kind: 'renamed', object: 'vrrp_instance', before: ['VI_WEB'], after: ['VI_FRONT'] }]);
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a merge', async () => {
    const r = await diffJson([simple('base.conf'), simple('merged.conf')]);
    expect(r.out.changes.map((c) => [c.kind, c.before, c.after])).toEqual([['merged', ['VI_WEB', 'VI_DB'], ['VI_ALL']]]);
  });

  it('an address moved between instances, with the other field changes', async () => {
    const r = await diffJson([simple('base.conf'), simple('moved.conf')]);
    const db = r.out.changes.find((c) => c.before[0] === 'VI_DB')!;
    const web = r.out.changes.find((c) => c.before[0] === 'VI_WEB')!;
    expect(db.kind).toBe('modified');
    expect(db.fields).toContainEqual({ field: 'priority', before: '100', after: '120' });
    expect(web.fields).toContainEqual({ field: 'virtual_ipaddress moved', before: '192.0.2.11/24 in VI_WEB', after: 'in VI_DB' });
  });

  it('a reordered but identical config (blocks, keywords and addresses in another order) has no change', async () => {
    const r = await diffJson([simple('base.conf'), simple('reordered.conf')]);
    expect(r.out.changes).toEqual([]);
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a config compared with itself has no change and no impact', async () => {
    const r = await diffJson([simple('base.conf'), simple('base.conf')]);
    expect(r.out).toEqual({ version: 1, changes: [], diagnostics: [] });
  });

  it('unusable input exits 2 with a message', async () => {
    const r = await runCli(['diff', simple('base.conf'), simple('missing.conf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.conf: no such file/);
    const one = await runCli(['diff', simple('base.conf')]);
    expect(one.code).toBe(2);
  });
});

describe('diff --git', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-git-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const git = (...args: string[]) => execFileSync('git', ['-C', tmp, ...args], { stdio: 'ignore', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' } });

  it('compares the config and its script as committed with the working tree', async () => {
    const etc = path.join(tmp, 'etc', 'keepalived');
    fs.mkdirSync(etc, { recursive: true });
    for (const f of ['keepalived.conf', 'default-route.sh']) fs.copyFileSync(path.join(CASES, 'debian', 'old', 'etc', 'keepalived', f), path.join(etc, f));
    fs.chmodSync(path.join(etc, 'default-route.sh'), 0o755);
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'jessie');
    fs.copyFileSync(path.join(CASES, 'debian', 'new', 'etc', 'keepalived', 'keepalived.conf'), path.join(etc, 'keepalived.conf'));
    const r = await diffJson(['--git', 'HEAD', '--target', 'stretch'], tmp);
    expect(r.stderr).toBe('');
    expect(r.out.changes[0]).toMatchObject({ kind: 'split', before: ['gateway'], after: ['gateway_v4', 'gateway_v6'] });
    expect(r.out.diagnostics.map((d) => d.ruleId)).toContain('script-unknown-name');
    expect(r.code).toBe(1);

    const clean = await diffJson(['--git', 'HEAD', 'etc'], tmp);
    expect(clean.out.changes.length).toBeGreaterThan(0);
    git('commit', '-q', '-am', 'stretch');
    const same = await diffJson(['--git', 'HEAD', '--target', 'stretch'], tmp);
    expect(same.out.changes).toEqual([]);
    expect(same.out.diagnostics).toEqual([]);
    expect(same.code).toBe(0);
  });

  it('outside a repository, or with an unknown revision: exit 2', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-nogit-'));
    try {
      expect((await runCli(['diff', '--git', 'HEAD'], { cwd: outside })).code).toBe(2);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    expect((await runCli(['diff', '--git', 'no-such-rev-xyz'], { cwd: tmp })).code).toBe(2);
  });
});
