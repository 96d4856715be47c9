/**
 * Matching script literals against the config's instance and group names, as the shell matches
 * them: exact text, or a glob for `case` arms and `[[ == ]]` patterns. Example:
 * matches({ text: 'gw_*', glob: true }, 'gw_v4') -> true; similarNames('gateway', {gateway_v4,
 * gateway_v6, lan}) -> ['gateway_v4', 'gateway_v6'] (what a split or rename left behind).
 */
import { editDistance } from '../versions/keyword-table.js';
import type { Dispatch, Literal, NameTest } from './analyze.js';

/** A pattern as a list: STAR for `*`, else what one character must be. */
type PatternItem = typeof STAR | ((c: string) => boolean);
const STAR = 0;

/**
 * The patterns read so far, by text. The map lives as long as the process, which for the language
 * server is as long as the editor, so it is emptied when it reaches MAX_PATTERNS_KEPT (a pattern
 * is read again in microseconds).
 */
const patterns = new Map<string, PatternItem[]>();
const MAX_PATTERNS_KEPT = 10_000;

export function matches(l: Pick<Literal, 'text' | 'glob'>, name: string): boolean {
  if (!l.glob) return l.text === name;
  let p = patterns.get(l.text);
  if (!p) {
    p = shellPattern(l.text);
    if (patterns.size >= MAX_PATTERNS_KEPT) patterns.clear();
    patterns.set(l.text, p);
  }
  return patternMatches(p, [...name]);
}

/** Character classes of a bracket expression (`[[:digit:]_]`), as bash knows them. */
const CLASSES: Record<string, RegExp> = {
  alnum: /[\p{L}\p{N}]/u,
  alpha: /\p{L}/u,
  ascii: /[\0-\x7f]/,
  blank: /[ \t]/,
  cntrl: /\p{Cc}/u,
  digit: /[0-9]/,
  graph: /[^\p{Cc}\p{Z}]/u,
  lower: /\p{Ll}/u,
  print: /[^\p{Cc}]/u,
  punct: /[!-/:-@[-\x60{-~]/,
  space: /\s/,
  upper: /\p{Lu}/u,
  word: /[\p{L}\p{N}_]/u,
  xdigit: /[0-9A-Fa-f]/,
};

/**
 * A `case` pattern as the shell reads it (fnmatch, as bash matches `case` words): `*` any text
 * (a `/` and a leading `.` too), `?` one character, `[...]` one of a set (`!` or `^` first: not
 * one of it; ranges, `[:class:]`; a `[` never closed is itself), `\x` the character x, anything
 * else itself. Example: shellPattern('gw_[!x]*') matches "gw_v4", not "gw_x4".
 */
function shellPattern(text: string): PatternItem[] {
  const chars = [...text];
  const out: PatternItem[] = [];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === '*') {
      if (out.at(-1) !== STAR) out.push(STAR);
    } else if (c === '?') out.push(() => true);
    else if (c === '[') {
      const set = bracket(chars, i);
      if (set) {
        out.push(set.test);
        i = set.end;
      } else out.push((x) => x === '[');
    } else {
      const lit = c === '\\' && i + 1 < chars.length ? chars[++i]! : c;
      out.push((x) => x === lit);
    }
  }
  return out;
}

/** The bracket expression opening at chars[at] (`[`): its test and the index of its `]`, or null when never closed. */
function bracket(chars: string[], at: number): { test: (c: string) => boolean; end: number } | null {
  let i = at + 1;
  const negated = chars[i] === '!' || chars[i] === '^';
  if (negated) i++;
  const tests: ((c: string) => boolean)[] = [];
  for (let first = true; i < chars.length; first = false, i++) {
    const c = chars[i]!;
    if (c === ']' && !first) {
      return { test: (x) => tests.some((t) => t(x)) !== negated, end: i };
    }
    if (c === '[' && chars[i + 1] === ':') {
      const close = chars.indexOf(']', i + 2);
      const name = close > 0 && chars[close - 1] === ':' ? chars.slice(i + 2, close - 1).join('') : null;
      const re = name !== null ? CLASSES[name] : undefined;
      if (name !== null) {
        tests.push(re ? (x) => re.test(x) : () => false);
        i = close;
        continue;
      }
    }
    const from = c === '\\' && i + 1 < chars.length ? chars[++i]! : c;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      i += 2;
      if (chars[i] === '\\' && i + 1 < chars.length) i++;
      const to = chars[i]!;
      const lo = from.codePointAt(0)!;
      const hi = to.codePointAt(0)!;
      tests.push((x) => {
        const k = x.codePointAt(0)!;
        return k >= lo && k <= hi;
      });
    } else tests.push((x) => x === from);
  }
  return null;
}

