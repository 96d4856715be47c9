// One loader (src/load): every command sees a config the same way. A repository laid out as
// hosts/<host>/keepalived/ with `paths: {"/etc/keepalived/": "hosts/{host}/keepalived/"}`, whose
// keepalived.conf includes /etc/keepalived/conf.d/*.conf (found only through the mapping), after a
// Debian-style split of `gateway` into gateway_v4/gateway_v6 with the route script still matching
// "gateway". lint, cluster, diff, diff --git, parse and --with-keepalived (when installed) must all
// see the included instances, the script and the finding in it.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempTree, gitIn } from './helpers.js';
import * as fs from 'node:fs';

const { dir: tmp, write } = tempTree('kl-one-loader-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const repo = path.join(tmp, 'repo');

const MAIN = (routerId: string) =>
  `global_defs {\n    router_id ${routerId}\n}\ninclude /etc/keepalived/conf.d/*.conf\n`;
const instance = (name: string, vrid: number, ...vips: string[]) =>
  `vrrp_instance ${name} {\n    state BACKUP\n    interface ` +
  `eth0\n    virtual_router_id ${vrid}\n    priority 100\n ` +
  `   advert_int 1\n    virtual_ipaddress {\n${vips.map((v) => `        ${v}\n`).join('')} ` +
  `   }\n    notify /etc/keepalived/routes.sh\n}\n`;
// jessie (1.2.13) took both families in one instance; stretch (1.3.2) does not.
const BEFORE = instance('gateway', 51, '192.0.2.1/24', '2001:db8::1/64');
const AFTER =
  `vrrp_sync_group gateways {\n    group {\n        gateway_v4\n ` +
  `       gateway_v6\n    }\n}\n` +
  instance('gateway_v4', 51, '192.0.2.1/24') +
  instance('gateway_v6', 52, '2001:db8::1/64');
const ROUTES =
  '#!/bin/sh\n# keepalived calls it as: routes.sh TYPE NAME STATE ' +
  'PRIORITY\ncase "$2" in\n    gateway)\n        ip route replace ' +
  'default via 192.0.2.254 ;;\nesac\n';

for (const host of ['lb1', 'lb2']) {
  write(`repo/hosts/${host}/keepalived/keepalived.conf`, MAIN(host));
  write(`repo/hosts/${host}/keepalived/conf.d/gateway.conf`, BEFORE);
  write(`repo/hosts/${host}/keepalived/routes.sh`, ROUTES, 0o755);
}
write('repo/.keepalived-lint.yaml', 'target: stretch\npaths:\n  "/etc/keepalived/": "hosts/{host}/keepalived/"\n');
const git = gitIn(repo);
git('init', '-q');
git('add', '.');
git('commit', '-q', '-m', 'jessie: one instance per router');
// The upgrade edit, in the working tree: lb1 split, lb2 not yet (a cluster finding).
write('repo/hosts/lb1/keepalived/conf.d/gateway.conf', AFTER);

const LB1 = 'hosts/lb1/keepalived/keepalived.conf';
const LB1_ROUTES = 'hosts/lb1/keepalived/routes.sh';

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  message: string;
  messageId?: string;
  data?: Record<string, string | number>;
}
const findingsOf = (stdout: string): Map<string, JsonFinding[]> =>
  new Map(
    (JSON.parse(stdout) as { results: { file: string; diagnostics: JsonFinding[] }[] }).results.map((r) => [
      r.file,
      r.diagnostics,
    ]),
  );
/** What a finding is, independent of the command that reports it. */
const key = (file: string, d: JsonFinding) =>
  `${file}:${d.line}:${d.column} ${d.ruleId}/${d.messageId ?? ''} ${JSON.stringify(d.data ?? {})}`;
const keys = (m: Map<string, JsonFinding[]>, only?: (d: JsonFinding) => boolean) =>
  [...m].flatMap(([f, ds]) => ds.filter((d) => !only || only(d)).map((d) => key(f, d))).sort();

