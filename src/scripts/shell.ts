/**
 * The shell parser: tree-sitter-bash (the grammar GitHub and editors use) run by web-tree-sitter
 * in WebAssembly. Loaded on first use only, so a config that calls no script file never pays for
 * it (about 30 ms). Example: (await loadShellParser()).parse('case "$2" in gw) ;; esac') -> a
 * syntax tree whose nodes carry string offsets into the text.
 */
import { createRequire } from 'node:module';
import type { Tree } from 'web-tree-sitter';

export type { Node as ShellNode, Tree as ShellTree } from 'web-tree-sitter';

export interface ShellParser {
  /** Parse a script; the caller must `delete()` the tree when done (it lives in wasm memory). */
  parse(text: string): Tree;
}

let loading: Promise<ShellParser> | null = null;

export function loadShellParser(): Promise<ShellParser> {
  loading ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const bash = await Language.load(require.resolve('tree-sitter-bash/tree-sitter-bash.wasm'));
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
