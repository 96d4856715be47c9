/**
 * A FileHost that reads a git revision instead of the working tree, so `diff --git HEAD` compares
 * a config as committed with the one being edited, includes and scripts included. It runs only
 * `git` (rev-parse, ls-tree, cat-file), read-only, never a file of the repository. Example:
 * gitHost('/repo', 'HEAD').readText('/repo/etc/keepalived/keepalived.conf') -> the text at HEAD.
 *
 * The host API is synchronous and files are asked for one at a time as the preprocessor finds
 * them, so the host cannot keep one `git cat-file --batch` running (Node reads a child's pipes
 * asynchronously only). Instead: one `git ls-tree -r -t -l -z --full-tree REV` answers every
 * stat and list (modes, types, sizes), and a file not yet read is read by one
 * `git cat-file --batch` together with every file of its folder not yet read (the configs of a
 * folder, its conf.d, its scripts are read together) and the small files that follow it in the
 * tree up to PREFETCH_BYTES (hosts/lb2/ after hosts/lb1/), so 3,000 configs in one folder or in
 * 500 host folders cost one or a few processes, not three per file. Bounded: the listing at
 * MAX_LISTING_BYTES, a batch at BATCH_BYTES, everything read from one revision at
 * MAX_TOTAL_BYTES (speculative reads at half of it), a file at MAX_FILE_BYTES (from the
 * listing's size, never read).
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { FileHost, FileStat, ReadResult } from './host.js';
import { MAX_FILE_BYTES, byteOrder, decodeBytes } from './host.js';

// Loaded on first use: node:child_process brings ~20 ms of Node's own modules, which a plain lint does
// not need (issue 16, start-up).
const childProcess = (): typeof import('node:child_process') =>
  createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

export function gitTopLevel(cwd: string): string | null {
  try {
    return childProcess()
      .execFileSync('git', ['-C', cwd, 'rev-parse', '--show-toplevel'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
      .trim();
  } catch {
    return null;
  }
}

export function gitRevisionExists(top: string, rev: string): boolean {
  // A revision is never an option of git's.
  if (rev.startsWith('-')) return false;
  try {
    childProcess().execFileSync('git', ['-C', top, 'rev-parse', '--verify', '--quiet', `${rev}^{commit}`], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}

/** The listing of the whole tree: a 100,000-file repository lists in ~10 MiB. */
export const MAX_LISTING_BYTES = 64 * 1024 * 1024;
/** What one `git cat-file --batch` may return (the asked file first, then its folder's files). */
export const BATCH_BYTES = 32 * 1024 * 1024;
/** What a batch may add of the files after the asked one in the tree, and the largest such file. */
export const PREFETCH_BYTES = 4 * 1024 * 1024;
const PREFETCH_FILE_BYTES = 256 * 1024;
/** Everything one host reads from git. */
export const MAX_TOTAL_BYTES = 256 * 1024 * 1024;

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Bytes, for blobs. */
  size: number;
}

