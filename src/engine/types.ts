import type { ConfigTree, Statement } from '../tree/index.js';
import type { Expansion, Origin, PreprocessResult, SourceFile, Token } from '../preprocess/types.js';
import type { KeywordTable } from '../versions/keywords.js';
import type { Version } from '../versions/version.js';
import type { NamedBlocks, ScriptRef } from '../model/scripts.js';
import type { ScriptAnalysis } from '../scripts/analyze.js';
import type { ScriptFile } from '../scripts/store.js';

/** The scripts this pass's config runs, their files and what their analysis found. */
export interface ScriptsContext {
  refs: ScriptRef[];
  /** The file behind a reference's command (null: a bare command name found in PATH). */
  file(ref: ScriptRef): ScriptFile | null;
  /** The name analysis of the reference's script, with the name where this reference passes it. */
  analysis(ref: ScriptRef): ScriptAnalysis | null;
  /** Instances and sync groups of this pass. */
  named: NamedBlocks;
  /** Instance and sync-group names defined under any config-id of this config. */
  allNames: ReadonlySet<string>;
}

export type Severity = 'error' | 'warning' | 'info';
export type SeveritySetting = Severity | 'off';

export interface RuleMeta {
  /** kebab-case `<thing>-<check>`, also the file name and the docs page name. */
  id: string;
  description: string;
  severity: Severity;
  /** Message templates by id; `{{name}}` is replaced by report data. */
  messages: Record<string, string>;
  /** JSON Schema of the rule's options, when it has any. */
  schema?: Record<string, unknown>;
}

export interface Related {
  origin: Origin;
  message: string;
}

export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  /** Where the operator must edit: a token or a source span. */
  at: Token | Origin;
  /** The expansions that produced the text (defaults to the token's). */
  via?: Expansion[];
  related?: Related[];
  /** A lower severity for this finding, used unless the configuration sets the rule's severity. */
  severity?: Severity;
}

export interface Visitors {
  /** Every statement, depth-first in source order. */
  statement?: (s: Statement) => void;
  /** Statements by keyword name (any block). */
  keywords?: Record<string, (s: Statement) => void>;
  /** After the walk, for checks across statements. */
  end?: () => void;
}

export interface RuleContext {
  readonly target: Version;
  /** --from: the version the config runs on today, when the operator is planning an upgrade. */
  readonly from: Version | null;
  readonly table: KeywordTable;
  readonly tree: ConfigTree;
  readonly pre: PreprocessResult;
  /** The config-id of this pass (null: none of the ids the file names). */
  readonly configId: string | null;
  readonly options: Record<string, unknown>;
  readonly scripts: ScriptsContext;
  file(path: string): SourceFile | undefined;
  /** 1-based position of an offset in a file, for messages that cite another line. */
  where(origin: Origin): string;
  report(r: Report): void;
}

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): Visitors;
}

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  message: string;
  /** Absolute path of the file the diagnostic is in. */
  file: string;
  range: { start: number; end: number };
  start: Position;
  end: Position;
  /** Config-ids the finding applies to, when not all of them. */
  configIds?: string[];
  related?: { file: string; start: Position; message: string }[];
  /** Which of the rule's messages, and its data (names and values it quotes), for tools that build on findings. */
  messageId?: string;
  data?: Record<string, string | number>;
}

export interface FileResult {
  /** Absolute path. */
  file: string;
  diagnostics: Diagnostic[];
}

/** Input that could not be used at all (exit code 2). */
export interface InputError {
  file: string;
  message: string;
}

export interface LintReport {
  results: FileResult[];
  errors: InputError[];
  /** Source text of every file read, for formatters that show the offending line. */
  sources: Map<string, string>;
}
