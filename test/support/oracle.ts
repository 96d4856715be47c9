/**
 * Test-only oracle: runs the real `keepalived -t` (Debian 2.2.7) inside a
 * throw-away network namespace, plus loaders for the recorded oracle outputs in
 * ../shared (corpus TSVs and reference oracle cases). Parsing and classifying what
 * keepalived prints, and the namespace itself, live in src/keepalived/ (shared with
 * `--with-keepalived`).
 *
 * Safety: keepalived is always started as `unshare -n [-u] sh -c SCRIPT sh ARGS...`
 * with argument arrays (no shell string is ever built from file or interface
 * names); the namespace only has `lo` plus the fake interfaces we create, so a
 * host-name lookup cannot leave the machine. `keepalived -t` only parses the
 * configuration; it never runs the scripts a configuration names.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseKeepalivedOutput, type KeepalivedMessage, type MessageClass } from '../../src/keepalived/messages.js';
import { findOnPath, namespaceArgv, searchPath } from '../../src/keepalived/namespace.js';

export interface OracleRun {
  exitCode: number;
  raw: string;
  messages: KeepalivedMessage[];
}

export interface RunOptions {
  /** Interfaces that must exist in the namespace (invalid names are skipped). */
  interfaces?: string[];
  /** Working directory; when given, configPath is passed to -f unchanged. */
  cwd?: string;
  /** `-i ID` (config-id used by `@ID` conditional lines). */
  configId?: string;
  /** Host name inside the namespace (default config-id); requires a UTS namespace. */
  hostname?: string;
  timeoutMs?: number;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');
export const CORPUS_CONFIGS_DIR = path.join(CORPUS_DIR, 'configs');
export const ORACLE_CASES_DIR = path.join(SHARED_DIR, 'reference', 'keepalived', 'oracle-cases');
/**
 * This repository's own oracle cases (test/oracle-cases/README.md): configurations written for
 * this project with keepalived 2.2.7's verbatim output beside each (NAME.expected) and
 * summary.tsv; they need nothing outside the repository.
 */
export const OWN_ORACLE_CASES_DIR = path.join(REPO_ROOT, 'test', 'oracle-cases');
/** The directory the corpus TSVs use in place of the real configs directory. */
export const CORPUS_TSV_CONFIGS_DIR = '/srv/corpus/configs';

// ---------------------------------------------------------------------------
// Running keepalived -t

let availableCache: boolean | undefined;

/** The keepalived every recorded verdict (corpus, oracle cases, the floors) comes from. */
export const ORACLE_KEEPALIVED_VERSION = '2.2.7';

/**
 * keepalived ORACLE_KEEPALIVED_VERSION is installed and we may create a network namespace
 * (`unshare -n true`). Another version prints other messages (the live runs compare with
 * recordings of 2.2.7), so its live tests do not run.
 */