export function gitHost(top: string, rev: string): FileHost {
  let tree:
    | {
        entries: Map<string, TreeEntry>;
        children: Map<string, string[]>;
        blobs: string[];
        position: Map<string, number>;
      }
    | { error: string }
    | null = null;
  const texts = new Map<string, ReadResult>();
  let totalRead = 0;
  const rel = (file: string): string | null => {
    const r = path.relative(top, path.resolve(top, file));
    return r.startsWith('..') || path.isAbsolute(r) ? null : r.split(path.sep).join('/');
  };
  const git = (args: string[], maxBuffer: number, input?: string): Buffer | null => {
    const r = childProcess().spawnSync('git', ['-C', top, ...args], {
      input: input ?? '',
      stdio: ['pipe', 'pipe', 'ignore'],
      maxBuffer,
      windowsHide: true,
    });
    return r.status === 0 && !r.error ? r.stdout : null;
  };
  const listing = () => {
    if (tree) return tree;
    if (rev.startsWith('-')) return (tree = { error: `"${rev}" is not a revision` });
    const out = git(['ls-tree', '-r', '-t', '-l', '-z', '--full-tree', rev], MAX_LISTING_BYTES);
    if (!out)
      return (tree = {
        error:
          `cannot list the tree at ${rev} (more than ${MAX_LISTING_BYTES / 1048576} ` +
          `MiB of names, or not readable)`,
      });
    const entries = new Map<string, TreeEntry>();
    const children = new Map<string, string[]>([['', []]]);
    // The blobs in the listing's (tree) order, where hosts/lb1/... and hosts/lb2/... are neighbours.
    const blobs: string[] = [];
    const position = new Map<string, number>();
    // "<mode> <type> <oid> <size, padded, or ->\t<path>\0"
    for (const line of out.toString('utf8').split('\0')) {
      const m = /^(\d+) (\w+) ([0-9a-f]+) +(\d+|-)\t(.+)$/s.exec(line);
      if (!m) continue;
      const p = m[5]!;
      entries.set(p, { mode: m[1]!, type: m[2]!, oid: m[3]!, size: m[4] === '-' ? 0 : Number(m[4]) });
      if (m[2] === 'blob') position.set(p, blobs.push(p) - 1);
      const slash = p.lastIndexOf('/');
      const dir = slash < 0 ? '' : p.slice(0, slash);
      let list = children.get(dir);
      if (!list) children.set(dir, (list = []));
      list.push(p.slice(slash + 1));
    }
    for (const list of children.values()) list.sort(byteOrder);
    return (tree = { entries, children, blobs, position });
  };
  const entry = (r: string): TreeEntry | null => {
    if (r === '') return { mode: '040000', type: 'tree', oid: '', size: 0 };
    const t = listing();
    return 'error' in t ? null : (t.entries.get(r) ?? null);
  };
  /** Read `r` and the unread files of its folder, in one cat-file --batch. */
  const readBatch = (r: string, wanted: TreeEntry): void => {
    const t = listing();
    if ('error' in t) return;
    const slash = r.lastIndexOf('/');
    const dir = slash < 0 ? '' : r.slice(0, slash);
    const batch: [string, TreeEntry][] = [[r, wanted]];
    const inBatch = new Set([r]);
    let bytes = wanted.size;
    const add = (p: string, limit: number, maxSize: number): boolean => {
      const e = t.entries.get(p);
      if (inBatch.has(p) || !e || e.type !== 'blob' || texts.has(p) || e.size > maxSize) return true;
      if (bytes + e.size > limit || totalRead + bytes + e.size > MAX_TOTAL_BYTES / 2) return false;
      batch.push([p, e]);
      inBatch.add(p);
      bytes += e.size;
      return true;
    };
    // Its folder (its includes, its scripts, the other configs there)...
    for (const name of t.children.get(dir) ?? [])
      if (!add(dir ? `${dir}/${name}` : name, BATCH_BYTES, MAX_FILE_BYTES)) break;
    // ...then the small files that follow it in the tree (the next host's folder), a little at a
    // time: speculative reads may use half of MAX_TOTAL_BYTES, the files asked for the rest.
    const from = t.position.get(r) ?? t.blobs.length;
    for (let i = from + 1; i < t.blobs.length && bytes < PREFETCH_BYTES; i++)
      if (!add(t.blobs[i]!, PREFETCH_BYTES, PREFETCH_FILE_BYTES)) break;
    const out = git(
      ['cat-file', '--batch'],
      bytes + batch.length * 128 + 1024,
      batch.map(([, e]) => `${e.oid}\n`).join(''),
    );
    totalRead += bytes;
    let at = 0;
    for (const [p] of batch) {
      // "<oid> blob <size>\n<bytes>\n", or "<oid> missing\n"
      const nl = out ? out.indexOf(10, at) : -1;
      if (!out || nl < 0) break;
      const head = /^[0-9a-f]+ (\w+) (\d+)$/.exec(out.subarray(at, nl).toString('latin1'));
      if (!head) {
        at = nl + 1;
        continue;
      }
      const size = Number(head[2]);
      const buf = out.subarray(nl + 1, nl + 1 + size);
      at = nl + 1 + size + 1;
      if (head[1] !== 'blob' || buf.length !== size) continue;
      texts.set(p, { ok: true, ...decodeBytes(buf) });
    }
  };
  return {
    readText(file): ReadResult {
      const r = rel(file);
      const e = r === null ? null : entry(r);
      if (!e || r === null) return { ok: false, reason: `no such file at ${rev}` };
      if (e.type === 'tree') return { ok: false, reason: 'is a directory' };
      if (e.type !== 'blob') return { ok: false, reason: 'is not a regular file' };
      if (e.size > MAX_FILE_BYTES)
        return {
          ok: false,
          reason:
            `is ${(e.size / 1048576).toFixed(1)} MiB at ${rev}, ` +
            `more than the ${MAX_FILE_BYTES / 1048576} MiB keepalived-lint ` +
            `reads`,
        };
      if (!texts.has(r)) {
        if (totalRead + e.size > MAX_TOTAL_BYTES)
          return {
            ok: false,
            reason:
              `cannot be read from git at ${rev}: more than ${MAX_TOTAL_BYTES / 1048576} ` +
              `MiB read from that revision already`,
          };
        readBatch(r, e);
        // A read that failed is remembered: asking again would spawn git again, every time.
        if (!texts.has(r)) texts.set(r, { ok: false, reason: `cannot be read from git at ${rev}` });
      }
      return texts.get(r)!;
    },
    stat(file): FileStat {
      const r = rel(file);
      const e = r === null ? null : entry(r);
      if (!e) return { kind: 'missing', executable: false };
      return {
        kind: e.type === 'tree' ? 'directory' : e.type === 'blob' ? 'file' : 'other',
        executable: e.mode === '100755',
      };
    },
    list(dir) {
      const r = rel(dir);
      const t = listing();
      if (r === null || 'error' in t) return [];
      return [...(t.children.get(r) ?? [])];
    },
    realpath: (file) => file,
    cwd: () => top,
  };
}
