/**
 * `keepalived-lint` directives written in comments: where the comments of a file are, and what the
 * directives in them say. Config files use keepalived's comments (`#` or `!` outside double quotes,
 * anywhere on a line, read from the raw text the way keepalived's decomment() reads it); scripts
 * use shell `#` comments as tree-sitter-bash finds them (not in strings or here-documents).
 * Example, a config line:
 *
 *   priority 300   # keepalived-lint disable-line invalid-value -- lab box, no peer
 *   -> { kind: 'disable-line', rules: [{ id: 'invalid-value', ... }], reason: 'lab box, no peer', line: 1 }
 */
import { LineIndex } from '../source/line-index.js';
import { loadShellParser } from '../scripts/shell.js';

export const DIRECTIVE_KINDS = ['disable-next-line', 'disable-line', 'disable', 'enable', 'disable-file'] as const;
export type DirectiveKind = (typeof DIRECTIVE_KINDS)[number];

/** A comment: offsets into the file's text, from the comment character to the line end. */
export interface CommentSpan {
  start: number;
  end: number;
  /** Nothing but blanks before it on its line. */
  alone: boolean;
}

export interface DirectiveRule {
  id: string;
  start: number;
  end: number;
}

export interface Directive {
  kind: DirectiveKind;
  /** null: no list, every rule. */
  rules: DirectiveRule[] | null;
  /** `keepalived-lint <kind>`, where a finding about the whole directive points. */
  start: number;
  end: number;
  /** 1-based line of the comment. */
  line: number;
  /** The line a disable-line / disable-next-line covers. */
  targetLine: number;
  reason: string | null;
}

/** A comment that means to be a directive but names none (`keepalived-lint disable-nextline`). */
export interface MalformedDirective {
  word: string;
  start: number;
  end: number;
}

export interface FileDirectives {
  directives: Directive[];
  malformed: MalformedDirective[];
  index: LineIndex;
}

/** The marker every directive starts with: files without it are never tokenized. */
export const MARKER = 'keepalived-lint';

/**
 * keepalived's comments, line by line: outside double quotes, `#` or `!` starts a comment that runs
 * to the line end; `\#`, `\!` and `\"` are escaped; inside quotes a backslash escapes any
 * character; an unclosed quote runs to the line end (no comment after it).
 */
export function configComments(text: string): CommentSpan[] {
  const out: CommentSpan[] = [];
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let quoted = false;
    for (let i = lineStart; i < lineEnd; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '\\') i++;
        else if (c === '"') quoted = false;
      } else if (c === '\\') {
        const next = text[i + 1];
        if (next === '#' || next === '!' || next === '"') i++;
      } else if (c === '"') quoted = true;
      else if (c === '#' || c === '!') {
        const end = text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd;
        out.push({ start: i, end, alone: text.slice(lineStart, i).trim() === '' });
        break;
      }
    }
    lineStart = lineEnd + 1;
  }
  return out;
}

/** Shell comments, from the real shell parser (a `#` in a string, `$#` or a here-document is none). */
export async function scriptComments(text: string): Promise<CommentSpan[]> {
  const parser = await loadShellParser();
  const tree = parser.parse(text);
  try {
    return tree.rootNode.descendantsOfType('comment').map((n) => {
      const lineStart = text.lastIndexOf('\n', n.startIndex - 1) + 1;
      return { start: n.startIndex, end: n.endIndex, alone: text.slice(lineStart, n.startIndex).trim() === '' };
    });
  } finally {
    tree.delete();
  }
}

const HEAD = /^[#!]+[ \t]*keepalived-lint[ \t]+([A-Za-z][\w-]*)/;

/** The directives in a file's comments; `comments` in file order. */
export function readDirectives(text: string, comments: readonly CommentSpan[]): FileDirectives {
  const index = new LineIndex(text);
  const directives: Directive[] = [];
  const malformed: MalformedDirective[] = [];
  // disable-next-line covers the next line that is not only a comment, so that directives (each
  // with its reason) can stand one above the other.
  const commentOnly = new Set(comments.filter((c) => c.alone).map((c) => index.position(c.start).line));
  for (const c of comments) {
    const body = text.slice(c.start, c.end);
    const head = HEAD.exec(body);
    if (!head) continue;
    const word = head[1]!;
    const wordStart = c.start + head[0].length - word.length;
    const kind = (DIRECTIVE_KINDS as readonly string[]).includes(word) ? (word as DirectiveKind) : null;
    if (!kind) {
      // Prose that names the tool ("keepalived-lint runs in CI") is not a directive.
      if (/^(disable|enable)/i.test(word)) malformed.push({ word, start: wordStart, end: wordStart + word.length });
      continue;
    }
    const restStart = c.start + head[0].length;
    const rest = text.slice(restStart, c.end);
    const sep = /(^|[ \t])--([ \t]|$)/.exec(rest);
    const listText = sep ? rest.slice(0, sep.index) : rest;
    const reason = sep ? rest.slice(sep.index + sep[0].length).trim() || null : null;
    const rules: DirectiveRule[] = [];
    for (const m of listText.matchAll(/[^\s,]+/g))
      rules.push({ id: m[0], start: restStart + m.index, end: restStart + m.index + m[0].length });
    const line = index.position(c.start).line;
    let targetLine = line;
    if (kind === 'disable-next-line') {
      targetLine = line + 1;
      while (commentOnly.has(targetLine)) targetLine++;
    }
    directives.push({
      kind,
      rules: rules.length ? rules : null,
      start: c.start + body.indexOf(MARKER),
      end: wordStart + word.length,
      line,
      targetLine,
      reason,
    });
  }
  return { directives, malformed, index };
}
