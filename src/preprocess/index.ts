/**
 * keepalived's line-level language, applied as lib/parser.c read_line() applies it (SYNTAX.md
 * section 0): decomment, multi-line definitions, `@id` / `@^id`, `$NAME=value`, `~SEQ`/`~LST`,
 * `$NAME` / `${NAME}` substitution, include, brace splitting. Example:
 *
 *   $IF=eth0
 *   ~SEQ(N, 1, 2) vrrp_instance VI_$N { interface $IF }
 *   -> logical lines: [vrrp_instance VI_1] [{] [interface eth0] [}] [vrrp_instance VI_2] [{] ...
 *
 * The parser stage (grammar/ via src/parser) recognises each line's shape; this stage evaluates it
 * for one config-id and keeps, for every word, where it was written and the expansions behind it.
 */
import * as path from 'node:path';
import {
  decomment,
  parseDirective,
  TOKEN_BRACE,
  TOKEN_QUOTED,
  TOKEN_UNTERMINATED,
  TokenColumns,
  type SequenceHead,
} from '../parser/index.js';
import type { FileHost } from '../source/host.js';
import { expandGlob, hasMagic } from '../source/glob.js';
import { LineIndex } from '../source/line-index.js';
import { MappedText, isBlank, type Expansion, type Origin, type Place } from './mapped-text.js';
import type {
  BraceLine,
  ConditionedLines,
  LogicalLine,
  PreprocessResult,
  Problem,
  SourceFile,
  Token,
  WordsLine,
} from './types.js';
import { pathMap, type PathMap } from '../source/paths.js';
import {
  CAP_EFFECT,
  CAP_LIMIT,
  CAP_STOPS_PASS,
  CAP_WHAT,
  ConfigBudget,
  MAX_BRACE_DEPTH,
  MAX_INCLUDE_LOOKUPS_PER_PASS,
  MAX_INCLUDED_FILES_PER_PASS,
  MAX_READS_PER_INCLUDED_FILE,
  MAX_SEQUENCE_VALUES_PER_PASS,
  MAX_WORD_BYTES_PER_PASS,
  MAX_WORDS_PER_CONFIG,
  MAX_WORDS_PER_PASS,
  someNames,
  type BudgetCap,
} from './budget.js';

export * from './types.js';
export { MappedText } from './mapped-text.js';
export * from './budget.js';

export interface PreprocessOptions {
  host: FileHost;
  /** The config-id (`keepalived -i`); null: one that no `@id` line names. */
  configId: string | null;
  /** The folder that stands for `/` when a config names an absolute path. */
  root: string;
  /** `paths:` mappings of router folders to checkout folders (default: everything under root). */
  paths?: PathMap;
  /** Files already read, shared between the passes for several config-ids. */
  files?: Map<string, SourceFile>;
  /** The work budget shared by the passes of one config (a fresh one when absent). */
  budget?: ConfigBudget;
  /**
   * A line with a NUL byte: keepalived 2.4.0+ ignores it whole ("configuration appears to have
   * embedded NULs - ignoring line", true); before, it read the line as a C string, cut at the first
   * NUL (false, the default). The loader sets it from the target version.
   */
  nulDropsLine?: boolean;
  /**
   * One reading for every config-id (preprocessShared; each pass: src/preprocess/passes.ts
   * sharedPass): a `@id` line is read whatever the id and its lines are tagged with the condition,
   * so that each pass is a selection of the same lines. Only for configs whose `@id` lines are
   * plain keyword lines; any other kind of `@id` line (a definition, an include, a brace, a `$`
   * use, `${_INSTANCE}`) makes the reading throw Unshareable, and the passes are read one by one.
   */
  shared?: boolean;
  /**
   * The lines whose text as read (`raw`) is kept, by their first word: the script keywords, whose
   * line keepalived reads again character by character (src/model/script-command.ts). The others
   * keep their words and origin only (the text of a line made by ~SEQ and definitions, with its
   * map of where each piece came from, was most of the memory of 1173.conf). Default: every line.
   */
  rawLines?: (keyword: string) => boolean;
}

/** The config cannot be read once for every config-id (see PreprocessOptions.shared); why. */
export class Unshareable extends Error {}

/** A plain keyword line: no definition, sequence, include, brace or `$` use (see `shared`). */
const SHAREABLE_CONDITIONED = /^(?!include[rmwba]?[ \t])[^${}~]*$/;

/** keepalived reads lines into a 1024-byte buffer (MAXBUF). */
export const MAX_LINE_BYTES = 1023;
const MAX_INCLUDE_DEPTH = 64;
const MAX_SUBSTITUTIONS_PER_LINE = 1000;
/**
 * keepalived stops expanding when a line fills its 1024-byte buffer; 8 times that is more than any
 * real expansion, and bounds the rescanning of a self-referencing definition (`$X=1 } $X`), whose
 * cost grows with the square of the text.
 */