export function keepalivedAvailable(): boolean {
  if (availableCache !== undefined) return availableCache;
  const keepalived = findOnPath('keepalived', process.env.PATH);
  const unshare = findOnPath('unshare', process.env.PATH);
  if (!keepalived || !unshare || !findOnPath('ip', process.env.PATH)) return (availableCache = false);
  const v = spawnSync(keepalived, ['-v'], { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' });
  const version = /Keepalived v(\d+\.\d+\.\d+)\b/.exec(`${v.stdout ?? ''}${v.stderr ?? ''}`)?.[1];
  if (version !== ORACLE_KEEPALIVED_VERSION) return (availableCache = false);
  const r = spawnSync(unshare, ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return (availableCache = r.status === 0);
}

/** The command that runs `keepalived -t` for configPath with opts: unshare, its arguments, and where. */
function keepalivedCommand(configPath: string, opts: RunOptions) {
  const keepalived = findOnPath('keepalived', process.env.PATH);
  const unshare = findOnPath('unshare', process.env.PATH);
  if (!keepalived || !unshare) throw new Error('keepalived or unshare not found');

  const cwd = opts.cwd ?? path.dirname(path.resolve(configPath));
  const fArg = opts.cwd !== undefined ? configPath : path.basename(configPath);
  const kaArgs = [keepalived, '-t', '-f', fArg];
  if (opts.configId !== undefined) kaArgs.push('-i', opts.configId);

  const unshareArgs = opts.hostname !== undefined ? ['-n', '-u'] : ['-n'];
  const argv = namespaceArgv(unshareArgs, kaArgs, { interfaces: opts.interfaces ?? [], hostname: opts.hostname ?? '' });
  const env = { ...process.env, PATH: searchPath(process.env.PATH), LC_ALL: 'C' };
  return { unshare, argv, cwd, env, fArg, timeoutMs: opts.timeoutMs ?? 30_000 };
}

const MAX_OUTPUT = 16 * 1024 * 1024;

/**
 * Run `keepalived -t -f FILE [-i ID]` in a private network namespace.
 * Without opts.cwd, runs in the config's folder with -f set to its base name
 * (keepalived resolves relative includes against -f and echoes -f in messages).
 */
export function runKeepalivedTest(configPath: string, opts: RunOptions = {}): OracleRun {
  const c = keepalivedCommand(configPath, opts);
  const r = spawnSync(c.unshare, c.argv, {
    cwd: c.cwd,
    encoding: 'utf8',
    timeout: c.timeoutMs,
    killSignal: 'SIGKILL',
    env: c.env,
    maxBuffer: MAX_OUTPUT,
  });
  if (r.error) throw new Error(`keepalived -t -f ${c.fArg}: ${r.error.message}`);
  if (r.status === null) throw new Error(`keepalived -t -f ${c.fArg}: killed by ${r.signal ?? 'signal'}`);
  const raw = (r.stdout ?? '') + (r.stderr ?? '');
  return { exitCode: r.status, raw, messages: parseKeepalivedOutput(raw, c.fArg) };
}

/**
 * runKeepalivedTest without blocking: a run spends most of its time waiting (a network namespace
 * made and torn down, keepalived's start), so several at once (runAll) take a fraction of the time.
 * raw is stdout then stderr, as runKeepalivedTest gives it.
 */
export function runKeepalivedTestAsync(configPath: string, opts: RunOptions = {}): Promise<OracleRun> {
  const c = keepalivedCommand(configPath, opts);
  return new Promise((resolve, reject) => {
    const child = spawn(c.unshare, c.argv, { cwd: c.cwd, env: c.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let bytes = 0;
    let failure: string | undefined;
    const collect = (into: Buffer[]) => (b: Buffer) => {
      bytes += b.length;
      if (bytes > MAX_OUTPUT) {
        failure ??= `more than ${MAX_OUTPUT} bytes of output`;
        child.kill('SIGKILL');
      } else into.push(b);
    };
    child.stdout.on('data', collect(out));
    child.stderr.on('data', collect(err));
    const timer = setTimeout(() => {
      failure ??= `killed by SIGKILL after ${c.timeoutMs} ms`;
      child.kill('SIGKILL');
    }, c.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`keepalived -t -f ${c.fArg}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure !== undefined || code === null)
        return reject(new Error(`keepalived -t -f ${c.fArg}: ${failure ?? `killed by ${signal ?? 'signal'}`}`));
      const raw = Buffer.concat(out).toString('utf8') + Buffer.concat(err).toString('utf8');
      resolve({ exitCode: code, raw, messages: parseKeepalivedOutput(raw, c.fArg) });
    });
  });
}

/** How many keepalived -t runs runAll keeps going at once. */
export const KEEPALIVED_RUNS_AT_ONCE = 4;

/**
 * fn over items, at most `limit` at a time, started in the items' order (a caller awaiting the first
 * results gets them first); one promise per item. A promise that rejects before it is awaited is
 * not an unhandled rejection: it rejects where it is awaited.
 */
export function runAll<T, R>(
  items: readonly T[],
  fn: (item: T) => Promise<R>,
  limit = KEEPALIVED_RUNS_AT_ONCE,
): Promise<R>[] {
  let running = 0;
  const waiting: (() => void)[] = [];
  const acquire = () =>
    running < limit ? (running++, Promise.resolve()) : new Promise<void>((start) => waiting.push(start));
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return items.map((item) => {
    const p = acquire().then(() =>
      Promise.resolve()
        .then(() => fn(item))
        .finally(release),
    );
    p.catch(() => undefined);
    return p;
  });
}

// ---------------------------------------------------------------------------
// Recorded corpus oracle (../shared/corpus/ORACLE*.tsv)

export type CorpusOracleKind = 'plain' | 'fakeif';

/** One row of ORACLE_messages.tsv / ORACLE_fakeif_messages.tsv, with its recorded class. */
export interface CorpusOracleRow {
  corpusFile: string;
  inFile: string;
  line: number | null;
  cls: string;
  text: string;
}

function readTsv(file: string, hasHeader = true): string[][] {
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '');
  return (hasHeader ? lines.slice(1) : lines).map((l) => l.split('\t'));
}

export function corpusMessagesTsv(which: CorpusOracleKind): string {
  return path.join(CORPUS_DIR, which === 'plain' ? 'ORACLE_messages.tsv' : 'ORACLE_fakeif_messages.tsv');
}

function corpusSummaryTsv(which: CorpusOracleKind): string {
  return path.join(CORPUS_DIR, which === 'plain' ? 'ORACLE.tsv' : 'ORACLE_fakeif.tsv');
}

/** Raw rows (columns file, in_file, line, class, message). */
export function loadCorpusOracleRows(which: CorpusOracleKind): CorpusOracleRow[] {
  return readTsv(corpusMessagesTsv(which)).map(([corpusFile = '', inFile = '', line = '', cls = '', text = '']) => ({
    corpusFile,
    inFile,
    line: line === '' ? null : Number(line),
    cls,
    text,
  }));
}

/**
 * Messages keyed by corpus file name (every file of ORACLE[_fakeif].tsv is present,
 * possibly with []). `file` is the corpus file name for main-file lines, the
 * in_file column for included files, null for messages without a line.
 * `cls` is the recorded class from the TSV.
 */
export function loadCorpusOracle(which: CorpusOracleKind): Map<string, KeepalivedMessage[]> {
  const map = new Map<string, KeepalivedMessage[]>();
  for (const [file = ''] of readTsv(corpusSummaryTsv(which))) map.set(file, []);
  for (const row of loadCorpusOracleRows(which)) {
    const list = map.get(row.corpusFile) ?? [];
    list.push({
      file: row.inFile !== '' ? row.inFile : row.line === null ? null : row.corpusFile,
      line: row.line,
      text: row.text,
      cls: row.cls as MessageClass,
    });
    map.set(row.corpusFile, list);
  }
  return map;
}

/** Exit codes recorded in ORACLE.tsv / ORACLE_fakeif.tsv, keyed by corpus file. */
export function loadCorpusExitCodes(which: CorpusOracleKind): Map<string, number> {
  return new Map(readTsv(corpusSummaryTsv(which)).map(([file = '', rc = '']) => [file, Number(rc)]));
}

/** Interfaces that existed when ORACLE_fakeif*.tsv was recorded. */
export function loadFakeifInterfaces(): string[] {
  return readFileSync(path.join(CORPUS_DIR, 'oracle_fakeif_interfaces.txt'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Rewrite the real corpus configs directory to /srv/corpus/configs, as in the TSVs. */
export function normaliseCorpusPaths(text: string): string {
  let out = text;
  const dirs = new Set([CORPUS_CONFIGS_DIR]);
  try {
    dirs.add(realpathSync(CORPUS_CONFIGS_DIR));
  } catch {
    /* corpus absent */
  }
  for (const d of dirs) out = out.split(d + '/').join(CORPUS_TSV_CONFIGS_DIR + '/');
  return out;
}

// ---------------------------------------------------------------------------
// Recorded oracle cases (../shared/reference/keepalived/oracle-cases/results)

export interface OracleCaseResult {
  exitCode: number;
  messages: KeepalivedMessage[];
  /** Working directory (absolute) and argv after `keepalived`, as recorded in summary.tsv. */
  cwd: string;
  args: string[];
  /** The -f argument and -i value (if any). */
  configArg: string | null;
  configId: string | null;
}

/**
 * Parse the recorded oracle cases; messages classified with classifyMessage. The reference's
 * (../shared, the default): results/summary.tsv (case, exit code, lines, command) and
 * results/<case>.out; this repository's own (OWN_ORACLE_CASES_DIR): summary.tsv (case, exit code,
 * command) and <case>.expected beside the configurations.
 */
export function loadOracleCaseResults(dir: string = ORACLE_CASES_DIR): Map<string, OracleCaseResult> {
  const own = dir !== ORACLE_CASES_DIR;
  const resultsDir = own ? dir : path.join(dir, 'results');
  const map = new Map<string, OracleCaseResult>();
  for (const row of readTsv(path.join(resultsDir, 'summary.tsv'), false)) {
    const [name = '', rc = ''] = row;
    const command = (own ? row[2] : row[3]) ?? '';
    // Either `keepalived ARGS...` or `(cd DIR && keepalived ARGS...)`.
    let cwd = dir;
    let cmd = command.trim();
    const sub = /^\(cd (\S+) && (.*)\)$/.exec(cmd);
    if (sub) {
      cwd = path.join(dir, sub[1] ?? '');
      cmd = sub[2] ?? '';
    }
    const words = cmd.split(/\s+/);
    if (words[0] !== 'keepalived') throw new Error(`summary.tsv: unexpected command for ${name}: ${command}`);
    const args = words.slice(1);
    const fi = args.indexOf('-f');
    const ii = args.indexOf('-i');
    const configArg = fi >= 0 ? (args[fi + 1] ?? null) : null;
    const configId = ii >= 0 ? (args[ii + 1] ?? null) : null;
    const outFile = path.join(resultsDir, `${name}.${own ? 'expected' : 'out'}`);
    const raw = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
    map.set(name, {
      exitCode: Number(rc),
      messages: parseKeepalivedOutput(raw, configArg ?? ''),
      cwd,
      args,
      configArg,
      configId,
    });
  }
  return map;
}

/** Top-level oracle case configs (the `.conf` files directly in `dir`). */
export function listOracleCaseConfigs(dir: string = ORACLE_CASES_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.conf'))
    .sort();
}
