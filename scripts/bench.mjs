// npm run bench: times a full lint against `keepalived -t` (when installed) and `node -e 0` on
// generated configs of 10, 1,000 and 10,000 vrrp_instances (their notify and check scripts
// present), interleaved in one run, and prints medians, the ratios the performance targets use
// (issue 16), and peak memory.
//
//   node scripts/bench.mjs [--sizes 10,1000,10000] [--runs 5] [--no-corpus] [--no-seq] [--no-repo] [--no-diff]
//
// Two `~SEQ` cases: the corpus's 1173.conf (300 virtual servers x 100 real servers, config-ids
// @low and @high; read in place from ../shared/corpus, skipped with a note when ../shared is not
// there), and an LVS config of this script's own with 4 config-ids, which keepalived checks with one
// `keepalived -t` run per id plus one without -i: the lint is compared with one such run and with
// the sum of the five. 1173.conf, which takes seconds, runs at most 3 times.
//
// and, with one thread and with one per core, a repository of 200 host configs; and the diff hook
// (`diff --git HEAD`) on a git repository of 100 hosts with one config edited, against a lint of it.
//
// Generated files go to .bench/ (git-ignored). keepalived runs inside `unshare -n` with the
// interfaces the configs name, never as a daemon.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { availableParallelism } from 'node:os';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const sizes = opt('--sizes', '10,1000,10000').split(',').map(Number);
const runs = Number(opt('--runs', '5'));
const dir = path.resolve('.bench');
mkdirSync(path.join(dir, 'etc', 'keepalived'), { recursive: true });

// One interface per 255 instances: a VRID is unique per interface, as on a real router.
const ifaces = (n) => Array.from({ length: Math.max(1, Math.ceil(n / 255)) }, (_, i) => `eth${i}`);

function generate(n) {
  const out = ['global_defs {', '    router_id bench', '    enable_script_security', '    script_user root', '}', ''];
  const scripts = Math.max(1, Math.ceil(n / 10));
  for (let s = 0; s < scripts; s++) {
    out.push(
      `vrrp_script chk_${s} {`,
      `    script "/etc/keepalived/check.sh ${s}"`,
      '    interval 2',
      '    fall 2',
      '    rise 2',
      // Not weighted: keepalived 2.2.7 ignores the weight of a script tracked by a sync group member.
      '    weight 0',
      '}',
      '',
    );
  }
  for (let i = 0; i < n; i++) {
    const iface = `eth${Math.floor(i / 255)}`;
    const vrid = (i % 255) + 1;
    const a = Math.floor(i / 250) % 250;
    const b = (i % 250) + 1;
    out.push(
      `vrrp_instance VI_${i} {`,
      `    state ${i % 2 ? 'BACKUP' : 'MASTER'}`,
      `    interface ${iface}`,
      `    virtual_router_id ${vrid}`,
      `    priority ${i % 2 ? 100 : 150}`,
      '    advert_int 1',
      '    authentication {',
      '        auth_type PASS',
      '        auth_pass secret1',
      '    }',
      '    virtual_ipaddress {',
      `        10.${a}.${b}.1/24 dev ${iface}`,
      `        10.${a}.${b}.2/24 dev ${iface}`,
      '    }',
      '    track_script {',
      `        chk_${Math.floor(i / 10)}`,
      '    }',
      '    notify /etc/keepalived/notify.sh',
      '}',
      '',
    );
  }
  for (let g = 0; g + 1 < n; g += 2)
    out.push(`vrrp_sync_group SG_${g} {`, '    group {', `        VI_${g}`, `        VI_${g + 1}`, '    }', '}', '');
  const servers = Math.max(1, Math.floor(n / 10));
  for (let v = 0; v < servers; v++) {
    const a = Math.floor(v / 250) % 250;
    const b = (v % 250) + 1;
    out.push(
      `virtual_server 172.16.${a}.${b} 80 {`,
      '    delay_loop 6',
      '    lb_algo rr',
      '    lb_kind NAT',
      '    protocol TCP',
      `    real_server 172.17.${a}.${b} 80 {`,
      '        weight 1',
      '        TCP_CHECK {',
      '            connect_timeout 3',
      '        }',
      '    }',
      '}',
      '',
    );
  }
  return out.join('\n');
}

