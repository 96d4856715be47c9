/**
 * Which files `lint PATH...` reads: a file as given; in a directory, every `keepalived.conf` and
 * every `*.conf` under a `keepalived/` folder, skipping node_modules and dot folders.
 *
 * A walk stays in the repository it lints: it never enters a folder reached through a symbolic
 * link (`conf.d/all -> /` would walk the machine), and a symbolically linked file it finds is
 * linted only when its real path lies inside the walked folder or the git repository holding it
 * (else a note, and the file is not read). A path given on the command line is followed: the
 * operator typed it. Example, walking repo/ with repo/hosts/x/keepalived.conf -> /etc/keepalived/keepalived.conf:
 * -> files [], notes ['hosts/x/keepalived.conf: is a symbolic link to /etc/keepalived/keepalived.conf, outside repo;
 * not linted']
 *
 * A file given by name is linted as a config when it is named like one (keepalived.conf, *.conf) or
 * reads like one (a line starts with a top-level keyword, include, @id or $NAME=); a script (`#!`)
 * goes to `scripts`, to be checked through the configs that run it (src/cli/script-alone.ts: the
 * linted ones, else those of its tree). Anything else (a pre-commit hook passes keepalived/VERSION
 * with the configs it changed) is `skipped`, never linted as a config ("1.2.4" is no unknown
 * keyword of anyone's keepalived.conf): a script without `#!` among them is checked through the
 * configs that run it, and the rest get a note (skippedNote).
 */
import * as path from 'node:path';
import type { FileHost } from '../source/host.js';
import { isInside, realResolver, refusal, repositoryAt, repositoryOf } from '../source/confine.js';
import { allTopLevelDefs } from '../versions/keyword-table.js';

const SKIP_DIRS = new Set(['node_modules', '.git']);

export function findConfigs(
  paths: string[],
  host: FileHost,
  cwd: string,
  /** The standard input's file (`-`): the operator hands it over as a config, whatever it holds. */
  stdinFile: string | null = null,
): { files: string[]; errors: string[]; notes: string[]; scripts: string[]; skipped: string[] } {
  const files: string[] = [];
  /** Files given by name that are scripts (`#!`): checked through the configs that run them. */
  const scripts: string[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  /** Files given by name that are neither configs nor scripts (`#!`): skippedNote once linted. */
  const skipped: string[] = [];
  const real = realResolver(host);
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const st = host.stat(abs);
    if (st.kind === 'missing') errors.push(`${p}: no such file or directory`);
    else if (st.kind === 'directory') {
      const before = files.length;
      const repo = repositoryAt(abs, host);
      const allowed = [real(abs), ...(repo !== null ? [real(repo)] : [])];
      const walk: Walk = { host, real, out: files, notes, allowed, shown: (f) => path.join(p, path.relative(abs, f)) };
      walkDir(abs, real(abs), walk, path.basename(abs) === 'keepalived');
      if (files.length === before)
        errors.push(
          `${p}: is a directory holding no keepalived configuration ` +
            `(keepalived.conf, or *.conf in a keepalived/ folder)`,
        );
    } else {
      const kind = st.kind !== 'file' || abs === stdinFile ? 'config' : kindOf(abs, real(abs), host);
      (kind === 'config' ? files : kind === 'script' ? scripts : skipped).push(abs);
    }
  }
  // The same file reached through two paths is linted once.
  const seen = new Set<string>();
  const once = (f: string) => !seen.has(host.realpath(f)) && seen.add(host.realpath(f));
  return {
    files: files.filter(once),
    errors,
    notes,
    scripts: scripts.filter(once),
    skipped,
  };
}

/**
 * The note for a skipped file that no linted config runs as a script (one that a config runs, `#!`
 * or not, was checked through it). Example: "keepalived/VERSION: not linted: ...".
 */
export function skippedNote(shown: string): string {
  return (
    `${shown}: not linted: neither a keepalived configuration (not named *.conf, ` +
    `no keepalived keyword) nor a script that a linted configuration runs`
  );
}

const TOP_LEVEL = new Set(['include', ...allTopLevelDefs.map((d) => d.name)]);

/**
 * A config when named like one or when a line starts with a top-level keyword (vrrp_instance,
 * global_defs, include), a config-id (@lb1) or a definition ($X=); a script when it starts with `#!`.
 * Example: keepalived/VERSION holding "1.2.4" -> 'other'; keepalived/vip holding "vrrp_instance VI_1 {"
 * -> 'config'; notify.sh starting "#!/bin/sh" -> 'script'.
 */
function kindOf(file: string, realFile: string, host: FileHost): 'config' | 'script' | 'other' {
  const name = path.basename(file);
  if (name === 'keepalived.conf' || name.endsWith('.conf')) return 'config';
  // Read only what the loader could read: /proc, .git/config, a link out of the repository... go
  // to the loader unread, which refuses them (src/source/confine.ts) and says why. A link inside
  // the repository (etc/keepalived/notify.sh -> ../../scripts/notify.sh) is read: it may be a script.
  const repo = realFile !== file ? repositoryOf(file, host) : null;
  const linkInside = repo !== null && isInside(realFile, host.realpath(repo));
  if ((realFile !== file && !linkInside) || refusal(realFile, { folders: null })) return 'config';
  const r = host.readText(file);
  // Unreadable: the loader says why, as for any config.
  if (!r.ok) return 'config';
  if (r.text.startsWith('#!')) return 'script';
  for (const line of r.text.split('\n')) {
    const word = /^\s*([^\s{}#!]+)/.exec(line)?.[1];
    if (word && (TOP_LEVEL.has(word) || /^@\^?\w/.test(word) || /^\$\w+=/.test(word))) return 'config';
  }
  return 'other';
}

interface Walk {
  host: FileHost;
  real: (file: string) => string;
  out: string[];
  notes: string[];
  /** Real paths of the folders a linked file may point into: the walked folder, its repository. */
  allowed: string[];
  /** How a note names a file: as the operator wrote the walked path. */
  shown: (file: string) => string;
}

/** `realDir`: the real path of `dir`; an entry whose real path is not realDir/name is a symbolic link. */
function walkDir(dir: string, realDir: string, w: Walk, inKeepalivedDir: boolean): void {
  for (const name of w.host.list(dir)) {
    const full = path.join(dir, name);
    const st = w.host.stat(full);
    const wanted =
      st.kind === 'directory'
        ? !SKIP_DIRS.has(name) && !name.startsWith('.')
        : st.kind === 'file' && (name === 'keepalived.conf' || (inKeepalivedDir && name.endsWith('.conf')));
    if (!wanted) continue;
    const realFull = w.real(full);
    const linked = realFull !== path.join(realDir, name);
    if (st.kind === 'directory') {
      // Not followed when linked: no loop (`loop -> ..`), no walk out of the repository.
      if (!linked) walkDir(full, realFull, w, inKeepalivedDir || name === 'keepalived');
    } else {
      if (linked && (!w.allowed.some((a) => isInside(realFull, a)) || refusal(realFull, { folders: null }))) {
        w.notes.push(
          `${w.shown(full)}: is a symbolic link to ${realFull}, outside the folder being linted; not linted`,
        );
      } else w.out.push(full);
    }
  }
}