const MAX_EXPANDED_CHARS = 8 * (MAX_LINE_BYTES + 1);
/** What decomment() acts on: a quote, a backslash, a comment character. Lines without are code as they are. */
const DECOMMENT_CHARS = /["\\#!]/;
/**
 * What makes a line more than words and braces as written: what decomment() acts on, a `$`
 * (substitution), a `@` or `~` (a prefix or a sequence, at its start or after a brace), an
 * include. A line without is read by plainLine().
 */
const NOT_PLAIN = /["\\#!$@~]|include/;
/** Text decommented and trimmed (most text has nothing to decomment). */
function withoutComments(m: MappedText): MappedText {
  return (DECOMMENT_CHARS.test(m.text) ? m.fromPieces(decomment(m.text).pieces) : m).trim();
}
/** A `$NAME` reference's name, read where it stands (sticky: no copy of the rest of the line). */
const NAME_AT = /[A-Za-z_][A-Za-z0-9_]*/y;
const MAX_SEQUENCE_VALUES = 100_000;
const INCLUDE_RE = /^(include[rmwba]?)[ \t]+(.*)$/;
/** Text after a brace that the line steps would change: a prefix, definition, sequence, include. */
const RESIDUE_NEEDS_READING = /^([@$~]|include[rmwba]?[ \t])/;
const RESIDUE_AT = /[@$~]|include[rmwba]?[ \t]/y;
const NO_EXPANSIONS: Expansion[] = [];

/**
 * Where words were read: their file and the expansions that put them there. One object for the
 * words of a line, of a file written as it is, of the values of a ~SEQ (Preprocessor.siteOf), in
 * place of two fields in each word: 335,000 words and 108,000 braces at 10,000 instances.
 */
class Site {
  constructor(
    readonly file: string,
    readonly via: Expansion[],
    /** The file read, when it is one (a line written as it is reads its text again from it). */
    readonly source: SourceFile | null,
  ) {}
}

/**
 * An unquoted word that is its own origin (file, start, end): one object per word instead of two
 * (444,000 words at 10,000 instances), and no field for the flags. A word (SourceToken) or a
 * brace line (SourceBraceLine).
 */
abstract class UnquotedToken implements Token, Origin {
  abstract readonly text: string;
  abstract readonly start: number;
  abstract readonly end: number;
  abstract readonly site: Site;

  get file(): string {
    return this.site.file;
  }

  get via(): Expansion[] {
    return this.site.via;
  }

  get quoted(): boolean {
    return false;
  }

  get unterminated(): boolean {
    return false;
  }

  get origin(): Origin {
    return this;
  }
}

/**
 * A word and where it was written, whose text is what stands there (`end` is its start plus its
 * length: no field for it); a quoted one, or one whose text is not what stands at its place (a
 * word made by an expansion), is a FlaggedSourceToken.
 */
class SourceToken extends UnquotedToken {
  constructor(
    readonly text: string,
    readonly start: number,
    readonly site: Site,
  ) {
    super();
  }

  get end(): number {
    return this.start + this.text.length;
  }

  /** A word with TokenColumns' flags (0 for most). */
  static of(text: string, flags: number, start: number, end: number, site: Site): SourceToken {
    return flags & (TOKEN_QUOTED | TOKEN_UNTERMINATED) || end !== start + text.length
      ? new FlaggedSourceToken(text, start, site, end, flags)
      : new SourceToken(text, start, site);
  }
}

/** A word that was quoted (or whose quote is never closed), or whose place is not as long as its text. */
class FlaggedSourceToken extends SourceToken {
  constructor(
    text: string,
    start: number,
    site: Site,
    private readonly endAt: number,
    /** TokenColumns' flags as they are: TOKEN_QUOTED and TOKEN_UNTERMINATED are read (one field for the two). */
    private readonly flags: number,
  ) {
    super(text, start, site);
  }

  override get end(): number {
    return this.endAt;
  }

  override get quoted(): boolean {
    return (this.flags & TOKEN_QUOTED) !== 0;
  }

  override get unterminated(): boolean {
    return (this.flags & TOKEN_UNTERMINATED) !== 0;
  }
}

/**
 * A line of words. Its origin (first word to last) is worked out from its words when asked, and
 * the text of a line written as it is is built again from its file when asked (`raw` is read for
 * script lines only): an origin, a text and its string per line lived as long as the tree
 * (185,000 lines at 10,000 instances). The text of other lines is kept only where
 * PreprocessOptions.rawLines asks for it. A line's expansions are its first word's (every line
 * of 1173.conf and of the generated configs): only a line where they differ keeps its own.
 * A shape per kind of line, each with the fields it needs: a line written as it is is a
 * LiteralWordsLine, the others one of the two below (with the brace line, four shapes of line: what
 * V8 keeps fast).
 */
abstract class SourceWordsLine implements WordsLine {
  constructor(
    readonly keyword: Token,
    /** The statement's args too (one list for both: 213,000 statements in 1173.conf). */
    readonly args: Token[],
  ) {}

  get kind(): 'words' {
    return 'words';
  }

  get tokens(): Token[] {
    return [this.keyword, ...this.args];
  }

  abstract get raw(): MappedText | null;
  abstract get via(): Expansion[];

  /** The last word. */
  protected get last(): Token {
    return this.args.length ? this.args[this.args.length - 1]! : this.keyword;
  }

  /** From the first word to the last (what the line's text maps to there). */
  get lineOrigin(): Origin {
    const first = this.keyword.origin;
    const last = this.last.origin;
    return { file: first.file, start: first.start, end: Math.max(last.end, first.start) };
  }

  /**
   * A line of `words` whose text is m[from, to); `keep`: keep that text when it cannot be built
   * again. The text is sliced only when kept (most lines: no slice).
   */
  static of(
    words: Token[],
    m: MappedText,
    from: number,
    to: number,
    via: Expansion[],
    sf: SourceFile,
    keep: boolean,
  ): WordsLine {
    const keyword = words[0]!;
    const args = words.length > 1 ? words.slice(1) : NO_WORDS;
    const ownVia = via !== keyword.via;
    const lit = m.literalSliceStart(from, to);
    // Written as it is: the text is [first word's start, last word's end) of the file.
    const literal =
      lit !== null &&
      m.file === sf.path &&
      keyword.origin.start === lit.at &&
      words[words.length - 1]!.origin.end === lit.at + (to - from) &&
      sameChars(sf.text, lit.at, m.text, from, to);
    if (
      literal &&
      !ownVia &&
      keyword instanceof SourceToken &&
      !(keyword instanceof FlaggedSourceToken) &&
      keyword.site.source === sf &&
      (lit.via === via || (lit.via.length === 0 && via.length === 0))
    )
      return new LiteralWordsLine(keyword.text, keyword.start, keyword.site, args.length ? args : null, -1);
    // (A line written as it is keeps its text: it always has one.)
    if (ownVia || literal || keep)
      return new MappedWordsLine(keyword, args, via, keep || literal ? m.slice(from, to) : null);
    return new BareWordsLine(keyword, args);
  }
}

/** Whether `a` has b[from, to) at `at` (startsWith without making the substring). */
function sameChars(a: string, at: number, b: string, from: number, to: number): boolean {
  if (at < 0 || at + (to - from) > a.length) return false;
  for (let i = from; i < to; i++) if (a.charCodeAt(at + i - from) !== b.charCodeAt(i)) return false;
  return true;
}

/** The args of a line of one word (shared, frozen: most value lines and many statements). */
const NO_WORDS: Token[] = Object.freeze([]) as unknown as Token[];

/**
 * A line written as it is, with its first word's expansions, whose first word is unquoted and
 * stands as written: the line is that word's Token too (`keyword` is the line itself: the tree
 * and every rule read it; 185,000 words at 10,000 instances were an object of their own), and
 * its text is read again from the file. A word's `origin` is the word alone; the line's span is
 * `lineOrigin`. The words after the first are kept as they were read (`rest` their Tokens, `at`
 * -1), except on a line read by plainLine() (words and braces only: no quote, no expansion),
 * which keeps their texts and where they start and makes them into Tokens each time `args` is
 * asked: most rules read a line's args once, a word read and dropped costs V8 nearly nothing,
 * and a word kept as long as the tree was copied twice by its young generation collector and held
 * 48 bytes (10,000 instances: 150,000 such words). There `rest` is null (one word), the text of
 * the one word after it, or their texts, and `at` where they start, as offsets from the first
 * word packed 10 bits each (a line has at most 1,023 characters): three words at most; a line of
 * more keeps its Tokens.
 */
class LiteralWordsLine extends SourceToken implements WordsLine {
  constructor(
    text: string,
    start: number,
    site: Site,
    private readonly rest: string | string[] | Token[] | null,
    private readonly at: number,
  ) {
    super(text, start, site);
  }

  get kind(): 'words' {
    return 'words';
  }

  get keyword(): Token {
    return this;
  }

  /** Made by plainLine(): no word is quoted. */
  get plain(): boolean {
    return this.at >= 0;
  }

  get args(): Token[] {
    const rest = this.rest;
    if (rest === null) return NO_WORDS;
    if (this.at < 0) return rest as Token[];
    if (typeof rest === 'string') return [this.word(0)];
    // Lists of their size (push would give room for 17).
    return rest.length === 2 ? [this.word(0), this.word(1)] : [this.word(0), this.word(1), this.word(2)];
  }

  get tokens(): Token[] {
    return this.rest === null ? [this] : [this, ...this.args];
  }

  /** The i-th word after the first of a line made by plainLine(). */
  private word(i: number): Token {
    const rest = this.rest as string | string[];
    return typeof rest === 'string'
      ? new SourceToken(rest, this.start + this.at, this.site)
      : new SourceToken(rest[i]!, this.start + ((this.at >> (10 * i)) & 1023), this.site);
  }

  /** Where the last word ends. */
  private get lineEnd(): number {
    const rest = this.rest;
    if (rest === null) return this.end;
    if (this.at < 0) return Math.max((rest as Token[])[rest.length - 1]!.origin.end, this.start);
    if (typeof rest === 'string') return this.start + this.at + rest.length;
    const last = rest.length - 1;
    return this.start + ((this.at >> (10 * last)) & 1023) + (rest as string[])[last]!.length;
  }

  get lineOrigin(): Origin {
    return { file: this.file, start: this.start, end: this.lineEnd };
  }

  get raw(): MappedText {
    const start = this.start;
    // (Made only for a first word whose Site has its file: SourceWordsLine.of, plainLine().)
    const source = this.site.source!;
    return MappedText.literal(source.text.slice(start, this.lineEnd), source.path, start, this.via);
  }

  /** plainLine()'s words: texts[0, n) starting at starts[0, n), in `site`. */
  static plain(texts: string[], starts: number[], n: number, site: Site): LiteralWordsLine {
    const text = texts[0]!;
    const k = starts[0]!;
    if (n === 1) return new LiteralWordsLine(text, k, site, null, 0);
    if (n === 2) return new LiteralWordsLine(text, k, site, texts[1]!, starts[1]! - k);
    if (n <= 4 && starts[n - 1]! - k < 1024) {
      let at = 0;
      for (let i = 1; i < n; i++) at |= (starts[i]! - k) << (10 * (i - 1));
      return new LiteralWordsLine(text, k, site, texts.slice(1, n), at);
    }
    const words: Token[] = [];
    for (let i = 1; i < n; i++) words.push(new SourceToken(texts[i]!, starts[i]!, site));
    return new LiteralWordsLine(text, k, site, words, -1);
  }
}

/** A line whose text is not kept (not asked for, and not in a file as it is). */
class BareWordsLine extends SourceWordsLine {
  get via(): Expansion[] {
    return this.keyword.via;
  }

  get raw(): null {
    return null;
  }
}

/** Any other line: its expansions, and its text as read when kept. */
class MappedWordsLine extends SourceWordsLine {
  constructor(
    keyword: Token,
    args: Token[],
    readonly via: Expansion[],
    /** The text as read, when kept. */
    readonly raw: MappedText | null,
  ) {
    super(keyword, args);
  }
}

/**
 * A brace alone: the line is its token, and the token its origin (2 of every 5 lines: a line of
 * 40 bytes and a token of 72 were 120,000 pairs in 1173.conf). An unquoted `{` or `}` word.
 */
class SourceBraceLine extends UnquotedToken implements BraceLine {
  /** Its kind and its length in one number: (end - start) * 2, plus 1 for "{" (48 bytes a brace, not 56). */
  private readonly span: number;

  constructor(
    kind: 'open' | 'close',
    readonly start: number,
    end: number,
    readonly site: Site,
  ) {
    super();
    this.span = (end - start) * 2 + (kind === 'open' ? 1 : 0);
  }

  get kind(): 'open' | 'close' {
    return this.span & 1 ? 'open' : 'close';
  }

  get end(): number {
    return this.start + (this.span >> 1);
  }

  get text(): string {
    return this.span & 1 ? '{' : '}';
  }

  copy(): SourceBraceLine {
    return new SourceBraceLine(this.kind, this.start, this.end, this.site);
  }

  get token(): Token {
    return this;
  }

  get tokens(): [Token] {
    return [this];
  }

  get lineOrigin(): Origin {
    return this;
  }
}

/**
 * Expansion chains by the numbers that say what they are (Preprocessor.extendWith): the outer
 * chain's id, the name's, the use's file id, start and end, and the same three of where the name
 * is defined (-1 when not). Written into `key`, then get() or add(): no key string or list per
 * lookup. Example: key = [0, 3, 0, 120, 124, 0, 10, 40] -> the chain made for those numbers.
 */
class ChainTable {
  readonly key = new Float64Array(8);
  private readonly buckets = new Map<number, ChainEntry>();

  private hash(): number {
    const k = this.key;
    let h = FNV_START;
    for (let i = 0; i < 8; i++) h = fnvStep(h, k[i]!);
    return h & 0x3fffffff;
  }

  get(): Expansion[] | undefined {
    for (let e: ChainEntry | null | undefined = this.buckets.get(this.hash()); e; e = e.next)
      if (this.matches(e.key)) return e.chain;
    return undefined;
  }

  add(chain: Expansion[]): void {
    const h = this.hash();
    this.buckets.set(h, { key: this.key.slice(), chain, next: this.buckets.get(h) ?? null });
  }

  private matches(other: Float64Array): boolean {
    const k = this.key;
    for (let i = 0; i < 8; i++) if (k[i] !== other[i]) return false;
    return true;
  }
}

/** FNV-1a over 32-bit numbers: the hashes of ChainTable and Preprocessor.valuesHash. */
const FNV_START = 0x811c9dc5;
function fnvStep(h: number, v: number): number {
  return Math.imul(h ^ v, 0x01000193);
}

interface ChainEntry {
  key: Float64Array;
  chain: Expansion[];
  next: ChainEntry | null;
}

/**
 * A `$NAME=` definition, or a value of a ~SEQ/~LST. One of one line is never changed (a sequence
 * sets the same object again each time it reaches that value: sequence()); the lines of a
 * multi-line one are added while it is being read.
 */
interface Definition {
  name: string;
  /** Value lines: one for an ordinary definition, more for a multi-line one. */
  lines: MappedText[];
  multiline: boolean;
  definedAt: Origin;
}

/**
 * The value lines after the first of a multi-line definition used at `use` (read by extraLine):
 * `chains` has one chain per line it had when used (`values` may be its own list, which grows).
 */
interface ExtraLines {
  values: MappedText[];
  chains: Expansion[][];
  use: Origin;
  file: string;
}

/**
 * A text read at a place (Preprocessor.remembered): a value line of a multi-line definition or
 * what follows a ~SEQ, its expansion chain, the file it is read as, the outer expansions and the
 * depth of reading. A text read again with the same map at the same place is the same reading.
 */
interface ReadPlace {
  source: MappedText;
  chain: Expansion[];
  file: string;
  sf: SourceFile;
  via: Expansion[];
  depth: number;
}

/** What a text read at one place gave (Preprocessor.remembered), and what it looked up. */
interface Replay {
  place: ReadPlace;
  /** The conditional-line flag before and after the reading. */
  conditional: boolean;
  conditionalAfter: boolean;
  /** name, the definition found (undefined: none) and its number of lines, for each lookup in order. */
  defs: (string | Definition | number | undefined)[];
  lines: LogicalLine[];
  words: number;
  bytes: number;
  /**
   * Its braces as keepalived's count sees them from a count of `low` or more: the count goes `rise`
   * above where it began at most and ends `net` from it; `low` is how far below where it began a
   * `}` would take it (null: the lines hold no brace).
   */
  braces: { rise: number; net: number; low: number } | null;
}

/** A reading's braces (Replay.braces), worked out once when it is kept. */
function braceProfile(lines: readonly LogicalLine[]): Replay['braces'] {
  let depth = 0;
  let rise = 0;
  let low = 0;
  let any = false;
  for (let i = 0; i < lines.length; i++) {
    const kind = lines[i]!.kind;
    if (kind === 'words') continue;
    any = true;
    if (kind === 'open') rise = Math.max(rise, ++depth);
    else low = Math.min(low, --depth);
  }
  return any ? { rise, net: depth, low } : null;
}

/**
 * The readings kept of one text at one place (one per set of values it was read with), found by
 * the values of the definitions they looked up: `names` are those of the first one kept, and those
 * that looked up other names are searched one by one.
 */
interface ReplaySlot {
  names: string[];
  byValues: Map<number, Replay[]>;
  others: Replay[];
  size: number;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Kept readings of one text at one place (1173.conf: a ~SEQ of 100 values, read in each of 300 virtual servers). */
const MAX_REPLAYS_PER_PLACE = 1_000;
/** Values of sequences whose definitions are kept for reading the head again, in a pass. */
const MAX_SEQUENCE_DEFS_KEPT = 100_000;
/** Kept readings in a pass (beyond, what is not kept is read every time). */
const MAX_REPLAYS_KEPT = 50_000;
const NO_DEFS: Replay['defs'] = [];
/** Kept readings of one text at one place that looked up other names than the first (searched one by one). */
const MAX_OTHER_NAMES = 16;

interface OpenMultiline {
  def: Definition;
}

class Preprocessor {
  readonly lines: LogicalLine[] = [];
  readonly problems: Problem[] = [];
  readonly conditionIds = new Set<string>();
  /** Shared reading: the lines each `@id` prefix conditions, in order. */
  readonly conditioned: ConditionedLines[] = [];
  /** Shared reading: a `@id` line was read (from then on, the passes may read differently). */
  private sawCondition = false;
  /** Shared reading: `${_INSTANCE}` was used (it is the config-id: each pass reads it differently). */
  private usedConfigId = false;
  readonly files: Map<string, SourceFile>;
  private readonly defs = new Map<string, Definition>();
  private multiline: OpenMultiline | null = null;
  private readonly includeStack: string[] = [];
  /**
   * The real paths of includeStack: a file reached again through another path (`up/conf.d/f0.conf`
   * where `up -> ..`) is the same file, and including it from itself is a loop however it is named.
   */
  private readonly realStack: string[] = [];
  private readonly realPaths = new Map<string, string>();
  /** Reading the pieces of a line longer than keepalived's buffer. */
  private inLongLine = false;
  /** Lines a ~SEQ/~LST of the current physical line has produced so far. */
  private sequenceLines = 0;
  /** The line being read had a matching @id prefix. */
  private conditionalLine = false;
  /** Where each id of conditionIds was first named (the `@id` prefix). */
  readonly conditionAt = new Map<string, Origin>();
  // The work budget of this pass (src/preprocess/budget.ts); `stopped` ends the pass.
  private readonly budget: ConfigBudget;
  private includedFiles = 0;
  /** File-system questions the include lines of this pass may still ask (globs, stats, lists). */
  private readonly lookups = { left: MAX_INCLUDE_LOOKUPS_PER_PASS };
  private readonly readsOf = new Map<string, number>();
  /** Words read so far in this pass (brace lines count one each). */
  words = 0;
  private wordBytes = 0;
  private sequenceValues = 0;
  /** Definitions found to refer to themselves (or to each other) in this pass. */
  private readonly recursiveDefs = new Set<string>();
  /**
   * Those definitions as they stood (a name defined again is a new Definition): a use of one of
   * them is said at once, not substituted MAX_SUBSTITUTIONS_PER_LINE times again (`$A=$A` used
   * on each line of a ~SEQ of 50,000 values took 20 s).
   */
  private readonly recursiveDefinitions = new Set<Definition>();
  private recursiveSequenceSaid = false;
  private braceDepth = 0;
  /** The include line being read (fan-out accounting in processFile). */
  private includeLine: { origin: Origin; via: Expansion[] } | null = null;
  stopped: BudgetCap | null = null;
  private readonly capsHit = new Set<BudgetCap>();
  /** The definitions of each value of a ~SEQ/~LST head, by its chain and its arguments (sequence()). */
  private readonly sequenceDefs = new Map<
    Expansion[],
    Map<string, { rows: [string, string][][]; defs: (Definition[] | undefined)[] }>
  >();
  private sequenceDefsKept = 0;
  /** Readings kept for giving again, by the place (its expansion chain) and the text read (remembered()). */
  private readonly replays = new Map<Expansion[], Map<string, ReplaySlot>>();
  private replayCount = 0;
  /** While remembered() records (nested: recording > 1): the definitions looked up (lookup()). */
  private readonly defsRead: (string | Definition | number | undefined)[] = [];
  private recording = 0;
  /** Counts what else than words and braces reading did (a problem, an include, a line read again...). */
  private effects = 0;

  private readonly paths: PathMap;

  constructor(private readonly opts: PreprocessOptions) {
    this.files = opts.files ?? new Map();
    this.paths = opts.paths ?? pathMap(opts.root);
    this.budget = opts.budget ?? new ConfigBudget();
  }

  /**
   * A cap of the budget is reached at `origin`: report it once per pass. A cap on memory stops
   * the pass; a cap on a kind of expansion (includes, sequences) only skips more of that kind.
   */
  private exceed(cap: BudgetCap, origin: Origin, via: Expansion[], extra: Problem['data'] = {}): void {
    this.effects++;
    if (this.stopped || this.capsHit.has(cap)) return;
    // Caps count what one pass reads; a shared reading reads more once a `@id` line was read: the
    // passes are then read one by one. Before, it reads what the pass for none of the ids reads.
    if (this.opts.shared) this.notShared(`budget cap ${cap}`);
    this.capsHit.add(cap);
    const stops = CAP_STOPS_PASS[cap];
    if (stops) this.stopped = cap;
    // Only the config's own words end the other passes too; a pass's caps hold for that pass.
    if (cap === 'config-words') this.budget.exhausted = cap;
    this.problem('budget-exceeded', origin, via, {
      ...extra,
      cap,
      limit: CAP_LIMIT[cap],
      what: CAP_WHAT[cap],
      effect: CAP_EFFECT[cap],
      stops: stops ? 'yes' : 'no',
    });
  }

  /**
   * Expansion chains, one array per distinct chain: a ~SEQ repeats the same expansions for each
   * of its values, and 1173.conf's 30,000 real servers would otherwise hold 86,000 copies of a
   * handful of chains (16 MB). Keys are numbers: an id per chain, per name, per file.
   */
  private readonly ids = new Map<string, number>();

  /** The tokens of the line being read (wordsAndBraces). */
  private readonly columns = new TokenColumns();
  /**
   * Words read with a `"` never closed (every word of every line is made here, a line given again
   * by replay() included): none, and no line needs looking at for them (unterminatedLines).
   */
  unterminatedWords = 0;
  /** replay() gave a brace line again (PreprocessResult.bracesGivenAgain). */
  bracesGivenAgain = false;
  /** plainLine(): the texts and places of the words read since the last brace, reused from line to line. */
  private readonly plainTexts: string[] = [];
  private readonly plainStarts: number[] = [];
  private plainCount = 0;
  /** The words of the line being split (wordsAndBraces), reused from line to line. */
  private readonly wordsRead: Token[] = [];
  /** Where a word of an expanded line was written (reused: written for every word). */
  private readonly place: Place = { file: '', start: 0, end: 0, via: NO_EXPANSIONS };

  /** The Site of each file and expansion chain read (siteOf), by chain. */
  private readonly sites = new Map<Expansion[], Site[]>();
  private lastSite = new Site('', NO_EXPANSIONS, null);

  /**
   * The one Site for words of `file` put there by `via`. A line's words, a file's lines and the
   * values of a ~SEQ mostly share one: the last is tried first.
   */
  private siteOf(file: string, via: Expansion[]): Site {
    const last = this.lastSite;
    if (last.via === via && last.file === file) return last;
    let list = this.sites.get(via);
    if (!list) this.sites.set(via, (list = []));
    let site = list.find((s) => s.file === file);
    if (!site) list.push((site = new Site(file, via, this.files.get(file) ?? null)));
    this.lastSite = site;
    return site;
  }

  /**
   * One string per distinct short word: a config repeats its keywords and values (10,000
   * instances: 444,000 words, a few thousand distinct), and each word kept its own copy.
   */
  private readonly wordTexts = new Map<string, string>();
  private word(text: string): string {
    if (text.length > 32) return text;
    const known = this.wordTexts.get(text);
    if (known !== undefined) return known;
    if (this.wordTexts.size < 100_000) this.wordTexts.set(text, text);
    return text;
  }

  private idOf(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) this.ids.set(text, (id = this.ids.size));
    return id;
  }

  /**
   * What the text between `${` and `}` refers to, per text (a ~SEQ repeats the same few: 120,000
   * `${_RANDOM 1 10}` and the like in 1173.conf, each read with two regexes and a split).
   */
  private readonly bracedRefs = new Map<string, BracedReference | null>();

  /** idOf(kind + name) without making that string (once per substitution). */
  private readonly nameIds = new Map<string, Map<string, number>>();
  private nameId(kind: string, name: string): number {
    let byName = this.nameIds.get(kind);
    if (!byName) this.nameIds.set(kind, (byName = new Map()));
    let id = byName.get(name);
    if (id === undefined) byName.set(name, (id = this.idOf(kind + name)));
    return id;
  }

  private readonly chainIds = new Map<Expansion[], number>([[NO_EXPANSIONS, 0]]);
  private readonly chains = new ChainTable();
  private lastChainId = 0;

  /** The id of a chain: of the same expansions made here, for a chain not made here (an empty one). */
  private chainId(outer: Expansion[]): number {
    let outerId = this.chainIds.get(outer);
    if (outerId === undefined) {
      const same = outer.reduce<Expansion[]>((c, e) => this.extend(c, e), NO_EXPANSIONS);
      outerId = same === NO_EXPANSIONS ? 0 : this.chainIds.get(same)!;
      this.chainIds.set(outer, outerId);
    }
    return outerId;
  }

  /** `[...outer, exp]`, the same array for the same expansions. */
  private extend(outer: Expansion[], exp: Expansion): Expansion[] {
    return this.extendWith(outer, exp.kind, exp.name, exp.use, exp.definedAt, exp);
  }

  /**
   * extend() of the expansion these fields make, built only when the chain is new (a ~SEQ makes the
   * same substitutions over and over: 30,000 real servers of 1173.conf). Looked up by numbers
   * (names and paths as small ids): asked for every substitution.
   */
  private extendWith(
    outer: Expansion[],
    kind: Expansion['kind'],
    name: string,
    use: Origin,
    d: Origin | undefined,
    made?: Expansion,
  ): Expansion[] {
    const key = this.chains.key;
    key[0] = this.chainId(outer);
    key[1] = this.nameId(kind, name);
    key[2] = this.idOf(use.file);
    key[3] = use.start;
    key[4] = use.end;
    key[5] = d ? this.idOf(d.file) : -1;
    key[6] = d ? d.start : -1;
    key[7] = d ? d.end : -1;
    let chain = this.chains.get();
    if (!chain) {
      const exp: Expansion = made ?? (d ? { kind, name, use, definedAt: d } : { kind, name, use });
      chain = [...outer, exp];
      this.chains.add(chain);
      this.chainIds.set(chain, ++this.lastChainId);
    }
    return chain;
  }

  /** Shared reading: what each pass reads differently; after a `@id` line, the passes are read alone. */
  private notShared(why: string): void {
    if (this.sawCondition) throw new Unshareable(why);
  }

  /** Charge the words of one line to the pass and to the config; false when a cap is reached. */
  private spendWords(count: number, bytes: number, m: MappedText, via: Expansion[]): boolean {
    const cap = this.wordsCap(count, bytes);
    this.words += count;
    this.wordBytes += bytes;
    this.budget.words += count;
    if (cap === null) return true;
    const o = m.origin(0, m.length);
    this.exceed(cap, o.origin, o.via.length ? o.via : via);
    return false;
  }

  /** The cap of the budget that `count` more words of `bytes` would go past, if any. */
  private wordsCap(count: number, bytes: number): BudgetCap | null {
    return this.words + count > MAX_WORDS_PER_PASS
      ? 'words'
      : this.budget.words + count > MAX_WORDS_PER_CONFIG
        ? 'config-words'
        : this.wordBytes + bytes > MAX_WORD_BYTES_PER_PASS
          ? 'word-bytes'
          : null;
  }

  loadFile(file: string): SourceFile | { error: string } {
    const known = this.files.get(file);
    if (known) return known;
    const r = this.opts.host.readText(file);
    if (!r.ok) return { error: r.reason };
    const sf: SourceFile = { path: file, text: r.text, index: new LineIndex(r.text), encoding: r.encoding };
    this.files.set(file, sf);
    return sf;
  }

  processFile(sf: SourceFile): void {
    if (this.stopped) return;
    // Fan-out: each time an included file is read counts, however often the same file comes back.
    if (this.includeStack.length > 0 && ++this.includedFiles > MAX_INCLUDED_FILES_PER_PASS) {
      // Reported once, at the include line that reached the cap; the includes after it are skipped.
      const at = this.includeLine ?? { origin: { file: sf.path, start: 0, end: 0 }, via: [] };
      this.exceed('included-files', at.origin, at.via);
      return;
    }
    // By real path: the same file reached through a linked folder is the same file.
    const real = this.includeStack.length > 0 ? this.realOf(sf.path) : sf.path;
    const reads = this.includeStack.length > 0 ? (this.readsOf.get(real) ?? 0) + 1 : 0;
    if (reads > MAX_READS_PER_INCLUDED_FILE) {
      const at = this.includeLine ?? { origin: { file: sf.path, start: 0, end: 0 }, via: [] };
      this.exceed('file-reads', at.origin, at.via);
      return;
    }
    if (reads) this.readsOf.set(real, reads);
    // The include line reading this file, again once the file's own include lines are done.
    const includer = this.includeLine;
    this.includeStack.push(sf.path);
    this.realStack.push(this.realOf(sf.path));
    const text = sf.text;
    let lineStart = 0;
    while (lineStart <= text.length) {
      let nl = text.indexOf('\n', lineStart);
      if (nl === -1) nl = text.length;
      let lineText = text.slice(lineStart, nl);
      if (lineText.endsWith('\r')) lineText = lineText.slice(0, -1);
      this.physicalLine(sf, lineText, lineStart);
      if (nl >= text.length || this.stopped) break;
      lineStart = nl + 1;
    }
    this.includeStack.pop();
    this.realStack.pop();
    this.includeLine = includer;
  }

  private realOf(file: string): string {
    let real = this.realPaths.get(file);
    if (real === undefined) {
      real = this.opts.host.realpath(file);
      this.realPaths.set(file, real);
    }
    return real;
  }

  private problem(code: Problem['code'], origin: Origin, via: Expansion[], data: Problem['data'] = {}): void {
    this.effects++;
    this.problems.push({ code, origin, via, data });
  }

  private physicalLine(sf: SourceFile, lineText: string, at: number): void {
    this.sequenceLines = 0;
    if (lineText.length === 0) {
      // An empty line ends a multi-line definition (2.0.15+).
      if (this.multiline) this.multiline = null;
      return;
    }
    const end = at + lineText.length;
    const nul = lineText.indexOf('\0');
    if (nul !== -1) {
      if (this.opts.nulDropsLine) {
        this.problem('nul-bytes', { file: sf.path, start: at, end }, [], { cut: 'no' });
        return;
      }
      // fgets() reads the whole line, strlen() ends it at the NUL: the rest is lost, unreported.
      this.problem('nul-bytes', { file: sf.path, start: at + nul, end }, [], {
        cut: 'yes',
        kept: lineText.slice(0, nul).trim(),
      });
      this.physicalLine(sf, lineText.slice(0, nul), at);
      return;
    }
    // A character is at most 3 bytes (a pair of surrogates 4): a short line is not counted.
    const bytes = lineText.length * 3 <= MAX_LINE_BYTES ? 0 : Buffer.byteLength(lineText, sf.encoding);
    if (bytes > MAX_LINE_BYTES && !this.inLongLine) {
      // keepalived up to 2.3 reads a long line in 1023-byte pieces, each read as a line of its own
      // (2.4 drops it); reading it the same way also keeps the work per line bounded.
      this.problem('line-too-long', { file: sf.path, start: at, end }, [], { bytes });
      const buf = Buffer.from(lineText, sf.encoding);
      let charAt = 0;
      this.inLongLine = true;
      for (let b = 0; b < buf.length; b += MAX_LINE_BYTES) {
        const piece = buf.subarray(b, b + MAX_LINE_BYTES).toString(sf.encoding);
        this.physicalLine(sf, piece, at + charAt);
        charAt += piece.length;
      }
      this.inLongLine = false;
      return;
    }
    // Most lines are words and braces as written (a generated config of 10,000 instances: every
    // line): read straight into tokens and lines.
    if (!this.multiline && !this.stopped && !NOT_PLAIN.test(lineText) && this.plainLine(sf, lineText, at)) return;
    const src = MappedText.literal(lineText, sf.path, at);
    // Most lines have no quote, backslash or comment: nothing to decomment.
    if (!DECOMMENT_CHARS.test(lineText)) {
      this.code(sf, src.trim());
      return;
    }
    const dc = decomment(lineText);
    if (dc.unterminatedQuoteAt !== null) {
      this.problem('unterminated-quote', { file: sf.path, start: at + dc.unterminatedQuoteAt, end }, [], {
        line: lineText,
      });
    }
    for (const p of dc.pieces) {
      if (p.text.length === 1 && (p.text === '#' || p.text === '!') && lineText[p.at - 1] === '\\') {
        this.problem('escaped-comment-char', { file: sf.path, start: at + p.at - 1, end: at + p.at + 1 }, [], {
          char: p.text,
        });
      }
    }
    this.code(sf, src.fromPieces(dc.pieces).trim());
  }

  /**
   * A physical line of words and braces only (no NOT_PLAIN, no open multi-line definition), read
   * as code(), logicalText(), content() and wordsAndBraces() read it, without the text objects
   * they pass around: its words are the file's text where they stand, so each line of words is a
   * LiteralWordsLine. False, with nothing done, when a cap of the budget would be reached on it:
   * the line is then read the usual way, which reports the cap.
   */
  private plainLine(sf: SourceFile, lineText: string, at: number): boolean {
    const cols = this.columns;
    const count = cols.tokenize(lineText);
    // Blanks only: code() has nothing to read.
    if (count === 0) return true;
    // The trimmed text, as spendWords() counts it: from the first word to the last.
    const bytes = cols.end[count - 1]! - cols.start[0]!;
    let opens = 0;
    for (let k = 0; k < count; k++) if (cols.flags[k]! & TOKEN_BRACE && cols.text[k] === '{') opens++;
    // A line written as it is reads its text again from its file: the Site must have it.
    const site = this.siteOf(sf.path, NO_EXPANSIONS);
    if (this.wordsCap(count, bytes) !== null || this.braceDepth + opens > MAX_BRACE_DEPTH || site.source !== sf)
      return false;
    this.effects++;
    this.conditionalLine = false;
    this.words += count;
    this.wordBytes += bytes;
    this.budget.words += count;
    this.plainCount = 0;
    for (let k = 0; k < count; k++) {
      const start = at + cols.start[k]!;
      if (cols.flags[k]! & TOKEN_BRACE) {
        const open = cols.text[k] === '{';
        if (open) this.braceDepth++;
        else if (this.braceDepth > 0) this.braceDepth--;
        this.flushPlain(site);
        this.lines.push(new SourceBraceLine(open ? 'open' : 'close', start, start + 1, site));
      } else {
        this.plainTexts[this.plainCount] = this.word(cols.text[k]!);
        this.plainStarts[this.plainCount++] = start;
      }
    }
    this.flushPlain(site);
    return true;
  }

  /** plainLine(): the words read since the last brace as a line, if any (what flushWords() makes of them). */
  private flushPlain(site: Site): void {
    const n = this.plainCount;
    if (n === 0) return;
    // Unquoted words as written: each ends where its text does.
    this.lines.push(LiteralWordsLine.plain(this.plainTexts, this.plainStarts, n, site));
    this.plainCount = 0;
  }

  /** A physical line's code, comments gone. */
  private code(sf: SourceFile, code: MappedText): void {
    // A line that is only a comment is skipped, even inside a multi-line definition.
    if (code.length === 0) return;
    if (this.multiline) {
      const def = this.multiline.def;
      const more = code.text.endsWith('\\');
      def.lines.push(more ? code.slice(0, code.length - 1).trim() : code);
      if (!more) this.multiline = null;
      return;
    }
    this.logicalText(sf, code, NO_EXPANSIONS, 0);
  }

  /** Steps 5-12 of read_line() on decommented text. */
  private logicalText(sf: SourceFile, m: MappedText, via: Expansion[], depth: number): void {
    this.effects++;
    if (depth > 20 || this.stopped) return;
    // No prefix, definition or sequence can start otherwise (the text is trimmed): plain content.
    const first = m.text.charCodeAt(0);
    if (first !== 0x40 /* @ */ && first !== 0x24 /* $ */ && first !== 0x7e /* ~ */ && !isBlank(m.text[0] ?? ' ')) {
      this.conditionalLine = false;
      this.content(sf, m, via, depth);
      this.conditionalLine = false;
      return;
    }
    const d = parseDirective(m.text);
    let body = m;
    if (d.condition) {
      if (!this.conditionIds.has(d.condition.id)) {
        this.conditionIds.add(d.condition.id);
        this.conditionAt.set(d.condition.id, m.origin(0, m.text.slice(0, d.condition.end).trimEnd().length).origin);
      }
      body = m.slice(d.condition.end);
      if (this.opts.shared) {
        if (d.body.kind !== 'content' || !SHAREABLE_CONDITIONED.test(body.text.trimStart())) {
          throw new Unshareable(`a conditioned ${d.body.kind === 'content' ? 'line' : d.body.kind}`);
        }
        if (this.capsHit.size || this.stopped) throw new Unshareable('a budget cap before a conditioned line');
        if (this.usedConfigId) throw new Unshareable('${_INSTANCE} before a conditioned line');
        this.sawCondition = true;
        const from = this.lines.length;
        const words = this.words;
        this.conditionalLine = true;
        this.content(sf, body, via, depth);
        this.conditionalLine = false;
        const { id, negated } = d.condition;
        if (this.lines.length > from)
          this.conditioned.push({ from, to: this.lines.length, id, negated, words: this.words - words });
        return;
      }
      const matches = d.condition.id !== '' && d.condition.id === this.opts.configId;
      if (matches === d.condition.negated) return;
    }
    const b = d.body;
    const offset = d.condition ? d.condition.end : 0;
    switch (b.kind) {
      case 'definition': {
        const value = m.slice(b.valueStart).trim();
        const multiline = value.text.endsWith('\\');
        const def: Definition = {
          name: b.name,
          lines: [multiline ? value.slice(0, value.length - 1).trim() : value],
          multiline,
          definedAt: m.origin(offset, m.length).origin,
        };
        this.defs.set(b.name, def);
        if (multiline) this.multiline = { def };
        return;
      }
      case 'sequence':
        this.sequence(sf, m, b.heads, 0, m.slice(b.contentStart), via, depth);
        return;
      case 'content':
        this.conditionalLine = d.condition !== null;
        this.content(sf, body, via, depth);
        this.conditionalLine = false;
    }
  }

  private sequence(
    sf: SourceFile,
    whole: MappedText,
    heads: SequenceHead[],
    i: number,
    rest: MappedText,
    via: Expansion[],
    depth: number,
  ): void {
    if (this.stopped) return;
    if (i >= heads.length) {
      // Chained sequences multiply: bound the lines one physical line may produce.
      if (++this.sequenceLines === MAX_SEQUENCE_VALUES + 1) {
        const h = heads[0]!;
        this.problem('sequence-invalid', whole.origin(h.start, h.end).origin, via, {
          head: heads.map((x) => `${x.kind}(${x.args})`).join(' '),
          reason: `these sequences produce more than ${MAX_SEQUENCE_VALUES} lines`,
          effect: LINTER_LIMIT,
        });
      }
      if (this.sequenceLines > MAX_SEQUENCE_VALUES) return;
      // ... and all the sequence lines of a pass together.
      if (++this.sequenceValues > MAX_SEQUENCE_VALUES_PER_PASS) {
        const h = heads[0]!;
        this.exceed('sequence-values', whole.origin(h.start, h.end).origin, via);
        return;
      }
      const place = { source: rest, chain: via, file: rest.file, sf, via, depth };
      this.remembered(place, null);
      return;
    }
    const head = heads[i]!;
    // Once the pass's sequence values are spent, a ~SEQ line is not even counted out.
    if (this.capsHit.has('sequence-values')) return;
    const { origin: headOrigin, via: headVia } = whole.origin(head.start, head.end);
    // A ~SEQ that a self-referencing definition put at the start of a line: each of its values
    // repeats the rest, which holds the next copy of the same ~SEQ, so the lines multiply without
    // end (keepalived 2.2.7 -t never finishes, tested). Said once per pass, and not expanded.
    const recursive = headVia.find((e) => e.kind === 'definition' && this.recursiveDefs.has(e.name));
    if (recursive) {
      if (!this.recursiveSequenceSaid) {
        this.recursiveSequenceSaid = true;
        this.problem('sequence-invalid', headOrigin, via, {
          head: `${head.kind}(${head.args})`,
          reason: `it comes from $${recursive.name}, which refers to itself, so its copies nest without end`,
          effect:
            'keepalived never finishes reading the configuration (keepalived -t hangs too); ' +
            'this linter does not expand these lines. Fix: remove the self-reference',
        });
      }
      return;
    }
    const args = this.substitute(MappedText.literal(head.args, sf.path, headOrigin.start), via).text;
    const chain = this.extend(via, { kind: 'sequence', name: `${head.kind}(${head.args})`, use: headOrigin });
    // The definitions of each value: the same objects each time this head is read with these
    // arguments (1173.conf reads `~SEQ(RS2,1,100)` in each of 300 virtual servers).
    const key = `${sf.path}\0${head.kind}\0${args}`;
    let byArgs = this.sequenceDefs.get(chain);
    let seq = byArgs?.get(key);
    if (!seq) {
      const values = sequenceValues(head.kind, args);
      if ('error' in values) {
        const effect =
          values.effect ??
          `keepalived reports "Invalid ${head.kind === '~LST' ? '~LST' : '~SEQ'} specification" and drops the line`;
        this.problem('sequence-invalid', headOrigin, via, {
          head: `${head.kind}(${head.args})`,
          reason: values.error,
          effect,
        });
        return;
      }
      seq = { rows: values.rows, defs: [] };
      if (this.sequenceDefsKept + seq.rows.length <= MAX_SEQUENCE_DEFS_KEPT) {
        this.sequenceDefsKept += seq.rows.length;
        if (!byArgs) this.sequenceDefs.set(chain, (byArgs = new Map()));
        byArgs.set(key, seq);
      }
    }
    const { rows, defs } = seq;
    for (let r = 0; r < rows.length; r++) {
      // Made when the value is first reached (a cap may stop the sequence before the end).
      const assignment = (defs[r] ??= rows[r]!.map(([name, value]) => ({
        name,
        lines: [MappedText.synthetic(value, sf.path, headOrigin, chain)],
        multiline: false,
        definedAt: headOrigin,
      })));
      for (let k = 0; k < assignment.length; k++) this.defs.set(assignment[k]!.name, assignment[k]!);
      this.sequence(sf, whole, heads, i + 1, rest, chain, depth);
      if (this.stopped || this.capsHit.has('sequence-values')) return;
    }
  }

  private content(sf: SourceFile, m0: MappedText, via: Expansion[], depth: number): void {
    const { text: substituted, extra } = this.substituteWithMultiline(m0, via);
    let m = substituted;
    if (m !== m0) {
      // Substitution may have brought `#`, `!`, or a line that is itself a `@id` line, a
      // definition or a sequence: read it again from the conditional step (2.2.7 does).
      m = withoutComments(m);
      if (/^[@$~]/.test(m.text) && m.text !== m0.text) this.logicalText(sf, m, via, depth + 1);
      // One level deeper: text after a brace is read again and substituted again, so a
      // definition that expands to `} $X` would otherwise be re-read without end.
      else if (m.length > 0) this.wordsAndBraces(sf, m, via, depth + 1);
    } else if (m.length > 0) this.wordsAndBraces(sf, m, via, depth);
    // The lines the definition had when used: one still open (its lines are the file's next ones)
    // can grow while these are read, through an include among them.
    if (extra)
      for (let k = 1; k < extra.chains.length; k++)
        this.extraLine(sf, extra.values[k]!, extra.chains[k]!, extra.use, extra.file, via, depth + 1);
  }

  /**
   * The value line `l` of a multi-line definition used at `use`, read as a line of its own (its
   * expansion chain `chain`), as logicalText() reads it; kept for reading again (remembered()).
   */
  private extraLine(
    sf: SourceFile,
    l: MappedText,
    chain: Expansion[],
    use: Origin,
    file: string,
    via: Expansion[],
    depth: number,
  ): void {
    if (depth > 20 || this.stopped) return;
    this.remembered({ source: l, chain, file, sf, via, depth }, use);
  }

  /** Read `place` (what remembered() reads): a ~SEQ's rest (`use` null), or a definition's value line used at `use`. */
  private readPlace(place: ReadPlace, use: Origin | null): void {
    const { sf, via, depth } = place;
    if (!use) {
      this.content(sf, place.source, via, depth);
      return;
    }
    const e = withoutComments(MappedText.synthetic(place.source.text, place.file, use, place.chain));
    if (!e.length) return;
    const first = e.text.charCodeAt(0);
    if (first === 0x40 /* @ */ || first === 0x24 /* $ */ || first === 0x7e /* ~ */) {
      this.logicalText(sf, e, via, depth);
      return;
    }
    this.conditionalLine = false;
    this.content(sf, e, via, depth);
    this.conditionalLine = false;
  }

  /**
   * Read `place.source` (a value line of a multi-line definition used at `use`, or what follows a
   * ~SEQ: readPlace), or give again what it gave when it was read before at the same place (ReadPlace) with
   * the same definitions. A ~SEQ reads the same text at the same place over and
   * over (1173.conf: 30,000 real servers of nine lines, from 100 values of the sequence): the
   * lines it gave are given again (the same lines of words, new brace lines: replay()) instead of
   * being substituted and split again. Only a reading that gave words and braces and nothing else
   * is kept (no problem, include, definition, sequence, `@id`, line read again or budget cap):
   * anything else is read every time. A reading kept while an enclosing one records counts for
   * it: its lines and what it looked up are the enclosing reading's too.
   */
  private remembered(place: ReadPlace, use: Origin | null): void {
    let byText = this.replays.get(place.chain);
    const slot = byText?.get(place.source.text);
    const kept = slot && this.findReplay(slot, place);
    if (kept && this.replay(kept)) return;
    const lines = this.lines.length;
    const defsFrom = this.defsRead.length;
    const words = this.words;
    const bytes = this.wordBytes;
    const effects = this.effects;
    const conditional = this.conditionalLine;
    this.recording++;
    try {
      // (What is read is told by `use`, not by a closure: one was made for every ~SEQ value read.)
      this.readPlace(place, use);
    } finally {
      this.recording--;
    }
    const keep =
      // (A kept reading the budget left no room to give is not kept twice.)
      !kept &&
      this.effects === effects &&
      !this.stopped &&
      this.replayCount < MAX_REPLAYS_KEPT &&
      !(slot && slot.size >= MAX_REPLAYS_PER_PLACE);
    const defs = keep ? this.defsRead.slice(defsFrom) : NO_DEFS;
    if (!this.recording) this.defsRead.length = 0;
    if (!keep) return;
    this.replayCount++;
    const given = this.lines.slice(lines);
    const r: Replay = {
      place,
      conditional,
      conditionalAfter: this.conditionalLine,
      defs,
      lines: given,
      words: this.words - words,
      bytes: this.wordBytes - bytes,
      braces: braceProfile(given),
    };
    const names: string[] = [];
    for (let i = 0; i < defs.length; i += 3) names.push(defs[i] as string);
    // (Looked up again: a reading inside this one may have kept one of its own here.)
    byText = this.replays.get(place.chain);
    let s = byText?.get(place.source.text);
    if (!s) {
      s = { names, byValues: new Map<number, Replay[]>(), others: [], size: 0 };
      if (!byText) this.replays.set(place.chain, (byText = new Map()));
      byText.set(place.source.text, s);
    }
    s.size++;
    if (sameNames(s.names, names)) {
      const h = this.valuesHash(names);
      const list = s.byValues.get(h);
      if (list) list.push(r);
      else s.byValues.set(h, [r]);
    } else if (s.others.length < MAX_OTHER_NAMES) s.others.push(r);
  }

  /** A kept reading of the slot's text for this place and the definitions as they are now. */
  private findReplay(slot: ReplaySlot, place: ReadPlace): Replay | undefined {
    const list = slot.byValues.get(this.valuesHash(slot.names));
    if (list) for (const r of list) if (this.fits(r, place)) return r;
    for (const r of slot.others) if (this.fits(r, place)) return r;
    return undefined;
  }

  /**
   * Whether `r` was read at `place` as things stand now. A method, not a closure in findReplay:
   * a closure over `place` makes V8 allocate its context on every lookup.
   */
  private fits(r: Replay, place: ReadPlace): boolean {
    return (
      r.place.chain === place.chain &&
      r.place.via === place.via &&
      r.place.file === place.file &&
      r.place.sf === place.sf &&
      r.place.depth === place.depth &&
      r.conditional === this.conditionalLine &&
      r.place.source.sameAs(place.source) &&
      this.sameDefinitions(r.defs)
    );
  }

  /** A number for the values the definitions `names` have now (the readings kept are found by it). */
  private valuesHash(names: readonly string[]): number {
    let h = FNV_START;
    for (let i = 0; i < names.length; i++) {
      const d = this.defs.get(names[i]!);
      let v = 0x9e3779b9;
      if (d) {
        v = Math.imul(d.definedAt.start, 31) + d.definedAt.end;
        if (d.multiline) v = Math.imul(v, 31) + d.lines.length;
        else {
          const text = d.lines[0]?.text ?? '';
          for (let k = 0; k < text.length; k++) v = fnvStep(v, text.charCodeAt(k));
        }
      }
      h = fnvStep(h, v);
    }
    return h;
  }

  /** A definition looked up by substitution (recorded for remembered()). */
  private lookup(name: string): Definition | undefined {
    const d = this.defs.get(name);
    // A multi-line definition's lines are counted: an open one still grows (`$X= \\` read as a line).
    if (this.recording) this.defsRead.push(name, d, d?.lines.length ?? 0);
    return d;
  }

  /** Whether every definition in `defs` (name, definition as looked up) would substitute the same now. */
  private sameDefinitions(defs: readonly (string | Definition | number | undefined)[]): boolean {
    for (let i = 0; i < defs.length; i += 3) {
      const was = defs[i + 1] as Definition | undefined;
      const now = this.defs.get(defs[i] as string);
      if (now === was && (now?.lines.length ?? 0) === defs[i + 2]) continue;
      // A ~SEQ defines its name again for each value: the same value from the same place is the same.
      if (!now || !was || now.multiline || was.multiline) return false;
      if (now.lines[0]?.text !== was.lines[0]?.text) return false;
      const a = now.definedAt;
      const b = was.definedAt;
      if (a.file !== b.file || a.start !== b.start || a.end !== b.end) return false;
    }
    return true;
  }

  /** Give the lines of `r` again, with the budget and brace count as reading them; false: read it instead. */
  private replay(r: Replay): boolean {
    if (this.stopped) return false;
    if (this.wordsCap(r.words, r.bytes) !== null) return false;
    let depth = this.braceDepth;
    const lines = r.lines;
    const braces = r.braces;
    if (braces) {
      if (depth + braces.low >= 0) {
        if (depth + braces.rise > MAX_BRACE_DEPTH) return false;
        depth += braces.net;
      } else {
        // A `}` the count cannot take below zero (it stays at 0, as keepalived's): line by line.
        for (let i = 0; i < lines.length; i++) {
          const kind = lines[i]!.kind;
          if (kind === 'open' && ++depth > MAX_BRACE_DEPTH) return false;
          if (kind === 'close' && depth > 0) depth--;
        }
      }
      this.bracesGivenAgain = true;
    }
    this.words += r.words;
    this.wordBytes += r.bytes;
    this.budget.words += r.words;
    this.braceDepth = depth;
    this.conditionalLine = r.conditionalAfter;
    // The lines are given again as they are: a line of words is never changed, and the model
    // places statements by order, not by line object. A brace too (~SEQ: 120,600 braces in
    // 1173.conf, 19,000 a pass in an LVS config, each a copy kept as long as the tree); only the
    // readers of a brace out of place tell braces apart by object, and the loader gives each its
    // own then (withOwnBraces).
    for (let i = 0; i < lines.length; i++) this.lines.push(lines[i]!);
    // An enclosing reading being recorded holds only while these definitions do.
    if (this.recording) for (let i = 0; i < r.defs.length; i++) this.defsRead.push(r.defs[i]);
    return true;
  }

  /**
   * Include detection, then brace splitting: each brace becomes a line of its own, and the text
   * after a brace is read as a new line (keepalived's line residue), so an `@id` prefix, a
   * definition, a sequence or an include there takes effect as it does in keepalived.
   */
  private wordsAndBraces(sf: SourceFile, m: MappedText, via: Expansion[], depth: number): void {
    if (this.stopped) return;
    const inc = m.text.startsWith('include') ? INCLUDE_RE.exec(m.text) : null;
    if (inc) {
      this.include(sf, inc[1]!, m.slice(m.text.length - inc[2]!.length).trim(), m);
      return;
    }
    // The columns are reused by the next line: read here only (a brace's residue is read by a
    // recursive call, after which this loop returns).
    const cols = this.columns;
    const count = cols.tokenize(m.text);
    if (!this.spendWords(count, m.length, m, via)) return;
    const words = this.wordsRead;
    words.length = 0;
    let wordsFrom = 0;
    let wordsTo = 0;
    // A line as written (no expansion): a word's place is the line's start plus its offset.
    const literalAt = m.literalStart();
    const literalVia = m.literalVia.length ? m.literalVia : via;
    for (let k = 0; k < count; k++) {
      const tText = cols.text[k]!;
      const tStart = cols.start[k]!;
      const tEnd = cols.end[k]!;
      const flags = cols.flags[k]!;
      let file: string;
      let start: number;
      let end: number;
      let tokVia: Expansion[];
      if (literalAt !== null) {
        file = m.file;
        start = literalAt + tStart;
        end = literalAt + tEnd;
        tokVia = literalVia;
      } else {
        const o = this.place;
        m.originInto(tStart, tEnd, o);
        file = o.file;
        start = o.start;
        end = o.end;
        tokVia = o.via.length ? o.via : via;
      }
      if (flags & TOKEN_BRACE) {
        const brace = new SourceBraceLine(tText === '{' ? 'open' : 'close', start, end, this.siteOf(file, tokVia));
        // keepalived's brace count: a file of `{` lines would keep millions of blocks open.
        if (tText === '{' && ++this.braceDepth > MAX_BRACE_DEPTH) {
          this.exceed('brace-depth', brace, tokVia);
          return;
        }
        if (tText === '}' && this.braceDepth > 0) this.braceDepth--;
        this.flushWords(sf, m, wordsFrom, wordsTo, via);
        this.lines.push(brace);
        // Look at the text after the brace before building it: it rarely needs reading again.
        let after = tEnd;
        while (after < m.text.length && isBlank(m.text[after]!)) after++;
        RESIDUE_AT.lastIndex = after;
        if (!RESIDUE_AT.test(m.text)) continue;
        const residue = m.slice(tEnd).trim();
        if (RESIDUE_NEEDS_READING.test(residue.text)) {
          // The residue is shorter than the line, so this recursion ends (unless substitution
          // makes it longer again: content() counts that as a level).
          this.logicalText(sf, residue, via, depth);
          return;
        }
      } else {
        if (!words.length) wordsFrom = tStart;
        wordsTo = tEnd;
        if (flags & TOKEN_UNTERMINATED) this.unterminatedWords++;
        words.push(SourceToken.of(this.word(tText), flags, start, end, this.siteOf(file, tokVia)));
      }
    }
    this.flushWords(sf, m, wordsFrom, wordsTo, via);
  }

  /**
   * The words read since the last brace (wordsRead, m[from, to)) as a line, if any. of() keeps a
   * copy of the words after the first (an array grown by push keeps room for 17 entries, and lines
   * live as long as the tree), so the list is reused; a method, as a closure over the line's
   * locals was allocated for every line read.
   */
  private flushWords(sf: SourceFile, m: MappedText, from: number, to: number, via: Expansion[]): void {
    const words = this.wordsRead;
    if (!words.length) return;
    const lineVia = m.viaOf(from, to);
    const keep = !this.opts.rawLines || this.opts.rawLines(words[0]!.text);
    this.lines.push(SourceWordsLine.of(words, m, from, to, lineVia.length ? lineVia : via, sf, keep));
    words.length = 0;
  }

  private include(sf: SourceFile, kind: string, pattern: MappedText, line: MappedText): void {
    this.effects++;
    const o = line.origin(0, line.length);
    this.includeLine = { origin: o.origin, via: o.via };
    // Once the pass's included files or lookups are spent, an include line is not even globbed.
    if (this.capsHit.has('included-files') || this.capsHit.has('include-lookups')) return;
    // An include word that came from a $definition, or an include behind @id: keepalived's child
    // passes read the file again (SYNTAX.md section 4, L09). `include ${DIR}/x` is read normally.
    const keywordVia = line.origin(0, 1).via;
    if (keywordVia.length || this.conditionalLine) this.problem('include-computed', o.origin, o.via, { kind });
    const pat = pattern.text;
    const abs = path.posix.isAbsolute(pat)
      ? this.paths.toLocal(pat)
      : path.posix.join(path.posix.dirname(sf.path), pat);
    const data = { kind, pattern: pat, resolved: abs };
    // The per-match work below (a stat, a read) is bounded by the glob's own lookups: each match
    // was stat'ed there, and the files read count against included-files.
    const { matches, missingAlternatives, truncated, alternativesTruncated, lookupsExhausted } = expandGlob(
      abs,
      this.opts.host,
      this.lookups,
    );
    if (lookupsExhausted) {
      // The line was not globbed whole: no "missing" verdicts, nothing read from it.
      this.exceed('include-lookups', o.origin, o.via, data);
      return;
    }
    if (alternativesTruncated) {
      this.capsHit.delete('brace-alternatives'); // per include line: each one is cut on its own
      this.exceed('brace-alternatives', o.origin, o.via, data);
    }
    if (truncated) this.problem('include-too-many', o.origin, o.via, { ...data, count: matches.length });
    if (matches.length === 0) {
      this.problem(hasMagic(pat) ? 'include-no-match' : 'include-missing', o.origin, o.via, data);
      return;
    }
    if (missingAlternatives.length) {
      this.problem('include-partly-missing', o.origin, o.via, { ...data, missing: someNames(missingAlternatives) });
    }
    for (const file of matches) {
      const st = this.opts.host.stat(file);
      const fileData = { ...data, file };
      if (st.kind === 'outside') {
        this.problem('include-outside', o.origin, o.via, { ...fileData, why: st.why ?? 'outside the root' });
        continue;
      }
      if (st.kind === 'directory') {
        this.problem('include-directory', o.origin, o.via, fileData);
        continue;
      }
      if (st.kind !== 'file' || st.executable) {
        this.problem('include-executable', o.origin, o.via, {
          ...fileData,
          reason: st.kind !== 'file' ? 'not a regular file' : 'executable',
        });
        continue;
      }
      const at = this.realStack.indexOf(this.realOf(file));
      if (at !== -1) {
        const chain = [...this.includeStack.slice(at), file];
        this.problem('include-loop', o.origin, o.via, { ...fileData, chain: chain.join(' -> ') });
        continue;
      }
      if (this.includeStack.length >= MAX_INCLUDE_DEPTH) {
        this.problem('include-too-deep', o.origin, o.via, fileData);
        continue;
      }
      const loaded = this.loadFile(file);
      if ('error' in loaded) {
        this.problem('include-unreadable', o.origin, o.via, { ...fileData, reason: loaded.error });
        continue;
      }
      this.processFile(loaded);
    }
  }

  private substituteWithMultiline(m: MappedText, via: Expansion[]): { text: MappedText; extra: ExtraLines | null } {
    if (!m.text.includes('$')) return { text: m, extra: null };
    // A multi-line definition is recognised only as the last thing on a line (SYNTAX.md section 6).
    const tail = tailReference(m.text);
    if (tail) {
      const def = this.lookup(tail.name);
      if (def?.multiline && tail.braced === tail.closed) {
        const refStart = tail.at;
        const use = m.origin(refStart, m.length).origin;
        // `$NAME= \` starts with an empty value line, which keepalived does not use.
        const valueLines = def.lines[0]?.length === 0 && def.lines.length > 1 ? def.lines.slice(1) : def.lines;
        // Each value line names the line of the definition it came from, where the operator edits.
        const chains = this.multilineChains(def, valueLines, via, use);
        const head = valueLines[0] ? MappedText.synthetic(valueLines[0].text, m.file, use, chains[0]!) : null;
        const first = this.substitute(m.slice(0, refStart).concat(head ?? MappedText.empty(m.file)), via);
        // The other lines are read as keepalived reads them, one by one, so a ~SEQ or a definition
        // among them takes effect before the lines after it are substituted (extraLine).
        return { text: first, extra: valueLines.length > 1 ? { values: valueLines, chains, use, file: m.file } : null };
      }
    }
    return { text: this.substitute(m, via), extra: null };
  }

  /**
   * The expansion chain of each value line of a multi-line definition used at `use`: the same
   * arrays for every use from the same place (a ~SEQ repeats one use: 30,000 real servers of
   * 1173.conf, nine lines each), each made once.
   */
  private readonly useChains = new WeakMap<Definition, Map<string, Expansion[][]>>();
  private multilineChains(def: Definition, valueLines: MappedText[], via: Expansion[], use: Origin): Expansion[][] {
    let byUse = this.useChains.get(def);
    if (!byUse) this.useChains.set(def, (byUse = new Map()));
    const key = `${this.chainId(via)}:${this.idOf(use.file)}:${use.start}:${use.end}:${valueLines.length}`;
    let chains = byUse.get(key);
    if (!chains) {
      chains = valueLines.map((l) => {
        const definedAt = l.length ? l.origin(0, l.length).origin : def.definedAt;
        return this.extend(via, { kind: 'definition', name: def.name, use, definedAt });
      });
      byUse.set(key, chains);
    }
    return chains;
  }

  /**
   * `$NAME` and `${NAME}` with keepalived's rules; the result is rescanned where it was put. A value
   * without `$` cannot start a reference, so its rescan would find nothing: it is kept as it is
   * and the scan goes on after it, in the same text (no copy of the rest of the line per
   * substitution: a ~SEQ line of 1173.conf has four).
   */
  substitute(m: MappedText, via: Expansion[]): MappedText {
    if (!m.text.includes('$')) return m;
    // Final pieces (text before `from`, and values put there), joined once at the end.
    const done: MappedText[] = [];
    let doneLength = 0;
    let cur = m;
    // cur[0, from) is in `done`; the scan stands at i (>= from).
    let from = 0;
    let i = 0;
    let count = 0;
    while (i < cur.length) {
      const at = cur.text.indexOf('$', i);
      if (at === -1) break;
      const ref = this.reference(cur.text, at);
      if (!ref) {
        i = at + 1;
        continue;
      }
      const value = this.valueOf(ref.name, ref.params, cur.file);
      if (value === null) {
        i = at + 1;
        continue;
      }
      const def = this.defs.get(ref.name);
      const known = def !== undefined && this.recursiveDefinitions.has(def);
      if (known || ++count > MAX_SUBSTITUTIONS_PER_LINE || doneLength + (cur.length - from) > MAX_EXPANDED_CHARS) {
        const own = def?.lines[0]?.text ?? '';
        const self = new RegExp(`\\$\\{?${ref.name}(?![A-Za-z0-9_])`).test(own);
        const { origin, via: chain } = cur.origin(at, ref.end);
        // Known from then on only when it came out of itself (not a long value that met the
        // character cap on a long line).
        const cyclic = def !== undefined && chain.some((e) => e.kind === 'definition' && e.name === ref.name);
        this.recursiveDefs.add(ref.name);
        if (cyclic) this.recursiveDefinitions.add(def);
        for (const e of chain) {
          if (e.kind !== 'definition') continue;
          this.recursiveDefs.add(e.name);
          const d = cyclic ? this.defs.get(e.name) : undefined;
          if (d) this.recursiveDefinitions.add(d);
        }
        this.problem('definition-recursive', origin, via, {
          name: ref.name,
          self: self ? 'yes' : 'no',
        });
        break;
      }
      const use = cur.origin(at, ref.end);
      const outer = use.via.length ? use.via : via;
      // A definition that refers to itself adds its expansion once, not once per round.
      let again = false;
      for (let k = 0; k < outer.length && !again; k++)
        again = outer[k]!.kind === 'definition' && outer[k]!.name === ref.name;
      const chain = again ? outer : this.extendWith(outer, 'definition', ref.name, use.origin, value.definedAt);
      const repl = MappedText.synthetic(value.text, cur.file, use.origin, chain);
      if (at > from) {
        done.push(cur.slice(from, at));
        doneLength += at - from;
      }
      if (value.text.includes('$')) {
        cur = repl.concat(cur.slice(ref.end));
        from = i = 0; // rescan from the same position
      } else {
        if (repl.length) {
          done.push(repl);
          doneLength += repl.length;
        }
        from = i = ref.end;
      }
    }
    const rest = from > 0 ? cur.slice(from) : cur;
    return done.length ? done[0]!.concat(...done.slice(1), rest) : rest;
  }

  private reference(text: string, at: number): { name: string; params: readonly string[]; end: number } | null {
    if (text[at + 1] === '{') {
      const close = text.indexOf('}', at + 2);
      if (close === -1) return null;
      const inner = text.slice(at + 2, close);
      let r = this.bracedRefs.get(inner);
      if (r === undefined) {
        r = bracedReference(inner);
        if (this.bracedRefs.size < MAX_BRACED_REFS_KEPT) this.bracedRefs.set(inner, r);
      }
      if (!r) return null;
      return { name: r.name, params: r.params, end: r.nameOnly ? at + 2 + r.name.length : close + 1 };
    }
    NAME_AT.lastIndex = at + 1;
    const mm = NAME_AT.exec(text);
    if (!mm) return null;
    const end = at + 1 + mm[0].length;
    const next = text[end];
    if (next !== undefined && next !== ' ' && next !== '\t' && next !== ',' && next !== ')') return null;
    return { name: mm[0], params: NO_PARAMS, end };
  }

  private valueOf(name: string, params: readonly string[], file: string): { text: string; definedAt?: Origin } | null {
    const def = this.lookup(name);
    if (def && !def.multiline) return { text: def.lines[0]?.text ?? '', definedAt: def.definedAt };
    if (def) return null;
    switch (name) {
      case '_PWD':
        return { text: this.paths.toDeployed(path.posix.dirname(file)) };
      case '_INSTANCE':
        this.effects++;
        if (this.opts.shared) {
          this.notShared('${_INSTANCE}');
          this.usedConfigId = true;
        }
        // Without a config-id keepalived uses the host name; any non-empty word stands for it.
        return { text: this.opts.configId ?? 'hostname' };
      case '_HASH':
        return { text: '#' };
      case '_BANG':
        return { text: '!' };
      case '_RANDOM':
        // Any value in range is what keepalived may use; the lowest keeps the lint deterministic.
        return { text: String(params.length ? Number.parseInt(params[0]!, 10) || 0 : 0) };
      default:
        return null;
    }
  }
}

/** A `${...}` reference: `nameOnly` when only `${NAME` is replaced (see bracedReference). */
interface BracedReference {
  name: string;
  params: readonly string[];
  nameOnly: boolean;
}

/** Distinct `${...}` texts whose reading is kept (beyond, they are read each time). */
const MAX_BRACED_REFS_KEPT = 10_000;
const NO_PARAMS: readonly string[] = Object.freeze([]);

/**
 * What `${inner}` refers to. `${NAME}` exactly; only the built-ins take parameters
 * (`${_RANDOM 1 10}`). keepalived leaves `${ NAME}` and `${NAME x}` as they are; for `${NAME }`,
 * keepalived 2.2.7 replaces `${NAME` and leaves the blanks and "}" (tested).
 */
function bracedReference(inner: string): BracedReference | null {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(inner)) return { name: inner, params: NO_PARAMS, nameOnly: false };
  const spaced = /^([A-Za-z_][A-Za-z0-9_]*)[ \t]+$/.exec(inner);
  if (spaced && !spaced[1]!.startsWith('_')) return { name: spaced[1]!, params: NO_PARAMS, nameOnly: true };
  const b = /^(_RANDOM|_ENV)[ \t]+(.*)$/.exec(inner);
  return b ? { name: b[1]!, params: Object.freeze(b[2]!.trim().split(/[ \t]+/)), nameOnly: false } : null;
}

/**
 * The reference a text ends with, as /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/ finds it, read from the
 * end (the regex tries every position of the line). Example: 'x ${VS}' -> { name: 'VS', at: 2,
 * braced: true, closed: true }; 'x $VS}' -> braced false, closed true.
 */
export function tailReference(text: string): { name: string; at: number; braced: boolean; closed: boolean } | null {
  const closed = text.charCodeAt(text.length - 1) === 0x7d; // }
  const nameEnd = closed ? text.length - 1 : text.length;
  let start = nameEnd;
  while (start > 0 && isNameChar(text.charCodeAt(start - 1))) start--;
  if (start === nameEnd || !isNameStart(text.charCodeAt(start))) return null;
  if (text[start - 1] === '$') return { name: text.slice(start, nameEnd), at: start - 1, braced: false, closed };
  if (text[start - 1] === '{' && text[start - 2] === '$')
    return { name: text.slice(start, nameEnd), at: start - 2, braced: true, closed };
  return null;
}

function isNameStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 0x30 && c <= 0x39);
}

