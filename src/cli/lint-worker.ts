/**
 * A worker thread of src/cli/worker-pool.ts: lints the entry files it is sent, one at a time, with
 * its own file host and the rules named by id, and sends back the engine's plain EntryResult.
 *
 *   {id: 3, abs: '/repo/hosts/lb1/etc/keepalived/keepalived.conf', cwd, ruleIds, options}
 *   -> {id: 3, result: {diagnostics: [...], files: Map, scripts: Set}}
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EntryResult } from '../engine/index.js';
import { lintEntryRecorded, type Dependency } from '../engine/cache.js';
import type { WorkerTask } from './worker-pool.js';
import { rules as configRules } from '../../rules/index.js';
import { nodeHost } from '../source/host.js';
import { type ShellThreadData, takeShellThreadData } from '../scripts/shell.js';

// The shell parser's modules and the V8 flags, from the thread that started this one.
takeShellThreadData(workerData as ShellThreadData | null);

const byId = new Map(configRules.map((r) => [r.meta.id, r]));

// The pool sends up to two entries ahead: lint them one after the other, in order.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (task: WorkerTask) => {
  queue = queue.then(() => run(task)).then((reply) => parentPort!.postMessage({ id: task.id, ...reply }));
});

function run(task: WorkerTask): Promise<{ result: EntryResult; deps?: Dependency[] }> {
  const rules = task.ruleIds.map((id) => byId.get(id)).filter((r) => r !== undefined);
  // --cache: what the lint asked the file system, to tell next time whether it still holds.
  return lintEntryRecorded(task.abs, { ...task.options, host: nodeHost(task.cwd), rules }, task.record === true);
}
