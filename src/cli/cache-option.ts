/**
 * `--cache [--cache-location FILE]`: the cache file, and the runner that serves an entry from it
 * when every file question its lint asked still has the same answer (src/engine/cache.ts), else
 * lints it and keeps the result. The key of an entry is its path, the tool's version, the rules
 * and every option that changes findings; entries for other keys stay in the file.
 *
 * The linted repository is hostile, so the cache is the user's, not the repository's:
 * - it lives outside the working tree: $XDG_CACHE_HOME/keepalived-lint/<sha256 of the real cwd>.json,
 *   else $HOME/.cache/keepalived-lint/...; with neither set, --cache warns and lints without one
 *   (no fallback into the tool's node_modules: a devDependency's node_modules is in the working tree);
 * - every entry carries an HMAC-SHA256 under a random key kept beside the cache (FILE.key, 0600,
 *   made on first use), over the entry's key and text: a committed or planted cache file, or an
 *   entry moved to another config, verifies under no key but the user's and is re-linted;
 * - a cache or key file that git tracks, that is a symbolic link or not a regular file, or that is
 *   larger than MAX_CACHE_BYTES is refused with a warning, and the cache is then neither read nor
 *   written for the run;
 * - it is read with O_NOFOLLOW | O_NONBLOCK and checked on the open descriptor, and written to a
 *   new temporary file (O_EXCL | O_NOFOLLOW, 0600) in the same folder renamed over it, so a link
 *   at the destination is replaced, never followed.
 *
 * {"version":2,"entries":{"<sha1 of
 * key>":{"mac":"<hex>","body":"{\"deps\":[[\"readText\",\"/r/k.conf\",\"9f1c…\"]],…}"}}}
 */
import { createRequire } from 'node:module';
import { crypto } from '../source/builtins.js';
import { readCapped, writeNew, writeReplacing } from './safe-file.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { digest, lintEntryRecorded, replay, toCachedEntry, type CachedEntry } from '../engine/cache.js';
import { defaultRoot, type EntryResult, type LintOptions } from '../engine/index.js';
import type { Rule } from '../engine/types.js';
import { replayHostFor } from '../source/confine.js';
import type { FileHost } from '../source/host.js';
import { workerOptions, type WorkerPool } from './worker-pool.js';

// Loaded on first use: node:child_process brings ~20 ms of Node's own modules, which a plain lint does
// not need (issue 16, start-up).
const childProcess = (): typeof import('node:child_process') =>
  createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

export const DEFAULT_CACHE_DIR = '$XDG_CACHE_HOME/keepalived-lint (else ~/.cache/keepalived-lint)';
const FORMAT = 2;
/** A cache of 10,000 configs with their dependencies is a few MiB; more is not ours. */
export const MAX_CACHE_BYTES = 64 * 1024 * 1024;
const KEY_BYTES = 32;
const MAC_DOMAIN = `keepalived-lint cache v${FORMAT}\0`;

interface SignedEntry {
  mac: string;
  body: string;
}

/**
 * The default cache file for the working folder `cwd`, or null when the environment names no
 * cache folder. One file per working folder, named by a hash of its real path.
 */
export function defaultCacheFile(cwd: string, env: Record<string, string | undefined>): string | null {
  const xdg = env.XDG_CACHE_HOME;
  const home = env.HOME;
  const dir =
    xdg && path.isAbsolute(xdg)
      ? path.join(xdg, 'keepalived-lint')
      : home && path.isAbsolute(home)
        ? path.join(home, '.cache', 'keepalived-lint')
        : null;
  if (!dir) return null;
  let real = cwd;
  try {
    real = fs.realpathSync(cwd);
  } catch {
    // A folder that cannot be resolved keys by its name.
  }
  return path.join(dir, `${crypto().createHash('sha256').update(real).digest('hex').slice(0, 32)}.json`);
}

/** The MAC of an entry: binds its text to its key (an entry moved to another config does not verify). */
export function entryMac(secret: Buffer, key: string, body: string): string {
  return crypto().createHmac('sha256', secret).update(MAC_DOMAIN).update(key).update('\0').update(body).digest('hex');
}

/** The key file beside a cache file. */
export function keyFileFor(cacheFile: string): string {
  return `${cacheFile}.key`;
}

export class LintCache {
  /** Entries served from the cache and entries linted, in this run. */
  hits = 0;
  misses = 0;

