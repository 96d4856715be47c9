/**
 * Statements nested as keepalived's process_stream() nests them, driven by the keyword table of
 * the target version: a known block keyword expects `{` on the next logical line; a value block
 * (virtual_ipaddress, track_script, ...) takes data lines up to `}`; an unknown keyword is a
 * statement of its own, and a `{` after it opens nothing (so its `}` closes the enclosing block,
 * exactly as keepalived does). Example:
 *
 *   vrrp_instance VI_1 { priority 100 }
 *   -> [Statement vrrp_instance args [VI_1] children [Statement priority args [100]]]
 *
 * Structural oddities are recorded as issues; rules decide what to say about them.
 */
import type { LogicalLine, Token, WordsLine } from '../preprocess/types.js';
import type { LineIndex } from '../source/line-index.js';
import type { BlockScope, KeywordDef, KeywordTable } from '../versions/keyword-table.js';
import { compareVersions } from '../versions/version.js';

export interface Statement {
  keyword: Token;
  args: Token[];
  line: WordsLine;
  /** The keyword's definition in this block for the target version; undefined when unknown here. */
  def: KeywordDef | undefined;
  /** Path of the block the statement stands in ("" = top level). */
  scopePath: string;
  parent: Statement | null;
  /** Keyword blocks: the statements inside. */
  children: Statement[];
  /** Value blocks: the data lines inside. */
  values: LogicalLine[];
  open?: Token;
  close?: Token;
  /** True when the statement stands inside a value block's data (never, for statements). */
  depth: number;
}

export type StructureIssue =
  | { code: 'unexpected-open'; token: Token; after: Statement | null }
  | { code: 'missing-open'; statement: Statement; found: LogicalLine | null }
  | { code: 'value-block-missing-open'; statement: Statement; found: LogicalLine | null }
  | { code: 'block-extra-params'; statement: Statement; words: Token[] }
  | { code: 'extra-close'; token: Token }
  | { code: 'unclosed'; statement: Statement }
  | { code: 'skipped-block'; statement: Statement; reason: SkipReason };

/** Why keepalived skips a whole top-level block unread: its name is taken, or it has none (or two). */
export type SkipReason = 'duplicate' | 'unnamed';

/**
 * Top-level blocks keepalived's VRRP or BFD process skips unread (skip_block(): it only counts the
 * braces to find the block's end) when the name is already used, or when it has not exactly one
 * name: "vrrp instance X already defined", "vrrp sync group X already defined", "track_group X
 * already defined", "BFD instance X already configured - ignoring", "vrrp_instance must have a
 * name". The checks came with 1.3.1 for vrrp_instance and vrrp_sync_group (before, two instances
 * of one name were both created); track_group (2.0.3) and bfd_instance (2.0.0) had them from the
 * start, and the keyword table only knows them from then. vrrp_script, track_file,
 * virtual_server_group and duplicate virtual servers are not skipped: keepalived keeps both.
 */
const SKIPPED_WHEN: Record<string, { since: string; unnamed: boolean }> = {
  vrrp_instance: { since: '1.3.1', unnamed: true },
  vrrp_sync_group: { since: '1.3.1', unnamed: true },
  track_group: { since: '2.0.3', unnamed: true },
  bfd_instance: { since: '2.0.0', unnamed: false },
};

export interface ConfigTree {
  top: Statement[];
  issues: StructureIssue[];
  /** Every statement in source order (depth-first). */
  all: Statement[];
  /**
   * A pass tree of a shared reading: `all` as runs, made into one list only when asked (the rules
   * and the references walk the runs: src/model/memo forEachStatement).
   */
  runs?: StatementRuns;
  /** keepalived's own brace count over the same lines, computed once for every rule. */
  braces: BraceBalance;
  /**
   * Its statements may stand in other trees too: the shared tree of a config read once for all
   * its passes, and the pass trees (statement models are then kept per statement: model/memo).
   */
  shared?: boolean;
  /**
   * Top-level blocks keepalived skips unread (see SKIPPED_WHEN), in source order: not in `top` or
   * `all`, and without children, since none of their lines is read as a statement.
   */
  skipped: SkippedBlock[];
}

