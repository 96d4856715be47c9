import type { LineIndex } from '../source/line-index.js';
import type { TextEncoding } from '../source/host.js';
import type { Expansion, MappedText, Origin } from './mapped-text.js';

export type { Expansion, Origin } from './mapped-text.js';

export interface SourceFile {
  /** Absolute path on this machine. */
  path: string;
  text: string;
  index: LineIndex;
  encoding: TextEncoding;
}

export interface Token {
  text: string;
  quoted: boolean;
  /** A `"` never closed on its line. */
  unterminated: boolean;
  origin: Origin;
  via: Expansion[];
}

/**
 * One logical line as keepalived's keyword dispatcher sees it: a brace alone, or the words between
 * braces (one keyword line). `raw` is the decommented, substituted text of those words, which the
 * script keywords re-parse with their own quoting rules.
 */
export type LogicalLine = WordsLine | BraceLine;

export interface WordsLine {
  kind: 'words';
  /** Every word: `keyword` then `args` (a list made when asked: the line keeps the two). */
  tokens: Token[];
  /** The first word. */
  keyword: Token;
  /** The words after it (a statement's args: the same list; never changed). */
  args: Token[];
  /**
   * Null when the reading did not keep it (PreprocessOptions.rawLines: the loader keeps it for the
   * script keywords, the only lines read again; a line written as it is always has it).
   */
  raw: MappedText | null;
  /**
   * From the first word to the last. (Not `origin`: a line written as it is is also its first
   * word's Token, whose origin is that word alone.)
   */
  lineOrigin: Origin;
  via: Expansion[];
}

/** A brace alone: its token is all there is (no `raw`: 2 of every 5 lines, kept as long as the tree). */
export interface BraceLine {
  kind: 'open' | 'close';
  /** The brace. */
  token: Token;
  /** [token] (a list made when asked). */
  tokens: [Token];
  /** The brace's place (as for a line of words: WordsLine.lineOrigin). */
  lineOrigin: Origin;
  via: Expansion[];
}

export type ProblemCode =
  | 'unterminated-quote'
  | 'include-missing'
  | 'include-no-match'
  | 'include-partly-missing'
  | 'include-loop'
  | 'include-directory'
  | 'include-unreadable'
  | 'include-executable'
  /** The file resolves outside what may be read (src/source/confine.ts): not read. */
  | 'include-outside'
  | 'include-too-deep'
  | 'include-too-many'
  | 'include-computed'
  | 'config-executable'
  | 'sequence-invalid'
  | 'definition-recursive'
  | 'line-too-long'
  | 'nul-bytes'
  | 'escaped-comment-char'
  /** A cap of the work budget (src/preprocess/budget.ts); data: cap, limit, what, effect. */
  | 'budget-exceeded';

export interface Problem {
  code: ProblemCode;
  origin: Origin;
  via: Expansion[];
  data: Record<string, string | number>;
}

export interface PreprocessResult {
  lines: LogicalLine[];
  /**
   * Some brace line stands more than once in `lines` (replay() gives a reading's lines again, its
   * braces included). Positions are the same; only code that tells braces apart by object needs
   * each to be its own (withOwnBraces()), which the loader does when a brace is out of place.
   */
  bracesGivenAgain?: boolean;
  /**
   * The lines of words with a word whose `"` is never closed on its line (keepalived: "Unmatched
   * quote"), in order: most configs have none, and a rule need not look at every line for them.
   */
  unterminated: WordsLine[];
  /** A shared reading (preprocessShared): the index among `lines` of each of `unterminated`. */
  unterminatedAt?: number[];
  problems: Problem[];
  files: Map<string, SourceFile>;
  /** Every id named by a `@id` / `@^id` prefix that this pass read. */
  conditionIds: Set<string>;
  /** Where each of conditionIds was first named. */
  conditionAt?: Map<string, Origin>;
}

/** Lines of a shared reading that a `@id` / `@^id` prefix conditions: lines[from, to). */
export interface ConditionedLines {
  from: number;
  to: number;
  id: string;
  negated: boolean;
  /** Words in those lines (charged to a pass that reads them). */
  words: number;
}
