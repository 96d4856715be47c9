// The build: the CLI and its worker thread as one file each (dist/src/cli/*.bundle.js), made by
// esbuild straight from the TypeScript sources (type checking is `npm test`'s tsc --noEmit, not the
// build's), so a run reads and compiles one module instead of ~120 (issue 7: start-up was mostly
// module loading; -36% CPU time on a 10-instance lint). The bundles sit where tsc's output put
// them, so the paths the code finds from import.meta.url (the grammar bundle, the keyword data,
// the schema, the shell grammar's .wasm) hold; scripts/copy-bundle.mjs puts those files there.
// Left outside: what loads on demand (ohm-js and the grammar, yaml, ajv, the language server's
// libraries) and the shell parser.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

// Whatever an earlier build left (tsc's unbundled modules included) goes: dist/ is this build's.
rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: { 'index.bundle': 'src/cli/index.ts', 'lint-worker.bundle': 'src/cli/lint-worker.ts' },
  outdir: 'dist/src/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
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
  // Bundled CommonJS packages (commander, ipaddr.js, picomatch) call require() for node: modules.
  banner: {
    js:
      "import { createRequire as __bundleRequire } from 'node:module'; const " +
      'require = __bundleRequire(import.meta.url);',
  },
  // Whitespace and syntax only: names stay, for stack traces and anything that reads a function's name.
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