for (const s of ['notify.sh', 'check.sh']) {
  const p = path.join(dir, 'etc', 'keepalived', s);
  writeFileSync(p, '#!/bin/sh\nexit 0\n');
  chmodSync(p, 0o755);
}

const haveKeepalived =
  spawnSync('sh', ['-c', 'command -v keepalived && unshare -n true'], { stdio: 'ignore' }).status === 0;
const haveTime = existsSync('/usr/bin/time');

/** `timed` in another working directory. */
function timedIn(cwd, cmd, argv) {
  const here = process.cwd();
  process.chdir(cwd);
  try {
    return timed(cmd, argv);
  } finally {
    process.chdir(here);
  }
}

/** One timed run: wall seconds and peak RSS (MiB) of the command. */
function timed(cmd, argv) {
  const full = haveTime ? ['/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  let rss = null;
  let cpu = null;
  if (haveTime) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    const m = /([\d.]+) (\d+) ([\d.]+) ([\d.]+)$/.exec(last);
    if (m) {
      rss = Number(m[2]) / 1024;
      cpu = Number(m[3]) + Number(m[4]);
    }
  }
  return { wall, rss, cpu, status: r.status, stdout: r.stdout };
}

const keepalivedScript = (n) =>
  'ip link set lo up; for i in ' +
  ifaces(n).join(' ') +
  ('; do ip link add "$i" type ifb 2>/dev/null || ip link add "$i" type ' +
    'bridge; ip link set "$i" up; done; exec keepalived -t -f "$1" ${2:+-i "$2"}');