export interface SkippedBlock {
  statement: Statement;
  reason: SkipReason;
  /** How many statements of `top` come before it (to show it in place). */
  topIndex: number;
}

/** The one empty list, shared and frozen (read-only, as every list the tree and the models keep). */
const NONE: readonly never[] = Object.freeze([]);

/** The shared, frozen empty list, as a list of T: what a list kept as long as the tree is when empty. */
export function noItems<T>(): T[] {
  return NONE as unknown as T[];
}

const NO_STATEMENTS = noItems<Statement>();
const NO_LINES = noItems<LogicalLine>();

/**
 * A statement: what it takes from its line is read from the line (its keyword and args: the
 * line's own list, never changed), and every field is there from the start (a block's `open` and
 * `close` added later made a second object for 68,000 blocks of 1173.conf). Two shapes: a
 * statement that can open nothing (a value, an unknown keyword: 145,000 of 213,000 statements in
 * 1173.conf) has no fields for what a block holds; its lists are the shared, frozen empty ones.
 */
abstract class TreeStatement implements Statement {
  constructor(
    readonly line: WordsLine,
    readonly def: KeywordDef | undefined,
    readonly parent: Statement | null,
  ) {}

  /** The block it stands in: its parent's path (a parent is always a known block); "" at the top. */
  get scopePath(): string {
    return this.parent?.def?.path ?? '';
  }

  abstract get children(): Statement[];
  abstract get values(): LogicalLine[];
  abstract get open(): Token | undefined;
  abstract get close(): Token | undefined;

  get keyword(): Token {
    return this.line.keyword;
  }

  get args(): Token[] {
    return this.line.args;
  }

  /** How many blocks it stands in. */
  get depth(): number {
    let d = 0;
    for (let p = this.parent; p; p = p.parent) d++;
    return d;
  }
}

/** A statement whose keyword opens no block here (a value, or a keyword unknown to the target). */
class LeafStatement extends TreeStatement {
  get children(): Statement[] {
    return NO_STATEMENTS;
  }

  get values(): LogicalLine[] {
    return NO_LINES;
  }

  get open(): undefined {
    return undefined;
  }

  get close(): undefined {
    return undefined;
  }
}

/** A block or value block keyword: its `{`, `}` and what stands between are set as they are read. */
abstract class BlockStatement extends TreeStatement {
  open: Token | undefined = undefined;
  close: Token | undefined = undefined;
}

/** A keyword block: the statements inside (a shared, frozen empty list until it has some). */
class KeywordBlockStatement extends BlockStatement {
  children: Statement[] = NO_STATEMENTS;

  get values(): LogicalLine[] {
    return NO_LINES;
  }
}

/**
 * A value block (virtual_ipaddress, track_script, ...): its data lines, one kept as itself and
 * made into a list when asked (10,000 instances: 10,000 track_script blocks of one name).
 */
class ValueBlockStatement extends BlockStatement {
  private data: LogicalLine[] | LogicalLine = NO_LINES;

  get children(): Statement[] {
    return NO_STATEMENTS;
  }

  get values(): LogicalLine[] {
    const d = this.data;
    return Array.isArray(d) ? d : [d];
  }

  /** Its data lines: the first `n` of `lines` (a list the builder reuses: copied when more than one). */
  setValues(lines: readonly LogicalLine[], n: number): void {
    this.data = n === 0 ? NO_LINES : n === 1 ? lines[0]! : lines.slice(0, n);
  }
}

/**
 * A list built by push() has room for 17 entries from the first: kept as long as the tree, a block
 * of 4 statements took 152 bytes (60,000 such blocks in 1173.conf). Short lists are kept at their
 * size, and an empty one is noItems() (the shared, frozen empty list). For any list kept as long
 * as the tree (the rule models too).
 */
export function fitted<T>(list: T[]): T[] {
  if (list.length === 0) return noItems();
  return list.length < 16 ? list.slice() : list;
}

