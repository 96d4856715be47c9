/**
 * The one confinement layer: a FileHost that answers only for files whose real path (symbolic
 * links resolved) lies inside the folders an entry config may read, and says `outside` for the
 * rest without reading, listing or stat'ing them. Every read of a lint goes through it (the entry
 * itself, includes and their globs, scripts), so a symbolic link, an `include ../../../x` or a
 * `paths:` mapping cannot make the tool read (and echo in its findings) a file of the machine
 * that runs it: in CI every file of the linted repository is hostile.
 *
 * The boundary of an entry config E (entryBoundary):
 *   - its root R (--root, else the .keepalived-lint.yaml `root:`, else P when E is
 *     P/etc/keepalived/...), when R is not `/`;
 *   - the git repository holding E: the nearest ancestor of E's path as given (not resolved)
 *     holding `.git` (a folder, or a file in a worktree);
 *   - when E is in no repository, the folder holding E (the operator named E there: `lint
 *     /srv/cases/x.conf --root /tmp/r` reads x.conf's neighbours; a CI checkout without .git, from
 *     a tarball or GIT_STRATEGY: none, is confined to E's folder and its root). Not in a
 *     repository, where a shell glob over hosts/NAME/k.conf could pass through a linked folder. E
 *     itself must resolve inside like any file: a linked E is not followed out;
 *   - the targets of `paths:` mappings; a mapping from a configuration file carries `within`
 *     (that file's repository), and its target counts only if its real path lies inside it;
 *   - the whole file system in two cases only: the root `/` given on the command line (`--root /`:
 *     the operator asks to check the config against this machine, e.g. in /etc kept in git by
 *     etckeeper; a configuration file cannot give it: its root must lie inside its repository,
 *     src/config), and E in no repository whose real path is under /etc/keepalived/ (an operator
 *     linting the router itself). A missing .git never opens it.
 * In every case /proc, /sys and /dev (by real path) are refused, and so is git's own folder: any
 * `.git` folder below a boundary folder, and the folder a `.git` file names ("gitdir: X", a
 * worktree or a submodule) with its common folder: .git/config holds the CI token
 * (`extraheader = AUTHORIZATION: basic ...`, actions/checkout). Folders are compared by real
 * path, so /tmp -> /private/tmp or a checkout under a symlinked home still works.
 *
 * Example: E = /ci/repo/etc/keepalived/keepalived.conf, /ci/repo/.git exists:
 *   boundary { folders: ['/ci/repo'] }   (R = /ci/repo, the repository is the same folder)
 *   host.readText('/ci/repo/etc/keepalived/x.conf') with x.conf -> /home/ci/.netrc
 *   -> { ok: false, reason: 'is outside the root (/home/ci/.netrc); not read', outside: true }
 *   host.stat(...) -> { kind: 'outside', why: 'outside the root' }
 *   host.readText('/ci/repo/etc/keepalived/../../.git/config')
 *   -> { ok: false, reason: 'is inside .git (/ci/repo/.git/config); not read', outside: true }
 */
import * as path from 'node:path';
import { kernelFolder, type FileHost, type FileStat, type ReadResult } from './host.js';
import type { PathMapping } from './paths.js';

export interface Boundary {
  /** Real paths of the folders whose files may be read; null: the whole file system. */
  readonly folders: readonly string[] | null;
  /** Real paths of git folders refused even inside `folders` (a worktree's gitdir, its common dir). */
  readonly gitDirs?: readonly string[];
}

/** `inner` is `folder` or lies below it (both absolute, normalised). */
export function isInside(inner: string, folder: string): boolean {
  if (folder === '/') return inner.startsWith('/');
  const f = folder.endsWith('/') ? folder.slice(0, -1) : folder;
  return inner === f || inner.startsWith(f + '/');
}

/**
 * The real path of `file` as the kernel would reach it, also when it does not exist: the deepest
 * existing ancestor resolved, the rest appended. `realpath` of a host returns the path itself when
 * it cannot resolve it, so an unchanged answer sends us to the parent (memoised per folder).
 */
export function realResolver(host: FileHost): (file: string) => string {
  const folders = new Map<string, string>();
  const real = (file: string): string => {
    const abs = path.posix.resolve(host.cwd(), file);
    const r = host.realpath(abs);
    if (r !== abs || abs === '/') return r;
    const dir = path.posix.dirname(abs);
    let rd = folders.get(dir);
    if (rd === undefined) {
      rd = real(dir);
      folders.set(dir, rd);
    }
    return path.posix.join(rd, path.posix.basename(abs));
  };
  return real;
}

/** The git repository holding `file`: the nearest ancestor of its path as given that holds `.git`. */
export function repositoryOf(file: string, host: FileHost): string | null {
  return repositoryAt(path.posix.dirname(path.posix.resolve(host.cwd(), file)), host);
}

/** The git repository `folder` is (or lies in): it or its nearest ancestor holding `.git`. */
export function repositoryAt(folder: string, host: FileHost): string | null {
  for (let dir = path.posix.resolve(host.cwd(), folder); ; dir = path.posix.dirname(dir)) {
    const kind = host.stat(path.posix.join(dir, '.git')).kind;
    if (kind === 'directory' || kind === 'file') return dir;
    if (dir === path.posix.dirname(dir)) return null;
  }
}

