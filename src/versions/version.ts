// keepalived release numbers: parse, compare and print the `--target` version.
//
//   parseVersion("v2.2.7") -> [2, 2, 7];  compareVersions([2,2,7], [2,2,10]) < 0
//   parseVersion("HEAD")   -> HEAD_VERSION (after every release: keywords only in the
//                             unreleased source tree)
//
// Any well-formed version is accepted, not only the scanned release tags: 2.2.9 simply sorts
// between 2.2.8 and 2.3.0.
import { keywordData } from './data.js';

/** [major, minor, patch]; compare with compareVersions, never with `<` on the tuple. */
export type Version = readonly [major: number, minor: number, patch: number];

export const HEAD_VERSION: Version = Object.freeze([Number.POSITIVE_INFINITY, 0, 0] as const);

/** Debian bookworm's keepalived: the version the reference was verified against. */
export const DEFAULT_TARGET = '2.2.7';

const VERSION_RE = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?$/;

/** Parses "2.2.7", "v2.2.7", "2.2" (= 2.2.0) or "HEAD"; undefined when malformed. */
export function tryParseVersion(text: string): Version | undefined {
  const t = text.trim();
  if (t.toUpperCase() === 'HEAD') return HEAD_VERSION;
  const m = VERSION_RE.exec(t);
  if (!m) return undefined;
  return Object.freeze([Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] as const);
}

export function parseVersion(text: string): Version {
  const v = tryParseVersion(text);
  if (!v) throw new RangeError(`Invalid keepalived version "${text}" (expected e.g. "2.2.7")`);
  return v;
}

/**
 * Versions the code compares with, written as strings (`compareVersions(t, '2.3.2')`), parsed
 * once: a rule asks for every statement (a regular expression each time was 1.5 % of a lint).
 */
const parsed = new Map<string, Version>();

function versionOf(v: Version | string): Version {
  if (typeof v !== 'string') return v;
  let p = parsed.get(v);
  if (!p) {
    p = parseVersion(v);
    if (parsed.size < 1000) parsed.set(v, p);
  }
  return p;
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareVersions(a: Version | string, b: Version | string): number {
  const x = versionOf(a);
  const y = versionOf(b);
  for (let i = 0; i < 3; i++) {
    if (x[i]! < y[i]!) return -1;
    if (x[i]! > y[i]!) return 1;
  }
  return 0;
}

export function formatVersion(v: Version): string {
  if (v[0] === Number.POSITIVE_INFINITY) return 'HEAD';
  return `${v[0]}.${v[1]}.${v[2]}`;
}

/** The release tags the reference scanned (1.2.1 .. 2.4.3), oldest first, without the "v". */
export const KNOWN_VERSIONS: readonly string[] = Object.freeze([...keywordData.meta.releases]);

const known = new Set(KNOWN_VERSIONS);

/** True for a scanned release tag; "2.2.9" or "HEAD" are usable but not known releases. */
export function isKnownVersion(v: Version | string): boolean {
  const parsed = typeof v === 'string' ? tryParseVersion(v) : v;
  return parsed !== undefined && known.has(formatVersion(parsed));
}

/** `atLeast(target)('2.2.5')`: the target is that release or later. */
export function atLeast(target: Version): (release: string) => boolean {
  return (release) => compareVersions(target, release) >= 0;
}
