/**
 * Where the language server's lints run. On disk (the command line): a worker thread
 * (src/lsp/lint-thread.ts) that lints one config at a time while the main thread answers the
 * editor; a newer lint of the config being linted ends the stale one at once (the thread is
 * terminated and another started: a lint of 10,000 instances is not waited for). With a caller's
 * own file host (tests in-process): on the main thread. Example: lint(a, v2) running, lint(a, v3)
 * -> v2 resolves null, v3 runs on a new thread.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { analyze, type LintResult, type LintSettings, type LintTask } from './analyze.js';
import type { ThreadTask } from './lint-thread.js';

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

/** Lints on a worker thread, superseding a stale lint of the same key. */
export class ThreadLinter implements Linter {
  private worker: Worker | null = null;
  private busy: Job | null = null;
  private readonly queue: Job[] = [];
  private n = 0;
  /** Threads started so far (one more after each superseded lint). */
  started = 0;

  constructor(private readonly o: Omit<ThreadTask, 'id' | 'task'>) {}

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

  /** Resolve the lints of `key` with null; a running one ends with its thread. */
  private drop(key: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i]!.key !== key) continue;
      this.queue[i]!.resolve(null);
      this.queue.splice(i, 1);
    }
    if (this.busy?.key === key) {
      // The thread is in the middle of a stale lint: end it rather than wait.
      this.busy.resolve(null);
      this.busy = null;
      void this.worker?.terminate();
      this.worker = null;
    }
  }

  close(): void {
    for (const j of this.queue.splice(0)) j.resolve(null);
    this.busy?.resolve(null);
    this.busy = null;
    void this.worker?.terminate();
    this.worker = null;
  }

  private pump(): void {
    if (this.busy || !this.queue.length) return;
    const job = this.queue.shift()!;
    this.busy = job;
    const message: ThreadTask = { ...this.o, id: job.id, task: job.task };
    try {
      (this.worker ??= this.spawn()).postMessage(message);
    } catch (e) {
      // No thread to be had (its file missing): the lint fails with the reason, the next one tries again.
      this.busy = null;
      this.worker = null;
      job.reject(e instanceof Error ? e : new Error(String(e)));
      queueMicrotask(() => this.pump());
    }
  }

  private spawn(): Worker {
    const { Worker } = workerThreads();
    const here = import.meta.url;
    // Built: dist/src/cli/lsp-thread.bundle.js beside the CLI's bundle. From the TypeScript sources
    // (a dev run): the thread registers tsx's loader first (a Worker does not take --import).
    const worker = /\.bundle\.c?js$/.test(here)
      ? new Worker(new URL('./lsp-thread.bundle.js', here))
      : here.endsWith('.ts')
        ? new Worker(
            `import('tsx/esm/api').then((api) => { api.register(); ` +
              `return import(${JSON.stringify(new URL('./lint-thread.ts', here).href)}); })`,
            { eval: true },
          )
        : new Worker(new URL('./lint-thread.js', here));
    // The server's exit does not wait for a lint.
    worker.unref();
    this.started++;
    worker.on('message', (m: { id: number; result?: LintResult; error?: string }) => {
      if (this.worker !== worker || this.busy?.id !== m.id) return;
      const job = this.busy;
      this.busy = null;
      if (m.result) job.resolve(m.result);
      else job.reject(new Error(m.error ?? 'the lint thread failed'));
      this.pump();
    });
    const lost = (e: Error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const job = this.busy;
      this.busy = null;
      job?.reject(e);
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the lint thread exited with code ${code}`)));
    return worker;
  }
}
