// npm's prepack / postpack: the package.json that goes into the tarball has no "scripts". An installed
// package runs none, and npm (11.16 and later) lists a tarball's `prepare` as an install script to
// approve on every `npm install -g keepalived-lint-x.y.z.tgz` although it never runs it there. The
// clone keeps its scripts: a git install needs `prepare` (scripts/prepare.mjs). The same pattern as
// pinst (husky's postinstall).
//   node scripts/pack-manifest.mjs strip     (prepack, after the build)
//   node scripts/pack-manifest.mjs restore   (postpack)
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

// Beside package.json (not packed: "files" leaves it out), where a pack that failed half-way shows.
const SAVED = '.package.json.before-pack';
const mode = process.argv[2];

if (mode === 'strip') {
  if (existsSync(SAVED)) {
    console.error(
      `pack-manifest: ${SAVED} is there: an earlier pack did not finish; ` +
        'run "node scripts/pack-manifest.mjs restore" first',
    );
    process.exit(1);
  }
  const text = readFileSync('package.json', 'utf8');
  writeFileSync(SAVED, text);
  const { scripts: _scripts, ...packed } = JSON.parse(text);
  writeFileSync('package.json', `${JSON.stringify(packed, null, 2)}\n`);
} else if (mode === 'restore') {
  if (existsSync(SAVED)) renameSync(SAVED, 'package.json');
} else {
  console.error('usage: node scripts/pack-manifest.mjs strip|restore');
  process.exit(2);
}
