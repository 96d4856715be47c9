// The cluster model through its public API: which nodes a set of files makes and how they are
// named, how instances are grouped across nodes, and what each instance advertises.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadNodes, fileLabels } from '../src/cluster/nodes.js';
import { groupInstances } from '../src/cluster/groups.js';
import { priorityRange, trackEntries } from '../src/cluster/model.js';
import type { ClusterInstance } from '../src/cluster/types.js';
import { nodeHost } from '../src/source/host.js';
import { runCli, tempTree } from './helpers.js';

const { dir: tmp, write } = tempTree('kl-cluster-');
const host = nodeHost(tmp);
const load = (...files: string[]) =>
  loadNodes(
    files.map((file) => ({ file, options: {} })),
    host,
  );

function instance(body: string, extra = ''): string {
  return (
    `${extra}vrrp_instance VI_1 {\n    interface eth0\n ` +
    `   virtual_router_id 51\n${body}    virtual_ipaddress ` +
    `{\n        192.0.2.10/24\n    }\n}\n`
  );
}
async function only(text: string, name = 'VI_1'): Promise<ClusterInstance> {
  const { nodes, errors } = await load(write(`one-${Math.random().toString(36).slice(2)}.conf`, text));
  expect(errors).toEqual([]);
  const i = nodes[0]!.instances.find((x) => x.name === name);
  if (!i) throw new Error(`no instance ${name}`);
  return i;
}

describe('nodes', () => {
  it('names files by the path segments that differ', async () => {
    expect(
      fileLabels(['/r/hosts/lb1/etc/keepalived/keepalived.conf', '/r/hosts/lb2/etc/keepalived/keepalived.conf']),
    ).toEqual(['lb1', 'lb2']);
    expect(fileLabels(['/f/invalid/two-node-lb1.conf', '/f/invalid/two-node-lb2.conf'])).toEqual(['lb1', 'lb2']);
    expect(fileLabels(['/a/x.conf', '/a/b/x.conf'])).toEqual(['x', 'b/x.conf']);
    expect(fileLabels(['/a/lb1.conf', '/a/lb1-new.conf'])).toEqual(['lb1', 'lb1-new']);
  });

  it('makes one node per config-id of a file with @ lines, each read for its id', async () => {
    const f = write(
      'ids/keepalived.conf',
      instance('@lb1    state MASTER\n@lb1    priority 150\n@lb2    priority 100\n'),
    );
    const { nodes } = await load(f);
    expect(nodes.map((n) => [n.label, n.configId, n.instances[0]!.priority, Boolean(n.instances[0]!.master)])).toEqual([
      ['lb1', 'lb1', 150, true],
      ['lb2', 'lb2', 100, false],
    ]);
  });

  it('labels config-id nodes of several files with the file and the id', async () => {
    const a = write('multi/a/keepalived.conf', instance('@x    priority 150\n@y    priority 50\n'));
    const b = write('multi/b/keepalived.conf', instance('    priority 100\n'));
    expect((await load(a, b)).nodes.map((n) => n.label)).toEqual(['a@x', 'a@y', 'b']);
  });

  it('does not make a node of a file another given config includes', async () => {
    const main = write('inc/keepalived.conf', 'include part.conf\n');
    const part = write('inc/part.conf', instance('    priority 100\n'));
    const { nodes } = await load(main, part);
    expect(nodes.map((n) => n.file)).toEqual([main]);
    expect(nodes[0]!.instances.map((i) => i.name)).toEqual(['VI_1']);
  });

  it('reports a missing file and keeps the others', async () => {
    const ok = write('miss/keepalived.conf', instance('    priority 100\n'));
    const r = await load(ok, path.join(tmp, 'miss/none.conf'));
    expect(r.nodes).toHaveLength(1);
    expect(r.errors).toEqual([{ file: path.join(tmp, 'miss/none.conf'), message: 'no such file or directory' }]);
  });
});