/** One `keepalived -t` run on FILE (with `-i ID` when given), in a network namespace of its own. */
const keepalivedRun = (n, file, id) =>
  timed('unshare', ['-n', 'sh', '-c', keepalivedScript(n), 'sh', file, ...(id ? [id] : [])]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const keepalivedVersion = haveKeepalived
  ? execFileSync('keepalived', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0] ||
    'installed'
  : 'not installed';
console.log(
  `keepalived-lint benchmark: ${runs} interleaved runs per size (${runs * 3} for 10 instances), medians; ` +
    `keepalived ${keepalivedVersion}`,
);
const results = {};
for (const n of sizes) {
  const file = path.join(dir, 'etc', 'keepalived', `bench-${n}.conf`);
  writeFileSync(file, generate(n));
  const samples = { lint: [], keepalived: [], node: [] };
  let rss = 0;
  const keepalivedRuns = n >= 10000 ? Math.min(runs, 3) : runs;
  // The cold case is a ratio of two ~0.1-0.2 s runs, and `node -e 0` alone moved by 20% between two
  // bench runs of 5 on this 2-core machine: 3 times as many runs there (a second or two in all).
  const sizeRuns = n <= 10 ? runs * 3 : runs;
  for (let r = 0; r < sizeRuns; r++) {
    const lint = timed(process.execPath, ['bin/keepalived-lint.js', file, '--format', 'json', '--root', dir]);
    if (lint.status !== 0 && lint.status !== 1) throw new Error(`lint exited ${lint.status} on ${file}`);
    samples.lint.push(lint.wall);
    if (r === 0) {
      // The generated configs are meant to be clean: findings would time the reporting, not the lint.
      const found = JSON.parse(lint.stdout).results.flatMap((x) => x.diagnostics ?? []);
      if (found.length)
        console.log(
          `  note: ${found.length} findings on ${path.basename(file)}, first: ${found[0].ruleId} ${found[0].message}`,
        );
    }
    rss = Math.max(rss, lint.rss ?? 0);
    samples.node.push(timed(process.execPath, ['-e', '0']).wall);
    if (haveKeepalived && r < keepalivedRuns) samples.keepalived.push(keepalivedRun(n, file).wall);
  }
  const m = {
    lint: median(samples.lint),
    node: median(samples.node),
    keepalived: samples.keepalived.length ? median(samples.keepalived) : null,
  };
  results[n] = { ...m, rss };
  const kb = Math.round(Buffer.byteLength(generate(n)) / 1024);
  console.log(
    `${String(n).padStart(6)} instances (${kb} KiB): lint ` +
      `${m.lint.toFixed(3)} s, keepalived -t ${m.keepalived === null ? 'n/a' : m.keepalived.toFixed(3) + ' s'}, ` +
      `node -e 0 ${m.node.toFixed(3)} s, lint peak RSS ${haveTime ? rss.toFixed(0) + ' MiB' : 'n/a'}`,
  );
}

// The `~SEQ` cases (issue 16). The lint reads every config-id pass (none, then each @id) in one
// run; keepalived needs one `keepalived -t` run per id. `ids` are the -i values that stand for the
// lint's passes besides the run without -i.
const SEQ_CONF = `global_defs {
    router_id bench_seq
}

$NET=0
@lb1 $NET=1
@lb2 $NET=2
@lb3 $NET=3
@lb4 $NET=4

$RS= \\
    real_server 10.\${NET}.\${RSN}.1 80 { \\
        weight 1 \\
        TCP_CHECK { \\
            connect_timeout 3 \\
        } \\
    }

$VS= \\
virtual_server 192.168.\${NET}.\${VSN} 80 { \\
    delay_loop 6 \\
    lb_algo rr \\
    lb_kind NAT \\
    protocol TCP \\
    ~SEQ(RSN, 1, 40) $RS \\
}

~SEQ(VSN, 1, 100) $VS
@lb3 ~SEQ(VSN, 101, 150) $VS
@^lb4 ~SEQ(VSN, 201, 220) $VS
`;
const CORPUS_1173 = path.resolve(
  '..',
  'shared',
  'corpus',
  'configs',
  'pqarmitage__keepalived-devel-tools__configs__1173.conf',
);
const seqCases = [];
if (!args.includes('--no-corpus')) {
  if (existsSync(CORPUS_1173)) seqCases.push({ name: '1173.conf', file: CORPUS_1173, ids: [] });
  else console.log(`  1173.conf: skipped, ${CORPUS_1173} is not there (the shared corpus sits beside the repo)`);
}
if (!args.includes('--no-seq')) {
  const file = path.join(dir, 'etc', 'keepalived', 'bench-seq.conf');
  writeFileSync(file, SEQ_CONF);
  seqCases.push({ name: '~SEQ LVS, 4 config-ids', file, ids: ['lb1', 'lb2', 'lb3', 'lb4'] });
}
const seqResults = {};
for (const c of seqCases) {
  // 1173.conf takes seconds: 3 runs at most. The LVS config takes half a second, and this machine's
  // noise moved its median by ~10% between bench runs of 3: it runs as often as the other cases.
  const caseRuns = c.ids.length ? runs : Math.min(runs, 3);
  const samples = { lint: [], one: [], sum: [] };
  let rss = 0;
  let keepalivedRss = 0;
  for (let r = 0; r < caseRuns; r++) {
    const lint = timed(process.execPath, ['bin/keepalived-lint.js', c.file, '--format', 'json']);
    if (lint.status !== 0 && lint.status !== 1) throw new Error(`lint exited ${lint.status} on ${c.file}`);
    samples.lint.push(lint.wall);
    rss = Math.max(rss, lint.rss ?? 0);
    if (!haveKeepalived) continue;
    let sum = 0;
    for (const id of [null, ...c.ids]) {
      const k = keepalivedRun(1, c.file, id);
      if (id === null) samples.one.push(k.wall);
      sum += k.wall;
      keepalivedRss = Math.max(keepalivedRss, k.rss ?? 0);
    }
    samples.sum.push(sum);
  }
  const m = {
    lint: median(samples.lint),
    one: samples.one.length ? median(samples.one) : null,
    sum: samples.sum.length ? median(samples.sum) : null,
    rss,
    keepalivedRss,
    runs: caseRuns,
  };
  seqResults[c.name] = m;
  const k = (x) => (x === null ? 'n/a' : `${x.toFixed(3)} s`);
  console.log(
    `${c.name.padStart(22)}: lint ${m.lint.toFixed(3)} s (${caseRuns} runs), keepalived -t ${k(m.one)}` +
      (c.ids.length ? `, the ${c.ids.length + 1} runs (none + ${c.ids.join(', ')}) ${k(m.sum)}` : '') +
      `, lint peak RSS ${haveTime ? rss.toFixed(0) + ' MiB' : 'n/a'}` +
      (haveTime && haveKeepalived ? `, keepalived ${keepalivedRss.toFixed(0)} MiB` : ''),
  );
}

// A repository of 200 host configs of 10 to 50 instances each (issue 7, performance 3): every core
// should work. Timed with one thread (--jobs 1) and with one per core (--jobs N), interleaved.
const HOSTS = 200;
let repo = null;
if (!args.includes('--no-repo')) {
  const repoDir = path.join(dir, 'repo');
  rmSync(repoDir, { recursive: true, force: true });
  for (let h = 0; h < HOSTS; h++) {
    const d = path.join(repoDir, 'hosts', `h${String(h).padStart(3, '0')}`, 'etc', 'keepalived');
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'keepalived.conf'), generate(10 + ((h * 7) % 41)));
    for (const s of ['notify.sh', 'check.sh']) {
      writeFileSync(path.join(d, s), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(d, s), 0o755);
    }
  }
  const samples = { one: [], all: [] };
  let cpuAll = 0;
  for (let r = 0; r < runs; r++) {
    const one = timed(process.execPath, ['bin/keepalived-lint.js', repoDir, '--format', 'json', '--jobs', '1']);
    const all = timed(process.execPath, [
      'bin/keepalived-lint.js',
      repoDir,
      '--format',
      'json',
      '--jobs',
      String(availableParallelism()),
    ]);
    for (const x of [one, all])
      if (x.status !== 0 && x.status !== 1) throw new Error(`lint exited ${x.status} on ${repoDir}`);
    if (r === 0 && one.stdout !== all.stdout)
      throw new Error('the report with worker threads differs from the one without');
    samples.one.push(one.wall);
    samples.all.push(all.wall);
    cpuAll = Math.max(cpuAll, (all.cpu ?? 0) / all.wall);
  }
  repo = { one: median(samples.one), all: median(samples.all), cores: cpuAll };
  console.log(
    `  repo of ${HOSTS} hosts (10-50 instances each): 1 ` +
      `thread ${repo.one.toFixed(3)} s, ${availableParallelism()} ` +
      `threads (--jobs ${availableParallelism()}) ${repo.all.toFixed(3)} ` +
      `s, CPU time / wall time ${haveTime ? repo.cores.toFixed(2) : 'n/a'}`,
  );
}