class Builder {
  private i = 0;
  readonly issues: StructureIssue[] = [];
  /** Statements in tree order (a pass build: those read here since the last reused run, see allParts). */
  all: Statement[] = [];
  /**
   * Pass build: `all` in runs, the statements read here and those of reused top-level statements
   * (a range of the shared tree's list: statements reused one after the other are one range),
   * which the pass tree keeps as they are (PassTree): pushing them one by one was most of a pass
   * tree's time (1173.conf: 213,000 a pass), and a list of them all is made only when asked.
   */
  private readonly allParts: (Statement[] | { from: number; to: number })[] = [];
  readonly skipped: SkippedBlock[] = [];
  /** Names of the blocks read so far, per keyword that keepalived skips a duplicate of. */
  private readonly names = new Map<string, Set<string>>();

  /** Shared build: where each top-level statement's lines begin and end (see SharedTree). */
  readonly reusable = new Map<number, Reusable>();

  constructor(
    private readonly lines: LogicalLine[],
    private readonly table: KeywordTable,
    /** Shared build: lines no `@id` prefix conditions have 0 (see buildSharedTree). */
    private readonly conditioned: Uint8Array | null = null,
    /**
     * Pass build: the shared tree, and 1 for each of the shared lines (`lines`) this pass does
     * not have: the build steps past them (settle()) as if they were not there.
     */
    private readonly shared: { tree: SharedTree; dropped: Uint8Array } | null = null,
    /**
     * Keep `all`, the list of every statement (a shared or pass build: the pass trees take ranges
     * of it). A tree of one pass walks its blocks instead (PlainTree).
     */
    private readonly listAll = true,
  ) {}

  /** Pass build: step past the lines this pass does not have (a handful: `@id` lines). */
  private settle(): void {
    const dropped = this.shared?.dropped;
    if (dropped) while (this.i < this.lines.length && dropped[this.i] === 1) this.i++;
  }

  /**
   * The statements of the blocks being read, innermost last: a block's own are those from where its
   * read began (blockBegan), copied into a list of their size when its `}` is read (a list per block
   * grown by push() took room for 17 entries, and the copy fitted() made of it: 10,000 instances,
   * 29,000 blocks).
   */
  private readonly open: Statement[] = [];
  /**
   * How many entries of `open` are in use (the array is never made shorter: V8 would give the room
   * back, and grow it again for the next block).
   */
  private openCount = 0;
  /** The data lines of the value block being read (its first entries: enterValueBlock). */
  private readonly valueLines: LogicalLine[] = [];
  /** The `}` that closed the block read last (undefined: its block was never closed). */
  private closedBy: Token | undefined = undefined;

  /**
   * Parse statements until the `}` that closes this level or the end of input. The top level's
   * statements are returned; those of a block (parent set) as their own list, with the `}` in
   * closedBy.
   */
  block(scope: BlockScope, parent: Statement | null, depth: number): Statement[] {
    // The top level keeps its own list (passTree's reuse() pushes onto it); a block takes a range of `open`.
    const statements: Statement[] = parent ? NO_STATEMENTS : [];
    const blockBegan = this.openCount;
    let previous: Statement | null = null;
    for (this.settle(); this.i < this.lines.length; this.settle()) {
      if (!parent && this.shared) {
        const st = this.reuse(statements);
        if (st) {
          previous = st;
          continue;
        }
      }
      const start = this.i;
      const allFrom = this.all.length;
      const issuesFrom = this.issues.length;
      const line = this.lines[this.i++]!;
      if (line.kind !== 'words') {
        if (line.kind === 'close') {
          if (parent) {
            this.closedBy = line.token;
            return this.ownStatements(blockBegan);
          }
          this.issues.push({ code: 'extra-close', token: line.token });
        } else this.issues.push({ code: 'unexpected-open', token: line.token, after: previous });
        continue;
      }
      const keyword = line.keyword;
      const def = this.table.lookup(scope, keyword.text);
      const st =
        def?.kind === 'block'
          ? new KeywordBlockStatement(line, def, parent)
          : def?.kind === 'value_block'
            ? new ValueBlockStatement(line, def, parent)
            : new LeafStatement(line, def, parent);
      const reason = parent ? undefined : this.skipReason(st);
      if (reason && st instanceof BlockStatement && this.skipBlock(st)) {
        this.skipped.push({ statement: st, reason, topIndex: statements.length });
        this.issues.push({ code: 'skipped-block', statement: st, reason });
        previous = st;
        continue;
      }
      if (parent) this.open[this.openCount++] = st;
      else statements.push(st);
      if (this.listAll) this.all.push(st);
      previous = st;
      if (st instanceof BlockStatement) {
        if (st instanceof KeywordBlockStatement) this.enterBlock(st, def!, depth);
        else this.enterValueBlock(st as ValueBlockStatement);
      }
      if (!parent && this.conditioned && !this.conditioned.subarray(start, this.i).includes(1)) {
        this.reusable.set(start, {
          st,
          end: this.i,
          allFrom,
          allTo: this.all.length,
          issuesFrom,
          issues: this.issues.length,
        });
      }
    }
    if (!parent) return statements;
    this.issues.push({ code: 'unclosed', statement: parent });
    this.closedBy = undefined;
    return this.ownStatements(blockBegan);
  }

