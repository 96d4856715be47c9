// `keepalived-lint simulate`, steady state only: who is MASTER of each virtual router with every
// node up and every tracked object healthy, from priorities, track weights, state, nopreempt and the
// address owner; adverts the peers drop (split brain), ties, and unusable input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimulationReport, SteadyRouter } from '../src/simulate/index.js';
import { REPO, runCli, tempTree } from './helpers.js';

async function simulate(files: Record<string, string>, extra: string[] = []) {
  const { dir, write } = tempTree('kl-simulate-');
  for (const [f, text] of Object.entries(files)) write(f, text);
  const r = await runCli(['simulate', ...Object.keys(files), '--format', 'json', ...extra], { cwd: dir });
  expect(r.stderr).toBe('');
  return { code: r.code, report: JSON.parse(r.stdout) as SimulationReport, dir };
}
const router = (r: SimulationReport, name = 'VI_1'): SteadyRouter => r.steady.routers.find((x) => x.instance === name)!;

/** One vrrp_instance VI_1 on eth0, VRID 51, VIP 192.0.2.10, with these lines in it. */
const node = (lines: string, before = '') =>
  `${before}vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n${lines
    .split('\n')
    .filter(Boolean)
    .map((l) => `    ${l}\n`)
    .join('')}    virtual_ipaddress {\n        192.0.2.10/24\n    }\n}\n`;

