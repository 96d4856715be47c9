/**
 * The shell parser: tree-sitter-bash (the grammar GitHub and editors use) run by web-tree-sitter
 * in WebAssembly. Loaded on first use only, so a config that calls no script file never pays for
 * it (about 60 ms). Example: (await loadShellParser()).parse('case "$2" in gw) ;; esac') -> a
 * syntax tree whose nodes carry string offsets into the text.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Tree } from 'web-tree-sitter';

export type { Node as ShellNode, Tree as ShellTree } from 'web-tree-sitter';

export interface ShellParser {
  /** Parse a script; the caller must `delete()` the tree when done (it lives in wasm memory). */
  parse(text: string): Tree;
}

let loading: Promise<ShellParser> | null = null;

/**
 * tree-sitter-bash's grammar. Built (dist/src/cli/*.bundle.js): the copy the build put in
 * dist/src/scripts/, as the installed package has no tree-sitter-bash. From the TypeScript sources
 * (tests, a dev run): the tree-sitter-bash package, a devDependency.
 */
function bashWasm(): string {
  const built = fileURLToPath(new URL('../scripts/tree-sitter-bash.wasm', import.meta.url));
  if (existsSync(built)) return built;
  return createRequire(import.meta.url).resolve('tree-sitter-bash/tree-sitter-bash.wasm');
}

/**
 * tree-sitter's runtime, web-tree-sitter.wasm. Built: the copy beside the grammar's (the CLI bundle
 * holds the runtime's JavaScript from the same package version; no package lookup, ~6 ms). From
 * the TypeScript sources (tests, a dev run): where the package puts it.
 */
function runtimeWasm(): string {
  const built = fileURLToPath(new URL('../scripts/web-tree-sitter.wasm', import.meta.url));
  if (existsSync(built)) return built;
  return createRequire(import.meta.url).resolve('web-tree-sitter/web-tree-sitter.wasm');
}

/**
 * The machine code of a .wasm file, compiled at build time (scripts/wasm-cache.mjs writes it beside
 * the file as FILE.v8cache): V8 takes it back in ~10 ms, where compiling tree-sitter-bash's lexer
 * alone took ~22 ms of the first parse of every run (issue 16, start-up; a 10-instance lint with
 * its scripts -11%). Its layout, in little-endian 32-bit words: WASM_CACHE_MAGIC, the .wasm's
 * length, the code's length; then the .wasm's bytes (V8 needs the very bytes the code was made
 * from, so they are kept in the same file), then the code as V8's serializer wrote it.
 *
 * V8 has no API for this in Node.js 20, only the intrinsic its own tests use (%DeserializeWasmModule,
 * behind --allow-natives-syntax, which nothing else here needs: no code is ever compiled from what
 * a repository holds). V8 checks its own header (its version, the CPU's features, the flags in force:
 * bin/run.js's, and this one's) and gives undefined when the code does not fit; this checks the
 * file's layout first, since V8 trusts what comes after its header. Null, when anything does not
 * fit: the caller compiles the .wasm as usual. The file is part of the build, as the bundle is; a
 * linted repository never comes near it.
 */
function compiledAtBuild(wasm: string): WebAssembly.Module | null {
  let fd: number;
  try {
    fd = openSync(`${wasm}.v8cache`, 'r');
  } catch {
    return null;
  }
  try {
    const header = new Uint8Array(WASM_CACHE_HEADER);
    if (readSync(fd, header, 0, WASM_CACHE_HEADER, 0) !== WASM_CACHE_HEADER) return null;
    const words = new DataView(header.buffer);
    const wireLength = words.getUint32(4, true);
    const codeLength = words.getUint32(8, true);
    if (
      words.getUint32(0, true) !== WASM_CACHE_MAGIC ||
      wireLength === 0 ||
      codeLength === 0 ||
      fstatSync(fd).size !== WASM_CACHE_HEADER + wireLength + codeLength
    )
      return null;
    // Each part in memory of its own: V8 takes the code as a whole ArrayBuffer.
    const wire = new Uint8Array(wireLength);
    const code = new Uint8Array(codeLength);
    if (readSync(fd, wire, 0, wireLength, WASM_CACHE_HEADER) !== wireLength) return null;
    if (readSync(fd, code, 0, codeLength, WASM_CACHE_HEADER + wireLength) !== codeLength) return null;
    return deserializer()?.(code.buffer, wire) ?? null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** 'KLWC' read as a little-endian word, then the .wasm's and the code's lengths. */
const WASM_CACHE_MAGIC = 0x43574c4b;
const WASM_CACHE_HEADER = 12;

type Deserialize = (code: ArrayBuffer, wire: Uint8Array) => WebAssembly.Module | undefined;
let deserialize: Deserialize | null | undefined;

/** V8's deserializer, or null where this Node.js has none (a SyntaxError here, caught). */
function deserializer(): Deserialize | null {
  if (deserialize !== undefined) return deserialize;
  try {
    // Set once and left set: it is part of the flags V8 checks the code against (the build sets it
    // too), and worker threads, which share the flags, would otherwise race to turn it off and on.
    setFlagsFromString('--allow-natives-syntax');
    deserialize = new Function('code', 'wire', 'return %DeserializeWasmModule(code, wire)') as Deserialize;
  } catch {
    deserialize = null;
  }
  return deserialize;
}

/** A .wasm file's module: compiled at build time when that fits this Node.js, else compiled now. */
function wasmModule(wasm: string): WebAssembly.Module {
  return compiledAtBuild(wasm) ?? new WebAssembly.Module(readFileSync(wasm));
}

/** The shell parser's two WebAssembly modules: tree-sitter's runtime and the bash grammar. */
export interface ShellModules {
  runtime: WebAssembly.Module;
  bash: WebAssembly.Module;
}

let modules: ShellModules | null = null;

/**
 * This thread's shell parser modules, made on first call. src/cli/worker-pool.ts makes them before
 * it starts a worker thread and hands them to each (a module passes between threads with its code):
 * V8 refuses the build's code once a worker has started, since starting one sets a V8 flag back
 * (--semi-space-growth-factor, which bin/run.js lowers, goes back to 2 when a heap is set up).
 */
export function shellModules(): ShellModules {
  // Compiled on this thread (new WebAssembly.Module) when the build's code does not fit, not by the
  // asynchronous WebAssembly.instantiate that web-tree-sitter would use: that one waits for V8's
  // background threads, which a big config keeps busy collecting garbage (10,000 instances: the
  // lint sat idle 61 ms for it). V8 compiles the functions lazily, on first call, either way.
  modules ??= { runtime: wasmModule(runtimeWasm()), bash: wasmModule(bashWasm()) };
  return modules;
}

/** A worker thread: the modules its pool made (shellModules() in the thread that started it). */
export function useShellModules(given: ShellModules): void {
  modules ??= given;
}

export function loadShellParser(): Promise<ShellParser> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    const { runtime, bash } = shellModules();
    await Parser.init({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        done(new WebAssembly.Instance(runtime, imports), runtime);
        return {};
      },
    } as Parameters<typeof Parser.init>[0]);
    const parser = new Parser();
    parser.setLanguage(Language.loadSync(bash));
    return {
      parse(text: string): Tree {
        const tree = parser.parse(text);
        if (!tree) throw new Error('the shell parser gave no tree');
        return tree;
      },
    };
  })();
  return loading;
}
