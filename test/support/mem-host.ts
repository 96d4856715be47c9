/**
 * An in-memory FileHost for the fuzz suite: no disk, deterministic, and the same decoding rules as
 * nodeHost (UTF-8 when the bytes are valid UTF-8, else Latin-1). Example:
 * memHost({ '/r/etc/keepalived/keepalived.conf': 'vrrp_instance A {' }).readText(...) -> { ok, text }.
 */
import * as path from 'node:path';
import { byteOrder, type FileHost, type FileStat } from '../../src/source/host.js';

export function memHost(files: Record<string, string | Buffer>, opts: { executable?: Set<string> } = {}): FileHost {
  const dirs = new Set<string>(['/']);
  for (const f of Object.keys(files)) for (let d = path.posix.dirname(f); d !== '/'; d = path.posix.dirname(d)) dirs.add(d);
  return {
    readText(file) {
      const v = files[file];
      if (v === undefined) return { ok: false, reason: dirs.has(file) ? 'is a directory' : 'no such file or directory' };
      const buf = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      const text = buf.toString('utf8');
      return Buffer.from(text, 'utf8').equals(buf) ? { ok: true, text, encoding: 'utf8' } : { ok: true, text: buf.toString('latin1'), encoding: 'latin1' };
    },
    stat(file): FileStat {
      if (files[file] !== undefined) return { kind: 'file', executable: opts.executable?.has(file) ?? false, mode: 0o755, uid: 0, gid: 0 };
      if (dirs.has(file)) return { kind: 'directory', executable: true, mode: 0o755, uid: 0, gid: 0 };
      return { kind: 'missing', executable: false };
    },
    list(dir) {
      const prefix = dir.endsWith('/') ? dir : dir + '/';
      const names = new Set<string>();
      for (const p of [...Object.keys(files), ...dirs]) if (p.startsWith(prefix) && p.length > prefix.length) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names].sort(byteOrder);
    },
    realpath: (f) => f,
    cwd: () => '/',
  };
}
