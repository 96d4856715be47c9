// The keyword table per keepalived version: which keywords each block accepts, their argument
// shape, numeric ranges, enums, scripts, deprecations, and the releases they exist in.
//
//   const t = keywordTable('2.2.7');
//   const inst = t.lookup(t.top, 'vrrp_instance');          // KeywordDef (kind 'block')
//   const scope = t.scopeOf(inst!)!;                        // { path: 'vrrp_instance', keywords }
//   t.lookup(scope, 'priority')?.numeric                    // [{ index: 1, min: 1, max: 255 }]
//   t.suggest(scope, 'priorty')                             // 'priority'
//   t.findElsewhere('router_id')                            // ['global_defs']
//
// The data comes from keywords.data.json (see scripts/build-keyword-table.mjs); nothing here
// knows keepalived beyond the validity rule below.
import { keywordData, type RawNode, type RawNumeric, type RawDeprecation, type RawRemoved } from './data.js';
import { compareVersions, DEFAULT_TARGET, formatVersion, parseVersion, type Version } from './version.js';

export type KeywordKind = 'keyword' | 'block' | 'value_block';

/** A numeric word: `index` 1 = first word after the keyword; bounds in config units (seconds). */
export type NumericArg = Readonly<RawNumeric>;
export type Deprecation = Readonly<RawDeprecation>;

export interface KeywordDef {
  readonly name: string;
  readonly kind: KeywordKind;
  /** First release that installs it ("1.2.1" = present in the oldest scanned tag; "HEAD" = unreleased). */
  readonly since: string;
  /** Last release that installs it, or null when still present in the current source. */
  readonly until: string | null;
  /** Recognised by Debian's 2.2.7 build (false for build-dependent keywords such as vrrp_ipsets). */
  readonly in227: boolean;
  /**
   * Words after the keyword (for blocks: on the header line, before `{`). `min` words are read
   * unconditionally: fewer is keepalived's fatal "missing a parameter" (exit 2). `max` null =
   * no fixed limit; keepalived mostly ignores extra words silently.
   */
  readonly args: { readonly min: number; readonly max: number | null };
  readonly numeric?: readonly NumericArg[];
  /** Allowed words for argument 1, case-sensitive as keepalived compares them. */
  readonly values?: readonly string[];
  /** check_true_false(): on|off|true|false|yes|no; "optional" = the keyword alone means true. */
  readonly bool?: 'optional' | 'required';
  /** Takes a script command string (word 1), then optionally USER [GROUP]. */
  readonly script?: true;
  readonly deprecated?: Deprecation;
  /** Other names in the same block sharing the handler (old spellings, synonyms). */
  readonly aliases?: readonly string[];
  /**
   * With no argument at all, keepalived 2.2.7 reports a (non-fatal) config error on that line and
   * ignores it ("routerid name missing - ignoring", "vrrp_instance must have a name"). Only set
   * for keywords the probe could run (installed in 2.2.7) and whose `args.min` is 0.
   */
  readonly emptyError?: true;
  readonly children?: readonly KeywordDef[];
  /** Slash-separated block path, e.g. "vrrp_instance/authentication/auth_type". */
  readonly path: string;
}

export interface BlockScope {
  /** Path of the block whose body this is; "" for the top level. */
  readonly path: string;
  readonly keywords: ReadonlyMap<string, KeywordDef>;
}

export interface KeywordTable {
  readonly version: Version;
  /** Keywords valid at top level for this version. */
  readonly top: BlockScope;
  /** Child scope of a block keyword (kind 'block'), filtered to this version; else undefined. */
  scopeOf(def: KeywordDef): BlockScope | undefined;
  /** The keyword valid in this version in that scope. */
  lookup(scope: BlockScope, name: string): KeywordDef | undefined;
  /**
   * The keyword as known in any version at that block path ("" = top level), for "introduced in
   * X" / "removed after Y" messages. Prefers the definition valid in this version, else the most
   * recent one.
   */
  lookupAnyVersion(scopePath: string, name: string): KeywordDef | undefined;
  /** Every definition of that name at that block path, across versions, oldest first. */
  lookupAllVersions(scopePath: string, name: string): readonly KeywordDef[];
  /** Paths of the blocks ("" = top level) where this keyword is valid in this version. */
  findElsewhere(name: string): string[];
  /** Did-you-mean: the closest valid name in the scope, or undefined when none is close. */
  suggest(scope: BlockScope, name: string): string | undefined;
}

