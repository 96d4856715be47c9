/**
 * Entry files linted on several threads: the main thread and N - 1 workers (issue 7: a repository
 * of 200 host configs uses every core). The engine merges the results in entry order, so the report is the same as
 * with one thread. Used only for configs read from disk (not stdin, not a test's in-memory files),
 * and only when there are enough files to pay for starting the workers (~0.15 s each).
 *
 *   const pool = new WorkerPool(2); lintFiles(files, {..., lintEntry: pool.entryRunner(cwd, rules, options)})
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { internalError, type EntryResult, type LintOptions } from '../engine/index.js';
import { lintEntryRecorded, type Dependency } from '../engine/cache.js';
import type { Rule } from '../engine/types.js';
import { shellThreadData } from '../scripts/shell.js';

// Loaded on first use: node:worker_threads brings ~20 ms of Node's own modules, which a lint on one
// thread does not need (issue 16, start-up).
const workerThreads = (): typeof import('node:worker_threads') =>
  createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/** The options a worker can receive: everything but the host, the rules and the callbacks. */
export type WorkerOptions = Omit<LintOptions, 'host' | 'rules' | 'onFile' | 'lintEntry' | 'concurrentEntries'>;

export interface WorkerTask {
  id: number;
  abs: string;
  cwd: string;
  ruleIds: string[];
  options: WorkerOptions;
  /** Also send back what the lint asked the file system (--cache). */
  record?: boolean;
}

export interface WorkerReply {
  result: EntryResult;
  deps?: Dependency[];
}

/**
 * Below this many entry files, starting workers costs more than it saves: a worker takes ~0.15 s
 * to start and load, a host config of a few dozen instances ~10-20 ms to lint once warm.
 */
export const MIN_FILES_FOR_WORKERS = 16;

/**
 * Below this many cores threads are not the default: a lint on one thread already keeps ~1.35
 * cores busy (V8's concurrent garbage collector and compilers), so on 2 cores a worker's start-up
 * (~0.5 s of CPU: modules, keyword table, warming up) ate the gain (200 hosts: 1.9 s either way).
 */
export const MIN_CORES_FOR_WORKERS = 3;

/** --jobs: how many threads lint at once, the main thread included (0: no worker threads). */
export function workerCount(jobs: number | undefined, files: number, cores = availableParallelism()): number {
  const want = jobs ?? cores;
  if (jobs === undefined && (files < MIN_FILES_FOR_WORKERS || cores < MIN_CORES_FOR_WORKERS)) return 0;
  const n = Math.min(want, files);
  return n > 1 ? n : 0;
}

interface Slot {
  worker: Worker;
  /** Entries sent and not answered yet (the worker lints them one after the other). */
  inFlight: number;
}

export class WorkerPool {
  private readonly workers: Slot[] = [];
  private readonly queue: {
    task: WorkerTask;
    resolve: (r: WorkerReply) => void;
    onStart?: (abs: string) => void;
    local: () => Promise<WorkerReply>;
  }[] = [];
  private readonly pending = new Map<number, { resolve: (r: WorkerReply) => void; slot: Slot }>();
  /** The main thread lints too, one entry at a time, between the messages of the workers. */
  private localBusy = false;
  private nextId = 0;

  /** Worker threads started so far. */
  started = 0;

  /**
   * `size` threads in all: the main thread and size - 1 workers. v8Flags: the flags each worker
   * sets again once started (CliIO.v8Flags).
   */
  constructor(
    private readonly size: number,
    private readonly v8Flags: readonly string[] = [],
  ) {}

  /** A LintOptions.lintEntry that sends the entry to the pool with these options. */
  entryRunner(cwd: string, rules: readonly Rule[], options: LintOptions): (abs: string) => Promise<EntryResult> {
    const runner = this.recordingRunner(cwd, rules, options, false);
    return async (abs) => (await runner(abs)).result;
  }

  /** Like entryRunner, with what each lint asked the file system when `record` (--cache). */
  recordingRunner(
    cwd: string,
    rules: readonly Rule[],
    options: LintOptions,
    record: boolean,
  ): (abs: string) => Promise<WorkerReply> {
    const plain = workerOptions(options);
    const ruleIds = rules.map((r) => r.meta.id);
    const { onFile: _onFile, lintEntry: _lintEntry, concurrentEntries: _concurrent, ...here } = options;
    const local = (abs: string) => (): Promise<WorkerReply> => lintEntryRecorded(abs, here, record);
    return (abs) =>
      this.run(
        { id: this.nextId++, abs, cwd, ruleIds, options: plain, ...(record ? { record } : {}) },
        local(abs),
        options.onFile,
      );
  }

