/**
 * An in-memory FileHost for the fuzz suite: no disk, deterministic, and the same decoding rules as
 * nodeHost (UTF-8 when the bytes are valid UTF-8, else Latin-1). Symbolic links (`links`: path ->
 * target, relative targets from the link's folder) are followed as the kernel follows them, so the
 * fuzz can build trees whose links point out of the root, up the tree or at themselves. `reads`
 * records every path whose content was read, after links (to assert what was never read). Example:
 * memHost({ '/r/etc/keepalived/keepalived.conf': 'vrrp_instance A {' }).readText(...) -> { ok, text }.
 */
import * as path from 'node:path';
import { byteOrder, type FileHost, type FileStat } from '../../src/source/host.js';

export interface MemHostOptions {
  executable?: Set<string>;
  links?: Record<string, string>;
  /** Filled with the resolved path of every file whose text was read. */
  reads?: string[];
}

const MAX_LINK_HOPS = 40;

export function memHost(files: Record<string, string | Buffer>, opts: MemHostOptions = {}): FileHost {
  const links = opts.links ?? {};
  const dirs = new Set<string>(['/']);
  for (const f of [...Object.keys(files), ...Object.keys(links)])
    for (let d = path.posix.dirname(f); d !== '/'; d = path.posix.dirname(d)) dirs.add(d);

  /** The path with every link resolved, component by component; null for a loop. */
  const resolve = (p: string): string | null => {
    let hops = 0;
    let done = '/';
    const rest = path.posix.resolve('/', p).split('/').filter(Boolean);
    while (rest.length) {
      const name = rest.shift()!;
      const next = path.posix.join(done, name);
      const target = links[next];
      if (target === undefined) {
        done = next;
        continue;
      }
      if (++hops > MAX_LINK_HOPS) return null;
      const abs = path.posix.resolve(done, target);
      rest.unshift(...abs.split('/').filter(Boolean));
      done = '/';
    }
    return done;
  };

  return {
    readText(file) {
      const real = resolve(file);
      if (real === null) return { ok: false, reason: 'too many levels of symbolic links' };
      const v = files[real];
      if (v === undefined)
        return { ok: false, reason: dirs.has(real) ? 'is a directory' : 'no such file or directory' };
      opts.reads?.push(real);
      const buf = typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
      const text = buf.toString('utf8');
      return Buffer.from(text, 'utf8').equals(buf)
        ? { ok: true, text, encoding: 'utf8' }
        : { ok: true, text: buf.toString('latin1'), encoding: 'latin1' };
    },
    stat(file): FileStat {
      const real = resolve(file);
      if (real === null) return { kind: 'missing', executable: false };
      if (files[real] !== undefined)
        return { kind: 'file', executable: opts.executable?.has(real) ?? false, mode: 0o755, uid: 0, gid: 0 };
      if (dirs.has(real)) return { kind: 'directory', executable: true, mode: 0o755, uid: 0, gid: 0 };
      return { kind: 'missing', executable: false };
    },
    list(dir) {
      const real = resolve(dir);
      if (real === null) return [];
      const prefix = real.endsWith('/') ? real : real + '/';
      const names = new Set<string>();
      for (const p of [...Object.keys(files), ...Object.keys(links), ...dirs])
        if (p.startsWith(prefix) && p.length > prefix.length) names.add(p.slice(prefix.length).split('/')[0]!);
      return [...names].sort(byteOrder);
    },
    realpath: (f) => resolve(f) ?? f,
    cwd: () => '/',
  };
}
