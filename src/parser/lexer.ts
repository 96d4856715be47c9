/**
 * The line shapes every config is made of, read without Ohm: decomment, ordinary content with an
 * optional `@id` prefix, `$NAME=value` definitions, and the words of a line. Each function gives
 * exactly what the matching start rule of grammar/keepalived.ohm gives (same pieces, offsets and
 * flags); test/parser.test.ts holds them to that on every corpus line and on generated lines.
 *
 * Why a second reader: matching these rules with Ohm 17 was 3 of the 6.7 s of a 10,000-instance
 * lint, and loading and warming Ohm most of a small lint (issue 7). The grammar stays the
 * definition of the language and reads the shapes left to it (`~SEQ`/`~LST` lines), and ohm-js
 * loads only when a config has one.
 *
 *   tokenizeLine('a "b c"{') -> [a 0-1] ["b c" 2-7 quoted] [{ 7-8 brace]
 */
import type { CodePiece, DecommentResult, Directive, RawToken, SequenceHead } from './types.js';

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c;
const HASH = 0x23;
const BANG = 0x21;
const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }

/** The grammar's `blank`: space, \t, \n, \v, \f, \r. */
export function isBlankCode(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Rule `line`: code pieces outside comments; `\#`, `\!` become the bare character. */
export function decommentLine(text: string): DecommentResult {
  const pieces: CodePiece[] = [];
  const n = text.length;
  let i = 0;
  let unterminatedQuoteAt: number | null = null;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // dquoted_closed: `\` escapes any character, so `\"` does not close.
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH && j + 1 < n) j += 2;
        else if (d === QUOTE) {
          closed = true;
          break;
        } else j++;
      }
      if (closed) {
        pieces.push({ text: text.slice(i, j + 1), at: i });
        i = j + 1;
      } else {
        pieces.push({ text: text.slice(i), at: i, open: true });
        unterminatedQuoteAt = i;
        i = n;
      }
    } else if (c === BACKSLASH) {
      const d = i + 1 < n ? text.charCodeAt(i + 1) : -1;
      if (d === HASH || d === BANG) {
        pieces.push({ text: text[i + 1]!, at: i + 1 });
        i += 2;
      } else if (d === QUOTE) {
        pieces.push({ text: text.slice(i, i + 2), at: i });
        i += 2;
      } else {
        pieces.push({ text: '\\', at: i });
        i++;
      }
    } else if (c === HASH || c === BANG) {
      break;
    } else {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === QUOTE || d === BACKSLASH || d === HASH || d === BANG) break;
        j++;
      }
      pieces.push({ text: i === 0 && j === n ? text : text.slice(i, j), at: i });
      i = j;
    }
  }
  return { pieces, commentAt: i < n ? i : null, unterminatedQuoteAt };
}

/**
 * The tokens of a line as columns, filled by tokenizeInto() and read at once: the preprocessor
 * makes its own token of each, so a per-word object in between was garbage (10,000 instances:
 * 440,000 of them). `text[k]` is the word (without its quotes), `start[k]`/`end[k]` its offsets.
 */
export class TokenColumns {
  count = 0;
  text: string[] = [];
  start: number[] = [];
  end: number[] = [];
  /** Bits: 1 quoted, 2 brace, 4 unterminated. */
  flags: number[] = [];

  private add(text: string, start: number, end: number, flags: number): void {
    const k = this.count++;
    this.text[k] = text;
    this.start[k] = start;
    this.end[k] = end;
    this.flags[k] = flags;
  }

  /** Rule `tokens`: words, double-quoted words (text without the quotes) and braces. Returns the count. */
  tokenize(text: string): number {
    this.count = 0;
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isBlankCode(c)) {
        i++;
      } else if (c === OPEN || c === CLOSE) {
        this.add(c === OPEN ? '{' : '}', i, i + 1, TOKEN_BRACE);
        i++;
      } else if (c === QUOTE) {
        const close = text.indexOf('"', i + 1);
        if (close === -1) {
          this.add(text.slice(i + 1), i, n, TOKEN_QUOTED | TOKEN_UNTERMINATED);
          i = n;
        } else {
          this.add(text.slice(i + 1, close), i, close + 1, TOKEN_QUOTED);
          i = close + 1;
        }
      } else {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (isBlankCode(d) || d === QUOTE || d === OPEN || d === CLOSE) break;
          j++;
        }
        this.add(text.slice(i, j), i, j, 0);
        i = j;
      }
    }
    return this.count;
  }
}

