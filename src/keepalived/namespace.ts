/**
 * The throw-away network namespace keepalived runs in: `unshare -n` (or `unshare -rn` for a user
 * without CAP_SYS_ADMIN) then a small sh script that brings `lo` up, creates the interfaces the
 * config names (dummy devices, VLANs on requested bases; ifb or empty bridges where the kernel has
 * no dummy driver) and execs keepalived. The namespace has no route out, so a host name the config
 * mentions cannot be looked up on the network, and nothing keepalived does touches the host's
 * interfaces. Example:
 *   namespaceArgv(['-n'], ['/usr/sbin/keepalived', '-t', '-f', 'k.conf'], { interfaces: ['eth0'] })
 *   -> ['-n', 'sh', '-c', NS_SCRIPT, 'sh', '', 'link add eth0 type dummy\n', ..., '/usr/sbin/keepalived', '-t', ...]
 * No shell string is ever built from a file or interface name: they are positional arguments.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** PATH with the sbin folders (where keepalived lives, often not in a user's PATH) and the usual bin folders added. */
export function searchPath(envPath: string | undefined): string {
  const parts = (envPath ?? '').split(path.delimiter).filter(Boolean);
  for (const d of [...SBIN_DIRS, '/usr/local/bin', '/usr/bin', '/bin']) if (!parts.includes(d)) parts.push(d);
  return parts.join(path.delimiter);
}

/** The first executable regular file called `bin` on searchPath(envPath). */
export function findOnPath(bin: string, envPath: string | undefined): string | null {
  for (const dir of searchPath(envPath).split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    try {
      if (fs.statSync(candidate).isFile()) {
        fs.accessSync(candidate, fs.constants.X_OK);
        return candidate;
      }
    } catch {
      /* not here */
    }
  }
  return null;
}

export interface NamespaceOptions {
  /** Interfaces that must exist in the namespace (invalid names are skipped). */
  interfaces?: readonly string[];
  /** Host name inside the namespace ('' or absent: keep); needs `unshare -u` too. */
  hostname?: string;
}

/**
 * Linux interface names: 1-15 bytes, no '/', ':' or white space (dev_valid_name);
 * we also insist on a leading letter so IP addresses such as 192.168.200.10 are skipped.
 * Only names matching this are ever written into an `ip -batch` script.
 */
const IFNAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;

export function isValidInterfaceName(name: string): boolean {
  return IFNAME_RE.test(name) && !name.endsWith('.') && !name.includes('..');
}

interface InterfacePlan {
  names: string[];
  /** `ip -batch` lines: dummy devices, then VLANs on requested base devices. */
  create: string;
  /** `ip -batch` lines bringing every requested device up, with MULTICAST and ARP (ifb has neither). */
  up: string;
}

/**
 * Plan fake interfaces. A dotted name (bond0.13) becomes a VLAN on its base device
 * when that base is itself requested and the kernel can do it; every other name
 * (and every failed VLAN) becomes a dummy device, else an empty bridge (the fallback
 * is done in the namespace script). Unrequested base devices are never created.
 */
export function planInterfaces(requested: readonly string[]): InterfacePlan {
  const names = [...new Set(requested.filter(isValidInterfaceName))];
  const wanted = new Set(names);
  const lines: string[] = [];
  const vlans: string[] = [];
  for (const n of names) {
    const dot = n.lastIndexOf('.');
    const base = n.slice(0, dot);
    const id = n.slice(dot + 1);
    if (dot > 0 && wanted.has(base) && /^\d+$/.test(id) && Number(id) >= 1 && Number(id) <= 4094) {
      vlans.push(`link add link ${base} name ${n} type vlan id ${Number(id)}`);
    } else {
      lines.push(`link add ${n} type dummy`);
    }
  }
  return {
    names,
    create: [...lines, ...vlans].map((l) => l + '\n').join(''),
    up: names.map((n) => `link set dev ${n} multicast on arp on up\n`).join(''),
  };
}

/*
 * Positional args: $1 = host name ('' = keep), $2 = ip batch creating devices,
 * $3 = ip batch bringing them up, $4 = number of interface names, then the names,
 * then keepalived's own argv (starting with the binary path). Names that the first
 * batch did not create (no dummy/8021q support) are added as ifb devices, else as
 * empty bridges. ifb comes first because a namespace full of bridges takes ~0.5 s to
 * tear down, which the next namespace then waits for.
 */
