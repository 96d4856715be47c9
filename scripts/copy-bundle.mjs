// Copies what tsc does not emit into dist/: the generated Ohm bundle and the keyword table data.
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';

mkdirSync('dist/grammar', { recursive: true });
for (const f of readdirSync('grammar')) {
  if (f.endsWith('.ohm-bundle.js')) copyFileSync(`grammar/${f}`, `dist/grammar/${f}`);
}
if (existsSync('src/versions/keywords.data.json')) {
  mkdirSync('dist/src/versions', { recursive: true });
  copyFileSync('src/versions/keywords.data.json', 'dist/src/versions/keywords.data.json');
}
