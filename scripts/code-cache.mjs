// Makes dist/src/cli/index.bundle.cache, the V8 code cache that bin/load-bundle.js hands V8 with the
// CLI bundle (issue 16, start-up). The bundle is compiled as bin/ compiles it, under the flags bin/run.js
// sets (V8 takes a cache only made under the same flags), then lints the README example in this
// process, its output thrown away, so that the functions a lint runs are compiled too: the cache then
// holds their bytecode, not only the bundle's top level. Nothing is written but the cache file.
// The warm-up is best effort: where it cannot run whole (a git install builds in a clone that may not
// have the runtime dependencies yet), the cache holds what did compile, and V8 compiles the rest.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--liftoff-only');
const { loadBundle, CACHE, BUNDLE } = createRequire(import.meta.url)('../bin/load-bundle.js');
// bin/load-bundle.js reads the bundle as latin1: the same text only while it is ASCII.
if (/[^\x00-\x7f]/.test(readFileSync(BUNDLE, 'utf8'))) throw new Error(`${BUNDLE} is not ASCII: esbuild's charset?`);
const { exports, script } = loadBundle(false);
const io = (argv) =>
  exports.main(argv, {
    stdout: () => {},
    stderr: () => {},
    cwd: process.cwd(),
    env: {},
    isTTY: false,
    stderrIsTTY: false,
    columns: 80,
  });
const example = 'examples/router/etc/keepalived/keepalived.conf';
for (const argv of [[example], [example, '--format', 'json']]) {
  try {
    const code = await io(argv);
    if (code !== 0 && code !== 1) console.warn(`code-cache: the warm-up lint exited ${code}`);
  } catch (e) {
    console.warn(`code-cache: the warm-up lint failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}
writeFileSync(CACHE, script.createCachedData());