  private constructor(
    readonly file: string,
    private readonly entries: Map<string, SignedEntry>,
    private readonly secret: Buffer,
    private readonly toolVersion: string,
  ) {}

  /**
   * The cache at `file` and its key, or null with the warning that says why it is not used. A
   * missing file, or one that is not a cache of this format, is an empty cache (and is replaced).
   */
  static open(file: string, toolVersion: string): { cache: LintCache } | { cache: null; warning: string } {
    const refuse = (why: string) => ({ cache: null, warning: `${why}; linting without the cache` });
    const keyFile = keyFileFor(file);
    const tracked = trackedByGit(path.dirname(file), [path.basename(file), path.basename(keyFile)]);
    if ('error' in tracked) return refuse(`cannot use the cache ${file}: ${tracked.error}`);
    if (tracked.length)
      return refuse(
        `the cache file ${path.join(path.dirname(file), tracked[0]!)} ` +
          `is tracked by git (a cache must be your own, not the ` +
          `repository's)`,
      );
    const raw = readCapped(file, MAX_CACHE_BYTES, 'a cache may be');
    if ('error' in raw && raw.error !== 'missing') return refuse(`cannot use the cache ${file}: ${raw.error}`);
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    } catch (e) {
      return refuse(`cannot create the cache folder ${path.dirname(file)}: ${message(e)}`);
    }
    const secret = loadOrCreateKey(keyFile);
    if ('error' in secret) return refuse(`cannot use the cache key ${keyFile}: ${secret.error}`);
    const entries = new Map<string, SignedEntry>();
    if ('data' in raw) {
      try {
        const data = JSON.parse(raw.data.toString('utf8')) as { version?: unknown; entries?: unknown };
        if (data.version === FORMAT && data.entries && typeof data.entries === 'object') {
          for (const [key, e] of Object.entries(data.entries as Record<string, unknown>)) {
            // Entries that do not verify are dropped: they were not written with this key.
            if (isSigned(e) && macEquals(e.mac, entryMac(secret.key, key, e.body))) entries.set(key, e);
          }
        }
      } catch {
        // Not ours, or from another format: start afresh.
      }
    }
    return { cache: new LintCache(file, entries, secret.key, toolVersion) };
  }

  key(abs: string, options: LintOptions, rules: readonly Rule[]): string {
    // Rule ids and messages: a new release (or a new rule) must not serve old findings.
    return digest({
      tool: this.toolVersion,
      abs,
      options: workerOptions(options),
      rules: rules.map((r) => [r.meta.id, r.meta.severity, r.meta.messages]),
    });
  }

  /** The verified entry for `key` if it is one a lint of `abs` could have left, else null. */
  private kept(key: string, abs: string): CachedEntry | null {
    const signed = this.entries.get(key);
    if (!signed) return null;
    try {
      const e = JSON.parse(signed.body) as CachedEntry;
      // An entry that did not read its own config answers no question: it could serve anything.
      const valid =
        Array.isArray(e.deps) &&
        Array.isArray(e.diagnostics) &&
        Array.isArray(e.files) &&
        Array.isArray(e.scripts) &&
        e.deps.some((d) => Array.isArray(d) && d[0] === 'readText' && d[1] === abs);
      return valid ? e : null;
    } catch {
      return null;
    }
  }

  /** A LintOptions.lintEntry that serves from the cache, else lints (on `pool` when given) and keeps. */
  runner(
    host: FileHost,
    cwd: string,
    rules: readonly Rule[],
    options: LintOptions,
    pool: WorkerPool | null,
  ): (abs: string) => Promise<EntryResult> {
    const remote = pool ? pool.recordingRunner(cwd, rules, options, true) : null;
    return async (abs) => {
      const key = this.key(abs, options, rules);
      const kept = this.kept(key, abs);
      // A kept entry names the files to ask again: only inside the entry's boundary (a cache file is as hostile as the
      // repository).
      const served = kept
        ? replay(
            kept,
            replayHostFor(host, abs, {
              root: options.root ?? defaultRoot(abs),
              rootGiven: options.root !== undefined,
              paths: options.paths,
            }),
          )
        : null;
      if (served) {
        this.hits++;
        if (pool) options.onFile?.(abs);
        return served;
      }
      this.misses++;
      const { result, deps } = remote ? await remote(abs) : await lintEntryRecorded(abs, { ...options, host }, true);
      if ('error' in result || !deps?.length) this.entries.delete(key);
      else {
        const body = JSON.stringify(toCachedEntry(result, deps));
        this.entries.set(key, { mac: entryMac(this.secret, key, body), body });
      }
      return result;
    };
  }

  /** Write the cache (to a new temporary file, then renamed over it); an error message, or null. */
  save(): string | null {
    const text = JSON.stringify({ version: FORMAT, entries: Object.fromEntries(this.entries) });
    try {
      writeReplacing(this.file, text, { makeFolder: true });
      return null;
    } catch (e) {
      return `cannot write the cache ${this.file}: ${message(e)}`;
    }
  }
}

