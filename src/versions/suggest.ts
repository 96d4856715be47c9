/**
 * Did-you-mean for the names an operator types (formats, targets, severities, rule ids, keys of
 * .keepalived-lint.yaml): the nearest candidate by case, prefix or a small typo, or none.
 * Example: closestName('bookwrom', ['bookworm', 'bullseye']) -> 'bookworm';
 * closestName('warn', ['off', 'info', 'warning', 'error']) -> 'warning'; closestName('yaml', ['json']) -> undefined.
 */
import { editDistance } from './keyword-table.js';

export function closestName(value: string, candidates: readonly string[]): string | undefined {
  const wanted = value.trim().toLowerCase();
  if (!wanted) return undefined;
  const same = candidates.find((c) => c.toLowerCase() === wanted);
  if (same !== undefined) return same;
  // "warn" for "warning", "sar" for "sarif": a word cut short, when it names one candidate only.
  const prefixed = candidates.filter((c) => c.toLowerCase().startsWith(wanted));
  if (wanted.length >= 2 && prefixed.length === 1) return prefixed[0];
  // A typo: at most one edit in four characters (transpositions count one: "bookwrom").
  const limit = Math.max(1, Math.floor(wanted.length / 4));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    const d = editDistance(wanted, c.toLowerCase(), limit);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

/** ` Did you mean "x"?` (leading space), or '' when nothing is near. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const near = closestName(value, candidates);
  return near === undefined ? '' : ` Did you mean "${near}"?`;
}