/** Values of one ~SEQ/~SEQx/~LST head, as rows of (variable, value) assignments. */
export function sequenceValues(
  kind: SequenceHead['kind'],
  args: string,
): { rows: [string, string][][] } | { error: string; effect?: string } {
  if (kind === '~LST') return listValues(args);
  const parts = args.split(',').map((s) => s.trim());
  const name = parts[0] ?? '';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { error: `'${name}' is not a variable name` };
  const nums = parts.slice(1).map(parseCNumber);
  if (nums.length < 1 || nums.length > 3 || nums.some((n) => n === null))
    return { error: 'expected VAR, [START, [STEP,]] END' };
  const n = nums as number[];
  let start: number;
  let step: number;
  let end: number;
  if (n.length === 1) {
    end = n[0]!;
    start = end < 0 ? -1 : 1;
    step = end < start ? -1 : 1;
  } else if (n.length === 2) {
    start = n[0]!;
    end = n[1]!;
    step = end < start ? -1 : 1;
  } else {
    start = n[0]!;
    step = n[1]!;
    end = n[2]!;
  }
  if (step === 0 || (step > 0 && start > end) || (step < 0 && start < end))
    return { error: 'the step is 0 or points away from the end' };
  if (kind === '~SEQx' && (start < 0 || end < 0)) return { error: '~SEQx takes positive values only' };
  const rows: [string, string][][] = [];
  for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
    rows.push([[name, kind === '~SEQx' ? v.toString(16) : String(v)]]);
    if (rows.length > MAX_SEQUENCE_VALUES)
      return { error: `more than ${MAX_SEQUENCE_VALUES} values`, effect: LINTER_LIMIT };
  }
  return { rows };
}

