/**
 * A cluster of real keepalived daemons (2.2.7 here), one per node, each in its own network and
 * mount namespace, joined by veth pairs to a bridge per interface name; for checking `simulate`
 * against keepalived itself (test/simulate-netns.test.ts). Root only.
 *
 * Layout: an outer namespace (`unshare -n -m`, held by a `sleep`) holds the bridges; each node is
 * a namespace made from inside it (again held by a `sleep`), with its copy of the fixture's
 * etc/keepalived bind-mounted at /etc/keepalived, so the configs and their script paths are the
 * ones `simulate` reads. In the copy, check scripts (chk*, check*) are replaced by `[ ! -e
 * "$0.fail" ]` (fail() creates that file) and every other *.sh by a recorder of its argv (one line
 * per call, the words separated by \x1f). Every command runs through nsenter into one of these
 * namespaces: nothing touches the host's network. close() kills, by pid, every process left in the
 * node namespaces, then the holders, and removes the copy.
 *
 * Example: const c = await NetnsCluster.start([{ label: 'gw1', dir: 'test/simulate-cases/x/gw1/etc/keepalived',
 *   bridged: ['eth0'], dummy: [] }, ...]); c.addresses('gw1') -> ['198.51.100.1', '192.0.2.1']
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import ipaddr from 'ipaddr.js';

export interface NodeSpec {
  label: string;
  /** The node's etc/keepalived folder (keepalived.conf and its scripts). */
  dir: string;
  /** Interfaces joined to the other nodes' interfaces of the same name (a bridge each). */
  bridged: string[];
  /** Interfaces of the node alone (tracked ones that carry no adverts): one end of a veth pair. */
  dummy: string[];
}

const TOOLS = ['keepalived', 'unshare', 'nsenter', 'ip'];

