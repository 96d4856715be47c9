/**
 * Everything the library needs from the file system, behind one interface so tests can use an
 * in-memory tree and the library never touches process globals. The Node implementation reads
 * only; it never writes and never executes.
 *
 * Every file of a linted repository is hostile (CI lints pull requests), so the Node host reads a
 * file the way that cannot hang or grow without end: it resolves the path (realpath), refuses
 * /proc, /sys and /dev, stats the real path and opens only a regular file, with O_NONBLOCK (a FIFO
 * swapped in cannot block) and O_NOFOLLOW (a symbolic link swapped in is not followed), checks the
 * descriptor is still that regular file, and reads at most MAX_FILE_BYTES from it whatever
 * st_size says (/proc files report 0). Example:
 *   nodeHost('/').readText('/repo/k.conf')  with k.conf -> /proc/kmsg
 *   -> { ok: false, reason: 'is /proc/kmsg, under /proc (a kernel or device file system); not read' }
 * Which files may be read at all (the root, the repository) is src/source/confine.ts's business.
 */
import * as fs from 'node:fs';
import { isUtf8 } from 'node:buffer';

/**
 * keepalived reads bytes. A file that is not valid UTF-8 is read as Latin-1, so that each byte is
 * one character and byte counts (the 1023-byte line limit) stay exact.
 */
export type TextEncoding = 'utf8' | 'latin1';
/** `outside`: the file lies outside what may be read (src/source/confine.ts); it was not read. */
export type ReadResult =
  | { ok: true; text: string; encoding: TextEncoding }
  | { ok: false; reason: string; outside?: true };
/** `outside`: the path resolves outside what may be read; nothing about the file itself is known. */
export type StatKind = 'file' | 'directory' | 'other' | 'missing' | 'outside';

export interface FileStat {
  kind: StatKind;
  executable: boolean;
  /** Permission bits, owner and group, when the host knows them (script security checks). */
  mode?: number;
  uid?: number;
  gid?: number;
  /** For `outside`: why, for messages ("outside the root", "under /proc"). */
  why?: string;
}

export interface FileHost {
  readText(file: string): ReadResult;
  stat(file: string): FileStat;
  /** Names in a directory, sorted as glob(3) sorts them; [] when unreadable. */
  list(dir: string): string[];
  /** The path with symbolic links resolved (the path itself when it cannot be resolved). */
  realpath(file: string): string;
  cwd(): string;
}

/**
 * Files larger than this are refused rather than read whole: a config is kilobytes, and 10,000
 * instances with their scripts and checkers are about 4 MiB.
 */
export const MAX_FILE_BYTES = 16 * 1024 * 1024;

/** Kernel and device file systems: reading them can block forever (/proc/kmsg), never end (/dev/zero) or leak secrets
 * (/proc/self/environ). */
export const KERNEL_FOLDERS = ['/proc', '/sys', '/dev'] as const;

/** The kernel folder a real path lies in, or null. */
export function kernelFolder(real: string): string | null {
  return KERNEL_FOLDERS.find((k) => real === k || real.startsWith(k + '/')) ?? null;
}

export function tooLarge(bytes: number, exact = true): string {
  const size = exact ? `is ${(bytes / 1048576).toFixed(1)} MiB` : `is more than ${MAX_FILE_BYTES / 1048576} MiB`;
  return (
    `${size}, more than the ${MAX_FILE_BYTES / 1048576} ` +
    `MiB keepalived-lint reads (a keepalived configuration ` +
    `is kilobytes; 10,000 instances are about 4 MiB)`
  );
}

/** keepalived reads bytes: valid UTF-8 is text, anything else is Latin-1 (one character per byte). */
export function decodeBytes(buf: Buffer): { text: string; encoding: TextEncoding } {
  // isUtf8 checks in place (decoding, then encoding again to compare, copied 4 MB twice).
  return isUtf8(buf)
    ? { text: buf.toString('utf8'), encoding: 'utf8' }
    : { text: buf.toString('latin1'), encoding: 'latin1' };
}

// O_NOFOLLOW does not exist on Windows (0: no effect there).
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0);

// realpathSync.native: one realpath(3) call, not an lstat per path component (38 paths a lint,
// 20 us instead of 77 each).
function readRegularFile(file: string): ReadResult {
  const real = fs.realpathSync.native(file);
  const kernel = kernelFolder(real);
  if (kernel) return { ok: false, reason: `is ${real}, under ${kernel} (a kernel or device file system); not read` };
  // stat before open: opening a device or a FIFO can itself block or have effects (a tape rewinds).
  const st = fs.statSync(real);
  if (st.isDirectory()) return { ok: false, reason: 'is a directory' };
  if (!st.isFile()) return { ok: false, reason: 'is not a regular file' };
  if (st.size > MAX_FILE_BYTES) return { ok: false, reason: tooLarge(st.size) };
  const fd = fs.openSync(real, OPEN_FLAGS);
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile() || fst.ino !== st.ino || fst.dev !== st.dev)
      return { ok: false, reason: 'changed while being read (no longer the same regular file)' };
    // Read to the cap whatever st_size says: a file can grow while read, and some report 0.
    const buf = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, Math.max(fst.size + 1, 65536)));
    let got = 0;
    let chunk = buf;
    for (;;) {
      if (got === chunk.length) {
        if (chunk.length > MAX_FILE_BYTES) return { ok: false, reason: tooLarge(got, false) };
        const bigger = Buffer.allocUnsafe(Math.min(MAX_FILE_BYTES + 1, chunk.length * 2));
        chunk.copy(bigger, 0, 0, got);
        chunk = bigger;
      }
      const n = fs.readSync(fd, chunk, got, chunk.length - got, null);
      if (n === 0) break;
      got += n;
    }
    if (got > MAX_FILE_BYTES) return { ok: false, reason: tooLarge(got, false) };
    return { ok: true, ...decodeBytes(chunk.subarray(0, got)) };
  } finally {
    fs.closeSync(fd);
  }
}

export function nodeHost(cwd: string): FileHost {
  return {
    readText(file) {
      try {
        return readRegularFile(file);
      } catch (e) {
        return { ok: false, reason: describeFsError(e) };
      }
    },
    stat(file) {
      try {
        const st = fs.statSync(file);
        const kind: StatKind = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
        return { kind, executable: (st.mode & 0o111) !== 0, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
      } catch {
        return { kind: 'missing', executable: false };
      }
    },
    list(dir) {
      try {
        const real = fs.realpathSync.native(dir);
        if (kernelFolder(real)) return [];
        return fs.readdirSync(real).sort(byteOrder);
      } catch {
        return [];
      }
    },
    realpath(file) {
      try {
        return fs.realpathSync.native(file);
      } catch {
        return file;
      }
    },
    cwd: () => cwd,
  };
}

export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function describeFsError(e: unknown): string {
  const code = (e as { code?: string }).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory';
    case 'EAGAIN':
    case 'EWOULDBLOCK':
      return 'would block (not a regular file)';
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
}
