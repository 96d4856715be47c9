/**
 * Where the language server's lints run. On disk (the command line): worker threads
 * (src/lsp/lint-thread.ts, up to MAX_THREADS configs at once) while the main thread answers the
 * editor; a newer lint of the config being linted ends the stale one at once (its thread is
 * terminated and another started: a lint of 10,000 instances is not waited for). With a caller's
 * own file host (tests in-process): on the main thread. Example: lint(a, v2) running, lint(a, v3)
 * -> v2 resolves null, v3 runs on a new thread.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { analyze, type LintResult, type LintSettings, type LintTask } from './analyze.js';
import type { ThreadTask } from './lint-thread.js';
import { shellThreadData } from '../scripts/shell.js';

export interface Linter {
  /** The lint of `task`; null when a newer lint for the same key superseded it. */
  lint(key: string, task: LintTask): Promise<LintResult | null>;
  /** Stop the lint of `key`, running or waiting (its promise resolves null). */
  cancel(key: string): void;
  close(): void;
}

/** Lints on the calling thread, one at a time. */
export class InlineLinter implements Linter {
  private last: Promise<unknown> = Promise.resolve();
  private readonly latest = new Map<string, number>();
  private n = 0;

  constructor(private readonly settings: LintSettings) {}

  lint(key: string, task: LintTask): Promise<LintResult | null> {
    const id = ++this.n;
    this.latest.set(key, id);
    const run = this.last.then(() => (this.latest.get(key) === id ? analyze(this.settings, task) : null));
    this.last = run.catch(() => null);
    return run;
  }

  cancel(key: string): void {
    this.latest.delete(key);
  }

  close(): void {}
}

interface Job {
  id: number;
  key: string;
  task: LintTask;
  resolve: (r: LintResult | null) => void;
  reject: (e: Error) => void;
}

const workerThreads = (): typeof import('node:worker_threads') =>
  createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');

/** At most this many lints at once, each on its own thread (a 10,000-instance lint holds one for a while). */
export const MAX_THREADS = 2;

interface Slot {
  worker: Worker;
  job: Job | null;
  /** Its priority was lowered for a big config: it lints nothing after that one. */
  lowered: boolean;
}

/** Lints on worker threads, superseding a stale lint of the same key. */
export class ThreadLinter implements Linter {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private n = 0;
  /** Threads started so far (one more after each superseded lint). */
  started = 0;

  /** v8Flags: the V8 flags each thread sets again once started (CliIO.v8Flags). */
  constructor(
    private readonly o: Omit<ThreadTask, 'id' | 'task'>,
    private readonly v8Flags: readonly string[] = [],
  ) {}

  lint(key: string, task: LintTask): Promise<LintResult | null> {
    return new Promise((resolve, reject) => {
      this.drop(key);
      this.queue.push({ id: ++this.n, key, task, resolve, reject });
      this.pump();
    });
  }

  cancel(key: string): void {
    this.drop(key);
    this.pump();
  }

  close(): void {
    for (const j of this.queue.splice(0)) j.resolve(null);
    for (const slot of this.slots.splice(0)) {
      slot.job?.resolve(null);
      void slot.worker.terminate();
    }
  }

  /** Resolve the lints of `key` with null; a running one ends with its thread. */
  private drop(key: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.key !== key) continue;
      this.queue[i]!.resolve(null);
      this.queue.splice(i, 1);
    }
    for (const slot of [...this.slots]) {
      if (slot.job?.key !== key) continue;
      // The thread is in the middle of a stale lint: end it rather than wait.
      slot.job.resolve(null);
      this.slots.splice(this.slots.indexOf(slot), 1);
      void slot.worker.terminate();
    }
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.job);
      if (!slot && this.slots.length < MAX_THREADS) {
        try {
          slot = this.spawn();
        } catch (e) {
          // No thread to be had (its file missing): the lint fails with the reason.
          this.queue.shift()!.reject(e instanceof Error ? e : new Error(String(e)));
          continue;
        }
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.job = job;
      const big = job.task.big === true;
      slot.lowered ||= big;
      const message: ThreadTask = { ...this.o, id: job.id, task: job.task, ...(big ? { lower: true } : {}) };
      slot.worker.postMessage(message);
    }
  }

  private spawn(): Slot {
    const { Worker } = workerThreads();
    const here = import.meta.url;
    // The shell parser's modules, made here before the first thread starts (shellModules() in
    // src/scripts/shell.ts says why), and the V8 flags to set again.
    const workerData = shellThreadData(this.v8Flags);
    // Built: dist/src/cli/lsp-thread.bundle.js beside the CLI's bundle. From the TypeScript sources
    // (a dev run): the thread registers tsx's loader first (a Worker does not take --import).
    const worker = /\.bundle\.c?js$/.test(here)
      ? new Worker(new URL('./lsp-thread.bundle.js', here), { workerData })
      : here.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then((api) => { api.register(); ` +
              `return import(${JSON.stringify(new URL('./lint-thread.ts', here).href)}); })`,
            { eval: true, workerData },
          )
        : new Worker(new URL('./lint-thread.js', here), { workerData });
    // The server's exit does not wait for a lint.
    worker.unref();
    this.started++;
    const slot: Slot = { worker, job: null, lowered: false };
    this.slots.push(slot);
    worker.on('message', (m: { id: number; result?: LintResult; error?: string }) => {
      const job = slot.job;
      if (!this.slots.includes(slot) || job?.id !== m.id) return;
      slot.job = null;
      if (slot.lowered) {
        // Below the main thread for good: the next lint, maybe a keystroke's, gets a thread of its own.
        this.slots.splice(this.slots.indexOf(slot), 1);
        void worker.terminate();
      }
      if (m.result) job.resolve(m.result);
      else job.reject(new Error(m.error ?? 'the lint thread failed'));
      this.pump();
    });
    const lost = (e: Error) => {
      const i = this.slots.indexOf(slot);
      if (i === -1) return;
      this.slots.splice(i, 1);
      slot.job?.reject(e);
      slot.job = null;
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the lint thread exited with code ${code}`)));
    return slot;
  }
}