const LINTER_LIMIT =
  'keepalived has no such limit, but the linter stops expanding here, so the lines it would produce are not checked';

function listValues(args: string): { rows: [string, string][][] } | { error: string; effect?: string } {
  const items = splitListArgs(args);
  if (items.length === 0) return { error: 'no variable' };
  const names = items[0]!;
  if (names.some((nm) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(nm)))
    return { error: `'${names.join(',')}' is not a variable name` };
  const rows: [string, string][][] = [];
  for (const values of items.slice(1)) {
    if (values.length > names.length) {
      return {
        error: `too many values in {${values.join(',')}}`,
        effect: 'keepalived reports "~LST specification has too many values" and drops the line',
      };
    }
    rows.push(names.map((nm, k) => [nm, values[k] ?? ''] as [string, string]));
  }
  return { rows };
}

function splitListArgs(args: string): string[][] {
  const out: string[][] = [];
  let i = 0;
  const s = args;
  while (i < s.length) {
    while (i < s.length && (isBlank(s[i]!) || s[i] === ',')) i++;
    if (i >= s.length) break;
    if (s[i] === '{') {
      const close = s.indexOf('}', i);
      const inner = s.slice(i + 1, close === -1 ? s.length : close);
      out.push(inner.split(',').map((x) => x.trim()));
      i = close === -1 ? s.length : close + 1;
    } else {
      let j = i;
      while (j < s.length && s[j] !== ',') j++;
      out.push([s.slice(i, j).trim()]);
      i = j;
    }
  }
  return out;
}

