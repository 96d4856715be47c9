// Loaded by keepalived-lint.js once the Node.js version is known to be supported. CommonJS, as the
// entry is (bin/package.json): Node's ES module loader is not started, a few percent of a short run.
'use strict';
const { setFlagsFromString } = require('node:v8');

// The shell parser is WebAssembly. By default V8 re-compiles it with its optimising tier in the
// background, and the process cannot exit before that ends: most of a second after every run that
// read a script. The baseline tier is fast enough for scripts of a few hundred lines. (The code the
// build compiled, scripts/wasm-cache.mjs, is the optimising tier's already; this is for the rest.)
// (scripts/code-cache.mjs sets the same flag: V8 takes a code cache only under the flags it was made with.)
setFlagsFromString('--liftoff-only');

// glibc's malloc gives memory back to the system whenever more than 128 KiB is free at the top of
// a heap (M_TRIM_THRESHOLD), and takes it again on the next allocation: fresh pages, each a page
// fault. A lint frees and allocates that much over and over (V8's compiler and parser zones, pass
// after pass), and on the machines this project is measured on a fresh page costs ~11 us. When a
// block malloc had mmap-ed (up to 32 MiB) is freed, glibc raises that threshold to twice its size
// (mallopt(3), the dynamic mmap threshold): this buffer is that block. Never touched, so it costs
// no page; V8 frees it at its first collection. Measured (issue 16, same run): the ~SEQ LVS config
// with 4 config-ids 0.955 of the time (13 paired runs; 11,400 -> 10,100 page faults), 10 to 10,000
// instances, 1173.conf and 200 hosts with --jobs 2 the same (0.99-1.00); peak memory +0.4 to
// +2 MiB (+6.6 MiB with --jobs 2). Another C library ignores it.
void new ArrayBuffer(31 * 1024 * 1024);

/**
 * The flags set once the bundle is compiled (V8 checks the code cache against the flags in force
 * then). scripts/wasm-cache.mjs sets them too: V8 also checks the shell parser's compiled code
 * against the flags. Handed to main() as well: its worker threads set them again.
 */
const LATE_FLAGS = [
  // From here V8's young generation keeps the size start-up gave it (4 MiB) instead of growing to
  // 32 MiB: what a lint allocates mostly lives as long as the config's tree (words, lines,
  // statements), so a bigger young generation only holds more of it before it is moved to the old
  // one, in fresh memory. Measured (issue 16): 1,000 instances -11% time, 1173.conf -5%, peak
  // memory -16 to -21 MiB, 10,000 instances the same time. Set after the bundle is compiled: V8
  // checks the code cache against the flags (scripts/code-cache.mjs makes it without this one).
  '--semi-space-growth-factor=1',
  // No inlining in V8's optimising compiler: a run is short, and a function compiled with the ones
  // it calls inlined took long to compile (on the second core, which the collector's threads also
  // use) and held megabytes of compiler memory. Measured (issue 16, same run, against the default):
  // 10,000 instances -4% wall, -8% CPU, peak memory 156 -> 150 MiB; 1,000 instances -8%; the ~SEQ
  // LVS config -9%; 1173.conf -6%; a 200-host repository with --jobs 2 -7%; 10 instances the
  // same. Set after the bundle is compiled, as the line above (the code cache is checked against
  // the flags).
  '--no-turbo-inlining',
];

/** Sets LATE_FLAGS. */
function lateFlags() {
  for (const flag of LATE_FLAGS) setFlagsFromString(flag);
}

/** Runs the command line; the promise settles with the exit code set. */
function run() {
  // A reader that stops early (`keepalived-lint rules | head -1`) closes the pipe: end quietly with
  // exit 0, as other Unix tools do, for every command and format (Node would print a stack trace).
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e) => {
      if (e.code === 'EPIPE') process.exit(0);
      if (stream !== process.stderr) process.stderr.write(`keepalived-lint: cannot write the output: ${e.message}\n`);
      process.exit(2);
    });
  }
  const { main } = require('./load-bundle.js').loadBundle().exports;
  lateFlags();
  return main(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    columns: process.stderr.columns,
    v8Flags: LATE_FLAGS,
    // Read only when a path is "-": the bytes, up to the 16 MiB cap (main decodes them as files are).
    stdin: () => process.stdin,
  }).then((code) => {
    process.exitCode = code;
    // The work is done once main() settles: exit when the output is written rather than let Node
    // tear the heap down first (20-40 ms after a big config). Writes are in order, so the empty
    // write's callback runs once everything before it is out.
    process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  });
}

module.exports = { run, lateFlags };