/**
 * Whether the pattern matches all of `name` (its characters). Each item but `*` takes one
 * character, so on a mismatch only the last `*` needs to take one more: at most length x items
 * steps. (picomatch's regular expression backtracked over every way to split the name between
 * the stars: `*a*a*a*a*a*a*a*ab` against a name of 40 letters took minutes.)
 */
function patternMatches(p: PatternItem[], name: string[]): boolean {
  let k = 0;
  let i = 0;
  let star = -1;
  let starAt = 0;
  while (i < name.length) {
    const item = p[k];
    if (item === STAR) {
      star = k++;
      starAt = i;
    } else if (item?.(name[i]!)) {
      k++;
      i++;
    } else if (star >= 0) {
      k = star + 1;
      i = ++starAt;
    } else return false;
  }
  while (p[k] === STAR) k++;
  return k === p.length;
}

/** Whether the test's literal matches this name as the script compares it (after `${NAME,,}`...). */
export function testMatches(t: Pick<NameTest, 'literal' | 'fold' | 'strip'>, name: string): boolean {
  return matches(t.literal, transformed(t, name));
}

/** The name after a case fold and a prefix/suffix removal (`${NAME,,}`, `${NAME#VI_}`). */
export function transformed(t: Pick<NameTest, 'fold' | 'strip'>, name: string): string {
  let seen = t.fold === 'lower' ? name.toLowerCase() : t.fold === 'upper' ? name.toUpperCase() : name;
  const { prefix, suffix } = t.strip ?? {};
  if (prefix && seen.startsWith(prefix)) seen = seen.slice(prefix.length);
  if (suffix && seen.endsWith(suffix)) seen = seen.slice(0, seen.length - suffix.length);
  const r = t.strip?.replace;
  if (r) seen = r.all ? seen.split(r.from).join(r.to) : seen.replace(r.from, () => r.to);
  return seen;
}

/** Whether some branch of the dispatch runs for this name. */
export function handles(d: Dispatch, name: string): boolean {
  return d.hasDefault || d.tests.some((t) => !t.negated && !t.missingQuotes && testMatches(t, name));
}

/**
 * Names the literal probably meant: the parts of a split or rename, or a near-miss spelling.
 * `budget`: comparisons left to the caller (each name is one); none when fewer than the names.
 */
export function similarNames(literal: string, names: Iterable<string>, budget?: { left: number }): string[] {
  const all = [...names];
  if (budget) {
    if (budget.left < all.length) return [];
    budget.left -= all.length;
  }
  // gateway -> gateway_v4, gateway-v6, v4.gateway: the old name plus a separated part. (One
  // expression for all the names, and the distance below stops at its limit: for each name, they
  // cost a script of 1,000 literals and 1,000 names a second.)
  const separated = new RegExp(`^${escapeRegExp(literal)}[-_.:]|[-_.:]${escapeRegExp(literal)}$`);
  const split = all.filter((n) => separated.test(n));
  if (split.length) return split.sort();
  const derived = all.filter((n) => n.length > literal.length && (n.startsWith(literal) || n.endsWith(literal)));
  if (derived.length) return derived.sort();
  const limit = literal.length <= 4 ? 1 : 2;
  const lower = literal.toLowerCase();
  return all.filter((n) => editDistance(lower, n.toLowerCase(), limit) <= limit).sort();
}

export function quoteList(names: string[], max = 6): string {
  const q = names.slice(0, max).map((n) => `"${n}"`);
  return names.length > max ? `${q.join(', ')} and ${names.length - max} more` : q.join(', ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
