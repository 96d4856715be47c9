/**
 * CPU time, for tests that bound the work an input costs. Wall time is what other processes make it
 * on a loaded machine (a 2-core CI runner running two test files, or other jobs): a bound on it
 * fails there although the tool did nothing wrong. The CPU time a process spends is its own work
 * (user + system, every thread of it, GC included), and grows little with load. Speed targets are
 * measured by `npm run bench`; these bounds only catch work that is unbounded or super-linear, and
 * a hang (which takes no CPU) is caught by the test's timeout or the child's.
 *
 *   const { value, cpuMs } = await cpuMsOf(() => lintJson(f));          // in this process
 *   const r = spawnSync(process.execPath, [...cliChild(), 'lint', f],    // in a CLI child
 *     { stdio: CHILD_USAGE_STDIO, env: childUsageEnv() });               // (test/support/cli-child.ts)
 *   childCpuMs(r.output)
 */

/** Calls fn and returns its value with the CPU time (user + system, ms) this process spent meanwhile. */
export async function cpuMsOf<T>(fn: () => T | Promise<T>): Promise<{ value: T; cpuMs: number }> {
  const before = process.cpuUsage();
  const value = await fn();
  const d = process.cpuUsage(before);
  return { value, cpuMs: (d.user + d.system) / 1000 };
}

/** The same, for a synchronous fn. */
export function cpuMsOfSync<T>(fn: () => T): { value: T; cpuMs: number } {
  const before = process.cpuUsage();
  const value = fn();
  const d = process.cpuUsage(before);
  return { value, cpuMs: (d.user + d.system) / 1000 };
}

/** The file descriptor a CLI child writes its resource usage to (test/support/report-usage.cjs). */
const USAGE_FD = 3;
/** stdio for spawnSync of a CLI child: stdin, stdout, stderr, and the usage pipe. */
export const CHILD_USAGE_STDIO: ['pipe', 'pipe', 'pipe', 'pipe'] = ['pipe', 'pipe', 'pipe', 'pipe'];

/** The environment of a CLI child that reports its resource usage (`env`, default this process's). */
export function childUsageEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, KL_TEST_USAGE_FD: String(USAGE_FD) };
}

/**
 * The CPU time (user + system, ms) of a CLI child, from spawnSync's `output`; NaN when it
 * wrote none (killed before its exit).
 */
export function childCpuMs(output: readonly (string | Buffer | null)[] | null | undefined): number {
  const text = output?.[USAGE_FD]?.toString() ?? '';
  if (!text) return Number.NaN;
  const u = JSON.parse(text) as { userCPUTime: number; systemCPUTime: number };
  return (u.userCPUTime + u.systemCPUTime) / 1000;
}
