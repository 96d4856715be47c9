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
export function expandBraces(pattern: string, limit = MAX_BRACE_ALTERNATIVES): { patterns: string[]; truncated: boolean } {
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

/** Match one already brace-expanded absolute pattern. */
function globOne(pattern: string, host: FileHost, limit: number): string[] {
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
      if (host.stat(base).kind === 'outside') {
        next.push(base);
        continue;
      }
      const isMatch = picomatch(seg, { dot: seg.startsWith('.'), nobrace: true });
      for (const name of host.list(base)) {
        if (isMatch(name)) next.push(path.posix.join(base, name));
        if (next.length > limit) break;
      }
    }
    current = next;
    if (current.length === 0) break;
  }
  return current.filter((p) => host.stat(p).kind !== 'missing');
}

export interface GlobResult {
  matches: string[];
  /** Brace alternatives without a wildcard that name no existing file. */
  missingAlternatives: string[];
  truncated: boolean;
  /** More than MAX_BRACE_ALTERNATIVES brace alternatives: only the first were globbed. */
  alternativesTruncated: boolean;
}

export function expandGlob(pattern: string, host: FileHost): GlobResult {
  const matches: string[] = [];
  const missingAlternatives: string[] = [];
  let truncated = false;
  const { patterns, truncated: alternativesTruncated } = expandBraces(pattern);
  for (const alt of patterns) {
    const found = hasMagic(alt) ? globOne(alt, host, MAX_GLOB_MATCHES) : host.stat(alt).kind === 'missing' ? [] : [alt];
    if (found.length === 0 && !hasMagic(alt)) missingAlternatives.push(alt);
    for (const f of found) {
      if (matches.length >= MAX_GLOB_MATCHES) {
        truncated = true;
        break;
      }
      matches.push(f);
    }
  }
  return { matches, missingAlternatives, truncated, alternativesTruncated };
}
