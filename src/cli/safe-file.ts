/**
 * Reading and writing the files the operator names on the command line (the cache and its key,
 * --baseline, --output, --write-baseline) when the folder they are in may belong to the linted
 * repository: a pull request can commit `keepalived-lint.sarif -> ../../runner/file` or a baseline
 * linked to ~/.git-credentials. So a read never follows a link at the last component nor blocks
 * on a FIFO, and a write goes to a new file (O_EXCL | O_NOFOLLOW) renamed over the name, which
 * replaces a link instead of writing where it points. Example:
 *   writeReplacing('/ci/repo/out.sarif', text, 0o644)   // out.sarif -> /etc/passwd: the link is replaced
 *   readCapped('/ci/repo/base.json', 16 << 20)          // a link: { error: 'is a symbolic link; not read' }
 */
import { crypto } from '../source/builtins.js';
import * as fs from 'node:fs';
import * as path from 'node:path';

const WHY: Record<string, string> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a folder on its path is a file',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ELOOP: 'is a symbolic link; not read',
};

/** A file-system error as a short phrase for a message. */
export function fsMessage(e: unknown): string {
  const code = (e as { code?: string }).code;
  return (code && WHY[code]) ?? (e instanceof Error ? e.message : String(e));
}

/**
 * At most `cap` bytes of a regular file, opened without following a link at its last component
 * and without blocking (a FIFO), checked on the descriptor (a device, /proc file or folder is not
 * read at all). 'missing' when there is no such file.
 */
export function readCapped(
  file: string,
  cap: number,
  limit = 'keepalived-lint reads of it',
): { data: Buffer; mode: number } | { error: string } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { error: (e as { code?: string }).code === 'ENOENT' ? 'missing' : fsMessage(e) };
  }
  const tooBig = `is more than the ${cap / 1048576} MiB ${limit}`;
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return { error: 'is not a regular file' };
    if (st.size > cap)
      return { error: `is ${(st.size / 1048576).toFixed(1)} MiB, more than the ${cap / 1048576} MiB ${limit}` };
    const buf = Buffer.alloc(Math.min(cap + 1, st.size + 1));
    let n = 0;
    // The file may grow while it is read: read until its end or one byte past the cap.
    for (;;) {
      if (n === buf.length) return n > cap ? { error: tooBig } : { data: buf, mode: st.mode };
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return { data: buf.subarray(0, n), mode: st.mode };
      n += got;
    }
  } catch (e) {
    return { error: fsMessage(e) };
  } finally {
    fs.closeSync(fd);
  }
}

/** A new file (never an existing one, never through a link). */
export function writeNew(file: string, text: string, mode = 0o600): void {
  const fd = fs.openSync(
    file,
    fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW,
    mode,
  );
  try {
    fs.writeSync(fd, text);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Write through a new temporary file in the same folder, renamed over `file`: a link at `file` is
 * replaced, never written through. Throws the file-system error (the caller words it).
 */
export function writeReplacing(file: string, text: string, o: { mode?: number; makeFolder?: boolean } = {}): void {
  const tmp = `${file}.${crypto().randomBytes(6).toString('hex')}.tmp`;
  try {
    if (o.makeFolder) fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeNew(tmp, text, o.mode ?? 0o600);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
    throw e;
  }
}
