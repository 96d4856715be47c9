/**
 * Document symbols and folding ranges of a buffer too big to load on the main thread
 * (src/lsp/workspace.ts, BIG_TEXT), from its cheap reading (src/lsp/outline.ts): the same answers
 * as src/lsp/features.ts gives from a loaded config, the blocks the keyword table knows as blocks
 * (not value blocks) for the target. Example: a 10,000-instance buffer -> its 10,002 top-level
 * symbols in ~50 ms.
 */
import type { DocumentSymbol, FoldingRange } from 'vscode-languageserver';
import { OptionsResolver, resolveTarget, type CliOptions } from '../load/index.js';
import type { RuleMeta } from '../engine/index.js';
import type { FileHost } from '../source/host.js';
import { keywordTable, type BlockScope } from '../versions/keyword-table.js';
import { SYMBOL_KINDS, SYMBOL_STRUCT } from './features.js';
import type { OutlineBlock } from './outline.js';
import { toLsp } from './positions.js';
import type { Workspace } from './workspace.js';

function tableFor(file: string, o: { host: FileHost; known: readonly { meta: RuleMeta }[]; cli: CliOptions }) {
  try {
    const { options } = new OptionsResolver(o.host, o.known).resolve(file, o.cli);
    return keywordTable(resolveTarget(options.target));
  } catch {
    return keywordTable();
  }
}

export function outlineSymbols(
  w: Workspace,
  file: string,
  o: { host: FileHost; known: readonly { meta: RuleMeta }[]; cli: CliOptions },
): DocumentSymbol[] {
  const blocks = w.outlineOf(file);
  const index = w.lineIndex(file);
  if (!blocks || !index) return [];
  const table = tableFor(file, o);
  const at = (offset: number) => toLsp(index.position(offset));
  const symbols = (list: readonly OutlineBlock[], scope: BlockScope | undefined): DocumentSymbol[] => {
    const out: DocumentSymbol[] = [];
    for (const b of list) {
      const def = scope?.keywords.get(b.keyword);
      if (def?.kind !== 'block') continue;
      const children = symbols(b.children, table.scopeOf(def));
      const detail = b.args.join(' ');
      out.push({
        name: detail ? `${b.keyword} ${detail}` : b.keyword,
        kind: SYMBOL_KINDS[b.keyword] ?? SYMBOL_STRUCT,
        range: { start: at(b.start), end: at(b.end) },
        selectionRange: { start: at(b.start), end: at(b.start + b.keyword.length) },
        ...(children.length ? { children } : {}),
      });
    }
    return out;
  };
  return symbols(blocks, table.top);
}

export function outlineFolding(w: Workspace, file: string): FoldingRange[] {
  const out: FoldingRange[] = [];
  const walk = (list: readonly OutlineBlock[]) => {
    for (const b of list) {
      if (b.closed && b.endLine > b.startLine) out.push({ startLine: b.startLine, endLine: b.endLine });
      walk(b.children);
    }
  };
  walk(w.outlineOf(file) ?? []);
  return out;
}
