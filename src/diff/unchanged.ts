/**
 * Whether a config reads the same at a revision as in the working tree, so `diff --git REV` need
 * not compare it: every question its load asked the working tree (each file read, each path looked
 * up, each folder listed for an include glob, each path resolved) gets the same answer from the
 * revision. The load is a function of those answers, so both sides would give the same model and
 * the same findings: "none" and "no new problems". Example, a repository of 100 hosts with one
 * config edited:
 *
 *   const rec = recordReads(workTree); await loadConfig(file, options, rec.host);
 *   rec.sameOn(gitHost(top, 'HEAD'))  -> true for the 99 others, false for the edited one
 *
 * Git's own folder is left out: the working tree has `.git` and a revision's tree has not, and the
 * config reads nothing there.
 */
import { crypto } from '../source/builtins.js';
import type { FileHost, FileStat, ReadResult } from '../source/host.js';

type Query = 'readText' | 'stat' | 'list' | 'realpath';

/**
 * An answer as both hosts can give it: a git tree knows a file's kind and its x bit, not its owner.
 * A text is kept as its digest: what is recorded for each config of the run stays small, whatever
 * the size of the files it reads.
 */
const norm = {
  readText: (r: ReadResult) =>
    r.ok ? `text\0${crypto().createHash('sha256').update(r.text).digest('base64')}` : 'unreadable',
  stat: (s: FileStat) => `${s.kind}\0${s.kind === 'file' && s.executable ? 'x' : ''}`,
  list: (names: string[]) => names.join('\0'),
  realpath: (p: string) => p,
};

const inGitFolder = (file: string) => file.split('/').includes('.git');

export function recordReads(inner: FileHost): { host: FileHost; sameOn(other: FileHost): boolean } {
  const asked = new Map<string, { query: Query; file: string; answer: string }>();
  const note = (query: Query, file: string, answer: string) => {
    const key = `${query}\0${file}`;
    if (!asked.has(key) && !inGitFolder(file)) asked.set(key, { query, file, answer });
  };
  return {
    host: {
      readText(file) {
        const r = inner.readText(file);
        note('readText', file, norm.readText(r));
        return r;
      },
      stat(file) {
        const s = inner.stat(file);
        note('stat', file, norm.stat(s));
        return s;
      },
      list(dir) {
        const names = inner.list(dir);
        note('list', dir, norm.list(names));
        return names;
      },
      realpath(file) {
        const p = inner.realpath(file);
        note('realpath', file, p);
        return p;
      },
      cwd: () => inner.cwd(),
    },
    sameOn(other) {
      for (const a of asked.values()) {
        const now =
          a.query === 'readText'
            ? norm.readText(other.readText(a.file))
            : a.query === 'stat'
              ? norm.stat(other.stat(a.file))
              : a.query === 'list'
                ? norm.list(other.list(a.file))
                : other.realpath(a.file);
        if (now !== a.answer) return false;
      }
      return true;
    },
  };
}
