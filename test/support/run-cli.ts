// The CLI in a child process, for tests that bound time and memory (node --max-old-space-size).
import { main } from '../../src/cli/index.js';

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  isTTY: false,
  stdin: () => process.stdin,
});
process.exitCode = code;