  /** The statements of `open` from `from` on, as a list of their own (taken off `open`). */
  private ownStatements(from: number): Statement[] {
    const to = this.openCount;
    if (from === to) return NO_STATEMENTS;
    this.openCount = from;
    return this.open.slice(from, to);
  }

  /**
   * Pass build, at the top level: when the next line begins a top-level statement of the shared
   * tree that no `@id` line touches, that statement (with its block, its statements in `all` and
   * the structure issues found inside it) is the same in this pass: take it and step past its
   * lines. Not when this pass skips it (a block of the same name came first here only).
   */
  private reuse(statements: Statement[]): Statement | null {
    const { tree } = this.shared!;
    const r = tree.reusable.get(this.i);
    if (!r || this.skipReason(r.st)) return null;
    statements.push(r.st);
    if (this.all.length) {
      this.allParts.push(this.all);
      this.all = [];
    }
    // Reused statements one after the other are one range of the shared list.
    const last = this.allParts[this.allParts.length - 1];
    if (last && 'from' in last && last.to === r.allFrom) last.to = r.allTo;
    else this.allParts.push({ from: r.allFrom, to: r.allTo });
    for (let j = r.issuesFrom; j < r.issues; j++) this.issues.push(tree.tree.issues[j]!);
    this.i = r.end;
    return r.st;
  }

  /** Every statement in tree order, once the build is done: the runs, or the list when there is one run. */
  allRuns(): Statement[] | StatementRuns {
    const parts = this.allParts;
    if (!parts.length) return this.all;
    parts.push(this.all);
    return { parts, shared: this.shared!.tree.tree.all };
  }

  /** Whether the target skips duplicates of this keyword (worked out once per keyword, not per block). */
  private readonly skipsSince = new Map<string, boolean>();
  private skipsFrom(keyword: string, since: string): boolean {
    let yes = this.skipsSince.get(keyword);
    if (yes === undefined) this.skipsSince.set(keyword, (yes = compareVersions(this.table.version, since) >= 0));
    return yes;
  }

  /** Whether keepalived skips this top-level block unread, and why. */
  private skipReason(st: Statement): SkipReason | undefined {
    const when = st.def?.kind === 'block' ? SKIPPED_WHEN[st.keyword.text] : undefined;
    if (!when || !this.skipsFrom(st.keyword.text, when.since)) return undefined;
    if (st.args.length !== 1) return when.unnamed ? 'unnamed' : undefined;
    let names = this.names.get(st.keyword.text);
    if (!names) {
      names = new Set();
      this.names.set(st.keyword.text, names);
    }
    if (names.has(st.args[0]!.text)) return 'duplicate';
    names.add(st.args[0]!.text);
    return undefined;
  }

