/**
 * A unified diff of two texts (what `--diff` prints, what `git apply` and `patch -p1` read): lines
 * compared with Myers' algorithm, hunks with three lines of context, "\ No newline at end of file"
 * where a text does not end with one. Example: unifiedDiff('a/k.conf', 'b/k.conf', 'gw\n', 'via\n')
 * -> "--- a/k.conf\n+++ b/k.conf\n@@ -1 +1 @@\n-gw\n+via\n".
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

export function unifiedDiff(oldLabel: string, newLabel: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = diffLines(a, b);
  const out = [`--- ${oldLabel}`, `+++ ${newLabel}`];
  // Hunks: runs of changes with their context, merged when their context would overlap.
  let i = 0;
  while (i < ops.length) {
    while (i < ops.length && ops[i]!.kind === ' ') i++;
    if (i >= ops.length) break;
    let start = Math.max(0, i - context);
    let end = i;
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next]!.kind === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    let oldStart = 1;
    let newStart = 1;
    for (let k = 0; k < start; k++) {
      if (ops[k]!.kind !== '+') oldStart++;
      if (ops[k]!.kind !== '-') newStart++;
    }
    const hunk = ops.slice(start, end);
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    const range = (s: number, n: number) => (n === 1 ? `${s}` : `${n === 0 ? s - 1 : s},${n}`);
    out.push(`@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`);
    for (const o of hunk) {
      out.push(`${o.kind}${o.line.endsWith('\n') ? o.line.slice(0, -1) : o.line}`);
      if (!o.line.endsWith('\n')) out.push('\\ No newline at end of file');
    }
    i = end;
    start = end;
  }
  return `${out.join('\n')}\n`;
}

/** Lines with their line ends ("a\n", "b"), so a missing final newline is a difference too. */
function splitLines(t: string): string[] {
  const lines = t.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

/**
 * Edit scripts longer than this many lines (after the common head and tail are set aside) are not
 * searched for: the middle is shown removed and added whole. Myers keeps one frontier per step, so
 * its memory grows with the square of the script's length: 2,000 steps are ~16 MB.
 */
export const MAX_DIFF_STEPS = 2_000;

/**
 * The lines kept, removed and added: the common head and tail as they are, the middle by Myers'
 * O((N+M)D) shortest edit script, or, past MAX_DIFF_STEPS, removed and added whole (still a diff
 * `patch` applies, only with larger hunks).
 */
function diffLines(a: string[], b: string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const keep = (lines: string[]): Op[] => lines.map((line) => ({ kind: ' ', line }));
  const middle = myers(midA, midB) ?? [
    ...midA.map((line): Op => ({ kind: '-', line })),
    ...midB.map((line): Op => ({ kind: '+', line })),
  ];
  return [...keep(a.slice(0, head)), ...middle, ...keep(a.slice(a.length - tail))];
}

/** Myers' shortest edit script, or null when it is longer than MAX_DIFF_STEPS. */
function myers(a: string[], b: string[]): Op[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_DIFF_STEPS);
  // v[k + offset]: the furthest x on diagonal k; trace[d]: v as round d found it (only its 2d+1 cells).
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= max && !found; d++) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return null;
  // Walk back through the saved frontiers (trace[d] holds diagonals -d-1 .. d+1).
  const at = (d: number, k: number) => trace[d]![k + d + 1]!;
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    const prevK = k === -d || (k !== d && at(d, k - 1) < at(d, k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(d, prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      ops.push({ kind: ' ', line: a[--x]! });
      y--;
    }
    if (d === 0) break;
    if (x === prevX) ops.push({ kind: '+', line: b[--y]! });
    else ops.push({ kind: '-', line: a[--x]! });
  }
  while (x > 0 && y > 0) {
    ops.push({ kind: ' ', line: a[--x]! });
    y--;
  }
  return ops.reverse();
}
