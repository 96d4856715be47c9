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
  lines: readonly LogicalLine[],
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
  const index = new Map<LogicalLine | Token, number>();
  lines.forEach((l, i) => {
    index.set(l, i);
    if (l.kind !== 'words') index.set(l.token, i);
  });
  const ranges: { from: number; to: number; header: Statement }[] = [];
  for (const issue of ignored) {
    const close = balance.pairs.get(issue.token) ?? null;
    closeOf.set(issue.after, close);
    if (close) ranges.push({ from: index.get(issue.token)!, to: index.get(close)!, header: issue.after });
  }
  const headerOf = (s: Statement): Statement | undefined => {
    const i = index.get(s.line);
    if (i === undefined) return undefined;
    let best: (typeof ranges)[number] | undefined;
    for (const r of ranges) if (r.from < i && i < r.to && (!best || r.from > best.from)) best = r;
    return best?.header;
  };
  return { closeOf, headerOf };
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