/** Why the harness cannot run here (one line), or null. */
export function netnsUnavailable(): string | null {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'not root on Linux';
  for (const t of TOOLS) {
    const found = (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin')
      .split(':')
      .concat(['/usr/sbin', '/sbin'])
      .some((d) => fs.existsSync(path.join(d, t)));
    if (!found) return `no ${t} on this machine`;
  }
  try {
    execFileSync('unshare', ['-n', '-m', '--propagation', 'private', 'true'], { stdio: 'ignore' });
  } catch {
    return 'unshare -n -m is refused here (no network or mount namespaces)';
  }
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A notify call one node's recorder saw. */
export interface Recorded {
  node: string;
  argv: string[];
}

export class NetnsCluster {
  readonly stage: string;
  private outer: ChildProcess | null = null;
  private readonly holders = new Map<string, ChildProcess>();
  private readonly daemons = new Map<string, ChildProcess>();
  private readonly nsInodes = new Set<string>();
  private readonly recordsRead = new Map<string, number>();
  private readonly readers: ChildProcess[] = [];
  private closed = false;

  private constructor(readonly nodes: NodeSpec[]) {
    this.stage = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-netns-'));
  }

  /** Clusters not closed yet: closeAll() (afterAll, process exit) ends them after a test timed out. */
  private static readonly open = new Set<NetnsCluster>();

  static closeAll(): void {
    for (const c of NetnsCluster.open) c.close();
  }

  static async start(nodes: NodeSpec[]): Promise<NetnsCluster> {
    if (!NetnsCluster.open.size) {
      process.once('exit', NetnsCluster.closeAll);
      for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const)
        process.once(sig, () => {
          NetnsCluster.closeAll();
          process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGHUP' ? 1 : 15));
        });
    }
    const c = new NetnsCluster(nodes);
    NetnsCluster.open.add(c);
    try {
      await c.setUp();
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  private pid(label: string): number {
    const h = this.holders.get(label);
    if (!h?.pid) throw new Error(`no namespace for ${label}`);
    return h.pid;
  }

  /** Runs argv in the node's network and mount namespaces (or the outer one for label null). */
  run(label: string | null, argv: string[]): string {
    const pid = label === null ? this.outer!.pid! : this.pid(label);
    return execFileSync('nsenter', ['-t', String(pid), '-n', '-m', ...argv], { encoding: 'utf8', timeout: 10_000 });
  }

  private async holder(args: string[]): Promise<ChildProcess> {
    const p = spawn(args[0]!, args.slice(1), { stdio: 'ignore' });
    if (!p.pid) throw new Error(`cannot start ${args.join(' ')}`);
    const mine = fs.readlinkSync('/proc/self/ns/net');
    // Ready once the holder has exec'd sleep in its own namespaces.
    for (let k = 0; k < 100; k++) {
      try {
        const comm = fs.readFileSync(`/proc/${p.pid}/comm`, 'utf8').trim();
        const ns = fs.readlinkSync(`/proc/${p.pid}/ns/net`);
        if (comm === 'sleep' && ns !== mine) {
          this.nsInodes.add(ns);
          return p;
        }
      } catch {
        // not there yet
      }
      await sleep(20);
    }
    p.kill('SIGKILL');
    throw new Error(`namespace holder did not start: ${args.join(' ')}`);
  }

  private prepareNode(n: NodeSpec): string {
    const dir = path.join(this.stage, n.label);
    fs.cpSync(n.dir, dir, { recursive: true });
    const log = path.join(this.stage, `${n.label}.rec`);
    fs.writeFileSync(log, '');
    for (const f of fs.readdirSync(dir)) {
      if (!f.endsWith('.sh')) continue;
      const text = /^(chk|check)/.test(f)
        ? '#!/bin/sh\n[ ! -e "$0.fail" ]\n'
        : `#!/bin/sh\nline="$0"\nfor a; do line="$line$(printf '\\037')$a"; done\nprintf '%s\\n' "$line" >> ${log}\n`;
      fs.writeFileSync(path.join(dir, f), text, { mode: 0o755 });
      fs.chmodSync(path.join(dir, f), 0o755);
    }
    fs.chmodSync(dir, 0o755);
    return dir;
  }

  private async setUp(): Promise<void> {
    fs.chmodSync(this.stage, 0o755);
    this.outer = await this.holder(['unshare', '-n', '-m', '--propagation', 'private', 'sleep', '3600']);
    const outer = String(this.outer.pid);
    this.run(null, ['ip', 'link', 'set', 'lo', 'up']);
    const bridges = [...new Set(this.nodes.flatMap((n) => n.bridged))];
    bridges.forEach((_, j) => {
      this.run(null, ['ip', 'link', 'add', `br${j}`, 'type', 'bridge', 'mcast_snooping', '0']);
      this.run(null, ['ip', 'link', 'set', `br${j}`, 'up']);
    });
    for (const [k, n] of this.nodes.entries()) {
      const dir = this.prepareNode(n);
      const script = 'mount --bind "$1" /etc/keepalived && exec sleep 3600';
      const h = await this.holder([
        'nsenter',
        '-t',
        outer,
        '-n',
        '-m',
        'unshare',
        '-n',
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        script,
        'sh',
        dir,
      ]);
      this.holders.set(n.label, h);
      this.run(n.label, ['sh', '-c', 'for f in /proc/sys/net/ipv6/conf/*/accept_dad; do echo 0 > $f; done']);
      this.run(n.label, ['ip', 'link', 'set', 'lo', 'up']);
      for (const x of n.bridged) {
        const j = bridges.indexOf(x);
        const end = `v${k}b${j}`;
        this.run(null, ['ip', 'link', 'add', end, 'type', 'veth', 'peer', 'name', x, 'netns', String(h.pid)]);
        this.run(null, ['ip', 'link', 'set', end, 'master', `br${j}`, 'up']);
        this.run(n.label, ['ip', 'addr', 'add', `198.51.${100 + j}.${k + 1}/24`, 'dev', x]);
        this.run(n.label, ['ip', 'link', 'set', x, 'up']);
      }
      for (const x of n.dummy) {
        // No dummy driver everywhere: a veth pair inside the node, its other end up, has a carrier.
        this.run(n.label, ['ip', 'link', 'add', x, 'type', 'veth', 'peer', 'name', `${x.slice(0, 12)}-p`]);
        this.run(n.label, ['ip', 'link', 'set', `${x.slice(0, 12)}-p`, 'up']);
        this.run(n.label, ['ip', 'link', 'set', x, 'up']);
      }
    }
  }

  /** Starts keepalived on the nodes named (all by default) at the same moment. */
  startDaemons(labels = this.nodes.map((n) => n.label)): void {
    if (this.closed) throw new Error('the cluster is closed');
    for (const label of labels) {
      const base = path.join(this.stage, label);
      const out = fs.openSync(`${base}.log`, 'a');
      const argv = ['keepalived', '-n', '-l', '-D', '-G', '-P', '-f', '/etc/keepalived/keepalived.conf'];
      argv.push('-p', `${base}.pid`, '-r', `${base}.vrrp.pid`, '-c', `${base}.chk.pid`);
      const d = spawn('nsenter', ['-t', String(this.pid(label)), '-n', '-m', ...argv], { stdio: ['ignore', out, out] });
      fs.closeSync(out);
      this.daemons.set(label, d);
    }
  }

  /**
   * SIGKILL to a node's keepalived: the VRRP child and the parent by their pid files, and the
   * process started. The parent is stopped (SIGSTOP) first: told that its VRRP child died, it
   * may start a new one, which a moment later finds its parent gone and stops gracefully, calling
   * the notify scripts with STOP, which a node losing power never does (a STOP call was seen once
   * under load; this is the likely way it came).
   */
  private killDaemonPids(label: string): void {
    const base = path.join(this.stage, label);
    const pidIn = (f: string) => Number(fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : NaN);
    const parent = pidIn(`${base}.pid`);
    const d = this.daemons.get(label);
    for (const pid of [parent, d?.pid ?? NaN]) if (pid > 1) killPid(pid, 'SIGSTOP');
    for (const pid of [pidIn(`${base}.vrrp.pid`), pidIn(`${base}.chk.pid`), parent]) if (pid > 1) killPid(pid);
    if (d?.pid) killPid(d.pid);
  }

  /** Kills a node's keepalived at once (SIGKILL, VRRP child first): a node losing power, no advert sent. */
  async killDaemon(label: string): Promise<void> {
    const base = path.join(this.stage, label);
    this.killDaemonPids(label);
    this.daemons.delete(label);
    // Every process left in the node's namespace (a notify script running) goes too.
    for (const pid of pidsIn(new Set([this.netns(label)]))) if (pid !== this.pid(label)) killPid(pid);
    for (const f of [`${base}.vrrp.pid`, `${base}.pid`, `${base}.chk.pid`]) fs.rmSync(f, { force: true });
    await sleep(100);
  }

  /** Stops every node's keepalived as a service stop does (SIGTERM: it removes its addresses), then kills the rest. */
  async stopDaemons(): Promise<void> {
    for (const label of this.daemons.keys()) {
      const f = path.join(this.stage, `${label}.pid`);
      const pid = Number(fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : NaN);
      if (pid > 1) killPid(pid, 'SIGTERM');
    }
    const labels = [...this.daemons.keys()];
    for (let k = 0; k < 50 && labels.some((l) => pidsIn(new Set([this.netns(l)])).length > 1); k++) await sleep(100);
    for (const l of labels) await this.killDaemon(l);
  }

  private netns(label: string): string {
    return fs.readlinkSync(`/proc/${this.pid(label)}/ns/net`);
  }

  /** Records the lines keepalived writes to a FIFO of the node (its deployed path) as calls [path, line]. */
  readFifo(label: string, deployed: string): void {
    const local = path.join(this.stage, label, path.posix.relative('/etc/keepalived', deployed));
    if (local.startsWith('..') || !local.startsWith(path.join(this.stage, label)))
      throw new Error(`FIFO outside /etc/keepalived: ${deployed}`);
    execFileSync('mkfifo', [local]);
    const loop = 'while :; do while IFS= read -r l; do printf "%s\\037%s\\n" "$0" "$l"; done < "$1"; done >> "$2"';
    const r = spawn('sh', ['-c', loop, deployed, local, path.join(this.stage, `${label}.rec`)], { stdio: 'ignore' });
    this.readers.push(r);
  }

  setLink(label: string, iface: string, up: boolean): void {
    this.run(label, ['ip', 'link', 'set', 'dev', iface, up ? 'up' : 'down']);
  }

  /** Makes the check script (a file name in the node's etc/keepalived) fail, or succeed again. */
  setCheck(label: string, script: string, ok: boolean): void {
    const f = path.join(this.stage, label, `${path.basename(script)}.fail`);
    if (ok) fs.rmSync(f, { force: true });
    else fs.writeFileSync(f, '');
  }

  /**
   * The addresses on the node's interfaces (without loopback and link-local IPv6), as ip shows them.
   * Read from /proc/PID/net of the node's holder (the node's view), with no process started: the
   * fixtures poll side by side.
   */
  addresses(label: string): string[] {
    const net = `/proc/${this.pid(label)}/net`;
    const out: string[] = [];
    // fib_trie: an address of the node is a leaf "|-- A" followed by "/32 host LOCAL".
    const trie = fs.readFileSync(`${net}/fib_trie`, 'utf8').split('\n');
    trie.forEach((l, k) => {
      const a = /\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(l)?.[1];
      if (a && /\/32 host LOCAL/.test(trie[k + 1] ?? '') && !a.startsWith('127.') && !out.includes(a)) out.push(a);
    });
    for (const l of fs.readFileSync(`${net}/if_inet6`, 'utf8').split('\n')) {
      const hex = l.split(' ')[0] ?? '';
      if (hex.length !== 32) continue;
      const a = ipaddr.fromByteArray([...Buffer.from(hex, 'hex')]).toString();
      if (!a.startsWith('fe80') && a !== '::1') out.push(a);
    }
    return out;
  }

  /** The notify calls recorded since the last call of this method. */
  takeRecords(): Recorded[] {
    const out: Recorded[] = [];
    for (const n of this.nodes) {
      const text = fs.readFileSync(path.join(this.stage, `${n.label}.rec`), 'utf8');
      const seen = this.recordsRead.get(n.label) ?? 0;
      const lines = text.slice(seen).split('\n');
      const complete = text.endsWith('\n') ? lines : lines.slice(0, -1);
      let used = 0;
      for (const l of complete) {
        used += l.length + 1;
        if (l) out.push({ node: n.label, argv: l.split('\x1f') });
      }
      this.recordsRead.set(n.label, seen + (text.endsWith('\n') ? text.length - seen : used));
    }
    return out;
  }

  log(label: string): string {
    const f = path.join(this.stage, `${label}.log`);
    return fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : '';
  }

  /** Kills everything started, by pid (daemons, anything left in the namespaces, the holders) and removes the copy. */
  close(): void {
    NetnsCluster.open.delete(this);
    this.closed = true;
    for (const label of [...this.daemons.keys()]) this.killDaemonPids(label);
    this.daemons.clear();
    for (const r of this.readers) if (r.pid) killPid(r.pid);
    for (const pid of pidsIn(this.nsInodes)) killPid(pid);
    for (const h of this.holders.values()) if (h.pid) killPid(h.pid);
    if (this.outer?.pid) killPid(this.outer.pid);
    this.holders.clear();
    this.outer = null;
    fs.rmSync(this.stage, { recursive: true, force: true });
  }
}

function killPid(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** The processes whose network namespace is one of these (by /proc/PID/ns/net). */
export function pidsIn(inodes: Set<string>): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (inodes.has(fs.readlinkSync(`/proc/${e}/ns/net`))) out.push(Number(e));
    } catch {
      // exited, or not ours to read
    }
  }
  return out;
}