describe('one loader: every command sees the same config', () => {
  it('lint follows the mapped include and finds the script that still matches the old name', async () => {
    const r = await runCli(['lint', LB1, '--format', 'json'], { cwd: repo });
    expect(r.stderr).toBe('');
    const m = findingsOf(r.stdout);
    const script = (m.get(LB1_ROUTES) ?? []).filter((d) => d.ruleId === 'script-unknown-name');
    expect(script.length, r.stdout).toBeGreaterThan(0);
    expect(script[0]!.data?.literal).toBe('gateway');
  });

  it('parse prints the included instances and names the script, as lint reads them', async () => {
    const r = await runCli(['parse', LB1], { cwd: repo });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      files: string[];
      scripts: string[];
      target: string;
      config: { keyword: string; args: string[] }[];
    };
    expect(out.config.filter((n) => n.keyword === 'vrrp_instance').map((n) => n.args[0])).toEqual([
      'gateway_v4',
      'gateway_v6',
    ]);
    expect(out.files).toEqual([LB1, 'hosts/lb1/keepalived/conf.d/gateway.conf']);
    expect(out.scripts).toEqual([LB1_ROUTES]);
    expect(out.target).toBe('stretch');
  });

  it(
    'diff OLD NEW and diff --git report the split and the script that ' + 'still uses the old name, as lint does',
    async () => {
      const lint = findingsOf((await runCli(['lint', LB1, '--format', 'json'], { cwd: repo })).stdout);
      const lintScript = keys(lint, (d) => d.ruleId === 'script-unknown-name');
      for (const argv of [
        ['diff', '--git', 'HEAD', 'hosts/lb1'],
        ['diff', 'hosts/lb2/keepalived', 'hosts/lb1/keepalived'],
      ]) {
        const r = await runCli([...argv, '--format', 'json'], { cwd: repo });
        expect(r.stderr, argv.join(' ')).toBe('');
        const out = JSON.parse(r.stdout) as {
          changes: { kind: string; before: string[]; after: string[] }[];
          diagnostics: (JsonFinding & { file: string })[];
        };
        expect(out.changes[0], argv.join(' ')).toMatchObject({
          kind: 'split',
          before: ['gateway'],
          after: ['gateway_v4', 'gateway_v6'],
        });
        const script = out.diagnostics
          .filter((d) => d.ruleId === 'script-unknown-name')
          .map((d) => key(d.file, d))
          .sort();
        expect(script, argv.join(' ')).toEqual(lintScript);
        expect(r.code, argv.join(' ')).toBe(1);
      }
    },
  );

  it('graph draws the included instances and the script through the mapping, with the lint finding', async () => {
    const lint = findingsOf((await runCli(['lint', LB1, '--format', 'json'], { cwd: repo })).stdout);
    const lintScript = keys(lint, (d) => d.ruleId === 'script-unknown-name');
    const r = await runCli(['graph', 'hosts/lb1', 'hosts/lb2', '--format', 'json'], { cwd: repo });
    expect(r.stderr).toBe('');
    const g = JSON.parse(r.stdout) as {
      nodes: {
        kind: string;
        router: string;
        name?: string;
        path?: string;
        literal?: string;
        findings: JsonFinding[];
      }[];
    };
    const on = (router: string, kind: string) => g.nodes.filter((e) => e.router === router && e.kind === kind);
    expect(on('lb1', 'instance').map((e) => e.name)).toEqual(['gateway_v4', 'gateway_v6']);
    expect(on('lb2', 'instance').map((e) => e.name)).toEqual(['gateway']);
    expect(on('lb1', 'script').map((e) => e.path)).toEqual(['/etc/keepalived/routes.sh']);
    const arm = on('lb1', 'arm').find((e) => e.literal === 'gateway')!;
    const carried = arm.findings.filter((f) => f.ruleId === 'script-unknown-name');
    expect(carried.length).toBeGreaterThan(0);
    expect(carried.map((f) => `${LB1_ROUTES}:${f.line}:${f.column} script-unknown-name`)).toEqual(
      lintScript.map((k) => k.replace(/ script-unknown-name\/.*$/, ' script-unknown-name')),
    );
    // On lb2 (not split yet) the arm matches its instance.
    expect(on('lb2', 'arm').find((e) => e.literal === 'gateway')!.findings).toEqual([]);
  });

  it('cluster reads each node through the mapping: gateway_v6 exists on lb1 only', async () => {
    const r = await runCli(['cluster', 'hosts/lb1', 'hosts/lb2', '--format', 'json'], { cwd: repo });
    const m = findingsOf(r.stdout);
    const missing = [...m.values()].flat().filter((d) => d.ruleId === 'cluster-missing-peer');
    expect(missing.map((d) => d.data?.name ?? d.message).join('\n'), r.stdout).toMatch(/gateway_v[46]/);
    // lint --cluster: the lint's own findings are those of lint alone, the cluster's those of cluster.
    const both = findingsOf(
      (await runCli(['lint', 'hosts/lb1', 'hosts/lb2', '--cluster', '--format', 'json'], { cwd: repo })).stdout,
    );
    const alone = findingsOf(
      (await runCli(['lint', 'hosts/lb1', 'hosts/lb2', '--format', 'json'], { cwd: repo })).stdout,
    );
    expect(keys(both, (d) => !d.ruleId.startsWith('cluster-'))).toEqual(keys(alone));
    expect(keys(both, (d) => d.ruleId.startsWith('cluster-'))).toEqual(keys(m, (d) => d.ruleId.startsWith('cluster-')));
  });

  const installed =
    spawnSync('sh', ['-c', 'command -v keepalived && command -v unshare'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!installed)(
    '--with-keepalived keeps the lint findings of the same reading (keepalived installed)',
    async () => {
      const alone = findingsOf((await runCli(['lint', LB1, '--format', 'json'], { cwd: repo })).stdout);
      const r = await runCli(['lint', LB1, '--format', 'json', '--with-keepalived'], { cwd: repo });
      expect(r.stdout, r.stderr).not.toBe('');
      expect(keys(findingsOf(r.stdout), (d) => d.ruleId !== 'keepalived')).toEqual(keys(alone));
      // keepalived's own messages are findings as data too.
      for (const d of [...findingsOf(r.stdout).values()].flat())
        expect([d.ruleId, typeof d.messageId, typeof d.data]).toEqual([d.ruleId, 'string', 'object']);
    },
  );
});
