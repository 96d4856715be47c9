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
  // The bundle and its cache are read into one buffer, one after the other: each file in a buffer of
  // its own made ~200 more fresh pages (memory the first touch of which costs time) on every run.
  const bundle = fs.openSync(BUNDLE, 'r');
  let cache = null;
  if (useCache !== false) {
    try {
      cache = fs.openSync(CACHE, 'r');
    } catch {
      cache = null;
    }
  }
  let source;
  let cachedData;
  try {
    const bundleSize = fs.fstatSync(bundle).size;
    const cacheSize = cache === null ? 0 : fs.fstatSync(cache).size;
    const buffer = Buffer.allocUnsafeSlow(Math.max(bundleSize, cacheSize));
    // esbuild writes ASCII (it escapes any other character; scripts/code-cache.mjs checks): read as
    // latin1, which gives the same string without decoding UTF-8 (~190 fewer pages touched).
    source = buffer.toString('latin1', 0, readInto(bundle, buffer));
    // V8 reads the cache while it compiles (below), before anything else can use the buffer.
    if (cache !== null) cachedData = buffer.subarray(0, readInto(cache, buffer));
  } finally {
    fs.closeSync(bundle);
    if (cache !== null) fs.closeSync(cache);
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

/** Reads the file open as `fd` into `buffer` (up to its length); the number of bytes read. */
function readInto(fd, buffer) {
  let n = 0;
  while (n < buffer.length) {
    const got = fs.readSync(fd, buffer, n, buffer.length - n, null);
    if (got === 0) break;
    n += got;
  }
  return n;
}

module.exports = { loadBundle, BUNDLE, CACHE, BUNDLE_WRAPPER_START, BUNDLE_WRAPPER_END };
