/**
 * The language server's lint thread (a worker_threads worker started by src/lsp/linter.ts): loads
 * and lints the configs it is sent, one at a time, with the rules named by id, and sends back the
 * plain findings. A lint of 10,000 instances takes tens of seconds: here it never holds up the
 * editor's requests, and a newer version of the buffer ends it (the main thread terminates this
 * thread and starts another).
 *
 *   { id: 4, task: { entry: '/r/keepalived.conf', open: [...] }, cli, cwd, ruleIds, knownIds }
 *   -> { id: 4, result: { entry, diagnostics: [[file, [...]]], ... } }  or { id: 4, error: '...' }
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { allRules, rules as configRules } from '../../rules/index.js';
import type { CliOptions } from '../load/index.js';
import { nodeHost } from '../source/host.js';
import { analyze, type LintTask } from './analyze.js';
import { type ShellThreadData, takeShellThreadData } from '../scripts/shell.js';

// The shell parser's modules and the V8 flags, from the thread that started this one.
takeShellThreadData(workerData as ShellThreadData | null);

export interface ThreadTask {
  id: number;
  /** Run below the main thread (a big config), from now on. */
  lower?: boolean;
  task: LintTask;
  cli: CliOptions;
  cwd: string;
  ruleIds: string[];
  knownIds: string[];
}

/**
 * A big config's lint (seconds) runs below the main thread: on Linux a nice value is a thread's own
 * (setpriority of "process" 0 is the calling thread), so when the cores are busy the editor's
 * requests go first and the lint takes the rest. A thread cannot take its priority back: the
 * main thread ends it after that lint (src/lsp/linter.ts). A small config's lint (tens of ms, the
 * keystroke's findings) runs at the server's priority.
 */
export const LINT_NICE = 5;
function lower(): void {
  try {
    if (process.platform === 'linux') setPriority(LINT_NICE);
  } catch {
    // Not allowed (a container's seccomp policy): the lint runs at the server's priority.
  }
}

const ruleById = new Map(configRules.map((r) => [r.meta.id, r]));
const knownById = new Map(allRules.map((r) => [r.meta.id, r]));

let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: ThreadTask) => {
  queue = queue.then(() => run(m)).then((reply) => parentPort!.postMessage(reply));
});

async function run(m: ThreadTask): Promise<{ id: number; result?: unknown; error?: string }> {
  if (m.lower) lower();
  try {
    const rules = m.ruleIds.map((id) => ruleById.get(id)).filter((r) => r !== undefined);
    const known = m.knownIds.map((id) => knownById.get(id)).filter((r) => r !== undefined);
    const result = await analyze({ base: nodeHost(m.cwd), rules, known, cli: m.cli }, m.task);
    return { id: m.id, result };
  } catch (e) {
    return { id: m.id, error: e instanceof Error ? e.message : String(e) };
  }
}
