/**
 * Explanations for keywords a block does not accept: a misspelling, a keyword of another block,
 * one from another keepalived version, a definition written with spaces, a second `@` prefix.
 * Example: `priorty 100` in vrrp_instance -> hint ' Did you mean "priority"?'.
 */
import type { LogicalLine, Problem, Token } from '../preprocess/types.js';
import { type ConfigTree, type Statement } from '../tree/index.js';
import type { BlockScope, KeywordTable } from '../versions/keyword-table.js';
import { compareVersions, formatVersion, parseVersion } from '../versions/version.js';

/** `source`: the text of the file the keyword was written in, to recognise an undefined `${NAME}`. */
export function explainUnknown(
  table: KeywordTable,
  scope: BlockScope,
  s: Statement,
  source?: string,
): { why: string; hint: string; length?: number } {
  const name = s.keyword.text;
  const braced = name === '$' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(source?.slice(s.keyword.origin.start) ?? '') : null;
  if (braced) {
    return {
      why: '',
      length: braced[0].length,
      hint: ` "\${${braced[1]}}" is not defined above this line, so keepalived keeps the text and its braces split the line into "$", "{", "${braced[1]}", "}". Define ${braced[1]} first ("$${braced[1]}=value"), or include the file that defines it.`,
    };
  }
  const target = table.version;
  const other = table.lookupAllVersions(scope.path, name);
  if (other.length) {
    const d = other[other.length - 1]!;
    const since = d.since === 'HEAD' ? null : parseVersion(d.since);
    if (since && compareVersions(since, target) > 0) {
      const older = olderName(table, scope, name);
      const hint = older
        ? ` keepalived ${formatVersion(target)} knows it by its older name: write "${older}" (or upgrade keepalived).`
        : ` Upgrade keepalived, or remove the line for ${formatVersion(target)}.`;
      return { why: ` (it exists from keepalived ${d.since})`, hint };
    }
    if (d.until && compareVersions(parseVersion(d.until), target) < 0) {
      const repl = d.deprecated?.replacement ? ` Use ${d.deprecated.replacement} instead.` : '';
      return { why: ` (it was removed after keepalived ${d.until})`, hint: repl };
    }
    if (!d.in227) return { why: ' (Debian\'s keepalived 2.2.7 is built without it)', hint: ' Remove it, or target a build that has it.' };
  }
  if (name.startsWith('$')) {
    const next = s.args[0]?.text ?? '';
    if (next.startsWith('=')) {
      return { why: '', hint: ` A definition is written "${name}=value" with no space before "="; as written it is an ordinary line.` };
    }
    return {
      why: '',
      hint: ` keepalived did not expand it and keeps it as literal text: a name is expanded only when it is defined above this line and written as \${NAME}, or as $NAME followed by a space, "," or ")" (so "$Ay" looks up "Ay", not "A"). A multi-line definition is expanded only at the end of a line.`,
    };
  }
  if (name.startsWith('@')) {
    return { why: '', hint: ' Only one @id prefix is read per line; the second one is taken as the keyword.' };
  }
  const lower = table.lookup(scope, name.toLowerCase());
  if (lower) return { why: '', hint: ` Keywords are case-sensitive: "${lower.name}".` };
  const suggestion = table.suggest(scope, name);
  if (suggestion) return { why: '', hint: ` Did you mean "${suggestion}"?` };
  const elsewhere = table.findElsewhere(name).filter((p) => p !== scope.path);
  if (elsewhere.length) {
    const where = elsewhere.map((p) => (p === '' ? 'at the top level' : `in ${p.replace(/\//g, ' > ')}`)).slice(0, 3).join(', ');
    const topHint = elsewhere.includes('') && scope.path !== '' ? ' If this block should have ended above, a "}" is missing.' : '';
    return { why: '', hint: ` "${name}" is valid ${where}.${topHint}` };
  }
  return { why: '', hint: '' };
}

/**
 * The name this block knew the keyword by in the target version, when it was renamed: an alias
 * sharing its handler (vmac_garp_intvl for garp_extra_if), or a keyword deprecated in its favour
 * (vrrp_track_file for track_file).
 */
function olderName(table: KeywordTable, scope: BlockScope, name: string): string | undefined {
  for (const def of table.lookupAllVersions(scope.path, name)) {
    const alias = def.aliases?.find((a) => table.lookup(scope, a));
    if (alias) return alias;
  }
  for (const def of scope.keywords.values()) if (def.deprecated?.replacement === name) return def.name;
  return undefined;
}

/**
 * Blocks keepalived reads line by line in the enclosing block: the `{` after an unknown keyword
 * opens nothing, and keepalived pairs it with the next `}` by counting braces. `closeOf` gives, for
 * each such unknown statement, that `}` (null: never closed); `headerOf` gives, for a statement
 * standing between such a `{` and its `}`, the unknown statement whose `{` that is (innermost).
 * Example: `vrrp_instace VI_1 {` ... `}` -> closeOf(vrrp_instace) = the last `}`, headerOf(state) = vrrp_instace.
 */
export function ignoredBlocks(tree: ConfigTree, lines: readonly LogicalLine[]): {
  closeOf: Map<Statement, Token | null>;
  headerOf: (s: Statement) => Statement | undefined;
} {
  const balance = tree.braces;
  const closeOf = new Map<Statement, Token | null>();
  const ignored: { token: Token; after: Statement }[] = [];
  for (const issue of tree.issues) {
    if (issue.code === 'unexpected-open' && issue.after && !issue.after.def) ignored.push({ token: issue.token, after: issue.after });
  }
  // The line index is only needed when there is such a block (most configs have none).
  if (!ignored.length) return { closeOf, headerOf: () => undefined };
  const index = new Map<LogicalLine | Token, number>();
  lines.forEach((l, i) => {
    index.set(l, i);
    if (l.kind !== 'words') index.set(l.tokens[0]!, i);
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
  if (!names) recursive.set(problems, (names = new Set(problems.filter((p) => p.code === 'definition-recursive').map((p) => String(p.data.name)))));
  return names;
}