describe('groups', () => {
  const node = (name: string, vrid: number, vip: string, iface = 'eth0') =>
    `vrrp_instance ${name} {\n    interface ${iface}\n  ` +
    `  virtual_router_id ${vrid}\n    virtual_ipaddress ` +
    `{\n        ${vip}\n    }\n}\n`;
  it('matches by name, then a renamed copy by VRID, interface and a shared VIP', async () => {
    const a = write('g/lb1.conf', node('VI_1', 51, '192.0.2.10/24') + node('web', 60, '192.0.2.60/24'));
    const b = write('g/lb2.conf', node('VI_1', 51, '192.0.2.10/24') + node('www', 60, '192.0.2.60/24'));
    const c = write('g/lb3.conf', node('renamed', 51, '192.0.2.10/24') + node('other', 60, '198.51.100.1/24'));
    const { groups } = groupInstances((await load(a, b, c)).nodes);
    const show = groups.map((g) => g.members.map((m) => `${m.node.label}:${m.name}`).join(' '));
    expect(show).toEqual(['lb1:VI_1 lb2:VI_1 lb3:renamed', 'lb1:web lb2:www', 'lb3:other']);
  });

  it('does not match a VRID on another interface', async () => {
    const a = write('g2/lb1.conf', node('a', 51, '192.0.2.10/24'));
    const b = write('g2/lb2.conf', node('b', 51, '192.0.2.10/24', 'eth1'));
    expect(groupInstances((await load(a, b)).nodes).groups).toHaveLength(2);
  });
});

describe('what an instance advertises', () => {
  it(
    'priority range: a negative weight lowers it when the object is down, ' + 'a positive one raises it when up',
    async () => {
      const i = await only(
        instance('    priority 150\n    track_interface {\n        eth1 weight -20\n        eth2 weight 10\n    }\n'),
      );
      expect(priorityRange(i)).toEqual({ healthy: 160, worst: 130, best: 160 });
    },
  );

  it('takes a track_script weight from the vrrp_script, reverse included, and clamps to 1..254', async () => {
    const scripts = 'vrrp_script chk {\n    script /bin/true\n    weight 200 reverse\n}\n';
    const i = await only(instance('    priority 100\n    track_script {\n        chk\n    }\n', scripts));
    expect(priorityRange(i)).toEqual({ healthy: 1, worst: 1, best: 100 });
  });

  it("drops instance weights in a sync group without sync_group_tracking_weight, keeps the group's own", async () => {
    const group = (flag: string) =>
      `vrrp_sync_group G {\n    group {\n        VI_1\n   ` +
      ` }\n${flag}    track_interface {\n        eth3 weight ` +
      `-5\n    }\n}\n`;
    const body = '    priority 100\n    track_interface {\n        eth1 weight -20\n    }\n';
    expect(priorityRange(await only(instance(body) + group('')))).toEqual({ healthy: 100, worst: 95, best: 100 });
    expect(priorityRange(await only(instance(body) + group('    sync_group_tracking_weight\n')))).toEqual({
      healthy: 100,
      worst: 75,
      best: 100,
    });
  });

  it('ignores weights for the address owner and gives up on tracked files', async () => {
    expect(
      priorityRange(await only(instance('    state MASTER\n    track_interface {\n        eth1 weight -20\n    }\n'))),
    ).toEqual({ healthy: 255, worst: 255, best: 255 });
    const file = 'track_file f {\n    file /tmp/x\n}\n';
    expect(
      priorityRange(await only(instance('    priority 100\n    track_file {\n        f\n    }\n', file))),
    ).toBeNull();
    expect(
      priorityRange(await only(instance('    priority 100\n    track_file {\n        f weight 0\n    }\n', file))),
    ).toEqual({ healthy: 100, worst: 100, best: 100 });
  });

  it('advert interval and authentication as keepalived uses them', async () => {
    const v2 = await only(
      instance(
        '    advert_int 1.5\n    authentication {\n        auth_type PASS\n        auth_pass 123456789\n    }\n',
      ),
    );
    expect([v2.advertMicros, v2.auth.type, v2.auth.password]).toEqual([2_000_000, 'PASS', '12345678']);
    const v3 = await only(
      instance(
        '    version 3\n    advert_int 0.015\n    authentication {\n        ' +
          'auth_type PASS\n        auth_pass secret\n    }\n',
      ),
    );
    expect([v3.advertMicros, v3.auth.type]).toEqual([20_000, 'none']);
  });

  it('normalises VIPs and peers, keeps the VIP networks', async () => {
    const i = await only(
      'vrrp_instance V6 {\n    interface eth0\n    virtual_router_id 9\n    ' +
        'unicast_src_ip 2001:db8::1\n    unicast_peer {\n        ' +
        '2001:DB8:0::2\n    }\n    virtual_ipaddress {\n        ' +
        '2001:db8:0:0::10/64\n    }\n}\n',
      'V6',
    );
    expect([i.family, i.vips.map((v) => v.key), i.peers.map((p) => p.key), i.unicastSrc?.key, i.vipNetworks]).toEqual([
      'ipv6',
      ['2001:db8:0:0:0:0:0:10'],
      ['2001:db8:0:0:0:0:0:2'],
      '2001:db8:0:0:0:0:0:1',
      [{ key: '2001:db8:0:0:0:0:0:10', prefix: 64 }],
    ]);
  });
});