export interface RemovedKeyword {
  readonly path: string;
  readonly since: string;
  readonly until: string;
  readonly note: string | null;
}

function toDef(raw: RawNode, parentPath: string): KeywordDef {
  const path = parentPath ? `${parentPath}/${raw.name}` : raw.name;
  const { children, ...rest } = raw;
  const def: KeywordDef = {
    ...rest,
    path,
    ...(children ? { children: Object.freeze(children.map((c) => toDef(c, path))) } : {}),
  };
  return Object.freeze(def);
}

/** Every top-level definition, across all versions, in reference order. */
export const allTopLevelDefs: readonly KeywordDef[] = Object.freeze(keywordData.top.map((n) => toDef(n, '')));

/** Keywords the reference lists as removed (also present in the tree with their `until`). */
export const removedKeywords: readonly RemovedKeyword[] = Object.freeze(
  keywordData.removed.map((r: RawRemoved) => Object.freeze({ ...r })),
);

/** Every definition, depth first, across all versions. */
export function* allKeywordDefs(): Generator<KeywordDef> {
  const stack = [...allTopLevelDefs].reverse();
  while (stack.length) {
    const d = stack.pop()!;
    yield d;
    if (d.children) for (let i = d.children.length - 1; i >= 0; i--) stack.push(d.children[i]!);
  }
}

// scope path -> name -> definitions (oldest first)
const byScope = new Map<string, Map<string, KeywordDef[]>>();
for (const def of allKeywordDefs()) {
  const scopePath = def.path.includes('/') ? def.path.slice(0, def.path.lastIndexOf('/')) : '';
  let names = byScope.get(scopePath);
  if (!names) byScope.set(scopePath, (names = new Map()));
  const list = names.get(def.name);
  if (list) list.push(def);
  else names.set(def.name, [def]);
}
for (const names of byScope.values()) {
  for (const list of names.values()) list.sort((a, b) => compareVersions(a.since, b.since));
}

const V227 = parseVersion('2.2.7');

/**
 * Valid in V when since <= V <= until (until null = still present). At exactly 2.2.7 the keyword
 * must also be recognised by Debian's build, the one the reference was verified against.
 */
export function isValidIn(def: KeywordDef, version: Version): boolean {
  if (compareVersions(def.since, version) > 0) return false;
  if (def.until !== null && compareVersions(version, def.until) > 0) return false;
  if (compareVersions(version, V227) === 0 && !def.in227) return false;
  return true;
}

