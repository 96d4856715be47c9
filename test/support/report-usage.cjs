// Preloaded (node --require) into the CLI children of test/support/cli-child.ts. With
// KL_TEST_USAGE_FD=N in the environment, the process writes its process.resourceUsage() (CPU time
// in microseconds, peak RSS) as JSON to file descriptor N when it exits: test/support/cpu.ts reads
// it. The variable is removed first, so the CLI does not see it.
'use strict';
const fd = Number(process.env.KL_TEST_USAGE_FD);
delete process.env.KL_TEST_USAGE_FD;
if (Number.isInteger(fd) && fd > 2)
  process.on('exit', () => require('node:fs').writeSync(fd, JSON.stringify(process.resourceUsage())));