export const TOKEN_QUOTED = 1;
export const TOKEN_BRACE = 2;
export const TOKEN_UNTERMINATED = 4;

/** Rule `tokens` as objects (the grammar's form; the preprocessor reads TokenColumns). */
export function tokenizeLine(text: string): RawToken[] {
  const cols = new TokenColumns();
  const out: RawToken[] = [];
  for (let k = 0, n = cols.tokenize(text); k < n; k++) {
    const f = cols.flags[k]!;
    out.push({
      text: cols.text[k]!,
      start: cols.start[k]!,
      end: cols.end[k]!,
      quoted: (f & TOKEN_QUOTED) !== 0,
      brace: (f & TOKEN_BRACE) !== 0,
      unterminated: (f & TOKEN_UNTERMINATED) !== 0,
    });
  }
  return out;
}

/** `letter` and `alnum` of Ohm's built-in rules: Unicode letters (Lu Ll Lt Lm Lo), ASCII digits. */
const DEFINITION = /^\$([\p{L}_][\p{L}0-9_]*)=/u;

/**
 * Rule `directive`: an optional `@id`/`@^id` prefix, then a definition, a sequence or content.
 * Example: '@lb1 ~SEQ(N, 1, 3) x$N' -> { condition: { id: 'lb1', ... }, body: { kind: 'sequence',
 * heads: [{ kind: '~SEQ', args: 'N, 1, 3', start: 5, end: 18 }], content: 'x$N', contentStart: 19 } }.
 */
export function directiveLine(text: string): Directive {
  const n = text.length;
  let i = 0;
  while (i < n && isBlankCode(text.charCodeAt(i))) i++;
  let condition: Directive['condition'] = null;
  if (text.charCodeAt(i) === 0x40 /* @ */) {
    const start = i;
    i++;
    const negated = text.charCodeAt(i) === 0x5e; /* ^ */
    if (negated) i++;
    const idStart = i;
    while (i < n && !isBlankCode(text.charCodeAt(i))) i++;
    const id = text.slice(idStart, i);
    while (i < n && isBlankCode(text.charCodeAt(i))) i++;
    condition = { negated, id, start, end: i };
  }
  const first = text.charCodeAt(i);
  if (first === 0x7e /* ~ */) {
    const seq = sequenceBody(text, i);
    if (seq) return { condition, body: seq };
  }
  if (first === 0x24 /* $ */) {
    const rest = i === 0 ? text : text.slice(i);
    const m = DEFINITION.exec(rest);
    if (m) {
      const nameStart = i + 1;
      let v = i + m[0].length;
      while (v < n && isBlankCode(text.charCodeAt(v))) v++;
      return { condition, body: { kind: 'definition', name: m[1]!, nameStart, value: text.slice(v), valueStart: v } };
    }
  }
  return { condition, body: { kind: 'content', content: i === 0 ? text : text.slice(i), contentStart: i } };
}

/**
 * Rule `sequence` at `i`: `seqHead+ content`, null when no head matches there (the line is then
 * content). A head is `~SEQx`, `~SEQ` or `~LST` (the first of them that the text starts with, as
 * the grammar's ordered choice takes it), blanks, `(`, anything but `)`, `)`, then blanks.
 */
function sequenceBody(text: string, i: number): Extract<Directive['body'], { kind: 'sequence' }> | null {
  const heads: SequenceHead[] = [];
  let at = i;
  for (;;) {
    const kind = text.startsWith('~SEQx', at)
      ? '~SEQx'
      : text.startsWith('~SEQ', at)
        ? '~SEQ'
        : text.startsWith('~LST', at)
          ? '~LST'
          : null;
    if (kind === null) break;
    let p = at + kind.length;
    while (p < text.length && isBlankCode(text.charCodeAt(p))) p++;
    if (text.charCodeAt(p) !== 0x28 /* ( */) break;
    const close = text.indexOf(')', p + 1);
    if (close === -1) break;
    heads.push({ kind, args: text.slice(p + 1, close), start: at, end: close + 1 });
    at = close + 1;
    while (at < text.length && isBlankCode(text.charCodeAt(at))) at++;
  }
  if (!heads.length) return null;
  return { kind: 'sequence', heads, content: text.slice(at), contentStart: at };
}
