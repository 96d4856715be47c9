/**
 * Which files `lint PATH...` reads: a file as given; in a directory, every `keepalived.conf` and
 * every `*.conf` under a `keepalived/` folder, skipping node_modules and dot folders.
 */
import * as path from 'node:path';
import type { FileHost } from '../source/host.js';

const SKIP_DIRS = new Set(['node_modules', '.git']);

export function findConfigs(paths: string[], host: FileHost, cwd: string): { files: string[]; errors: string[] } {
  const files: string[] = [];
  const errors: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, p);
    const st = host.stat(abs);
    if (st.kind === 'missing') errors.push(`${p}: no such file or directory`);
    else if (st.kind === 'directory') {
      const before = files.length;
      walk(abs, host, files, path.basename(abs) === 'keepalived', new Set());
      if (files.length === before) errors.push(`${p}: is a directory holding no keepalived configuration (keepalived.conf, or *.conf in a keepalived/ folder)`);
    }
    else files.push(abs);
  }
  // The same file reached through two paths is linted once.
  const seen = new Set<string>();
  return { files: files.filter((f) => !seen.has(host.realpath(f)) && seen.add(host.realpath(f))), errors };
}

function walk(dir: string, host: FileHost, out: string[], inKeepalivedDir: boolean, visited: Set<string>): void {
  // A symbolic link back up the tree (conf.d/loop -> ..) must not make the walk go round.
  const real = host.realpath(dir);
  if (visited.has(real)) return;
  visited.add(real);
  for (const name of host.list(dir)) {
    const full = path.join(dir, name);
    const st = host.stat(full);
    if (st.kind === 'directory') {
      if (!SKIP_DIRS.has(name) && !name.startsWith('.')) walk(full, host, out, inKeepalivedDir || name === 'keepalived', visited);
    } else if (st.kind === 'file' && (name === 'keepalived.conf' || (inKeepalivedDir && name.endsWith('.conf')))) {
      out.push(full);
    }
  }
}
