/**
 * `--cache [--cache-location FILE]`: the cache file (default .keepalived-lint-cache in the current
 * folder, as ESLint's .eslintcache), and the runner that serves an entry from it when every file
 * question its lint asked still has the same answer (src/engine/cache.ts), else lints it and keeps
 * the result. The key of an entry is its path, the tool's version, the rules and every option
 * that changes findings; entries for other keys stay in the file.
 *
 *   {"version":1,"entries":{"<sha1 of key>":{"deps":[["readText","/r/etc/keepalived/keepalived.conf","9f1c…"]],"diagnostics":[…],…}}}
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digest, lintEntryRecorded, replay, toCachedEntry, type CachedEntry } from '../engine/cache.js';
import { defaultRoot, type EntryResult, type LintOptions } from '../engine/index.js';
import type { Rule } from '../engine/types.js';
import { replayHostFor } from '../source/confine.js';
import { nodeHost, type FileHost } from '../source/host.js';
import { workerOptions, type WorkerPool } from './worker-pool.js';

export const DEFAULT_CACHE_FILE = '.keepalived-lint-cache';
const FORMAT = 1;

export class LintCache {
  private entries: Record<string, CachedEntry>;
  /** Entries served from the cache and entries linted, in this run. */
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    entries: Record<string, CachedEntry>,
    private readonly toolVersion: string,
  ) {
    this.entries = entries;
  }

  /** The cache at `file`; a missing, unreadable or foreign file is an empty cache (and is replaced). */
  static load(file: string, toolVersion: string): LintCache {
    let entries: Record<string, CachedEntry> = {};
    try {
      // Through the hardened read: a cache committed to the repository may link to /proc/kmsg.
      const read = nodeHost(path.dirname(file)).readText(file);
      const data = (read.ok ? JSON.parse(read.text) : {}) as { version?: unknown; entries?: unknown };
      if (data.version === FORMAT && data.entries && typeof data.entries === 'object') entries = data.entries as Record<string, CachedEntry>;
    } catch {
      // No cache yet, or not ours: start afresh.
    }
    return new LintCache(file, entries, toolVersion);
  }

  key(abs: string, options: LintOptions, rules: readonly Rule[]): string {
    // Rule ids and messages: a new release (or a new rule) must not serve old findings.
    return digest({ tool: this.toolVersion, abs, options: workerOptions(options), rules: rules.map((r) => [r.meta.id, r.meta.severity, r.meta.messages]) });
  }

  /** A LintOptions.lintEntry that serves from the cache, else lints (on `pool` when given) and keeps. */
  runner(host: FileHost, cwd: string, rules: readonly Rule[], options: LintOptions, pool: WorkerPool | null): (abs: string) => Promise<EntryResult> {
    const remote = pool ? pool.recordingRunner(cwd, rules, options, true) : null;
    return async (abs) => {
      const key = this.key(abs, options, rules);
      const kept = this.entries[key];
      // A kept entry names the files to ask again: only inside the entry's boundary (a cache file is as hostile as the repository).
      const served = kept ? replay(kept, replayHostFor(host, abs, { root: options.root ?? defaultRoot(abs), rootGiven: options.root !== undefined, paths: options.paths })) : null;
      if (served) {
        this.hits++;
        if (pool) options.onFile?.(abs);
        return served;
      }
      this.misses++;
      const { result, deps } = remote ? await remote(abs) : await lintEntryRecorded(abs, { ...options, host }, true);
      if ('error' in result || !deps) delete this.entries[key];
      else this.entries[key] = toCachedEntry(result, deps);
      return result;
    };
  }

  /** Write the cache (to a temporary file, then renamed over it); an error message, or null. */
  save(): string | null {
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify({ version: FORMAT, entries: this.entries }));
      fs.renameSync(tmp, this.file);
      return null;
    } catch (e) {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing to clean up
      }
      return `cannot write the cache ${this.file}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
}
