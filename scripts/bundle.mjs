// After tsc: the CLI and its worker thread as one file each (dist/src/cli/*.bundle.js), so a run
// reads and compiles one module instead of ~120 (issue 7: start-up was mostly module loading;
// -36% CPU time on a 10-instance lint). They sit beside the modules they replace, so the paths
// the code finds from import.meta.url (the grammar bundle, the keyword data, the schema) hold.
// Left outside: what loads on demand (ohm-js and the grammar, yaml, ajv) and the shell parser,
// whose .wasm files are found through node_modules.
import { build } from 'esbuild';

await build({
  entryPoints: { 'index.bundle': 'dist/src/cli/index.js', 'lint-worker.bundle': 'dist/src/cli/lint-worker.js' },
  outdir: 'dist/src/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['ohm-js', 'ajv', 'yaml', 'web-tree-sitter', 'tree-sitter-bash', '../../grammar/*'],
  // Bundled CommonJS packages (commander, ipaddr.js, picomatch) call require() for node: modules.
  banner: {
    js:
      "import { createRequire as __bundleRequire } from 'node:module'; const " +
      'require = __bundleRequire(import.meta.url);',
  },
  logLevel: 'warning',
});