/**
 * `--cache` / `--cache-location` as the CLI gives them: the cache, or null (after a warning when
 * one was asked for and cannot be used).
 */
export function openCache(
  location: string | undefined,
  cwd: string,
  env: Record<string, string | undefined>,
  toolVersion: string,
  warn: (message: string) => void,
): LintCache | null {
  const file = location !== undefined ? path.resolve(cwd, location) : defaultCacheFile(cwd, env);
  if (!file) {
    warn(
      '--cache has no folder to keep its file in (set XDG_CACHE_HOME or ' +
        'HOME, or give --cache-location); linting without the cache',
    );
    return null;
  }
  const opened = LintCache.open(file, toolVersion);
  if (!opened.cache) warn(opened.warning);
  return opened.cache;
}

function isSigned(e: unknown): e is SignedEntry {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as SignedEntry).mac === 'string' &&
    typeof (e as SignedEntry).body === 'string'
  );
}

function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && crypto().timingSafeEqual(x, y);
}

const WHY: Record<string, string> = {
  ELOOP: 'is a symbolic link (or has too many on its path)',
  ENOTDIR: 'a folder on its path is a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
};

function message(e: unknown): string {
  const code = (e as { code?: string }).code;
  return (code && WHY[code]) ?? (e instanceof Error ? e.message : String(e));
}

/** The key beside the cache: read (a 0600 regular file of KEY_BYTES hex) or made on first use. */
function loadOrCreateKey(keyFile: string): { key: Buffer } | { error: string } {
  const read = readCapped(keyFile, 1024, 'a key may be');
  if ('data' in read) {
    const mode = read.mode;
    // git checks files out 0644 or 0755: a key others can read is not a secret.
    if (mode & 0o077) return { error: `is readable by others (mode ${(mode & 0o777).toString(8)}; it must be 0600)` };
    const hex = read.data.toString('utf8').trim();
    if (!/^[0-9a-f]+$/.test(hex) || hex.length !== KEY_BYTES * 2)
      return { error: 'is not a keepalived-lint cache key' };
    return { key: Buffer.from(hex, 'hex') };
  }
  if (read.error !== 'missing') return { error: read.error };
  const key = crypto().randomBytes(KEY_BYTES);
  const tmp = `${keyFile}.${crypto().randomBytes(6).toString('hex')}.tmp`;
  try {
    writeNew(tmp, key.toString('hex') + '\n');
    // link() fails if another run made the key first: then that one is the key.
    fs.linkSync(tmp, keyFile);
    return { key };
  } catch (e) {
    if ((e as { code?: string }).code === 'EEXIST') return loadOrCreateKey(keyFile);
    return { error: message(e) };
  } finally {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing to clean up
    }
  }
}

/**
 * Which of the files `names` in `dir` git tracks, in one `git ls-files`, asked only when a folder
 * above holds `.git` (no shell, names taken literally, fsmonitor off so no program of the
 * repository's configuration runs). No git installed is "none" (the MAC still guards the
 * entries); git that runs and fails (a repository it refuses: "dubious ownership") is an error,
 * so the cache is not used rather than trusted.
 */
export function trackedByGit(dir: string, names: string[]): string[] | { error: string } {
  if (!insideGitWorkTree(dir)) return [];
  try {
    const out = childProcess().execFileSync(
      'git',
      ['-c', 'core.fsmonitor=false', '--literal-pathspecs', '-C', dir, 'ls-files', '-z', '--', ...names],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        timeout: 10_000,
        maxBuffer: 1024 * 1024,
      },
    );
    const listed = new Set(out.toString('utf8').split('\0'));
    return names.filter((n) => listed.has(n));
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    return { error: 'git cannot say whether it tracks the cache file (git ls-files failed)' };
  }
}

function insideGitWorkTree(dir: string): boolean {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return true;
    if (path.dirname(d) === d) return false;
  }
}
