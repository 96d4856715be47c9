/**
 * Where a path of the router is in the checkout being linted, and back. A config names
 * `/etc/keepalived/route.sh`; in the repository that file is under the root (R/etc/keepalived/...)
 * or under a folder a `paths:` mapping names (`/etc/keepalived/: hosts/lb1/keepalived/`).
 * Example: pathMap('/repo', [{ from: '/etc/keepalived/', to: '/repo/hosts/lb1/keepalived/' }])
 *   .toLocal('/etc/keepalived/route.sh') -> '/repo/hosts/lb1/keepalived/route.sh'
 *   .toLocal('/usr/local/bin/x')         -> '/repo/usr/local/bin/x'
 *   .systemProgram('/usr/bin/killall')   -> true: the router's own program, not in the repository
 */
import * as path from 'node:path';

export interface PathMapping {
  /** Absolute path prefix on the router, ending with `/` for a folder. */
  from: string;
  /** Absolute local path it stands for. */
  to: string;
  /**
   * The folder `to` must lie in by real path to be read (the repository of the configuration
   * file that wrote the mapping; src/source/confine.ts). Absent: trusted (given by the caller).
   */
  within?: string;
}

/**
 * Folders of the router that hold its distribution's programs (`/usr/bin/killall`, `/sbin/ip`):
 * a repository does not ship them, so a script there is not looked for in it (`systemPaths:` in
 * .keepalived-lint.yaml replaces the list). /usr/local is the administrator's, where the scripts
 * a config runs often live: looked for.
 */
export const SYSTEM_PATHS: readonly string[] = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/'];

export interface PathMap {
  readonly root: string;
  /** True when paths are the router's own (root `/`, no mapping): file modes and owners are real. */
  readonly onHost: boolean;
  toLocal(deployed: string): string;
  toDeployed(local: string): string;
  /** How toLocal found the place, for messages: the mapping used, or the root. */
  explain(deployed: string): string;
  /**
   * `deployed` is a program of the router under a system folder, with a root other than `/` and
   * no `paths:` mapping for it: not in the repository, so not looked for there.
   */
  systemProgram(deployed: string): boolean;
  /** The root, when it (not a `paths:` mapping) places `deployed` and is not "/"; null otherwise. */
  rootPlacing(deployed: string): string | null;
}

export function pathMap(
  root: string,
  mappings: readonly PathMapping[] = [],
  systemPaths: readonly string[] = SYSTEM_PATHS,
): PathMap {
  const system = systemPaths.map((s) => path.posix.resolve('/', s).replace(/\/?$/, '/'));
  const onRoot = path.posix.resolve(root) === '/';
  const byFrom = [...mappings].sort((a, b) => b.from.length - a.from.length);
  const byTo = [...mappings].sort((a, b) => b.to.length - a.to.length);
  const under = (p: string, prefix: string) =>
    prefix.endsWith('/') ? p.startsWith(prefix) : p === prefix || p.startsWith(prefix + '/');
  const join = (base: string, rest: string) => (rest ? path.posix.join(base, rest) : base);
  const local = new Map<string, string>();
  const systemByPath = new Map<string, boolean>();
  /** The `paths:` mapping that places an absolute path, the longest first. */
  const mappingFor = (p: string) => byFrom.find((m) => under(p, m.from));
  const toLocal = (deployed: string): string => {
    const p = path.posix.resolve('/', deployed);
    const m = mappingFor(p);
    return m ? join(m.to, p.slice(m.from.replace(/\/$/, '').length).replace(/^\//, '')) : path.posix.join(root, p);
  };
  return {
    root,
    onHost: onRoot && mappings.length === 0,
    systemProgram(deployed) {
      // Asked for every script reference each time a rule looks at its file: once per path.
      const known = systemByPath.get(deployed);
      if (known !== undefined) return known;
      const p = path.posix.resolve('/', deployed);
      const found = !onRoot && system.some((s) => p.startsWith(s)) && !mappingFor(p);
      if (systemByPath.size < 10_000) systemByPath.set(deployed, found);
      return found;
    },
    rootPlacing(deployed) {
      return onRoot || mappingFor(path.posix.resolve('/', deployed)) ? null : root;
    },
    toLocal(deployed) {
      // The same script path is named by thousands of instances (notify): resolve it once.
      const known = local.get(deployed);
      if (known !== undefined) return known;
      const found = toLocal(deployed);
      if (local.size < 10_000) local.set(deployed, found);
      return found;
    },
    explain(deployed) {
      const m = mappingFor(path.posix.resolve('/', deployed));
      return m ? `the paths mapping "${m.from}" -> ${m.to}` : onRoot ? 'root "/"' : `the root ${root} stands for "/"`;
    },
    toDeployed(local) {
      for (const m of byTo)
        if (under(local, m.to))
          return join(m.from.replace(/\/$/, '') || '/', local.slice(m.to.replace(/\/$/, '').length).replace(/^\//, ''));
      if (root === '/' || root === '') return local;
      const rel = path.posix.relative(root, local);
      return rel.startsWith('..') || path.posix.isAbsolute(rel) ? local : '/' + rel;
    },
  };
}
