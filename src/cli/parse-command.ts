/**
 * `keepalived-lint parse FILE`: the expanded tree as JSON, crossplane-style. Example node:
 *   {"keyword":"priority","args":["100"],"file":"k.conf","line":4,"column":5}
 * Value blocks list their data lines under "values"; nodes produced by $definitions or ~SEQ name
 * the expansions under "via".
 */
import { preprocess, type Expansion, type SourceFile, type Token } from '../preprocess/index.js';
import type { FileHost } from '../source/host.js';
import { confineFor } from '../source/confine.js';
import { buildTree, type Statement } from '../tree/index.js';
import { keywordTable } from '../versions/keywords.js';
import { defaultRoot, resolveTarget } from '../engine/index.js';
import { displayPath } from '../format/index.js';

export interface ParseOptions {
  host: FileHost;
  target: string;
  configId: string | null;
  cwd: string;
  root?: string;
}

interface JsonNode {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  column: number;
  known: boolean;
  via?: string[];
  block?: JsonNode[];
  values?: { words: string[]; file: string; line: number; column: number; via?: string[] }[];
}

export function parseToJson(file: string, o: ParseOptions) {
  const pre = preprocess(file, { host: confineFor(o.host, file, { root: o.root ?? defaultRoot(file), rootGiven: o.root !== undefined }), configId: o.configId, root: o.root ?? defaultRoot(file) });
  if ('error' in pre) return { error: pre.error };
  const table = keywordTable(resolveTarget(o.target));
  const tree = buildTree(pre.lines, table);
  const pos = (t: Token) => {
    const sf: SourceFile | undefined = pre.files.get(t.origin.file);
    const p = sf ? sf.index.position(t.origin.start) : { line: 1, column: 1 };
    return { file: displayPath(t.origin.file, o.cwd), line: p.line, column: p.column };
  };
  const via = (v: Expansion[]) => (v.length ? { via: v.map((e) => (e.kind === 'definition' ? `$${e.name}` : e.name)) } : {});
  const node = (s: Statement): JsonNode => ({
    keyword: s.keyword.text,
    args: s.args.map((a) => a.text),
    ...pos(s.keyword),
    known: s.def !== undefined,
    ...via(s.keyword.via),
    ...(s.def?.kind === 'block' ? { block: s.children.map(node) } : {}),
    ...(s.def?.kind === 'value_block'
      ? { values: s.values.map((l) => ({ words: l.tokens.map((t) => t.text), ...pos(l.tokens[0]!), ...via(l.via) })) }
      : {}),
  });
  return {
    file: displayPath(file, o.cwd),
    configId: o.configId,
    target: o.target,
    files: [...pre.files.keys()].map((f) => displayPath(f, o.cwd)),
    conditionIds: [...pre.conditionIds].sort(),
    config: tree.top.map(node),
  };
}
