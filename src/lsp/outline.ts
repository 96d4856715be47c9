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

/** The blocks of `text`, nested as the braces nest them. */
export function outline(text: string): OutlineBlock[] {
  const top: OutlineBlock[] = [];
  const stack: OutlineBlock[] = [];
  let header: { words: Word[]; line: number } | null = null;
  let line = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    let words: Word[] = [];
    let i = lineStart;
    while (i < lineEnd) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) {
        i++;
        continue;
      }
      if (c === 35 || c === 33) break; // # or !: a comment to the end of the line
      if (c === 123 || c === 125) {
        if (c === 123) {
          const head: Word[] = words.length ? words : (header?.words ?? []);
          const first = head[0];
          const block: OutlineBlock = {
            keyword: first?.text ?? '{',
            args: head.slice(1).map((w) => w.text),
            start: first?.start ?? i,
            headerEnd: head[head.length - 1]?.end ?? i + 1,
            end: text.length,
            startLine: words.length || !header ? line : header.line,
            endLine: line,
            closed: false,
            children: [],
          };
          (stack[stack.length - 1]?.children ?? top).push(block);
          stack.push(block);
        } else {
          const block = stack.pop();
          if (block) {
            block.end = i + 1;
            block.endLine = line;
            block.closed = true;
          }
        }
        words = [];
        header = null;
        i++;
        continue;
      }
      const start = i;
      if (c === 34) {
        const close = text.indexOf('"', i + 1);
        i = close === -1 || close > lineEnd ? lineEnd : close + 1;
      } else {
        while (i < lineEnd) {
          const d = text.charCodeAt(i);
          if (d === 32 || d === 9 || d === 13 || d === 123 || d === 125) break;
          i++;
        }
      }
      words.push({ text: text.slice(start, i), start, end: i });
    }
    if (words.length) header = { words, line };
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
  const codes = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
  let at = 0;
  // Where the last kept stretch ends: nothing after it is read (the offsets before it hold).
  let kept = 0;
  const keep = (from: number, to: number) => {
    if (/\S/.test(text.slice(from, to))) kept = to;
  };
  for (const b of blocks) {
    const from = Math.max(at, lineStartOf(text, b.start));
    keep(at, from);
    if ((offset >= from && offset <= b.end) || (DEFINERS.has(b.keyword) && b.end - from <= budget)) {
      if (!(offset >= from && offset <= b.end)) budget -= b.end - from;
      kept = b.end;
      at = b.end;
      continue;
    }
    // A comment: the loader skips the rest of the line at once.
    codes.fill(32, from, b.end);
    codes[from] = 35;
    at = b.end;
  }
  keep(at, text.length);
  const lineEnd = offset < 0 ? 0 : text.indexOf('\n', offset);
  const end = Math.max(kept, lineEnd === -1 ? text.length : lineEnd);
  return new TextDecoder('utf-16le').decode(codes.subarray(0, end));
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}