  /**
   * Read past a skipped block as keepalived does: count braces up to the "}" of its "{". Without
   * that "{", keepalived stops skipping at the next line and reads the block as usual (false).
   */
  private skipBlock(st: BlockStatement): boolean {
    this.settle();
    const open = this.lines[this.i];
    if (open?.kind !== 'open') return false;
    this.i++;
    st.open = open.token;
    let depth = 1;
    for (this.settle(); this.i < this.lines.length; this.settle()) {
      const line = this.lines[this.i++]!;
      if (line.kind === 'open') depth++;
      else if (line.kind === 'close' && --depth === 0) {
        st.close = line.token;
        return true;
      }
    }
    this.issues.push({ code: 'unclosed', statement: st });
    return true;
  }

  /** Consume the `{` that must follow a block keyword, or record that it is missing. */
  private expectOpen(st: BlockStatement, missing: 'missing-open' | 'value-block-missing-open'): void {
    this.settle();
    const next = this.lines[this.i];
    if (next?.kind === 'open') {
      st.open = next.token;
      this.i++;
    } else {
      this.issues.push({ code: missing, statement: st, found: next ?? null });
    }
  }

  private enterBlock(st: KeywordBlockStatement, def: KeywordDef, depth: number): void {
    // keepalived: "Missing '{' at beginning of configuration block"; the line is read as the
    // first line inside the block.
    this.expectOpen(st, 'missing-open');
    const scope = this.table.scopeOf(def) ?? { path: def.path, keywords: new Map() };
    st.children = this.block(scope, st, depth + 1);
    if (this.closedBy) st.close = this.closedBy;
  }

  private enterValueBlock(st: ValueBlockStatement): void {
    // virtual_server_group NAME { ... } takes a name; other value blocks take no words before "{".
    const allowed = st.def?.args.max ?? 0;
    if (st.args.length > allowed)
      this.issues.push({ code: 'block-extra-params', statement: st, words: st.args.slice(allowed) });
    this.expectOpen(st, 'value-block-missing-open');
    // (Value blocks hold no blocks: one list, reused, collects the data lines of each.)
    const data = this.valueLines;
    let n = 0;
    for (this.settle(); this.i < this.lines.length; this.settle()) {
      const line = this.lines[this.i++]!;
      if (line.kind === 'close') {
        st.close = line.token;
        break;
      }
      if (line.kind === 'words') data[n++] = line;
    }
    st.setValues(data, n);
    if (!st.close) this.issues.push({ code: 'unclosed', statement: st });
  }
}

export function buildTree(lines: LogicalLine[], table: KeywordTable): ConfigTree {
  const b = new Builder(lines, table, null, null, false);
  const statements = b.block(table.top, null, 0);
  return new PlainTree(statements, b.issues, braceBalance(lines), b.skipped);
}

/**
 * A tree whose list of all its statements is made the first time it is asked for: eachOfTree()
 * walks it without the list (PlainTree, PassTree).
 */
abstract class ListedWhenAsked implements ConfigTree {
  abstract readonly top: Statement[];
  abstract readonly issues: StructureIssue[];
  abstract readonly braces: BraceBalance;
  abstract readonly skipped: SkippedBlock[];
  private list: Statement[] | undefined;

  get all(): Statement[] {
    if (this.list) return this.list;
    const out: Statement[] = [];
    eachOfTree(this, (st) => {
      out.push(st);
    });
    return (this.list = out);
  }
}

/**
 * The tree of one pass read alone: its statements in tree order are its blocks walked depth
 * first (eachOfTree), and the list of them all is made only when asked (10,000 instances: a
 * list of 145,000, with the copies left behind as it grew).
 */
class PlainTree extends ListedWhenAsked {
  constructor(
    readonly top: Statement[],
    readonly issues: StructureIssue[],
    readonly braces: BraceBalance,
    readonly skipped: SkippedBlock[],
  ) {
    super();
  }

  /** `f` for every statement in tree order, with its index (that of `all`), without the list. */
  walk(f: (st: Statement, index: number) => void): void {
    let j = 0;
    const g = (st: Statement): void => f(st, j++);
    for (let i = 0; i < this.top.length; i++) eachUnder(this.top[i]!, g);
  }
}

