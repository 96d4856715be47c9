// Makes dist/src/scripts/*.wasm.v8cache: the shell parser's two .wasm files compiled to machine code
// at build time, which src/scripts/shell.ts hands back to V8 instead of compiling them on every run
// (issue 16, start-up: compiling tree-sitter-bash's lexer alone took ~22 ms of a run's first parse).
//
// V8 checks the code against the flags in force when it is read back, so this process sets the ones
// the CLI runs under (bin/run.js's, then shell.ts's --allow-natives-syntax), compiles with V8's
// optimising tier (the only code V8 serialises), parses this project's own example and fixture
// scripts with it so that the functions a parse needs are compiled, and serialises under the CLI's
// flags again. The file's layout is shell.ts's (compiledAtBuild): 7 little-endian 32-bit words
// ('KLWC', format 1, the .wasm's length and CRC-32, the code's length and CRC-32, the tag's length),
// the tag (V8's version and the CPU architecture), the code.
//
// Best effort: V8 ends a process when its serialiser fails (a check, not an exception), so the work
// is done in a child process; when it fails, or this Node.js has no serialiser, the build goes on
// without the files and the CLI compiles the .wasm as before. Nothing is written but those files.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const DIR = 'dist/src/scripts';
const FILES = ['web-tree-sitter.wasm', 'tree-sitter-bash.wasm'];
const MAGIC = 0x43574c4b;
const cacheOf = (f) => path.join(DIR, `${f}.v8cache`);
const removeAll = () => {
  for (const f of FILES) for (const p of [cacheOf(f), `${cacheOf(f)}.tmp`]) rmSync(p, { force: true });
};

if (process.argv[2] !== '--child') {
  removeAll();
  // (It takes 1-2 s: compiling tree-sitter-bash's lexer with the optimising tier is most of it.)
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child'], {
    stdio: 'inherit',
    timeout: 300_000,
  });
  if (r.status !== 0) {
    removeAll();
    console.warn(
      `wasm-cache: no compiled shell parser (${r.error?.message ?? `exit ${r.status ?? r.signal}`}); ` +
        'the CLI compiles it on each run',
    );
  }
} else {
  const require = createRequire(import.meta.url);
  const { crc32 } = require('node:zlib'); // (Node.js 20.15 and later; engines asks for 20.19)
  // Loading bin/run.js sets its first flag (--liftoff-only), as the CLI's entry does.
  require('../bin/run.js').lateFlags();
  setFlagsFromString('--allow-natives-syntax');
  const serialize = new Function('module', 'return %SerializeWasmModule(module)');
  const wire = FILES.map((f) => readFileSync(path.join(DIR, f)));

  setFlagsFromString('--no-liftoff-only');
  setFlagsFromString('--no-liftoff');
  const modules = wire.map((bytes) => new WebAssembly.Module(bytes));
  const { Parser, Language } = require('web-tree-sitter');
  await Parser.init({
    instantiateWasm(imports, done) {
      done(new WebAssembly.Instance(modules[0], imports), modules[0]);
      return {};
    },
  });
  const parser = new Parser();
  parser.setLanguage(Language.loadSync(modules[1]));
  let parsed = 0;
  for (const file of warmUpScripts()) {
    const tree = parser.parse(readFileSync(file, 'utf8'));
    if (!tree) continue;
    visit(tree.rootNode);
    tree.delete();
    parsed++;
  }
  if (parsed === 0) throw new Error('no script to parse');
  // Back to the CLI's flags (--liftoff-only turns --liftoff on again): V8 writes those into the code.
  setFlagsFromString('--liftoff-only');

  const tag = Buffer.from(`${process.versions.v8} ${process.arch}`, 'latin1');
  FILES.forEach((f, i) => {
    const code = new Uint8Array(serialize(modules[i]));
    if (code.length === 0) throw new Error(`V8 serialised nothing for ${f}`);
    const head = Buffer.alloc(28);
    [MAGIC, 1, wire[i].length, crc32(wire[i]), code.length, crc32(code), tag.length].forEach((v, k) =>
      head.writeUInt32LE(v, k * 4),
    );
    const tmp = `${cacheOf(f)}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      for (const part of [head, tag, code]) writeSync(fd, part);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, cacheOf(f));
  });
  console.log(`wasm-cache: the shell parser compiled (${parsed} scripts parsed to warm it up)`);
}

/** This project's example and fixture shell scripts (the files starting `#!...sh`), up to 64 KiB each. */
function warmUpScripts() {
  const found = [];
  for (const top of ['examples', 'fixtures']) {
    let entries;
    try {
      entries = readdirSync(top, { recursive: true, withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isFile()) continue;
      const file = path.join(e.parentPath ?? e.path, e.name);
      if (statSync(file).size > 65536) continue;
      if (/^#![^\n]*sh\b/.test(readFileSync(file, 'latin1').slice(0, 80))) found.push(file);
    }
  }
  return found.sort();
}

/** Reads what src/scripts/ reads of every node, so that the runtime's functions for it are compiled. */
function visit(root) {
  const cursor = root.walk();
  for (;;) {
    const n = cursor.currentNode;
    void [n.type, n.text, n.startIndex, n.endIndex, n.id, n.hasError, n.isMissing, n.parent, n.childCount];
    void [n.children, n.namedChildren, n.childForFieldName('name'), n.childrenForFieldName('argument')];
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return cursor.delete();
  }
}