// The diff hook (issue 17): a git repository of 100 host configs with one edited. `diff --git HEAD`
// compares only what reads differently at HEAD, so it should cost at most twice a lint of the
// whole repository. Timed interleaved with that lint.
const DIFF_HOSTS = 100;
let diffRepo = null;
if (!args.includes('--no-diff')) {
  const repoDir = path.join(dir, 'diff-repo');
  rmSync(repoDir, { recursive: true, force: true });
  const conf = (h) =>
    path.join(repoDir, 'hosts', `h${String(h).padStart(2, '0')}`, 'etc', 'keepalived', 'keepalived.conf');
  for (let h = 0; h < DIFF_HOSTS; h++) {
    mkdirSync(path.dirname(conf(h)), { recursive: true });
    writeFileSync(conf(h), generate(10));
    for (const s of ['notify.sh', 'check.sh']) {
      writeFileSync(path.join(path.dirname(conf(h)), s), '#!/bin/sh\nexit 0\n');
      chmodSync(path.join(path.dirname(conf(h)), s), 0o755);
    }
  }
  const git = (...a) =>
    execFileSync('git', ['-C', repoDir, '-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', ...a], {
      stdio: 'ignore',
    });
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  writeFileSync(conf(42), generate(10).replace('priority 150', 'priority 160'));
  const bin = path.resolve('bin/keepalived-lint.js');
  const samples = { diff: [], lint: [] };
  for (let r = 0; r < runs; r++) {
    const d = timedIn(repoDir, process.execPath, [bin, 'diff', '--git', 'HEAD']);
    if (d.status !== 0 && d.status !== 1) throw new Error(`diff exited ${d.status} in ${repoDir}`);
    if (r === 0 && (d.stdout.match(/^Changes from /gm) ?? []).length !== 1)
      throw new Error(`diff --git HEAD should show one config:\n${d.stdout.slice(0, 2000)}`);
    const l = timedIn(repoDir, process.execPath, [bin, '.', '--format', 'json']);
    if (l.status !== 0 && l.status !== 1) throw new Error(`lint exited ${l.status} in ${repoDir}`);
    samples.diff.push(d.wall);
    samples.lint.push(l.wall);
  }
  diffRepo = { diff: median(samples.diff), lint: median(samples.lint) };
  console.log(
    `  diff --git HEAD, ${DIFF_HOSTS} hosts, one edited: ${diffRepo.diff.toFixed(3)} s; ` +
      `lint of the repository ${diffRepo.lint.toFixed(3)} s`,
  );
}

