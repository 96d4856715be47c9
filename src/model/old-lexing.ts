/**
 * Where keepalived's older lexers read a line differently from the 2.x one the preprocessor models,
 * found from the logical lines and the source text (no second lexer):
 *
 * - braces (lib/parser.c before 1.4.2, commit 5332be8c split lines at braces): a block opens only
 *   with "{" as the last word of its line (or alone on the next), and closes only at a line whose
 *   first word is "}". `vrrp_instance VI_1 { state MASTER }` -> { kind: 'open-then-words' }.
 * - comments (alloc_strvec() before 1.2.20, commit 79693dcf): "#"/"!" start a comment only at the
 *   start of a word, also inside double quotes. `router_id lb#1` -> { old: 'lb#1', now: 'lb' }.
 */
import type { LogicalLine, SourceFile, Token } from '../preprocess/types.js';

export interface BraceProblem {
  kind: 'open-then-words' | 'glued' | 'close-after-words' | 'close-then-words';
  at: Token;
  /** The first word of the physical line. */
  keyword: string;
  /** What the old parser ignores or glues: the text from the brace on, or the glued word. */
  rest: string;
  /** The line where the old parser closes the block; null: none before the end of the file. */
  closeLine: number | null;
}

const literal = (l: LogicalLine) => l.via.every((v) => v.kind === 'include');

/** The first line after `line` whose first word is "}", as the old parser closes blocks; null: none. */
function nextCloseLine(file: SourceFile, line: number): number | null {
  for (let n = line + 1; n <= file.index.lineCount; n++) if (/^\s*\}/.test(file.index.lineText(n))) return n;
  return null;
}

export function braceProblems(
  lines: readonly LogicalLine[],
  file: (path: string) => SourceFile | undefined,
): BraceProblem[] {
  const out: BraceProblem[] = [];
  let i = 0;
  while (i < lines.length) {
    const f = file(lines[i]!.lineOrigin.file);
    if (!f) {
      i++;
      continue;
    }
    // The logical lines cut from one physical line.
    const lineNo = f.index.position(lines[i]!.lineOrigin.start).line;
    let j = i + 1;
    while (
      j < lines.length &&
      lines[j]!.lineOrigin.file === f.path &&
      f.index.position(lines[j]!.lineOrigin.start).line === lineNo
    )
      j++;
    const group = lines.slice(i, j);
    i = j;
    if (!group.every(literal)) continue;
    const text = f.index.lineText(lineNo);
    const col = (t: Token) => t.origin.start - f.index.lineStart(lineNo);
    const restFrom = (t: Token) =>
      text
        .slice(col(t))
        .replace(/\s+[#!].*$/, '')
        .trim();
    const keyword = group[0]!.tokens[0]?.text ?? '';
    for (let k = 0; k < group.length; k++) {
      const l = group[k]!;
      const t = l.tokens[0]!;
      const last = k === group.length - 1;
      let p: Pick<BraceProblem, 'kind' | 'at' | 'rest'> | undefined;
      if (l.kind === 'open' && !last) p = { kind: 'open-then-words', at: t, rest: restFrom(t) };
      else if (l.kind === 'open' && k > 0 && !/\s/.test(text[col(t) - 1] ?? ' '))
        p = { kind: 'glued', at: t, rest: `${group[k - 1]!.tokens.at(-1)!.text}{` };
      else if (l.kind === 'close' && k > 0) p = { kind: 'close-after-words', at: t, rest: restFrom(t) };
      else if (l.kind === 'close' && !last)
        p = { kind: 'close-then-words', at: group[k + 1]!.tokens[0]!, rest: restFrom(group[k + 1]!.tokens[0]!) };
      if (!p) continue;
      out.push({ ...p, keyword, closeLine: nextCloseLine(f, lineNo) });
      break; // one per line: what follows depends on how the old parser took the first brace
    }
  }
  return out;
}

export interface CommentProblem {
  /** The span the old lexer reads as one word (or, in quotes, where it stops reading). */
  at: { file: string; start: number; end: number };
  kind: 'in-word' | 'in-quotes';
  old: string;
  now: string;
}

export function commentProblems(
  lines: readonly LogicalLine[],
  file: (path: string) => SourceFile | undefined,
): CommentProblem[] {
  const out: CommentProblem[] = [];
  for (const l of lines) {
    if (l.kind !== 'words' || !literal(l)) continue;
    for (const t of l.tokens) {
      const src = file(t.origin.file)?.text ?? '';
      if (t.quoted) {
        const m = /(^|\s)[#!]/.exec(t.text);
        if (m) out.push({ at: t.origin, kind: 'in-quotes', old: t.text.slice(0, m.index), now: t.text });
      } else if (/[#!]/.test(src[t.origin.end] ?? '') && src.slice(t.origin.start, t.origin.end) === t.text) {
        const old = /^[^\s"]*/.exec(src.slice(t.origin.start))![0];
        out.push({
          at: { file: t.origin.file, start: t.origin.start, end: t.origin.start + old.length },
          kind: 'in-word',
          old,
          now: t.text,
        });
      }
    }
  }
  return out;
}
