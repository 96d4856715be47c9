/**
 * A FileHost that reads a git revision instead of the working tree, so `diff --git HEAD` compares
 * a config as committed with the one being edited, includes and scripts included. It runs only
 * `git` (show, ls-tree), read-only, never a file of the repository. Example:
 * gitHost('/repo', 'HEAD').readText('/repo/etc/keepalived/keepalived.conf') -> the text at HEAD.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import type { FileHost, FileStat, ReadResult } from './host.js';
import { MAX_FILE_BYTES, byteOrder } from './host.js';

export function gitTopLevel(cwd: string): string | null {
  try {
    return execFileSync('git', ['-C', cwd, 'rev-parse', '--show-toplevel'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

export function gitRevisionExists(top: string, rev: string): boolean {
  try {
    execFileSync('git', ['-C', top, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function gitHost(top: string, rev: string): FileHost {
  const entries = new Map<string, { mode: string; type: string } | null>();
  const rel = (file: string): string | null => {
    const r = path.relative(top, path.resolve(top, file));
    return r.startsWith('..') || path.isAbsolute(r) ? null : r.split(path.sep).join('/');
  };
  const git = (args: string[]): Buffer | null => {
    try {
      return execFileSync('git', ['-C', top, ...args], { stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: MAX_FILE_BYTES + 1024 });
    } catch {
      return null;
    }
  };
  const entry = (r: string) => {
    if (r === '') return { mode: '040000', type: 'tree' };
    if (!entries.has(r)) {
      const out = git(['ls-tree', '-z', rev, '--', r])?.toString('utf8') ?? '';
      const m = /^(\d+) (\w+) [0-9a-f]+\t/.exec(out);
      entries.set(r, m ? { mode: m[1]!, type: m[2]! } : null);
    }
    return entries.get(r) ?? null;
  };
  return {
    readText(file): ReadResult {
      const r = rel(file);
      const e = r === null ? null : entry(r);
      if (!e || r === null) return { ok: false, reason: `no such file at ${rev}` };
      if (e.type !== 'blob') return { ok: false, reason: 'is a directory' };
      const buf = git(['cat-file', 'blob', `${rev}:${r}`]);
      if (!buf) return { ok: false, reason: `cannot be read from git at ${rev}` };
      const text = buf.toString('utf8');
      return Buffer.from(text, 'utf8').equals(buf) ? { ok: true, text, encoding: 'utf8' } : { ok: true, text: buf.toString('latin1'), encoding: 'latin1' };
    },
    stat(file): FileStat {
      const r = rel(file);
      const e = r === null ? null : entry(r);
      if (!e) return { kind: 'missing', executable: false };
      return { kind: e.type === 'tree' ? 'directory' : e.type === 'blob' ? 'file' : 'other', executable: e.mode === '100755' };
    },
    list(dir) {
      const r = rel(dir);
      if (r === null) return [];
      const out = git(['ls-tree', '-z', '--name-only', rev, '--', r === '' ? '.' : `${r}/`])?.toString('utf8') ?? '';
      return out.split('\0').filter(Boolean).map((p) => path.posix.basename(p)).sort(byteOrder);
    },
    realpath: (file) => file,
    cwd: () => top,
  };
}