const ratio = (a, b) => (a && b ? (a / b).toFixed(2) : 'n/a');
const mib = (x) => (haveTime && x ? `${x.toFixed(0)} MiB` : 'n/a');
console.log('\nTargets (issue 16):');
const c1173 = seqResults['1173.conf'];
if (c1173) {
  console.log(
    `  1173.conf: lint / keepalived -t              = ${ratio(c1173.lint, c1173.one)}  (target <= 2, moonshot 1)`,
  );
  console.log(`  1173.conf: lint peak memory                  = ${mib(c1173.rss)}  (target <= 200 MiB, moonshot 120)`);
}
const cSeq = seqResults['~SEQ LVS, 4 config-ids'];
if (cSeq) {
  console.log(`  ~SEQ, 4 ids: lint / keepalived -t (one run)  = ${ratio(cSeq.lint, cSeq.one)}`);
  console.log(`  ~SEQ, 4 ids: lint / the 5 keepalived -t runs = ${ratio(cSeq.lint, cSeq.sum)}  (target <= 1)`);
  console.log(`  ~SEQ, 4 ids: lint peak memory                = ${mib(cSeq.rss)}  (target <= 200 MiB)`);
}
if (results[10])
  console.log(
    `  cold lint, 10 instances / node -e 0          = ${ratio(results[10].lint, results[10].node)} ` +
      ' (target <= 2, moonshot 1.5)',
  );
if (results[1000])
  console.log(
    `  lint / keepalived -t, 1,000 instances        = ${ratio(results[1000].lint, results[1000].keepalived)} ` +
      ` (target <= 4, moonshot 2)`,
  );
if (results[10000]) {
  console.log(
    `  lint / keepalived -t, 10,000 instances       = ${ratio(results[10000].lint, results[10000].keepalived)} ` +
      ` (target <= 0.3)`,
  );
  console.log(`  peak memory at 10,000 instances              = ${mib(results[10000].rss)}  (target <= 150 MiB)`);
}
console.log('\nOther targets (issues 7 and 17):');
if (results[1000] && results[10000])
  console.log(
    `  lint 10,000 / lint 1,000 (linear growth)     = ${ratio(results[10000].lint, results[1000].lint)} ` +
      ` (target <= 11)`,
  );
if (repo)
  console.log(
    `  200-host repo: speed-up on ${availableParallelism()} ` +
      `cores            = ${ratio(repo.one, repo.all)}  (target: ` +
      `both cores used; CPU/wall ${haveTime ? repo.cores.toFixed(2) : 'n/a'})`,
  );
if (diffRepo)
  console.log(
    `  diff hook, ${DIFF_HOSTS} hosts / lint of the repository = ${ratio(diffRepo.diff, diffRepo.lint)}  (target <= 2)`,
  );
