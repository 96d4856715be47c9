/**
 * Text from the linted repository (file names, config lines, values quoted in messages) is
 * hostile: a file named `a\n::error file=README.md::x` must not start a GitHub workflow command,
 * and `\x1b[2J` in a config line must not clear the terminal of a pre-commit run. Every human
 * format and every stderr line shows such text through escapeControl.
 * Example: escapeControl('a\n\u001b[2Jb\u202e') -> 'a\\n\\x1b[2Jb\\u202e'.
 *
 * Escaped: C0 controls (tab too: a message is one line), DEL, C1 controls (0x9b is a CSI on some
 * terminals), the Unicode line and paragraph separators, and the bidi controls that reorder what a
 * reviewer sees (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069). A backslash is left as it
 * is (readability over an unambiguous round trip: the output is read, never parsed back).
 */
import { displayPath } from './common.js';

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function visible(c: string): string {
  const named = NAMED[c];
  if (named) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The text with every control character written as a visible escape (`\n`, `\x1b`, `\u202e`). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, visible);
}

/** The file as a human output shows it: relative to cwd when inside it, control characters escaped. */
export function shownPath(file: string, cwd: string): string {
  return escapeControl(displayPath(file, cwd));
}
