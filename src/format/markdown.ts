/**
 * Markdown for a pull-request comment, from text the repository wrote (names, paths, messages):
 * hostile. A config may name an instance `<img src=x onerror=...>`, `[click](https://evil)`,
 * `@org/team`, `owner/repo#1` or "```" to end a code fence: none of it may become HTML, a link, a
 * mention, a cross-reference or markup. Two ways in:
 *
 *   mdCode('gw`1 @x')  -> "``gw`1 @x``"   a code span (GitHub links and mentions nothing in code)
 *   mdText('see @x <b>') -> 'see \@\u200bx \<b\>'   every ASCII punctuation mark backslash-escaped,
 *       and a zero-width space after `@` and `#`, inside `://` and after `www` (GitHub finds
 *       mentions, references and bare links in the rendered text, after the escapes are gone)
 *
 * Both show control characters as visible escapes (a line break never starts a block) and cut the
 * text at `max` characters (a long name cannot fill the comment).
 */
import { escapeControl } from './escape.js';

const ZWSP = '\u200b';

/** At most `max` characters (code points), `…` marking a cut. */
export function cut(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Repository text as a code span: a fence of more backticks than the text's longest run. */
export function mdCode(s: string, max = 200): string {
  const text = cut(escapeControl(s), max);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  // A space on each side when the text starts or ends with a backtick or a space (CommonMark strips one of each).
  const pad = /^[` ]|[` ]$/.test(text) || text === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** Repository text as plain Markdown text: nothing in it is markup, a link, a mention or a reference. */
export function mdText(s: string, max = 500): string {
  return cut(escapeControl(s), max)
    .replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`)
    .replace(/\\([@#])/g, `\\$1${ZWSP}`)
    .replace(/\\:\\\/\\\//g, `\\:${ZWSP}\\/\\/`)
    .replace(/(www)(?=\\\.)/gi, `$1${ZWSP}`)
    .replace(/(GH)(?=\\-[0-9])/gi, `$1${ZWSP}`);
}

/** A fenced block of `lang` around `body`: a fence longer than any backtick run of the body. */
export function mdFence(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}`;
}
