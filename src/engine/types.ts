import type { Severity } from '../rule-api/index.js';

export type {
  Edit,
  Fix,
  MessageSpec,
  Related,
  Report,
  Rule,
  RuleContext,
  RuleMeta,
  ScriptsContext,
  Severity,
  SeveritySetting,
  Visitors,
} from '../rule-api/index.js';

/** A fix mapped onto the files: each edit replaces [start, end) of `file` (from..to) with `text`. */
export interface FileFix {
  message: string;
  edits: { file: string; start: number; end: number; text: string; from: Position; to: Position }[];
}

export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  /** One line, at most MAX_MESSAGE characters: what is wrong and where. */
  message: string;
  /** What keepalived will do, why it matters, the fix (several sentences; may be absent). */
  detail?: string;
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
  /** A safe fix, where the rule offers one and its edits map onto the written text. */
  fix?: FileFix;
  /** Fixes that change what keepalived does (applied only with --unsafe-fixes). */
  suggestions?: FileFix[];
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
