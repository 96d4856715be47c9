// The CLI from its sources (through tsx) in a child process: test/support/cli-child.ts starts it when
// the built bundle is older than the sources.
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