const NS_SCRIPT = `
ip link set dev lo up 2>/dev/null
if [ -n "$1" ]; then
  hostname "$1" 2>/dev/null || printf '%s\\n' "$1" > /proc/sys/kernel/hostname
fi
add_missing() {
  t=$1
  k=$2
  shift 2
  have=" $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \\([^:@]*\\)[:@].*/\\1/p' | tr '\\n' ' ') "
  b=
  while [ "$k" -gt 0 ]; do
    case "$have" in
      *" $1 "*) ;;
      *) b="\${b}link add $1 type $t
" ;;
    esac
    shift
    k=$((k - 1))
  done
  [ -z "$b" ] || printf '%s' "$b" | ip -force -batch - >/dev/null 2>&1
}
up=$3
n=$4
[ -z "$2" ] || printf '%s' "$2" | ip -force -batch - >/dev/null 2>&1
shift 4
if [ "$n" -gt 0 ]; then
  add_missing ifb "$n" "$@"
  add_missing bridge "$n" "$@"
  printf '%s' "$up" | ip -force -batch - >/dev/null 2>&1
fi
while [ "$n" -gt 0 ]; do
  shift
  n=$((n - 1))
done
exec "$@"
`;

/*
 * The sandbox (--with-keepalived): run in fresh mount, network and PID namespaces (and a user
 * namespace where the caller is not root), before NS_SCRIPT's network part. Positional args:
 * $1 = the tree (folder shown read-only), $2 = the folder of keepalived's binary (shown
 * read-only, it may live under a folder the sandbox covers), $3 = the folder keepalived runs in,
 * then NS_SCRIPT's own arguments. The tree and the binary's folder are bound read-only onto
 * themselves, held open on fds 3 and 4, and the world-writable folders get a private tmpfs; a
 * tree that the tmpfs now hides (a tree under /tmp) is bound back from the fd (`mount -c`: the
 * kernel, not mount(8), resolves /proc/self/fd/N, which still names the folder under the tmpfs).
 * Any failure exits 125 with a line starting SANDBOX_FAILED: the caller then does not trust the run
 * (`command exec`: a plain `exec` whose redirection fails ends the shell with status 2 before `|| fail`,
 * as a tree that is itself closed to uid 65534, a `mktemp -d` folder, makes it do).
 */
export const SANDBOX_FAILED = 'keepalived-lint-sandbox:';
export const SANDBOX_EXIT = 125;
/** Folders any user may write: each gets a private tmpfs in the sandbox. */
export const COVERED_DIRS = ['/tmp', '/var/tmp', '/dev/shm', '/run'];

const SANDBOX_PREFIX = `
fail() { printf '%s %s\\n' '${SANDBOX_FAILED}' "$*" >&2; exit ${SANDBOX_EXIT}; }
tree=$1
bindir=$2
dir=$3
shift 3
for p in "$tree" "$bindir"; do
  mount --bind "$p" "$p" 2>/dev/null && mount -o remount,bind,ro "$p" 2>/dev/null || fail "cannot bind $p read-only"
done
command exec 3<"$tree" 4<"$bindir" || fail "cannot open $tree"
for d in ${COVERED_DIRS.join(' ')}; do
  if [ -d "$d" ] && [ ! -L "$d" ]; then
    mount -t tmpfs -o mode=1777,size=16m,nosuid,nodev,noexec tmpfs "$d" 2>/dev/null ||
      fail "cannot mount a private tmpfs on $d"
  fi
done
rebind() {
  [ "$(stat -Lc %d:%i "$1" 2>/dev/null)" = "$(stat -Lc %d:%i "/proc/self/fd/$2")" ] && return 0
  mkdir -p "$1" && mount -c --bind "/proc/self/fd/$2" "$1" 2>/dev/null &&
    mount -c -o remount,bind,ro "$1" 2>/dev/null || fail "cannot show $1 in the sandbox"
}
rebind "$tree" 3
rebind "$bindir" 4
exec 3<&- 4<&-
cd "$dir" || fail "cannot enter $dir"
`;

/** What sandboxArgv needs besides the command: the folders to show, where to run, the interfaces to create. */
export interface SandboxLayout {
  tree: string;
  binDir: string;
  cwd: string;
  interfaces?: readonly string[];
}

/**
 * Arguments after `unshare FLAGS` for the sandbox: the mount set-up, then NS_SCRIPT (lo and the
 * interfaces), then `command` (which drops the last privileges: setpriv ... keepalived -t ...).
 */
export function sandboxArgv(
  unshareFlags: readonly string[],
  command: readonly string[],
  layout: SandboxLayout,
): string[] {
  const plan = planInterfaces(layout.interfaces ?? []);
  return [
    ...unshareFlags,
    'sh',
    '-c',
    SANDBOX_PREFIX + NS_SCRIPT,
    'sh',
    layout.tree,
    layout.binDir,
    layout.cwd,
    '',
    plan.create,
    plan.up,
    String(plan.names.length),
    ...plan.names,
    ...command,
  ];
}

/** Arguments for `unshare`: its flags, then the script that prepares the namespace and execs `command`. */
export function namespaceArgv(
  unshareFlags: readonly string[],
  command: readonly string[],
  opts: NamespaceOptions = {},
): string[] {
  const plan = planInterfaces(opts.interfaces ?? []);
  return [
    ...unshareFlags,
    'sh',
    '-c',
    NS_SCRIPT,
    'sh',
    opts.hostname ?? '',
    plan.create,
    plan.up,
    String(plan.names.length),
    ...plan.names,
    ...command,
  ];
}