describe('cluster command and lint --cluster', () => {
  const node = (state: string, prio: number, vips: string) =>
    `vrrp_instance VI_1 {\n    state ${state}\n    interface ` +
    `eth0\n    virtual_router_id 51\n    priority ${prio}\n ` +
    `   virtual_ipaddress {\n${vips}    }\n}\n`;
  const lb1 = write('cli/hosts/lb1/etc/keepalived/keepalived.conf', node('MASTER', 150, '        192.0.2.10/24\n'));
  const lb2 = write(
    'cli/hosts/lb2/etc/keepalived/keepalived.conf',
    node('BACKUP', 100, '        192.0.2.10/24\n        192.0.2.11/24\n'),
  );
  const cwd = path.join(tmp, 'cli');

  it('finds the nodes in directories, names them, and exits 1 on an error finding', async () => {
    const r = await runCli(['cluster', 'hosts'], { cwd });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      'cluster of 2 nodes: lb1 (hosts/lb1/etc/keepalived/keepalived.conf), ' +
        'lb2 (hosts/lb2/etc/keepalived/keepalived.conf)',
    );
    expect(r.stdout).toContain(
      'Virtual addresses of vrrp_instance VI_1 (VRID 51) on lb1 differ: 192.0.2.11 only on lb2',
    );
    expect(r.stdout).toContain(
      'Virtual addresses of vrrp_instance VI_1 (VRID 51) on lb2 differ: 192.0.2.11 only on lb2',
    );
    expect(r.stdout).toContain(
      '      hosts/lb2/etc/keepalived/keepalived.conf:6:5: lb2: virtual_ipaddress of VI_1: 192.0.2.10 and 192.0.2.11',
    );
  });

  it("prints json with findings in each node's file and related lines in the others", async () => {
    const r = await runCli(['cluster', lb1, lb2, '--format', 'json'], { cwd });
    const out = JSON.parse(r.stdout) as {
      results: {
        file: string;
        diagnostics: { ruleId: string; line: number; detail?: string; related?: { file: string; line: number }[] }[];
      }[];
    };
    expect(
      out.results.map((x) => [
        x.file,
        x.diagnostics.map(
          (d) => `${d.ruleId}:${d.line}:${d.related?.map((rel) => `${rel.file}:${rel.line}`).join(',')}`,
        ),
      ]),
    ).toEqual([
      [
        'hosts/lb1/etc/keepalived/keepalived.conf',
        ['cluster-vip-mismatch:6:hosts/lb2/etc/keepalived/keepalived.conf:6'],
      ],
      [
        'hosts/lb2/etc/keepalived/keepalived.conf',
        ['cluster-vip-mismatch:6:hosts/lb1/etc/keepalived/keepalived.conf:6'],
      ],
    ]);
    expect(out.results[0]!.diagnostics[0]!.detail).toContain('lb1 has 192.0.2.10; lb2 has 192.0.2.10 and 192.0.2.11');
  });

  it('needs two nodes: one file without @ lines is a usage error', async () => {
    const r = await runCli(['cluster', lb1], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keepalived-lint cluster: found 1 node (lb1 ' +
        '(hosts/lb1/etc/keepalived/keepalived.conf)); a cluster needs at least ' +
        "two: give every node's config (files or directories), or one file " +
        'with @node lines (one node per config-id)\n',
    );
  });

  it('lists the config-ids of a one-file cluster in json', async () => {
    const f = write(
      'cli-ids/keepalived.conf',
      node('BACKUP', 100, '        192.0.2.10/24\n@lb2        192.0.2.11/24\n').replace(
        '    priority 100\n',
        '@lb1    priority 150\n@lb2    priority 100\n',
      ),
    );
    const r = await runCli(['cluster', f, '--format', 'json'], { cwd: path.dirname(f) });
    const d = (JSON.parse(r.stdout) as { results: { diagnostics: { configIds?: string[]; message: string }[] }[] })
      .results[0]!.diagnostics;
    expect(d.map((x) => x.configIds)).toEqual([['lb1'], ['lb2']]);
  });

  it('lint --cluster adds the cluster findings to the per-file ones; plain lint does not', async () => {
    const plain = await runCli(['lint', 'hosts', '--format', 'json'], { cwd });
    const withCluster = await runCli(['lint', 'hosts', '--cluster', '--format', 'json'], { cwd });
    const ids = (out: string) =>
      (JSON.parse(out) as { results: { diagnostics: { ruleId: string }[] }[] }).results.flatMap((x) =>
        x.diagnostics.map((d) => d.ruleId),
      );
    expect(ids(plain.stdout).filter((x) => x.startsWith('cluster-'))).toEqual([]);
    expect(ids(withCluster.stdout).filter((x) => x.startsWith('cluster-'))).toEqual([
      'cluster-vip-mismatch',
      'cluster-vip-mismatch',
    ]);
    expect(withCluster.code).toBe(1);
  });

  it('takes cluster rule severities from .keepalived-lint.yaml, and rules lists the cluster rules', async () => {
    write('cli/.keepalived-lint.yaml', 'rules:\n  cluster-vip-mismatch: warning\n');
    try {
      const r = await runCli(['cluster', 'hosts'], { cwd });
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('warning  Virtual addresses of vrrp_instance VI_1');
    } finally {
      fs.rmSync(path.join(cwd, '.keepalived-lint.yaml'));
    }
    expect((await runCli(['rules'])).stdout).toMatch(/^cluster-vip-mismatch +error /m);
  });
});