/** strtol(s, NULL, 0): 0x hex, leading 0 octal. */
export function parseCNumber(s: string): number | null {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)$/.exec(s.trim());
  if (!m) return null;
  const sign = m[1] === '-' ? -1 : 1;
  const body = m[2]!;
  const v = /^0[xX]/.test(body)
    ? parseInt(body.slice(2), 16)
    : body.length > 1 && body.startsWith('0')
      ? parseInt(body, 8)
      : parseInt(body, 10);
  return sign * v;
}

/** The lines of words with an unterminated word, and their indices (PreprocessResult.unterminated). */
function unterminatedLines(lines: readonly LogicalLine[]): { lines: WordsLine[]; at: number[] } {
  const out: WordsLine[] = [];
  const at: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    // A line of words and braces only has no quote.
    if (line.kind !== 'words' || (line instanceof LiteralWordsLine && line.plain)) continue;
    let open = line.keyword.unterminated;
    for (let k = 0; !open && k < line.args.length; k++) open = line.args[k]!.unterminated;
    if (open) {
      out.push(line);
      at.push(i);
    }
  }
  return { lines: out, at };
}

/**
 * Give each brace line of `lines` its own object, in place: a brace that stands again (replay())
 * is replaced there by a copy (same kind, place and expansions). For the readers that tell braces
 * apart by object (the pairs of a brace count, the owner of a "{", an ignored "{"), when a brace
 * is out of place. Example: [open A, close B, open A] -> [open A, close B, copy of A].
 */
