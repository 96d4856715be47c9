// Loads the CLI bundle (dist/src/cli/index.bundle.cjs, made by `npm run build`) and returns its
// exports. It is compiled here with node:vm, given the V8 code cache that scripts/code-cache.mjs
// made from it at build time (dist/src/cli/index.bundle.cache): the bytecode of the functions a lint
// runs, so V8 neither parses the 600 KB bundle nor compiles those functions again (issue 16,
// start-up). V8 checks the cache (its own version, the flags, the source) and compiles as usual when
// it does not fit: another Node.js than the build's, or no cache file.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { createRequire } = require('node:module');

const BUNDLE = path.join(__dirname, '..', 'dist', 'src', 'cli', 'index.bundle.cjs');
const CACHE = path.join(__dirname, '..', 'dist', 'src', 'cli', 'index.bundle.cache');

/** What the bundle file starts and ends with: the function Node's CommonJS loader wraps a module in. */
const BUNDLE_WRAPPER_START = '(function (exports, require, module, __filename, __dirname) {';
const BUNDLE_WRAPPER_END = '});';

/**
 * The bundle's exports and the vm.Script that ran it (script.cachedDataRejected: true when V8
 * refused the cache, undefined when none was given). useCache false: compile without the cache
 * (the build, which makes it).
 */
function loadBundle(useCache) {
  // esbuild writes ASCII (it escapes any other character; scripts/code-cache.mjs checks): read as
  // latin1, which gives the same string without decoding UTF-8 (~190 fewer pages touched).
  const source = fs.readFileSync(BUNDLE, 'latin1');
  let cachedData;
  if (useCache !== false) {
    try {
      cachedData = fs.readFileSync(CACHE);
    } catch {
      cachedData = undefined;
    }
  }
  // The file is a function (scripts/bundle.mjs writes BUNDLE_WRAPPER_START and _END around the
  // bundle): compiled as read, without a copy of the source with a wrapper added.
  if (!source.startsWith(BUNDLE_WRAPPER_START))
    throw new Error(`${BUNDLE} is not a build of this version (npm run build)`);
  const script = new vm.Script(source, { filename: BUNDLE, cachedData });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, createRequire(BUNDLE), mod, BUNDLE, path.dirname(BUNDLE));
  return { exports: mod.exports, script };
}

module.exports = { loadBundle, BUNDLE, CACHE, BUNDLE_WRAPPER_START, BUNDLE_WRAPPER_END };
