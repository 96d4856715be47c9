/**
 * `--cache`: an entry file's lint is kept with everything it asked the file host (every file read,
 * every stat, every directory listed for an include glob, every path resolved) and a digest of
 * each answer. On the next run the same questions are asked again; if every answer is the same,
 * the kept diagnostics are the lint's, without parsing anything. So an edited include, a script
 * made executable, a new file matching `include conf.d/*.conf` or a script that now exists each
 * re-lint the configs they concern, and nothing else does (a pre-commit hook re-lints what changed).
 *
 *   const rec = recordingHost(nodeHost(cwd)); lintEntry(abs, {...o, host: rec.host}); rec.deps
 * -> [['readText', '/r/etc/keepalived/keepalived.conf', '9f1c…'], ['stat', '/r/etc/keepalived/notify.sh', 'e3a0…'],
 * ...]
 */
import { crypto } from '../source/builtins.js';
import type { FileHost } from '../source/host.js';
import { internalError, lintEntry, type EntryOutcome, type EntryResult, type LintOptions } from './index.js';
import type { Diagnostic } from './types.js';

export type HostQuery = 'readText' | 'stat' | 'list' | 'realpath';
/** One question to the host and the digest of its answer. */
export type Dependency = [query: HostQuery, path: string, digest: string];

export interface CachedEntry {
  deps: Dependency[];
  diagnostics: Diagnostic[];
  /** Paths of the files read for the entry (their text comes from re-reading them). */
  files: string[];
  scripts: string[];
}

export function digest(value: unknown): string {
  return crypto()
    .createHash('sha1')
    .update(typeof value === 'string' ? value : JSON.stringify(value))
    .digest('hex');
}

/**
 * Lint one entry, and with `record` also give what it asked the file host (for --cache). Never
 * throws: a bug of ours becomes that entry's error. The one way every thread lints an entry.
 */
export async function lintEntryRecorded(
  abs: string,
  opts: LintOptions,
  record: boolean,
): Promise<{ result: EntryResult; deps?: Dependency[] }> {
  try {
    const rec = record ? recordingHost(opts.host) : null;
    const result = await lintEntry(abs, rec ? { ...opts, host: rec.host } : opts);
    return rec ? { result, deps: rec.deps } : { result };
  } catch (e) {
    return { result: internalError(e) };
  }
}

/** The host, answering as before, and the questions it was asked (each once, in first-asked order). */
export function recordingHost(inner: FileHost): { host: FileHost; deps: Dependency[] } {
  const deps: Dependency[] = [];
  const seen = new Set<string>();
  const note = <T>(query: HostQuery, path: string, answer: T): T => {
    const key = `${query}\0${path}`;
    if (!seen.has(key)) {
      seen.add(key);
      deps.push([query, path, digest(answer)]);
    }
    return answer;
  };
  const host: FileHost = {
    readText: (file) => note('readText', file, inner.readText(file)),
    stat: (file) => note('stat', file, inner.stat(file)),
    list: (dir) => note('list', dir, inner.list(dir)),
    realpath: (file) => note('realpath', file, inner.realpath(file)),
    cwd: () => inner.cwd(),
  };
  return { host, deps };
}

/**
 * The kept outcome if every recorded question still has the same answer, else null. The texts of
 * the files come from reading them again (the report shows their lines).
 */
export function replay(entry: CachedEntry, host: FileHost): EntryOutcome | null {
  const texts = new Map<string, string>();
  for (const [query, path, was] of entry.deps) {
    let answer: unknown;
    if (query === 'readText') {
      const r = host.readText(path);
      if (r.ok) texts.set(path, r.text);
      answer = r;
    } else if (query === 'stat') answer = host.stat(path);
    else if (query === 'list') answer = host.list(path);
    else if (query === 'realpath') answer = host.realpath(path);
    else return null;
    if (digest(answer) !== was) return null;
  }
  const files = new Map<string, string>();
  for (const f of entry.files) {
    const text = texts.get(f);
    if (text === undefined) return null;
    files.set(f, text);
  }
  return { diagnostics: entry.diagnostics, files, scripts: new Set(entry.scripts) };
}

export function toCachedEntry(outcome: EntryOutcome, deps: Dependency[]): CachedEntry {
  return { deps, diagnostics: outcome.diagnostics, files: [...outcome.files.keys()], scripts: [...outcome.scripts] };
}
