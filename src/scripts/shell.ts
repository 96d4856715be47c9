/**
 * The shell parser: tree-sitter-bash (the grammar GitHub and editors use) run by web-tree-sitter
 * in WebAssembly. Loaded on first use only, so a config that calls no script file never pays for
 * it (about 30 ms). Example: (await loadShellParser()).parse('case "$2" in gw) ;; esac') -> a
 * syntax tree whose nodes carry string offsets into the text.
 */
import { existsSync } from 'node:fs';
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

export function loadShellParser(): Promise<ShellParser> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const bash = await Language.load(bashWasm());
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