describe('simulate: steady state', () => {
  it('the Debian split on two gateways: gw1 (150) is MASTER of both new instances', async () => {
    const r = await runCli(['simulate', 'test/graph-cases/debian-split', '--target', 'stretch', '--format', 'json']);
    const report = JSON.parse(r.stdout) as SimulationReport;
    expect(r.code).toBe(1); // default-route.sh does nothing on the failover (see the node-down test)
    expect(report.nodes).toEqual(['gw1', 'gw2']);
    expect(report.steady.routers.map((x) => [x.instance, x.vrid, x.interface, x.family, x.master, x.backup])).toEqual([
      ['gateway_v4', 51, 'eth0', 'ipv4', 'gw1', ['gw2']],
      ['gateway_v6', 52, 'eth0', 'ipv6', 'gw1', ['gw2']],
    ]);
    const text = await runCli(['simulate', 'test/graph-cases/debian-split', '--target', 'stretch'], { cwd: REPO });
    expect(text.stdout).toContain('  gateway_v4 [VRID 51, eth0, ipv4]: MASTER gw1 (150); BACKUP gw2 (100)\n');
  });

  it('gw1 down: gw2 MASTER of both; default-route.sh gets INSTANCE gateway_v4 MASTER 100, does nothing', async () => {
    const r = await runCli(['simulate', 'test/graph-cases/debian-split', '--target', 'stretch', '--format', 'json']);
    const report = JSON.parse(r.stdout) as SimulationReport;
    const down = report.events.find((e) => e.event.node === 'gw1')!;
    expect(down.event).toEqual({ kind: 'node-down', node: 'gw1' });
    expect(down.routers).toEqual([
      { instance: 'gateway_v4', master: 'gw2', backup: [] },
      { instance: 'gateway_v6', master: 'gw2', backup: [] },
    ]);
    expect(down.notifications).toEqual([
      {
        node: 'gw2',
        hook: 'notify',
        script: '/etc/keepalived/default-route.sh',
        argv: ['/etc/keepalived/default-route.sh', 'INSTANCE', 'gateway_v4', 'MASTER', '100'],
        handled: false,
        branch: null,
      },
      expect.objectContaining({ argv: expect.arrayContaining(['gateway_v6']), handled: false }),
    ]);
    // gw2 down: gw1 stays MASTER, nothing changes state, nothing runs.
    const other = report.events.find((e) => e.event.node === 'gw2')!;
    expect(other.routers.map((x) => x.master)).toEqual(['gw1', 'gw1']);
    expect(other.notifications).toEqual([]);
  });

  it('gw1 down with the script fixed: the branch for the name runs (file, line)', async () => {
    const { dir } = tempTree('kl-simulate-fixed-');
    fs.cpSync(path.join(REPO, 'test/graph-cases/debian-split'), dir, { recursive: true });
    for (const n of ['gw1', 'gw2'])
      fs.writeFileSync(
        path.join(dir, n, 'etc/keepalived/default-route.sh'),
        '#!/bin/sh\ncase "$2" in\n    gateway_v4) ip route replace default via 192.0.2.254 ;;\n' +
          '    gateway_v6) ip -6 route replace default via 2001:db8::fe ;;\nesac\n',
        { mode: 0o755 },
      );
    const r = await runCli(['simulate', '.', '--target', 'stretch', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const down = (JSON.parse(r.stdout) as SimulationReport).events.find((e) => e.event.node === 'gw1')!;
    expect(down.notifications.map((n) => [n.argv[2], n.handled, n.branch])).toEqual([
      ['gateway_v4', true, { file: 'gw2/etc/keepalived/default-route.sh', line: 3 }],
      ['gateway_v6', true, { file: 'gw2/etc/keepalived/default-route.sh', line: 4 }],
    ]);
  });

  it('the highest priority wins when every node starts as BACKUP, whatever the order of the files', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state BACKUP\npriority 100'),
      'lb2.conf': node('state BACKUP\npriority 150'),
    });
    expect([router(report).master, router(report).backup]).toEqual(['lb2', ['lb1']]);
  });

  // Checked with keepalived 2.2.7 in network namespaces (two nodes joined by a veth pair, started
  // together): a `state MASTER` instance starts in BACKUP too ("Entering BACKUP STATE (init)"), so
  // the 150 node holds the VIP, nopreempt or not.
  it('started together, the higher priority is MASTER over a state MASTER node, nopreempt or not', async () => {
    for (const extra of ['', '\nnopreempt']) {
      const { report } = await simulate({
        'lb1.conf': node('state MASTER\npriority 100'),
        'lb2.conf': node(`state BACKUP\npriority 150${extra}`),
      });
      expect(router(report).master, extra).toBe('lb2');
      expect(router(report).members.map((m) => [m.node, m.startsAs, m.nopreempt])).toEqual([
        ['lb1', 'BACKUP', false],
        ['lb2', 'BACKUP', extra !== ''],
      ]);
    }
  });

  it('nopreempt does not hold off a higher node when nobody starts as MASTER', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state BACKUP\npriority 100\nnopreempt'),
      'lb2.conf': node('state BACKUP\npriority 150\nnopreempt'),
    });
    expect(router(report).master).toBe('lb2');
  });

  it('the address owner (priority 255) is MASTER over a state MASTER node', async () => {
    const { report } = await simulate({
      'lb1.conf': node('state MASTER\npriority 200'),
      'lb2.conf': node('state BACKUP\npriority 255\nnopreempt'),
    });
    expect(router(report).master).toBe('lb2');
    expect(router(report).members[1]).toMatchObject({ priority: 255, startsAs: 'MASTER', nopreempt: false });
  });

  it('counts the weights of what is up: a positive track_script weight lifts the lower node', async () => {
    const chk = 'vrrp_script chk {\n    script "/bin/true"\n    interval 2\n}\n';
    const { report } = await simulate({
      'lb1.conf': node('priority 100\ntrack_script {\n    chk weight 60\n}', chk),
      'lb2.conf': node('priority 150'),
    });
    expect(router(report).master).toBe('lb1');
    expect(router(report).members.map((m) => m.effective)).toEqual([160, 150]);
  });

  it('equal priorities: a tie (decided by the primary address), not a guess', async () => {
    const { report, code } = await simulate({
      'lb1.conf': node('priority 100'),
      'lb2.conf': node('priority 100'),
    });
    expect(code).toBe(0);
    expect(router(report).master).toBeNull();
    expect(router(report).problems.map((p) => p.kind)).toEqual(['tie']);
  });

  it('different VIP lists: each node drops the others adverts, both are MASTER (exit 1)', async () => {
    const { report, code } = await simulate({
      'lb1.conf': node('priority 150'),
      'lb2.conf': node('priority 100').replace('192.0.2.10/24', '192.0.2.11/24\n        192.0.2.10/24'),
    });
    expect(code).toBe(1);
    expect(router(report)).toMatchObject({ master: null, masters: ['lb1', 'lb2'], backup: [] });
    expect(router(report).problems.map((p) => p.kind)).toEqual(['split-brain']);
  });

  it('a sync group whose members would have different MASTERs is a problem (exit 1)', async () => {
    const both = (p4: number, p6: number) =>
      'vrrp_sync_group G {\n    group {\n        V4\n        V6\n    }\n}\n' +
      node(`priority ${p4}`).replace('VI_1', 'V4') +
      node(`priority ${p6}`).replace('VI_1', 'V6').replace('51', '52').replace('192.0.2.10/24', '2001:db8::10/64');
    const crossed = await simulate({ 'gw1.conf': both(150, 100), 'gw2.conf': both(100, 150) });
    expect(crossed.code).toBe(1);
    expect([router(crossed.report, 'V4').master, router(crossed.report, 'V6').master]).toEqual(['gw1', 'gw2']);
    for (const name of ['V4', 'V6'])
      expect(router(crossed.report, name).problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/^vrrp_sync_group G on gw1 would be MASTER of V4 and BACKUP of V6/),
        expect.stringMatching(/^vrrp_sync_group G on gw2 would be MASTER of V6 and BACKUP of V4/),
      ]);
    const aligned = await simulate({ 'gw1.conf': both(150, 150), 'gw2.conf': both(100, 100) });
    expect(aligned.code).toBe(0);
    expect(aligned.report.steady.routers.flatMap((r) => r.problems)).toEqual([]);
  });

  it('the config-ids of one file are the nodes', async () => {
    const { report } = await simulate({
      'keepalived.conf': node('@lb1 priority 150\n@lb2 priority 100'),
    });
    expect(report.nodes).toEqual(['lb1', 'lb2']);
    expect(router(report).master).toBe('lb1');
  });

  it('unusable input: exit 2 with a clear message', async () => {
    const { dir } = tempTree('kl-simulate-bad-');
    const r = await runCli(['simulate', 'missing.conf'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.conf/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