describe('clusters: in .keepalived-lint.yaml', () => {
  const pair = (dir: string, vip: string, extra = '') =>
    [1, 2].map((n) =>
      write(
        `${dir}/n${n}/etc/keepalived/keepalived.conf`,
        `vrrp_instance VI_1 {\n    state ${n === 1 ? 'MASTER' : 'BACKUP'}\n ` +
          `   interface eth0\n    virtual_router_id 51\n    priority ` +
          `${n === 1 ? 150 : 100}\n    virtual_ipaddress {\n  ` +
          `      ${vip}\n    }\n}\n${extra}`,
      ),
    );
  const repo = path.join(tmp, 'repo');
  pair('repo/web', '192.0.2.10/24');
  pair('repo/db', '198.51.100.10/24');
  const ids = write(
    'repo/core/keepalived.conf',
    'vrrp_instance VI_9 {\n    interface eth1\n    virtual_router_id 9\n@a ' +
      '   priority 150\n@b    priority 100\n@c    priority 50\n    ' +
      'virtual_ipaddress {\n        203.0.113.1/24\n    }\n}\n',
  );
  const run = (yaml: string | null) => {
    const cfg = path.join(repo, '.keepalived-lint.yaml');
    if (yaml === null) fs.rmSync(cfg, { force: true });
    else fs.writeFileSync(cfg, yaml);
    return runCli(['cluster', 'web', 'db', ids], { cwd: repo });
  };

  it(
    'without it, every node given is one cluster: two unrelated pairs look ' + 'like one group with other VIPs',
    async () => {
      const r = await run(null);
      expect(r.stdout).toContain('cluster-vip-mismatch');
    },
  );

  it('groups instances within each cluster only, takes config-ids per cluster, and names the clusters', async () => {
    const r = await run(
      'clusters:\n  - name: web\n    files: web/**\n  - name: db\n    files: ' +
        'db/**\n  - name: core\n    files: core/keepalived.conf\n    ' +
        'configIds: [a, b]\n',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      'cluster web, 2 nodes: web/n1 (web/n1/etc/keepalived/keepalived.conf), ' +
        'web/n2 (web/n2/etc/keepalived/keepalived.conf)\n' +
        ('cluster db, 2 nodes: db/n1 (db/n1/etc/keepalived/keepalived.conf), ' +
          'db/n2 (db/n2/etc/keepalived/keepalived.conf)\n') +
        'cluster core, 2 nodes: core@a (core/keepalived.conf -i a), core@b (core/keepalived.conf -i b)\n',
    );
  });

  it('still checks VRIDs across clusters on one segment', async () => {
    pair('repo/app', '192.0.2.50/24');
    try {
      const r = await runCli(['cluster', 'web', 'app'], { cwd: repo });
      expect(r.stdout).toContain('cluster-vrid-collision');
      expect(r.stdout).not.toContain('cluster-vip-mismatch');
    } finally {
      fs.rmSync(path.join(repo, 'app'), { recursive: true });
    }
  });

  it('rejects an entry without files, at its line', async () => {
    const r = await run('clusters:\n  - name: web\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.keepalived-lint\.yaml:2:5: error: .*needs "files"/);
  });
});

describe('cluster findings with the other lint features', () => {
  const node = (prio: number, vip: string, comment = '') =>
    `vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id ` +
    `51\n    priority ${prio}\n${comment}    virtual_ipaddress ` +
    `{\n        ${vip}\n    }\n}\n`;
  const dir = path.join(tmp, 'supp');
  const lb2 = write('supp/lb2.conf', node(100, '192.0.2.11/24'));

  it(
    'a disable comment silences a cluster finding on that node; lint knows ' +
      'the cluster rule ids and never calls them unused',
    async () => {
      const lb1 = write(
        'supp/lb1.conf',
        node(
          150,
          '192.0.2.10/24',
          '    # keepalived-lint disable-next-line cluster-vip-mismatch -- lb1 moves to .11 tonight\n',
        ),
      );
      const r = await runCli(['cluster', lb1, lb2, '--format', 'json'], { cwd: dir });
      const files = (
        JSON.parse(r.stdout) as { results: { file: string; diagnostics: { ruleId: string }[] }[] }
      ).results.map((x) => [x.file, x.diagnostics.map((d) => d.ruleId)]);
      expect(files).toEqual([['lb2.conf', ['cluster-vip-mismatch']]]);
      const lint = await runCli(['lint', lb1, '--report-unused-disables', '--format', 'json'], { cwd: dir });
      expect(lint.stdout).not.toContain('lint-directive');
    },
  );

  it('sarif describes the cluster rules', async () => {
    const lb1 = write('supp/plain1.conf', node(150, '192.0.2.10/24'));
    const r = await runCli(['cluster', lb1, lb2, '--format', 'sarif'], { cwd: dir });
    const sarif = JSON.parse(r.stdout) as {
      runs: { tool: { driver: { version?: string; rules: { id: string; shortDescription?: { text: string } }[] } } }[];
    };
    const driver = sarif.runs[0]!.tool.driver;
    expect(driver.rules.find((x) => x.id === 'cluster-vip-mismatch')?.shortDescription?.text).toMatch(
      /^The nodes of one VRRP group advertise different/,
    );
    expect(driver.version).toBe('0.1.0');
  });
});

describe('track lines as keepalived 2.2.7 keeps them (trackEntries, shared by cluster and simulate)', () => {
  // Each expectation is what keepalived 2.2.7 reads (vrrp_track.c alloc_track_*, track_file.c, the
  // weight handlers of the definitions); its -t output names the lines it ignores.
  const entries = async (defs: string, body: string) => {
    const i = await only(instance(body, defs));
    const tree = i.node.pass.tree;
    return trackEntries(tree, i.statement.children).map((e) => [e.kind, e.name, e.weight, e.reverse]);
  };

  // vrrp_script and bfd_instance: the last valid weight; track_process: the first not 0; track_file: the first not 1.
  it("a definition's weight and reverse, as each kind's weight handler leaves them", async () => {
    const defs = [
      'bfd_instance bf1 {\n    neighbor_ip 192.0.2.9\n    weight -30\n    weight 300\n}',
      'vrrp_track_process pr {\n    process sshd\n    weight 0\n    weight -20\n    weight 10\n}',
      'track_file tf {\n    file /tmp/f\n    weight -5\n    weight 7\n}',
      'vrrp_script chk {\n    script /bin/true\n    weight -20 reverse\n    weight -10\n}',
      '',
    ].join('\n');
    const body = [
      '    track_bfd {\n        bf1\n    }',
      '    track_process {\n        pr\n    }',
      '    track_file {\n        tf\n    }',
      '    track_script {\n        chk\n    }',
      '',
    ].join('\n');
    expect(await entries(defs, body)).toEqual([
      ['bfd', 'bf1', -30, false],
      ['process', 'pr', -20, false],
      ['file', 'tf', -5, false],
      ['script', 'chk', -10, true], // a `reverse` once read stays
    ]);
  });

  // An unknown word after the weight drops a track_file or track_bfd line; the others keep theirs.
  it("a line's own weight: its range per kind, and a word after it", async () => {
    const defs = [
      'bfd_instance bf1 {\n    neighbor_ip 192.0.2.9\n    weight -30\n}',
      'bfd_instance bf2 {\n    neighbor_ip 192.0.2.8\n}',
      'vrrp_track_process pr {\n    process sshd\n}',
      'track_file tf {\n    file /tmp/f\n}',
      'vrrp_script chk {\n    script /bin/true\n}',
      '',
    ].join('\n');
    const body = [
      '    track_bfd {\n        bf1 weight 254\n        bf2 weight -30 foo\n    }',
      '    track_process {\n        pr weight 254 foo\n    }',
      '    track_file {\n        tf weight -254 foo\n    }',
      '    track_script {\n        chk weight 254 foo\n    }',
      '    track_interface {\n        eth1 weight -254 noreverse\n    }',
      '',
    ].join('\n');
    expect(await entries(defs, body)).toEqual([
      ['bfd', 'bf1', -30, false], // 254 is past track_bfd's 253: the definition's weight
      ['process', 'pr', 254, false],
      ['script', 'chk', 253, false],
      ['interface', 'eth1', -253, false],
    ]);
  });

  it('a definition keepalived removes (no script, file or process) is not found', async () => {
    const defs = 'vrrp_script chk {\n    weight -20\n}\ntrack_file tf {\n    weight 5\n}\n';
    expect(
      await entries(defs, '    track_script {\n        chk\n    }\n    track_file {\n        tf\n    }\n'),
    ).toEqual([]);
  });
});