/**
 * `f` for every statement of `tree` in tree order (that of ConfigTree.all), with its index there,
 * without making that list when the tree has none yet: a pass tree's runs, a one-pass tree's blocks.
 */
export function eachOfTree(tree: ConfigTree, f: (st: Statement, index: number) => void): void {
  if (tree.runs) return eachOfRuns(tree.runs, f);
  if (tree instanceof PlainTree) return tree.walk(f);
  const all = tree.all;
  for (let i = 0; i < all.length; i++) f(all[i]!, i);
}

/** A top-level statement of a shared tree whose lines no `@id` prefix conditions. */
interface Reusable {
  st: Statement;
  /** The shared line index after its last line. */
  end: number;
  allFrom: number;
  allTo: number;
  issuesFrom: number;
  issues: number;
}

/**
 * The tree of a shared reading (src/preprocess/passes.ts): every line, those of every config-id
 * included, with the top-level statements no `@id` line touches, which each pass's tree takes as
 * they are (passTree). `conditioned` has 1 for the lines a `@id` prefix conditions.
 */
export interface SharedTree {
  tree: ConfigTree;
  reusable: Map<number, Reusable>;
}

export function buildSharedTree(lines: LogicalLine[], table: KeywordTable, conditioned: Uint8Array): SharedTree {
  const b = new Builder(lines, table, conditioned);
  const statements = b.block(table.top, null, 0);
  const tree = {
    top: statements,
    issues: b.issues,
    all: b.all,
    braces: braceBalance(lines),
    skipped: b.skipped,
    shared: true,
  };
  return { tree, reusable: b.reusable };
}

/**
 * The tree of one pass of a shared reading, as buildTree(lines) builds it: the top-level
 * statements that no `@id` line touches are the shared tree's own objects; the rest is built
 * here. `lines` are the shared lines, and `dropped` has 1 for those this pass does not have (its
 * `@id` lines for other ids): the pass reads the others. The brace lines are never
 * conditioned (a `@id` line with a brace is read pass by pass), so the brace count is shared too.
 */
export function passTree(
  shared: SharedTree,
  lines: LogicalLine[],
  dropped: Uint8Array,
  table: KeywordTable,
): ConfigTree {
  const b = new Builder(lines, table, null, { tree: shared, dropped });
  const statements = b.block(table.top, null, 0);
  const runs = b.allRuns();
  if (Array.isArray(runs))
    return {
      top: statements,
      issues: b.issues,
      all: runs,
      braces: shared.tree.braces,
      skipped: b.skipped,
      shared: true,
    };
  return new PassTree(statements, b.issues, runs, shared.tree.braces, b.skipped);
}

/**
 * A pass tree's statements in tree order as runs: its own lists and ranges of the shared tree's
 * (statements reused one after the other are one range).
 */
export interface StatementRuns {
  parts: (Statement[] | { from: number; to: number })[];
  shared: Statement[];
}

/**
 * A pass tree whose statement list is made only when asked: the rules and the references walk
 * the runs (src/model/memo forEachStatement). 1173.conf: three lists of 213,000 statements that
 * differed from the shared tree's by one statement each, 5 MB of fresh memory.
 */
class PassTree extends ListedWhenAsked {
  readonly shared = true;

  constructor(
    readonly top: Statement[],
    readonly issues: StructureIssue[],
    readonly runs: StatementRuns,
    readonly braces: BraceBalance,
    readonly skipped: SkippedBlock[],
  ) {
    super();
  }
}

/** `f` for every statement of `runs` in order, with its index among them all. */
export function eachOfRuns(runs: StatementRuns, f: (st: Statement, index: number) => void): void {
  const { parts, shared } = runs;
  let j = 0;
  for (const p of parts) {
    if ('from' in p) for (let i = p.from; i < p.to; i++) f(shared[i]!, j++);
    else for (let i = 0; i < p.length; i++) f(p[i]!, j++);
  }
}

/** A statement and every statement under it, in tree order (that of ConfigTree.all). */
export function eachUnder(st: Statement, f: (st: Statement) => void): void {
  f(st);
  const kids = st.children;
  for (let i = 0; i < kids.length; i++) eachUnder(kids[i]!, f);
}