/**
 * Optimal-string-alignment distance (Damerau-Levenshtein with adjacent transpositions). With
 * `limit`, any result above it comes back as limit + 1 as soon as no alignment can stay within it:
 * did-you-mean only needs near words, and a garbled file asks for one per unknown word.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const n = a.length;
  const m = b.length;
  if (n === 0) return Math.min(m, limit + 1);
  if (m === 0) return Math.min(n, limit + 1);
  if (Math.abs(n - m) > limit) return limit + 1;
  let prev2 = new Int32Array(m + 1);
  let prev = new Int32Array(m + 1);
  let cur = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= n; i++) {
    cur[0] = i;
    let rowMin = i;
    const ai = a.charCodeAt(i - 1);
    for (let j = 1; j <= m; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && ai === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1))
        v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Each row's minimum never drops by more than one per two rows (a transposition): stop when
    // even that cannot bring it back within the limit.
    if (rowMin > limit + 1) return limit + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return Math.min(prev[m]!, limit + 1);
}

function makeScope(path: string, defs: readonly KeywordDef[], version: Version): BlockScope {
  const keywords = new Map<string, KeywordDef>();
  for (const d of defs) {
    if (!isValidIn(d, version)) continue;
    const seen = keywords.get(d.name);
    // Two definitions valid at once should not happen; keep the newer one deterministically.
    if (!seen || compareVersions(d.since, seen.since) > 0) keywords.set(d.name, d);
  }
  return Object.freeze({ path, keywords });
}

function buildTable(version: Version): KeywordTable {
  const top = makeScope('', allTopLevelDefs, version);
  const scopes = new WeakMap<KeywordDef, BlockScope>();

  const scopeOf = (def: KeywordDef): BlockScope | undefined => {
    if (def.kind !== 'block') return undefined;
    let s = scopes.get(def);
    if (!s) scopes.set(def, (s = makeScope(def.path, def.children ?? [], version)));
    return s;
  };

  let elsewhere: Map<string, string[]> | undefined;
  const findElsewhere = (name: string): string[] => {
    if (!elsewhere) {
      elsewhere = new Map();
      const visit = (scope: BlockScope): void => {
        for (const [kw, def] of scope.keywords) {
          const paths = elsewhere!.get(kw);
          if (paths) {
            if (!paths.includes(scope.path)) paths.push(scope.path);
          } else elsewhere!.set(kw, [scope.path]);
          const child = scopeOf(def);
          if (child) visit(child);
        }
      };
      visit(top);
    }
    return [...(elsewhere.get(name) ?? [])];
  };

  const lookupAllVersions = (scopePath: string, name: string): readonly KeywordDef[] =>
    byScope.get(scopePath)?.get(name) ?? [];

  const lookupAnyVersion = (scopePath: string, name: string): KeywordDef | undefined => {
    const all = lookupAllVersions(scopePath, name);
    return all.find((d) => isValidIn(d, version)) ?? all[all.length - 1];
  };

  // A broken file repeats its unknown words (every line of a misplaced block): one search each.
  const suggestions = new Map<BlockScope, Map<string, string | undefined>>();
  const suggest = (scope: BlockScope, name: string): string | undefined => {
    let known = suggestions.get(scope);
    if (!known) suggestions.set(scope, (known = new Map()));
    if (known.has(name)) return known.get(name);
    const found = closestKeyword(scope, name);
    if (known.size < 10_000) known.set(name, found);
    return found;
  };
  const closestKeyword = (scope: BlockScope, name: string): string | undefined => {
    const wanted = name.toLowerCase();
    const threshold = Math.max(2, Math.floor(name.length / 3));
    let best: { name: string; score: number } | undefined;
    for (const candidate of scope.keywords.keys()) {
      if (candidate === name) continue;
      const lower = candidate.toLowerCase();
      // The distance is at least the difference in length: skip what cannot be close (and the
      // quadratic distance of a 1023-byte word against every keyword).
      if (Math.abs(lower.length - wanted.length) > threshold) continue;
      // A case-only difference ("Priority") is the best possible suggestion.
      const d = lower === wanted ? 0 : editDistance(wanted, lower, threshold);
      if (d > threshold || d >= Math.max(name.length, 1)) continue;
      // Ties: smaller distance, then closer length, then alphabetical.
      const score = d * 1000 + Math.abs(candidate.length - name.length);
      if (!best || score < best.score || (score === best.score && candidate < best.name)) {
        best = { name: candidate, score };
      }
    }
    return best?.name;
  };

  return Object.freeze({
    version,
    top,
    scopeOf,
    lookup: (scope: BlockScope, name: string) => scope.keywords.get(name),
    lookupAnyVersion,
    lookupAllVersions,
    findElsewhere,
    suggest,
  });
}

const tables = new Map<string, KeywordTable>();

/** The table for a target version (cached). Accepts "2.2.7", "v2.4.3", "HEAD" or a Version. */
export function keywordTable(version: string | Version = DEFAULT_TARGET): KeywordTable {
  const v = typeof version === 'string' ? parseVersion(version) : version;
  const key = formatVersion(v);
  let t = tables.get(key);
  if (!t) tables.set(key, (t = buildTable(v)));
  return t;
}
