/**
 * Applying the fixes of a lint report to the text of its files: each finding's safe fix (and with
 * `unsafe`, its first suggestion), every edit of a fix or none, in source order; a fix whose edits
 * overlap an edit already taken is left for the next pass (the caller lints again and retries), and
 * the same edit offered by several findings (a ~SEQ line's copies, two config-id passes) is made
 * once. Example: texts {k.conf: "    gw 10.0.0.1\n"}, one fix replacing [4,6) by "via" ->
 * { texts: {k.conf: "    via 10.0.0.1\n"}, applied: 1, deferred: 0 }.
 */
import type { FileFix, LintReport } from './types.js';

export interface FixOutcome {
  /** The new text of each file that changed. */
  texts: Map<string, string>;
  /** Fixes applied (a fix offered by several findings counts once). */
  applied: number;
  /** Fixes not applied because they overlap one that was (another pass may take them). */
  deferred: number;
}

type Placed = FileFix['edits'][number];

export function applyFixes(
  report: Pick<LintReport, 'results'>,
  text: (file: string) => string | undefined,
  o: { unsafe: boolean },
): FixOutcome {
  const fixes: FileFix[] = [];
  for (const r of report.results) {
    for (const d of r.diagnostics) {
      const f = d.fix ?? (o.unsafe ? d.suggestions?.[0] : undefined);
      if (f?.edits.every((e) => text(e.file) !== undefined)) fixes.push(f);
    }
  }
  const first = (f: FileFix) =>
    f.edits.reduce((m, e) => (e.file < m.file || (e.file === m.file && e.start < m.start) ? e : m));
  fixes.sort((a, b) => {
    const x = first(a);
    const y = first(b);
    return x.file < y.file ? -1 : x.file > y.file ? 1 : x.start - y.start;
  });
  // Per file, the edits taken, sorted by start (and end): they never overlap, so their ends are
  // sorted too, and the ones an edit can touch are found by a binary search, not a scan of all.
  const taken = new Map<string, Placed[]>();
  const same = (a: Placed, b: Placed) => a.start === b.start && a.end === b.end && a.text === b.text;
  // Edits touch when they overlap, or insert at one point (an insertion beside a replacement is fine).
  const clash = (a: Placed, b: Placed) =>
    a.start === a.end && b.start === b.end ? a.start === b.start : a.start < b.end && b.start < a.end;
  /** The taken edits of the file that may be the same as `e` or touch it. */
  const near = (e: Placed): Placed[] => {
    const list = taken.get(e.file);
    if (!list) return [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.end < e.start) lo = mid + 1;
      else hi = mid;
    }
    const out: Placed[] = [];
    for (let i = lo; i < list.length && list[i]!.start <= e.end; i++) out.push(list[i]!);
    return out;
  };
  const take = (e: Placed) => {
    let list = taken.get(e.file);
    if (!list) taken.set(e.file, (list = []));
    let i = list.length;
    while (i > 0 && (list[i - 1]!.start > e.start || (list[i - 1]!.start === e.start && list[i - 1]!.end > e.end))) i--;
    list.splice(i, 0, e);
  };
  const out: FixOutcome = { texts: new Map(), applied: 0, deferred: 0 };
  for (const f of fixes) {
    const around = f.edits.map(near);
    if (f.edits.every((e, i) => around[i]!.some((t) => same(t, e)))) continue;
    if (f.edits.some((e, i) => around[i]!.some((t) => !same(t, e) && clash(t, e)))) {
      out.deferred++;
      continue;
    }
    f.edits.forEach((e, i) => {
      if (!around[i]!.some((t) => same(t, e))) take(e);
    });
    out.applied++;
  }
  // Each file rebuilt once, its kept text and the edits' text in order.
  for (const [file, edits] of taken) {
    const t = text(file)!;
    const parts: string[] = [];
    let at = 0;
    for (const e of edits) {
      parts.push(t.slice(at, e.start), e.text);
      at = e.end;
    }
    parts.push(t.slice(at));
    out.texts.set(file, parts.join(''));
  }
  return out;
}
