// The CLI in a child process, for tests that bound time and memory (node --max-old-space-size).
// With KL_TEST_USAGE_FD=N in its environment, it writes its process.resourceUsage() (CPU time in
// microseconds, peak RSS) as JSON to file descriptor N when it exits: see test/support/cpu.ts.
import { writeSync } from 'node:fs';
import { main } from '../../src/cli/index.js';

const usageFd = Number(process.env.KL_TEST_USAGE_FD);
delete process.env.KL_TEST_USAGE_FD;
if (Number.isInteger(usageFd) && usageFd > 2)
  process.on('exit', () => writeSync(usageFd, JSON.stringify(process.resourceUsage())));

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  isTTY: false,
  stdin: () => process.stdin,
});
process.exitCode = code;
