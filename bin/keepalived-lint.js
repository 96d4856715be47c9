#!/usr/bin/env node
// The only place that touches process globals; everything else is main(argv, io).
import { main } from '../dist/src/cli/index.js';

const code = await main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  cwd: process.cwd(),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
});
process.exitCode = code;
