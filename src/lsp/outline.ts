/**
 * A cheap reading of a big buffer's blocks, for what the editor asks while the full load of a
 * 10,000-instance config (seconds) is out of the question on the main thread: the braces and the
 * words before them, line by line, with comments (`#`, `!`) and quoted strings skipped. It gives the
 * document symbols and folding ranges of a big file, and the top-level block a request falls in,
 * which is all src/lsp/workspace.ts loads for hover and completion there. Example:
 * "vrrp_instance VI_1 {\n  track_script {\n    chk\n  }\n}\n"
 * -> [{ keyword: 'vrrp_instance', args: ['VI_1'], startLine: 0, endLine: 4, children: [track_script 1-3] }]
 */

export interface OutlineBlock {
  keyword: string;
  args: string[];
  /** Offsets of the keyword, of the end of the header's last word, and after the closing brace. */
  start: number;
  headerEnd: number;
  end: number;
  /** 0-based lines of the keyword and of the closing brace (the last line when it is missing). */
  startLine: number;
  endLine: number;
  /** Whether a "}" closed it. */
  closed: boolean;
  children: OutlineBlock[];
}

interface Word {
  text: string;
  start: number;
  end: number;
}

/** The words of text[from, to) up to a comment, and the braces among them (as words "{" and "}"). */
function words(text: string, from: number, to: number): Word[] {
  const out: Word[] = [];
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 35 || c === 33) break; // # or !: a comment to the end of the line
    const start = i;
    if (c === 123 || c === 125) i++;
    else if (c === 34) {
      const close = text.indexOf('"', i + 1);
      i = close === -1 || close >= to ? to : close + 1;
    } else {
      while (i < to) {
        const d = text.charCodeAt(i);
        if (d === 32 || d === 9 || d === 13 || d === 123 || d === 125) break;
        i++;
      }
    }
    out.push({ text: text.slice(start, i), start, end: i });
  }
  return out;
}

/** Blocks read at most (a buffer of 16 MiB of "{" would otherwise be millions of them). */
export const MAX_BLOCKS = 200_000;

/** The blocks of `text`, nested as the braces nest them (the first MAX_BLOCKS). */
export function outline(text: string): OutlineBlock[] {
  let count = 0;
  let full = false;
  const top: OutlineBlock[] = [];
  const stack: OutlineBlock[] = [];
  // The last line of words: the header of a "{" alone on the next line.
  let header: { from: number; to: number; line: number } | null = null;
  let nextBrace = -1;
  let line = 0;
  let lineStart = 0;
  while (lineStart <= text.length && !full) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    if (nextBrace < lineStart) {
      const open = text.indexOf('{', lineStart);
      const close = text.indexOf('}', lineStart);
      nextBrace = open === -1 ? (close === -1 ? text.length + 1 : close) : close === -1 ? open : Math.min(open, close);
    }
    if (nextBrace >= lineEnd) {
      // No brace on the line (most lines): a header if it holds a word.
      let i = lineStart;
      while (i < lineEnd && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      const c = text.charCodeAt(i);
      if (i < lineEnd && c !== 35 && c !== 33 && c !== 13) header = { from: lineStart, to: lineEnd, line };
    } else {
      let before: Word[] = [];
      for (const w of words(text, lineStart, lineEnd)) {
        if (w.text === '{') {
          const head = before.length ? before : header ? words(text, header.from, header.to) : [];
          const first = head[0];
          const block: OutlineBlock = {
            keyword: first?.text ?? '{',
            args: head.slice(1).map((x) => x.text),
            start: first?.start ?? w.start,
            headerEnd: head[head.length - 1]?.end ?? w.end,
            end: text.length,
            startLine: before.length || !header ? line : header.line,
            endLine: line,
            closed: false,
            children: [],
          };
          if (++count > MAX_BLOCKS) {
            full = true;
            break;
          }
          (stack[stack.length - 1]?.children ?? top).push(block);
          stack.push(block);
          before = [];
          header = null;
        } else if (w.text === '}') {
          const block = stack.pop();
          if (block) {
            block.end = w.end;
            block.endLine = line;
            block.closed = true;
          }
          before = [];
          header = null;
        } else before.push(w);
      }
      header = before.length ? { from: before[0]!.start, to: lineEnd, line } : header;
    }
    line++;
    lineStart = lineEnd + 1;
  }
  for (const b of stack) b.endLine = line - 1;
  return top;
}

/** Top-level blocks that define a name others refer to (track_script -> vrrp_script): kept in a window. */
const DEFINERS = new Set([
  'vrrp_script',
  'track_file',
  'vrrp_track_file',
  'vrrp_track_process',
  'bfd_instance',
  'virtual_server_group',
  'track_group',
]);

/**
 * `text` with only what a request at `offset` needs kept: the top-level block around it, the
 * blocks that define names (up to `budget` characters of them: a track_script name goes to its
 * vrrp_script) and the top-level lines outside every block (`$NAME=` definitions, includes);
 * everything else becomes a comment of spaces, line ends included, so that offsets stay those of the buffer and
 * the loader reads one blank line where 10,000 instances were, and nothing after the last
 * stretch kept (src/lsp/workspace.ts puts the buffer's own text and lines back).
 */
export function windowText(text: string, blocks: readonly OutlineBlock[], offset: number, budget: number): string {
  const parts: string[] = [];
  let at = 0;
  // Where the last kept stretch ends: nothing after it is read (the offsets before it hold).
  let kept = 0;
  const keep = (from: number, to: number) => {
    if (/\S/.test(text.slice(from, to))) kept = to;
  };
  for (const b of blocks) {
    const from = Math.max(at, lineStartOf(text, b.start));
    keep(at, from);
    const around = offset >= from && offset <= b.end;
    if (around || (DEFINERS.has(b.keyword) && b.end - from <= budget)) {
      if (!around) budget -= b.end - from;
      kept = b.end;
      continue;
    }
    // A comment: the loader skips the rest of the line at once.
    parts.push(text.slice(at, from), '#', ' '.repeat(b.end - from - 1));
    at = b.end;
  }
  keep(at, text.length);
  const lineEnd = offset < 0 ? 0 : text.indexOf('\n', offset);
  const end = Math.max(kept, lineEnd === -1 ? text.length : lineEnd);
  if (end > at) parts.push(text.slice(at, end));
  const out = parts.join('');
  return out.length > end ? out.slice(0, end) : out;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
