/**
 * The shell parser: tree-sitter-bash (the grammar GitHub and editors use) run by web-tree-sitter
 * in WebAssembly. Loaded on first use only, so a config that calls no script file never pays for
 * it (about 60 ms). Example: (await loadShellParser()).parse('case "$2" in gw) ;; esac') -> a
 * syntax tree whose nodes carry string offsets into the text.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
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

export function loadShellParser(): Promise<ShellParser> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    // Both .wasm files are compiled on this thread (new WebAssembly.Module), not by the
    // asynchronous WebAssembly.instantiate that web-tree-sitter would use: that one waits for V8's
    // background threads, which a big config keeps busy collecting garbage (10,000 instances: the
    // lint sat idle 61 ms for it). V8 compiles the functions lazily, on first call, either way.
    const runtime = new WebAssembly.Module(readFileSync(runtimeWasm()));
    await Parser.init({
      instantiateWasm(imports: WebAssembly.Imports, done: (i: WebAssembly.Instance, m: WebAssembly.Module) => void) {
        done(new WebAssembly.Instance(runtime, imports), runtime);
        return {};
      },
    } as Parameters<typeof Parser.init>[0]);
    const bash = Language.loadSync(new WebAssembly.Module(readFileSync(bashWasm())));
    const parser = new Parser();
    parser.setLanguage(bash);
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
