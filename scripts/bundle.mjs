// The build: the CLI and its worker thread as one file each (dist/src/cli/index.bundle.cjs and
// lint-worker.bundle.js), made by esbuild straight from the TypeScript sources (type checking is
// `npm test`'s tsc --noEmit, not the build's), so a run reads and compiles one module instead of
// ~120 (issue 7: start-up was mostly module loading; -36% CPU time on a 10-instance lint). The
// bundles sit where tsc's output put them, so the paths the code finds from import.meta.url (the
// grammar bundle, the keyword data, the schema, the shell grammar's .wasm) hold;
// scripts/copy-bundle.mjs puts those files there.
//
// The CLI bundle is CommonJS (issue 16, start-up): bin/load-bundle.js compiles it with node:vm and
// hands V8 the code cache that scripts/code-cache.mjs made from it at build time, which an ES module
// cannot be given on Node 20. import.meta.url becomes the bundle's own file URL, and import() a
// require() (Node >= 20.19 requires an ES module such as web-tree-sitter's).
// Left outside: what loads on demand (ohm-js and the grammar, yaml, ajv, the language server's
// libraries) and the shell parser.
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import loadBundle from '../bin/load-bundle.js';

const { BUNDLE_WRAPPER_START, BUNDLE_WRAPPER_END } = loadBundle;

// Whatever an earlier build left (tsc's unbundled modules included) goes: dist/ is this build's.
rmSync('dist', { recursive: true, force: true });

const common = {
  outdir: 'dist/src/cli',
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: [
    'ohm-js',
    'ajv',
    'yaml',
    'web-tree-sitter',
    '../../grammar/*',
    // The language server's libraries (~290 kB): loaded by `keepalived-lint lsp` only.
    'vscode-languageserver',
    'vscode-languageserver/*',
    'vscode-languageserver-textdocument',
  ],
  // Whitespace and syntax only: names stay, for stack traces and anything that reads a function's name.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
};

// commander requires node:child_process when it loads, for executable subcommands, which this CLI
// has none of; with it come ~20 ms of Node's own modules (streams) on every run. It is required when
// spawn() is called instead (src/ loads node:child_process and node:worker_threads on first use too).
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const eager = "const childProcess = require('node:child_process');";
      if (!text.includes(eager)) throw new Error(`${args.path}: no "${eager}" line to make lazy (commander changed)`);
      const lazy = "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };";
      return { contents: text.replace(eager, lazy), loader: 'js' };
    });
  },
};

// `import * as path from 'node:path'` in ~40 modules of src/ became as many copies of node:path's
// exports (esbuild's __toESM, a getter per export) when each module first loaded, and 9 of node:fs's
// ~100. Each of the two is one module of the bundle instead, which re-exports the Node.js module
// once, and that every import of it shares: loading the bundle allocates 0.6 MB less (4.5 -> 3.9),
// ~1 ms a run (30 paired runs).
const sharedBuiltins = {
  name: 'shared-builtins',
  setup(b) {
    const shim = 'shared-builtin';
    b.onResolve({ filter: /^node:(path|fs)$/ }, (args) =>
      args.namespace === shim ? { path: args.path, external: true } : { path: args.path, namespace: shim },
    );
    b.onLoad({ filter: /.*/, namespace: shim }, (args) => ({
      contents: `export * from '${args.path}';`,
      loader: 'js',
    }));
  },
};

await build({
  ...common,
  entryPoints: { 'index.bundle': 'src/cli/index.ts' },
  plugins: [lazyChildProcess, sharedBuiltins],
  // The shell parser's runtime is in this bundle (its CommonJS build: the ES one reaches for
  // import.meta and require), so the code cache covers it: a run that reads a script neither
  // resolves the package nor compiles its 3,000 lines. Its top level runs on first use only.
  external: common.external.filter((e) => e !== 'web-tree-sitter'),
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/web-tree-sitter.cjs' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__bundleUrl' },
  // The file is the function Node's CommonJS loader would wrap a module in (bin/load-bundle.js
  // compiles and calls it): a wrapper added to the text at run time made V8 copy the 840 KB
  // source once more to flatten it (~200 fresh pages on every run).
  banner: {
    js: `${BUNDLE_WRAPPER_START} ` + "const __bundleUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: BUNDLE_WRAPPER_END },
  supported: { 'dynamic-import': false },
});

// The language server's lint thread (src/lsp/linter.ts starts it beside the CLI bundle).
await build({
  ...common,
  entryPoints: { 'lint-worker.bundle': 'src/cli/lint-worker.ts', 'lsp-thread.bundle': 'src/lsp/lint-thread.ts' },
  format: 'esm',
  // Bundled CommonJS packages (commander, ipaddr.js, picomatch) call require() for node: modules.
  banner: {
    js:
      "import { createRequire as __bundleRequire } from 'node:module'; const " +
      'require = __bundleRequire(import.meta.url);',
  },
});
