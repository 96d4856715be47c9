/**
 * The shell parser: tree-sitter-bash (the grammar GitHub and editors use) run by web-tree-sitter
 * in WebAssembly. Loaded on first use only, so a config that calls no script file never pays for
 * it (about 25 ms; a lint on worker threads loads it before starting them: shellModules()).
 * Example: (await loadShellParser()).parse('case "$2" in gw) ;; esac') -> a syntax tree whose nodes
 * carry string offsets into the text.
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
 * its scripts -11%). The file, little-endian 32-bit words first:
 *
 *   'KLWC', format 1, the .wasm's length, its CRC-32, the code's length, its CRC-32, the tag's
 *   length; the tag ("<process.versions.v8> <process.arch>" of the build); V8's code.
 *
 * V8 has no API for this in Node.js 20, only the intrinsic its own tests use (%DeserializeWasmModule,
 * behind --allow-natives-syntax). V8 checks its own header (its version, the CPU's features, the
 * flags in force: bin/run.js's, and this one's) and gives undefined when the code does not fit, but
 * it trusts the rest: code damaged on disk can crash the process. So the code is taken only when
 * the tag names this Node.js (else it is not read), and both CRC-32s hold: the code's, and that of
 * `wire`, the .wasm's bytes, which also ties the code to the .wasm beside it (a .wasm changed after
 * the build is compiled as it is). Null, when anything does not fit: the caller compiles `wire`. The
 * file is part of the install, trusted as the bundle is; a linted repository never comes near it.
 */
function compiledAtBuild(wasm: string, wire: Uint8Array): WebAssembly.Module | null {
  let fd: number;
  try {
    fd = openSync(`${wasm}.v8cache`, 'r');
  } catch {
    return null;
  }
  try {
    const head = new Uint8Array(WASM_CACHE_HEAD + 64);
    const got = readSync(fd, head, 0, head.length, 0);
    const word = new DataView(head.buffer);
    const tag = WASM_CACHE_TAG();
    const tagLength = got >= WASM_CACHE_HEAD ? word.getUint32(24, true) : -1;
    if (
      word.getUint32(0, true) !== WASM_CACHE_MAGIC ||
      word.getUint32(4, true) !== 1 ||
      tagLength !== tag.length ||
      got < WASM_CACHE_HEAD + tagLength ||
      Buffer.from(head.buffer, WASM_CACHE_HEAD, tagLength).toString('latin1') !== tag
    )
      return null;
    const codeLength = word.getUint32(16, true);
    const codeAt = WASM_CACHE_HEAD + tagLength;
    if (codeLength === 0 || fstatSync(fd).size !== codeAt + codeLength) return null;
    const { crc32 } = createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib');
    if (wire.length !== word.getUint32(8, true) || crc32(wire) !== word.getUint32(12, true)) return null;
    // A buffer of its own: V8 takes the code as a whole ArrayBuffer.
    const code = new Uint8Array(codeLength);
    if (readSync(fd, code, 0, codeLength, codeAt) !== codeLength || crc32(code) !== word.getUint32(20, true))
      return null;
    return deserializer()?.(code.buffer, wire) ?? null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** 'KLWC' read as a little-endian word; the 7 words before the tag. */
const WASM_CACHE_MAGIC = 0x43574c4b;
const WASM_CACHE_HEAD = 28;
/** The Node.js a file was made for: V8's version and the CPU's architecture. */
const WASM_CACHE_TAG = () => `${process.versions.v8} ${process.arch}`;

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
  // Read once: V8 needs the bytes either way, with the build's code or to compile them.
  const wire = readFileSync(wasm);
  return compiledAtBuild(wasm, wire) ?? new WebAssembly.Module(wire);
}

/** The shell parser's two WebAssembly modules: tree-sitter's runtime and the bash grammar. */
export interface ShellModules {
  runtime: WebAssembly.Module;
  bash: WebAssembly.Module;
}

let modules: ShellModules | null = null;

/**
 * This thread's shell parser modules, made on first call. A thread that starts worker threads to
 * lint (src/cli/worker-pool.ts, src/lsp/linter.ts) makes them first and hands them over
 * (shellThreadData): a module passes between threads with its code, so no worker reads or loads
 * the build's code again (~10-30 ms each), and none races with the start of another, which puts a
 * V8 flag that the build's code is checked against back to its default for a moment
 * (--semi-space-growth-factor, which bin/run.js lowers: V8 sets it to 2 when it sets up a heap).
 */
export function shellModules(): ShellModules {
  // Compiled on this thread (new WebAssembly.Module) when the build's code does not fit, not by the
  // asynchronous WebAssembly.instantiate that web-tree-sitter would use: that one waits for V8's
  // background threads, which a big config keeps busy collecting garbage (10,000 instances: the
  // lint sat idle 61 ms for it). V8 compiles the functions lazily, on first call, either way.
  modules ??= { runtime: wasmModule(runtimeWasm()), bash: wasmModule(bashWasm()) };
  return modules;
}

/** What a thread hands a lint thread it starts (workerData): see shellModules(). */
export interface ShellThreadData {
  shell: ShellModules;
  /**
   * The V8 flags bin/run.js set after start-up (CliIO.v8Flags), which the new thread sets again:
   * setting up its heap put --semi-space-growth-factor back to 2, for the whole process.
   */
  v8Flags: string[];
}

/** The data for a lint thread about to start; this thread's modules are made now if not yet. */
export function shellThreadData(v8Flags: readonly string[]): ShellThreadData {
  return { shell: shellModules(), v8Flags: [...v8Flags] };
}

/**
 * In a lint thread, first thing: the modules and flags its starter handed over (null from a starter
 * that gave none). The flags are set after this thread's own heap was set up, so once the last
 * thread started is here they hold again for every thread (measured, 200 hosts with --jobs 2: 0.92
 * of the time, 34 MiB less peak memory).
 */
export function takeShellThreadData(data: Partial<ShellThreadData> | null | undefined): void {
  if (data?.shell) modules ??= data.shell;
  for (const flag of data?.v8Flags ?? []) setFlagsFromString(flag);
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
