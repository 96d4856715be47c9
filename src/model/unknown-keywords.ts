/**
 * Views for keywords a block does not accept: the blocks keepalived reads line by line after one
 * (`ignoredBlocks`), and the text a self-referencing definition leaves (`fromRecursiveDefinition`).
 * The English explaining an unknown keyword lives in rules/unknown-keyword.ts.
 */
import type { LogicalLine, Problem, Token } from '../preprocess/types.js';
import { type ConfigTree, type Statement } from '../tree/index.js';

/**
 * Blocks keepalived reads line by line in the enclosing block: the `{` after an unknown keyword
 * opens nothing, and keepalived pairs it with the next `}` by counting braces. `closeOf` gives, for
 * each such unknown statement, that `}` (null: never closed); `headerOf` gives, for a statement
 * standing between such a `{` and its `}`, the unknown statement whose `{` that is (innermost).
 * Example: `vrrp_instace VI_1 {` ... `}` -> closeOf(vrrp_instace) = the last `}`, headerOf(state) = vrrp_instace.
 */
export function ignoredBlocks(
  tree: ConfigTree,
  /** The lines the tree was built from: asked for only when there is such a block. */
  linesOf: () => readonly LogicalLine[],
): {
  closeOf: Map<Statement, Token | null>;
  headerOf: (s: Statement) => Statement | undefined;
} {
  const balance = tree.braces;
  const closeOf = new Map<Statement, Token | null>();
  const ignored: { token: Token; after: Statement }[] = [];
  for (const issue of tree.issues) {
    if (issue.code === 'unexpected-open' && issue.after && !issue.after.def)
      ignored.push({ token: issue.token, after: issue.after });
  }
  // The line index is only needed when there is such a block (most configs have none).
  if (!ignored.length) return { closeOf, headerOf: () => undefined };
  // A brace line is its own object here (its token): a ~SEQ gives the same lines again, braces
  // included, but the loader gives each brace its own when a "{" opens nothing (src/load
  // braceOutOfPlace). A line of words may stand in several places: statements are placed by
  // statementLines() instead.
  const lines = linesOf();
  const braceAt = new Map<Token, number>();
  lines.forEach((l, i) => {
    if (l.kind !== 'words') braceAt.set(l.token, i);
  });
  const lineOf = statementLines(tree, lines);
  const ranges: { from: number; to: number; header: Statement }[] = [];
  for (const issue of ignored) {
    const close = balance.pairs.get(issue.token) ?? null;
    closeOf.set(issue.after, close);
    if (close) ranges.push({ from: braceAt.get(issue.token)!, to: braceAt.get(close)!, header: issue.after });
  }
  const headerOf = (s: Statement): Statement | undefined => {
    const i = lineOf.get(s);
    if (i === undefined) return undefined;
    let best: (typeof ranges)[number] | undefined;
    for (const r of ranges) if (r.from < i && i < r.to && (!best || r.from > best.from)) best = r;
    return best?.header;
  };
  return { closeOf, headerOf };
}

/**
 * Where each statement of `tree` stands among `lines` (those it was built from), found by reading
 * the lines in the order the tree builder (src/tree) takes them: a line of words is the next
 * statement of `tree.all`, unless it begins the next skipped block (its "{" follows) or stands in a
 * value block (up to the block's first "}"). Example: `a {`, `b`, `}` -> a: 0, b: 2.
 */
function statementLines(tree: ConfigTree, lines: readonly LogicalLine[]): Map<Statement, number> {
  const at = new Map<Statement, number>();
  const all = tree.all;
  let k = 0;
  let skip = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind !== 'words') continue;
    const skipped = tree.skipped[skip]?.statement;
    const next = lines[i + 1];
    if (skipped?.open && next?.kind === 'open' && next.token === skipped.open) {
      // skipBlock(): from its "{", braces counted up to the "}" that closes it (or the end).
      skip++;
      let depth = 0;
      for (i++; i < lines.length; i++) {
        const b = lines[i]!;
        if (b.kind === 'open') depth++;
        else if (b.kind === 'close' && --depth === 0) break;
      }
      continue;
    }
    const st = all[k++];
    if (!st) break;
    at.set(st, i);
    if (st.def?.kind === 'value_block') {
      // enterValueBlock(): its "{" when there, then every line up to the first "}".
      if (next?.kind === 'open' && next.token === st.open) i++;
      while (i + 1 < lines.length && lines[++i]!.kind !== 'close');
    }
  }
  return at;
}

/**
 * Text produced by a self-referencing definition ($A=${A} x): keepalived stops expanding at its
 * line-length limit and leaves a "${A}" whose braces split the line. Findings on that text are
 * consequences of the one "definition-recursive" problem, reported by syntax-error.
 */
export function fromRecursiveDefinition(problems: readonly Problem[], t: Token): boolean {
  if (!t.via.length) return false;
  const names = recursiveNames(problems);
  return names.size > 0 && t.via.some((e) => e.kind === 'definition' && names.has(e.name));
}

const recursive = new WeakMap<readonly Problem[], Set<string>>();
/** Asked once per token of a broken file: the names, computed once per pass. */
function recursiveNames(problems: readonly Problem[]): Set<string> {
  let names = recursive.get(problems);
  if (!names)
    recursive.set(
      problems,
      (names = new Set(problems.filter((p) => p.code === 'definition-recursive').map((p) => String(p.data.name)))),
    );
  return names;
}
