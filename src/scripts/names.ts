/**
 * Matching script literals against the config's instance and group names, as the shell matches
 * them: exact text, or a glob for `case` arms and `[[ == ]]` patterns. Example:
 * matches({ text: 'gw_*', glob: true }, 'gw_v4') -> true; similarNames('gateway', {gateway_v4,
 * gateway_v6, lan}) -> ['gateway_v4', 'gateway_v6'] (what a split or rename left behind).
 */
import picomatch from 'picomatch';
import { editDistance } from '../versions/keyword-table.js';
import type { Dispatch, Literal, NameTest } from './analyze.js';

const matchers = new Map<string, (s: string) => boolean>();

export function matches(l: Pick<Literal, 'text' | 'glob'>, name: string): boolean {
  if (!l.glob) return l.text === name;
  let m = matchers.get(l.text);
  if (!m) {
    m = picomatch(l.text, { dot: true, nobrace: true, noextglob: true });
    matchers.set(l.text, m);
  }
  return m(name);
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

/** Names the literal probably meant: the parts of a split or rename, or a near-miss spelling. */
export function similarNames(literal: string, names: Iterable<string>): string[] {
  const all = [...names];
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
