// The unified diff --diff prints: applied to the old text it gives the new one, its hunks carry
// context, and past MAX_DIFF_STEPS it stays a correct diff (the middle removed and added whole)
// instead of growing its memory with the square of the change.
import { describe, expect, it } from 'vitest';
import { MAX_DIFF_STEPS, unifiedDiff } from '../src/format/unified-diff.js';

/** Applies a unified diff as `patch` does (hunks in order, context and removals checked). */
function apply(before: string, diff: string): string {
  const old = before.split(/(?<=\n)/).filter((l) => l !== '');
  const out: string[] = [];
  let i = 0;
  const lines = diff.split('\n');
  for (let k = 2; k < lines.length; k++) {
    const h = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@$/.exec(lines[k]!);
    if (!h) continue;
    const start = Number(h[1]) - (h[2] === '0' ? 0 : 1);
    while (i < start) out.push(old[i++]!);
    for (k++; k < lines.length && !lines[k]!.startsWith('@@'); k++) {
      const l = lines[k]!;
      const noEol = lines[k + 1] === '\\ No newline at end of file';
      const text = l.slice(1) + (noEol ? '' : '\n');
      if (l.startsWith(' ') || l.startsWith('-')) {
        expect(old[i], `line ${i + 1}`).toBe(text);
        i++;
      }
      if (l.startsWith(' ') || l.startsWith('+')) out.push(text);
      if (noEol) k++;
    }
    k--;
  }
  while (i < old.length) out.push(old[i++]!);
  return out.join('');
}

function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

describe('unifiedDiff', () => {
  it('gives a diff that turns the old text into the new one, for random edits', () => {
    const r = random(7);
    for (let round = 0; round < 200; round++) {
      const before = Array.from({ length: 1 + Math.floor(r() * 40) }, () => `l${Math.floor(r() * 8)}\n`).join('');
      const lines = before.split(/(?<=\n)/);
      for (let e = 0; e < 1 + r() * 5; e++) {
        const at = Math.floor(r() * lines.length);
        const what = r();
        if (what < 0.3) lines.splice(at, 1);
        else if (what < 0.6) lines.splice(at, 0, `n${Math.floor(r() * 8)}\n`);
        else lines[at] = `c${Math.floor(r() * 8)}\n`;
      }
      let after = lines.join('');
      if (r() < 0.2) after = after.replace(/\n$/, '');
      const diff = unifiedDiff('a/x', 'b/x', before, after);
      expect(diff === '').toBe(before === after);
      if (diff) expect(apply(before, diff)).toBe(after);
    }
  });

  it('a change longer than MAX_DIFF_STEPS is shown whole between the common head and tail', () => {
    const n = MAX_DIFF_STEPS + 500;
    const before = ['head\n', ...Array.from({ length: n }, (_, i) => `a${i}\n`), 'tail\n'].join('');
    const after = ['head\n', ...Array.from({ length: n }, (_, i) => `b${i}\n`), 'tail\n'].join('');
    const diff = unifiedDiff('a/x', 'b/x', before, after);
    expect(apply(before, diff)).toBe(after);
    expect(diff.split('\n').filter((l) => l.startsWith('-a')).length).toBe(n);
    expect(diff).toContain(' head\n');
  });
});
