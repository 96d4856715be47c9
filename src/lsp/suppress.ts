/**
 * The "disable this rule for this line" code action: a `keepalived-lint disable-next-line RULE`
 * comment on a line of its own above the finding's line, indented as that line is (README,
 * "Suppressing findings in comments"). A line of its own never changes what the line does, where
 * a comment appended to it could (a quoted word, a shell line ending in a backslash). Example:
 *   line 3 "    priorty 100", rule unknown-keyword
 *   -> insert "    # keepalived-lint disable-next-line unknown-keyword\n" at 3:1
 */
import type { TextEdit } from 'vscode-languageserver';
import { MARKER } from '../engine/directives.js';

/** The edit, null when no comment can go above the line (a script's `#!` line). */
export function disableLineEdit(text: string, line: number, ruleId: string, script: boolean): TextEdit | null {
  const lines = text.split('\n');
  const current = lines[line - 1] ?? '';
  if (script && line === 1 && current.startsWith('#!')) return null;
  const indent = /^[ \t]*/.exec(current)?.[0] ?? '';
  const at = { line: line - 1, character: 0 };
  return { range: { start: at, end: at }, newText: `${indent}# ${MARKER} disable-next-line ${ruleId}\n` };
}