export interface EntryRoot {
  /** The root decided for the entry (given, else derived from its path). */
  root: string;
  /** The root was given (--root, or a configuration file's root), not derived from the path. */
  rootGiven: boolean;
  paths?: readonly PathMapping[] | undefined;
}

/** What an entry config may read (see the header). */
export function entryBoundary(entry: string, o: EntryRoot, host: FileHost): Boundary {
  const real = realResolver(host);
  const abs = path.posix.resolve(host.cwd(), entry);
  const repo = repositoryOf(entry, host);
  const gitDirs = repo === null ? [] : gitFoldersOf(repo, host, real);
  if (o.rootGiven && path.posix.resolve(o.root) === '/') return { folders: null, gitDirs };
  // The router itself: /etc/keepalived/keepalived.conf (not a copy of it in a checkout).
  if (repo === null && isInside(real(abs), '/etc/keepalived') && real(abs) !== '/etc/keepalived')
    return { folders: null };
  const folders: string[] = [];
  if (path.posix.resolve(o.root) !== '/') folders.push(real(o.root));
  if (repo !== null) folders.push(real(repo));
  else folders.push(real(path.posix.dirname(abs)));
  for (const m of o.paths ?? []) {
    const to = real(m.to.replace(/\/$/, '') || '/');
    if (m.within === undefined || isInside(to, real(m.within))) folders.push(to);
  }
  return { folders: [...new Set(folders)], gitDirs };
}

/**
 * Real paths of the git folders of `repo` that lie elsewhere than `repo/.git` (which the `.git`
 * component rule of `refusal` covers): the target of a `.git` file ("gitdir: X", a worktree or a
 * submodule) and that folder's `commondir` (the main repository's .git, holding its config).
 */
function gitFoldersOf(repo: string, host: FileHost, real: (f: string) => string): string[] {
  const dotGit = path.posix.join(repo, '.git');
  const out = [real(dotGit)];
  if (host.stat(dotGit).kind !== 'file') return out;
  const r = host.readText(dotGit);
  const m = r.ok ? /^gitdir:\s*(.+?)\s*$/m.exec(r.text) : null;
  if (!m) return out;
  const gitDir = path.posix.resolve(repo, m[1]!);
  out.push(real(gitDir));
  const common = host.readText(path.posix.join(gitDir, 'commondir'));
  if (common.ok && common.text.trim()) out.push(real(path.posix.resolve(gitDir, common.text.trim())));
  return out;
}

/** Why `real` may not be read under `boundary`, or null when it may. */
export function refusal(real: string, boundary: Boundary): string | null {
  const kernel = kernelFolder(real);
  if (kernel) return `under ${kernel}`;
  if (boundary.gitDirs?.some((g) => isInside(real, g))) return 'inside .git';
  const within = boundary.folders ? boundary.folders.filter((f) => isInside(real, f)) : ['/'];
  if (within.length === 0) return 'outside the root';
  // A .git folder below a boundary folder holding the file (the repository's own, a nested
  // repository's, a submodule's): git's data, not the config's.
  if (
    within.some((f) =>
      real
        .slice(f === '/' ? 0 : f.length)
        .split('/')
        .includes('.git'),
    )
  )
    return 'inside .git';
  return null;
}

export function confinedHost(base: FileHost, boundary: Boundary): FileHost {
  const real = realResolver(base);
  const why = (file: string): { why: string; real: string } | null => {
    const r = real(file);
    const w = refusal(r, boundary);
    return w ? { why: w, real: r } : null;
  };
  return {
    readText(file): ReadResult {
      const w = why(file);
      if (!w) return base.readText(file);
      const target = w.real !== path.posix.resolve(base.cwd(), file) ? ` (${w.real})` : '';
      return { ok: false, reason: `is ${w.why}${target}; not read`, outside: true };
    },
    stat(file): FileStat {
      const w = why(file);
      return w ? { kind: 'outside', executable: false, why: w.why } : base.stat(file);
    },
    list: (dir) => (why(dir) ? [] : base.list(dir)),
    realpath: (file) => base.realpath(file),
    cwd: () => base.cwd(),
  };
}

/**
 * For replaying a --cache entry's recorded questions: contents (readText, list) only inside the
 * entry's boundary, stat and realpath as the base answers (the lint asked those of the base while
 * finding its repository, and they reveal no content). A cache file is as hostile as the
 * repository it sits in: the paths it names are not read for it outside the boundary.
 */
export function replayHostFor(host: FileHost, entry: string, o: EntryRoot): FileHost {
  const inside = confineFor(host, entry, o);
  return {
    readText: inside.readText,
    list: inside.list,
    stat: (f) => host.stat(f),
    realpath: (f) => host.realpath(f),
    cwd: () => host.cwd(),
  };
}

/** The host an entry's lint reads through: `confinedHost` with the entry's boundary. */
export function confineFor(host: FileHost, entry: string, o: EntryRoot): FileHost {
  return confinedHost(host, entryBoundary(entry, o, host));
}
