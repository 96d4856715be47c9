/**
 * The rule API: what a rule imports, and all it sees of a loaded config. A rule is
 *
 *   export const rule = defineRule({
 *     meta: { id: 'x-y', description: '...', severity: 'error',
 *             messages: { bad: { message: 'Bad thing {{name}}', detail: 'What keepalived does; the fix.' } } },
 * create(ctx) { return { keywords: { x: (s) => ctx.report({ messageId: 'bad', at: s.keyword, data: { name: 'n' } }) }
 * }; },
 *   });
 *
 * and `messageId: 'bda'` is a compile error (defineRule infers the ids from `messages`).
 * `message` is one line that says what is wrong and where (at most MAX_MESSAGE once filled in);
 * `detail` is the 3 a.m. explanation: what keepalived will do, why it matters, the fix.
 */
import type { ConfigTree, Statement } from '../tree/index.js';
import type { Expansion, LogicalLine, Origin, Problem, SourceFile, Token, WordsLine } from '../preprocess/types.js';
import type { KeywordTable } from '../versions/keyword-table.js';
import type { Version } from '../versions/version.js';
import type { NamedBlocks, ScriptRef } from '../model/scripts.js';
import type { ScriptAnalysis } from '../scripts/analyze.js';
import type { ScriptFile } from '../scripts/store.js';

export type { ConfigTree, Statement } from '../tree/index.js';
export type { Expansion, LogicalLine, Origin, Problem, ProblemCode, SourceFile, Token } from '../preprocess/types.js';

/** The longest `message` once its data is filled in; the rest of a longer one moves to `detail`. */
export const MAX_MESSAGE = 160;

/** The scripts this pass's config runs, their files and what their analysis found. */
export interface ScriptsContext {
  refs: ScriptRef[];
  /** The file behind a reference's command (null: a bare command name found in PATH). */
  file(ref: ScriptRef): ScriptFile | null;
  /** The name analysis of the reference's script, with the name where this reference passes it. */
  analysis(ref: ScriptRef): ScriptAnalysis | null;
  /** Every reference of any config-id pass that runs the same script file as `ref`. */
  callers(ref: ScriptRef): ScriptRef[];
  /**
   * For a hook that passes no name (`notify_master /x.sh`): the script's analysis with the name
   * where `notify` would pass it ($2), a position that stays empty on this call.
   */
  unpassedAnalysis(ref: ScriptRef): ScriptAnalysis | null;
  /** Instances and sync groups of this pass. */
  named: NamedBlocks;
  /** Instance and sync-group names defined under any config-id of this config. */
  allNames: ReadonlySet<string>;
}

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

/**
 * One message of a rule: `message` (one line, what is wrong and where, quoting the value) and
 * `detail` (what keepalived does, why it matters, the fix). `{{name}}` is replaced by report data
 * in both. A plain string is a message without detail.
 */
export interface MessageSpec {
  message: string;
  detail?: string;
}

export interface RuleMeta<Id extends string = string> {
  /** kebab-case `<thing>-<check>`, also the file name and the docs page name. */
  id: string;
  description: string;
  severity: Severity;
  /** Messages by id; `{{name}}` is replaced by report data. */
  messages: Record<Id, string | MessageSpec>;
  /** JSON Schema of the rule's options, when it has any. */
  schema?: Record<string, unknown>;
  /**
   * The `statement` hook reports from what the statement, its block and the blocks around it say
   * (with the target, --from, the table, the options and the files' text), keeps nothing for
   * later, and reports nothing about other statements. Then the config-id passes of a config read
   * once for all run it once for a top-level block they share (src/tree passTree), and each
   * other pass gets the same reports again: a pass costs what differs (issue 16).
   */
  statementLocal?: true;
}

export interface Related {
  origin: Origin;
  message: string;
}

/**
 * One text edit of a fix: the written text of `at` (a token: the word where it is written, or in
 * the `$NAME` definition it came from; a span: that source text) becomes `text`. The engine maps
 * it onto the file; a word it cannot place exactly (built by an expansion) leaves the finding
 * without a fix rather than guess.
 */
export interface Edit {
  at: Token | Origin;
  text: string;
}

/**
 * Edits that fix a finding. In `fix`, safe ones: keepalived on the target behaves the same
 * (a renamed keyword, a spelling it reads the same); `--fix` applies them. In `suggestions`, ones
 * that change what keepalived does; offered, applied only with `--unsafe-fixes`.
 */
export interface Fix {
  /** What the fix does, in a few words ("rename gw to via"). */
  message: string;
  edits: Edit[];
}

export interface Report<Id extends string = string> {
  messageId: Id;
  data?: Record<string, string | number>;
  /** Where the operator must edit: a token or a source span. */
  at: Token | Origin;
  /** The expansions that produced the text (defaults to the token's). */
  via?: Expansion[];
  related?: Related[];
  /** A lower severity for this finding, used unless the configuration sets the rule's severity. */
  severity?: Severity;
  /** A safe fix (keepalived behaves the same after it). */
  fix?: Fix;
  /** Fixes that change keepalived's behaviour: shown, applied only with --unsafe-fixes. */
  suggestions?: Fix[];
}

export interface Visitors {
  /** Every statement, depth-first in source order. */
  statement?: (s: Statement) => void;
  /** Statements by keyword name (any block). */
  keywords?: Record<string, (s: Statement) => void>;
  /** After the walk, for checks across statements. */
  end?: () => void;
}

export interface RuleContext<Id extends string = string> {
  readonly target: Version;
  /** --from: the version the config runs on today, when the operator is planning an upgrade. */
  readonly from: Version | null;
  readonly table: KeywordTable;
  readonly tree: ConfigTree;
  /** The logical lines of this pass, as keepalived's keyword dispatcher sees them (after @, $, ~SEQ, include). */
  readonly lines: readonly LogicalLine[];
  /** The lines of `lines` with a word whose `"` is never closed on its line, in order (most configs: none). */
  readonly unterminated: readonly WordsLine[];
  /** What reading this pass found wrong below the tree (includes, quoting, definitions, budget caps). */
  readonly problems: readonly Problem[];
  /** The config-id of this pass (null: none of the ids the file names). */
  readonly configId: string | null;
  readonly options: Record<string, unknown>;
  readonly scripts: ScriptsContext;
  file(path: string): SourceFile | undefined;
  /** 1-based position of an offset in a file, for messages that cite another line. */
  where(origin: Origin): string;
  report(r: Report<Id>): void;
}

export interface Rule<Id extends string = string> {
  meta: RuleMeta<Id>;
  create(context: RuleContext<Id>): Visitors;
}

/** A rule with its message ids checked: `ctx.report({ messageId })` must name one of `meta.messages`. */
export function defineRule<const Id extends string>(rule: Rule<Id>): Rule<Id> {
  return rule;
}

/** The message and detail templates of a message id (undefined: the rule has no such message). */
export function messageSpec(meta: RuleMeta, messageId: string): MessageSpec | undefined {
  const m = (meta.messages as Record<string, string | MessageSpec | undefined>)[messageId];
  return typeof m === 'string' ? { message: m } : m;
}
