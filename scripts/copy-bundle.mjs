// Copies into dist/ what the bundles read at run time and esbuild does not emit: the generated Ohm
// bundle, the keyword table data and the shell grammar (tree-sitter-bash's .wasm, from the
// tree-sitter-bash package installed for the build: the installed tool needs that one file, not
// the package's C sources and native prebuilds), and the shell parser's runtime .wasm beside it
// (web-tree-sitter's, the same version as the runtime's JavaScript that the CLI bundle holds).
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';

mkdirSync('dist/grammar', { recursive: true });
for (const f of readdirSync('grammar')) {
  if (f.endsWith('.ohm-bundle.js')) copyFileSync(`grammar/${f}`, `dist/grammar/${f}`);
}
if (existsSync('src/versions/keywords.data.json')) {
  mkdirSync('dist/src/versions', { recursive: true });
  copyFileSync('src/versions/keywords.data.json', 'dist/src/versions/keywords.data.json');
}
mkdirSync('dist/src/scripts', { recursive: true });
copyFileSync(
  createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm'),
  'dist/src/scripts/tree-sitter-bash.wasm',
);
copyFileSync(
  createRequire(import.meta.url).resolve('web-tree-sitter/web-tree-sitter.wasm'),
  'dist/src/scripts/web-tree-sitter.wasm',
);