  /** Lint one entry on the first free thread; `onStart` is called when a thread takes it. */
  run(task: WorkerTask, local: () => Promise<WorkerReply>, onStart?: (abs: string) => void): Promise<WorkerReply> {
    return new Promise((resolve) => {
      this.queue.push({ task, resolve, local, ...(onStart ? { onStart } : {}) });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
    this.workers.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length) {
      // Two entries in flight per worker, so it never waits for the main thread to hand it the
      // next one while the main thread lints an entry of its own.
      let slot: Slot | undefined;
      for (const w of this.workers) if (w.inFlight < 2 && (!slot || w.inFlight < slot.inFlight)) slot = w;
      if ((!slot || slot.inFlight > 0) && this.workers.length < this.size - 1) slot = this.spawn();
      if (slot) {
        const { task, resolve, onStart } = this.queue.shift()!;
        onStart?.(task.abs);
        slot.inFlight++;
        this.pending.set(task.id, { resolve, slot });
        slot.worker.postMessage(task);
        continue;
      }
      if (this.localBusy) return;
      const { task, resolve, onStart, local } = this.queue.shift()!;
      this.localBusy = true;
      // After the worker messages already waiting, so their next entries go out first.
      setImmediate(() => {
        onStart?.(task.abs);
        void local().then((reply) => {
          this.localBusy = false;
          resolve(reply);
          this.dispatch();
        });
      });
      return;
    }
  }

  private spawn(): Slot {
    // The shell parser's modules, made here before the first worker starts (shellModules() says
    // why), and the V8 flags to set again.
    const workerData = shellThreadData(this.v8Flags);
    // Built: dist/src/cli/lint-worker(.bundle).js (beside index.bundle.cjs). From the TypeScript
    // sources (the tests, a dev run): the worker registers tsx's loader first (a Worker does not
    // take --import in its execArgv).
    const worker = import.meta.url.endsWith('.ts')
      ? new (workerThreads().Worker)(
          `import(${JSON.stringify(tsxApi())})` +
            `.then((api) => { api.register(); ` +
            `return import(${JSON.stringify(new URL('./lint-worker.ts', import.meta.url).href)}); })`,
          { eval: true, workerData },
        )
      : new (workerThreads().Worker)(
          new URL(
            /\.bundle\.c?js$/.test(import.meta.url) ? './lint-worker.bundle.js' : './lint-worker.js',
            import.meta.url,
          ),
          { workerData },
        );
    const slot: Slot = { worker, inFlight: 0 };
    worker.on('message', (m: { id: number } & WorkerReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      slot.inFlight--;
      p.resolve(m.deps ? { result: m.result, deps: m.deps } : { result: m.result });
      this.dispatch();
    });
    worker.on('error', (e) => this.lost(slot, e));
    worker.on('exit', (code) => {
      if (code !== 0) this.lost(slot, new Error(`worker thread exited with code ${code}`));
    });
    this.workers.push(slot);
    this.started++;
    return slot;
  }

  /** A worker that died (out of memory, a crash): its entry fails alone, the others go on. */
  private lost(slot: Slot, e: Error): void {
    const i = this.workers.indexOf(slot);
    if (i === -1) return;
    this.workers.splice(i, 1);
    for (const [id, p] of this.pending) {
      if (p.slot !== slot) continue;
      this.pending.delete(id);
      p.resolve({ result: internalError(e) });
    }
    this.dispatch();
  }
}

/** tsx's ES module API, found from this file (the process may run in a folder where "tsx" does not resolve). */
function tsxApi(): string {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  return pathToFileURL(path.join(path.dirname(pkg), 'dist', 'esm', 'api', 'index.mjs')).href;
}

/** The options as a worker (or the cache key) sees them: no host, rules or callbacks. */
export function workerOptions(options: LintOptions): WorkerOptions {
  const {
    host: _host,
    rules: _rules,
    onFile: _onFile,
    lintEntry: _lintEntry,
    concurrentEntries: _concurrent,
    ...plain
  } = options;
  return plain;
}