/** Walk statements depth-first, in source order. */
export function* walk(statements: Statement[]): Generator<Statement> {
  for (const s of statements) {
    yield s;
    yield* walk(s.children);
  }
}

/** The name of the enclosing block for messages: `vrrp_instance VI_1`, `global_defs`, `top level`. */
export function describeScope(st: Statement | null): string {
  if (!st) return 'the top level';
  const name = st.args[0]?.text;
  return name ? `${st.keyword.text} ${name}` : st.keyword.text;
}

export interface BraceBalance {
  /** `{` lines never closed, outermost first. */
  unclosed: Token[];
  /** `}` lines with no `{` to close. */
  extra: Token[];
  /** For each `{` closed, its `}`. */
  pairs: Map<Token, Token>;
  /**
   * The `{` and `}` lines read since the count last stood at zero, in order: a missing `}` can only
   * be for a `{` among them (one missing earlier would have made a later `}` extra). Empty when
   * nothing is unclosed.
   */
  lastRegion: { token: Token; open: boolean }[];
}

/**
 * keepalived's own brace count: only `{` and `}` lines, whatever the keywords. What is unclosed
 * and extra is counted at once; the pairs and the last region, asked for only when a brace is out
 * of place, are worked out when first asked (a big config has hundreds of thousands of braces: a
 * map entry per pair and an object per brace of the region were built for every pass, and read by
 * no rule when every brace is in place).
 */
export function braceBalance(lines: LogicalLine[]): BraceBalance {
  const stack: Token[] = [];
  const extra: Token[] = [];
  let regionStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind === 'open') {
      if (stack.length === 0) regionStart = i;
      stack.push(l.token);
    } else if (l.kind === 'close' && !stack.pop()) extra.push(l.token);
  }
  return new Balance(lines, stack, extra, regionStart);
}

class Balance implements BraceBalance {
  private pairsFound: Map<Token, Token> | undefined;
  private region: { token: Token; open: boolean }[] | undefined;

  constructor(
    private readonly lines: LogicalLine[],
    readonly unclosed: Token[],
    readonly extra: Token[],
    /** Where the count last left zero (the `{` that began the last region). */
    private readonly regionStart: number,
  ) {}

  get pairs(): Map<Token, Token> {
    if (this.pairsFound) return this.pairsFound;
    const pairs = new Map<Token, Token>();
    const stack: Token[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i]!;
      if (l.kind === 'open') stack.push(l.token);
      else if (l.kind === 'close') {
        const o = stack.pop();
        if (o) pairs.set(o, l.token);
      }
    }
    return (this.pairsFound = pairs);
  }

  get lastRegion(): { token: Token; open: boolean }[] {
    if (this.region) return this.region;
    const region: { token: Token; open: boolean }[] = [];
    // From the last `{` read at zero the count never comes back to zero (it ends above it): every
    // brace after it is in the region but the `}` that would bring it to zero, which none does.
    let depth = 0;
    for (let i = this.regionStart; this.unclosed.length && i < this.lines.length; i++) {
      const l = this.lines[i]!;
      if (l.kind === 'open') {
        depth++;
        region.push({ token: l.token, open: true });
      } else if (l.kind === 'close' && depth > 0 && --depth > 0) region.push({ token: l.token, open: false });
    }
    return (this.region = region);
  }
}

/** The keyword scope a statement stands in. */
export function scopeOf(table: KeywordTable, parent: Statement | null): BlockScope {
  if (!parent?.def) return table.top;
  return table.scopeOf(parent.def) ?? { path: parent.def.path, keywords: new Map() };
}

/** Indentation (0-based column of the first non-blank) of the line holding `offset`. */
export function indentationAt(file: { text: string; index: LineIndex }, offset: number): number {
  const start = file.index.lineStart(file.index.position(offset).line);
  let i = start;
  while (i < file.text.length && (file.text[i] === ' ' || file.text[i] === '\t')) i++;
  return file.text.slice(start, i).replace(/\t/g, '        ').length;
}
