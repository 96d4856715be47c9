/**
 * glob(3) as keepalived calls it for include lines: GLOB_BRACE, no match for dot files unless the
 * pattern says so, each brace alternative globbed and sorted on its own, results in that order.
 * Example: expandGlob('/etc/k/{a,b}/*.conf') -> ['/etc/k/a/1.conf', '/etc/k/b/0.conf'].
 * Matching uses picomatch per path segment; the walk lists only the directories it must.
 */
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { FileHost } from './host.js';

export const MAX_GLOB_MATCHES = 20_000;
/**
 * Brace alternatives of one include pattern. Real patterns have a handful (`{a,b,c}.conf`); 24
 * groups of two are 16.7 million patterns, which the old recursive expansion built in full (2 GB).
 */
export const MAX_BRACE_ALTERNATIVES = 4_096;

export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/**
 * Expand `{a,b}` alternatives (nested too), left to right, as GLOB_BRACE does: at most `limit`
 * patterns, built one by one, so that the work stops with them.
 */
export function expandBraces(
  pattern: string,
  limit = MAX_BRACE_ALTERNATIVES,
): { patterns: string[]; truncated: boolean } {
  const patterns: string[] = [];
  const truncated = !expandInto(pattern, patterns, limit);
  return { patterns, truncated };
}

/** Push the expansions of `pattern` to `out`; false when `limit` stopped it. */
function expandInto(pattern: string, out: string[], limit: number): boolean {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const inner = pattern.slice(open + 1, i);
        const alts = splitTopLevel(inner);
        if (alts.length < 2 && inner.length > 0 && !inner.includes(',')) {
          // `{x}` with no comma is literal in glob(3)
          const prefix = pattern.slice(0, i + 1);
          const rests: string[] = [];
          const whole = expandInto(pattern.slice(i + 1), rests, limit - out.length);
          for (const rest of rests) out.push(prefix + rest);
          return whole;
        }
        const head = pattern.slice(0, open);
        const tail = pattern.slice(i + 1);
        for (const a of alts) if (!expandInto(head + a + tail, out, limit)) return false;
        return true;
      }
    }
  }
  if (out.length >= limit) return false;
  out.push(pattern);
  return true;
}

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '{') depth++;
    if (c === '}') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * File-system questions an include line may still ask (brace alternatives tried, stat and list
 * calls): the caller's per-pass budget, spent here. Unbounded when absent.
 */
export interface LookupBudget {
  left: number;
}

/** Spend `n` lookups; false when the budget cannot pay them (then it is spent). */
function spend(budget: LookupBudget | undefined, n = 1): boolean {
  if (!budget) return true;
  if (budget.left < n) {
    budget.left = 0;
    return false;
  }
  budget.left -= n;
  return true;
}

/** Match one already brace-expanded absolute pattern; null when the lookup budget ran out. */
function globOne(pattern: string, host: FileHost, limit: number, budget?: LookupBudget): string[] | null {
  const parts = pattern.split('/');
  let current: string[] = [parts[0] === '' ? '/' : parts[0]!];
  for (let i = 1; i < parts.length; i++) {
    const seg = parts[i]!;
    if (seg === '') continue;
    const next: string[] = [];
    for (const base of current) {
      if (!hasMagic(seg)) {
        next.push(path.posix.join(base, seg));
        continue;
      }
      // A folder outside what may be read (src/source/confine.ts) is not listed: it stands for its
      // matches, so the include says "outside the root" rather than "matches no file".
      if (!spend(budget, 2)) return null; // the stat and the list of base
      if (host.stat(base).kind === 'outside') {
        next.push(base);
        continue;
      }
      const isMatch = picomatch(seg, { dot: seg.startsWith('.'), nobrace: true });
      const names = host.list(base);
      // Each name listed is matched: a folder of 20,000 names listed by every line of a ~SEQ costs that much.
      if (!spend(budget, names.length)) return null;
      for (const name of names) {
        if (isMatch(name)) next.push(path.posix.join(base, name));
        if (next.length > limit) break;
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  const found: string[] = [];
  for (const p of current) {
    if (!spend(budget)) return null;
    if (host.stat(p).kind !== 'missing') found.push(p);
  }
  return found;
}

export interface GlobResult {
  matches: string[];
  /** Brace alternatives without a wildcard that name no existing file. */
  missingAlternatives: string[];
  truncated: boolean;
  /** More than MAX_BRACE_ALTERNATIVES brace alternatives: only the first were globbed. */
  alternativesTruncated: boolean;
  /** The lookup budget ran out before the pattern was globbed whole: matches are incomplete. */
  lookupsExhausted: boolean;
}

/**
 * Every brace alternative tried and every stat and list call is charged to `budget` (when given),
 * so that the include lines of a pass together ask a bounded number of questions.
 */
export function expandGlob(pattern: string, host: FileHost, budget?: LookupBudget): GlobResult {
  const matches: string[] = [];
  const missingAlternatives: string[] = [];
  let truncated = false;
  // No more alternatives are built than the budget can try.
  const limit = budget ? Math.min(MAX_BRACE_ALTERNATIVES, Math.max(budget.left, 0) + 1) : MAX_BRACE_ALTERNATIVES;
  const braces = expandBraces(pattern, limit);
  const patterns = braces.patterns;
  const alternativesTruncated = braces.truncated && limit === MAX_BRACE_ALTERNATIVES;
  for (const alt of patterns) {
    // Trying an alternative is one question (a literal one is its stat), and a wildcard one also
    // pays for each stat and list call of its walk.
    const found = !spend(budget)
      ? null
      : hasMagic(alt)
        ? globOne(alt, host, MAX_GLOB_MATCHES, budget)
        : host.stat(alt).kind === 'missing'
          ? []
          : [alt];
    if (found === null)
      return { matches, missingAlternatives, truncated, alternativesTruncated, lookupsExhausted: true };
    if (found.length === 0 && !hasMagic(alt)) missingAlternatives.push(alt);
    for (const f of found) {
      if (matches.length >= MAX_GLOB_MATCHES) {
        truncated = true;
        break;
      }
      matches.push(f);
    }
  }
  if (braces.truncated && !alternativesTruncated)
    return { matches, missingAlternatives, truncated, alternativesTruncated, lookupsExhausted: true };
  return { matches, missingAlternatives, truncated, alternativesTruncated, lookupsExhausted: false };
}
