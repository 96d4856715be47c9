/**
 * Everything the library needs from the file system, behind one interface so tests can use an
 * in-memory tree and the library never touches process globals. The Node implementation reads
 * only; it never writes and never executes.
 */
import * as fs from 'node:fs';

/**
 * keepalived reads bytes. A file that is not valid UTF-8 is read as Latin-1, so that each byte is
 * one character and byte counts (the 1023-byte line limit) stay exact.
 */
export type TextEncoding = 'utf8' | 'latin1';
export type ReadResult = { ok: true; text: string; encoding: TextEncoding } | { ok: false; reason: string };
export type StatKind = 'file' | 'directory' | 'other' | 'missing';

export interface FileStat {
  kind: StatKind;
  executable: boolean;
  /** Permission bits, owner and group, when the host knows them (script security checks). */
  mode?: number;
  uid?: number;
  gid?: number;
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

export function nodeHost(cwd: string): FileHost {
  return {
    readText(file) {
      try {
        const st = fs.statSync(file);
        if (st.isDirectory()) return { ok: false, reason: 'is a directory' };
        if (!st.isFile()) return { ok: false, reason: 'is not a regular file' };
        if (st.size > MAX_FILE_BYTES) return { ok: false, reason: `is ${(st.size / 1048576).toFixed(1)} MiB, more than the ${MAX_FILE_BYTES / 1048576} MiB keepalived-lint reads (a keepalived configuration is kilobytes; 10,000 instances are about 4 MiB)` };
        const buf = fs.readFileSync(file);
        const text = buf.toString('utf8');
        return Buffer.byteLength(text, 'utf8') === buf.length && Buffer.from(text, 'utf8').equals(buf)
          ? { ok: true, text, encoding: 'utf8' }
          : { ok: true, text: buf.toString('latin1'), encoding: 'latin1' };
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
        return fs.readdirSync(dir).sort(byteOrder);
      } catch {
        return [];
      }
    },
    realpath(file) {
      try {
        return fs.realpathSync(file);
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
    default:
      return code ? `cannot be read (${code})` : 'cannot be read';
  }
}