export function withOwnBraces(lines: LogicalLine[]): void {
  const seen = new Set<LogicalLine>();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.kind === 'words') continue;
    if (seen.has(l)) lines[i] = (l as SourceBraceLine).copy();
    else seen.add(l);
  }
}

/** Read a config (and what it includes) for one config-id. */
export function preprocess(entry: string, opts: PreprocessOptions): PreprocessResult | { error: string } {
  const p = new Preprocessor(opts);
  const sf = p.loadFile(entry);
  if ('error' in sf) return { error: sf.error };
  if (opts.host.stat(entry).executable) {
    // keepalived: "Configuration file '...' is not a regular non-executable file - skipping".
    p.problems.push({
      code: 'config-executable',
      origin: { file: entry, start: 0, end: 0 },
      via: [],
      data: { file: entry },
    });
    return {
      lines: [],
      unterminated: [],
      problems: p.problems,
      files: p.files,
      conditionIds: p.conditionIds,
      conditionAt: p.conditionAt,
    };
  }
  p.processFile(sf);
  return {
    lines: p.lines,
    ...(p.bracesGivenAgain ? { bracesGivenAgain: true } : {}),
    unterminated: p.unterminatedWords ? unterminatedLines(p.lines).lines : [],
    problems: p.problems,
    files: p.files,
    conditionIds: p.conditionIds,
    conditionAt: p.conditionAt,
  };
}

/**
 * Read a config once for every config-id (PreprocessOptions.shared): every line, with the lines
 * that a `@id` prefix conditions listed; `unshared` when the config's `@id` lines do more than add
 * keyword lines (then each pass is read on its own). Example: `@lb1 priority 150` and `@lb2
 * priority 100` -> one reading, conditioned [{from: 7, to: 8, id: 'lb1'}, {from: 8, to: 9, id: 'lb2'}].
 */
export function preprocessShared(
  entry: string,
  opts: Omit<PreprocessOptions, 'configId' | 'shared'>,
):
  | { pre: PreprocessResult; conditioned: ConditionedLines[]; words: number }
  | { unshared: string }
  | { error: string } {
  const p = new Preprocessor({ ...opts, configId: null, shared: true });
  const sf = p.loadFile(entry);
  if ('error' in sf) return { error: sf.error };
  if (opts.host.stat(entry).executable) return { unshared: 'an executable config' };
  try {
    p.processFile(sf);
  } catch (e) {
    if (e instanceof Unshareable) return { unshared: e.message };
    throw e;
  }
  const unterminated = p.unterminatedWords ? unterminatedLines(p.lines) : { lines: [], at: [] };
  return {
    pre: {
      lines: p.lines,
      ...(p.bracesGivenAgain ? { bracesGivenAgain: true } : {}),
      unterminated: unterminated.lines,
      unterminatedAt: unterminated.at,
      problems: p.problems,
      files: p.files,
      conditionIds: p.conditionIds,
      conditionAt: p.conditionAt,
    },
    conditioned: p.conditioned,
    words: p.words,
  };
}
