// The keyword table (src/versions) against our keepalived reference and the oracle overrides.
// The table is built into the repository (src/versions/keywords.data.json); the comparisons with the
// reference it was built from (../shared/reference/keepalived/keywords.json) run when ../shared is
// there (HAVE_SHARED; .ci/run requires it), everything else always.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  allKeywordDefs,
  editDistance,
  isValidIn,
  keywordTable,
  removedKeywords,
  type BlockScope,
  type KeywordDef,
  type KeywordTable,
} from '../src/versions/keyword-table.js';
import {
  compareVersions,
  DEFAULT_TARGET,
  formatVersion,
  HEAD_VERSION,
  isKnownVersion,
  KNOWN_VERSIONS,
  parseVersion,
  tryParseVersion,
} from '../src/versions/version.js';
import { HAVE_SHARED } from './helpers.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const referencePath = join(repo, '../shared/reference/keepalived/keywords.json');

interface RefNumericRead {
  fn: string;
  arg_index: string | number;
  min: number | string;
  max: number | string;
  decimals?: number | string;
}
interface RefNode {
  name: string;
  path: string;
  kind: 'keyword' | 'block' | 'value_block';
  introduced: string;
  last_seen: string;
  present_in_2_2_7: boolean;
  installed_2_2_7_recognises?: boolean;
  values?: string[];
  range?: [number, number];
  numeric_reads?: RefNumericRead[];
  bool_arg?: string;
  quoted_script_keyword?: boolean;
  same_handler_as?: string[];
  deprecated?: { replacement?: string };
  children?: RefNode[];
}
interface Reference {
  _meta: { release_tags_scanned: string[] };
  top_level: RefNode[];
  removed_keywords: { path: string; first_seen: string; last_seen: string }[];
}
interface Override {
  'args.min'?: number;
  'args.max'?: number;
  in227?: boolean;
  emptyError?: boolean;
  numeric?: unknown;
  'deprecated.since'?: string;
  before?: { until: string };
  reason: string;
}

const reference: Reference = HAVE_SHARED
  ? (JSON.parse(readFileSync(referencePath, 'utf8')) as Reference)
  : { _meta: { release_tags_scanned: [] }, top_level: [], removed_keywords: [] };
const overridesFile = JSON.parse(readFileSync(join(repo, 'src/versions/oracle-overrides.json'), 'utf8')) as Record<
  string,
  unknown
> & { _manual: Record<string, Override> };
const probeOverrides = Object.fromEntries(Object.entries(overridesFile).filter(([k]) => !k.startsWith('_'))) as Record<
  string,
  Override
>;
const manualOverrides = overridesFile._manual;

const refNodes: RefNode[] = [];
(function walk(nodes: RefNode[]) {
  for (const n of nodes) {
    refNodes.push(n);
    if (n.children) walk(n.children);
  }
})(reference.top_level);

const defsByPath = new Map<string, KeywordDef[]>();
for (const d of allKeywordDefs()) {
  const list = defsByPath.get(d.path) ?? [];
  list.push(d);
  defsByPath.set(d.path, list);
}

const releaseOf = (tag: string): string => (tag === 'HEAD' ? 'HEAD' : tag.replace(/^<=/, '').replace(/^v/, ''));

function scopeAt(t: KeywordTable, path: string): BlockScope {
  let scope = t.top;
  for (const seg of path.split('/').filter(Boolean)) {
    const def = t.lookup(scope, seg);
    if (!def) throw new Error(`no block ${seg} in ${scope.path || 'top level'} at ${formatVersion(t.version)}`);
    scope = t.scopeOf(def)!;
  }
  return scope;
}

describe('version', () => {
  it('parses, compares and formats', () => {
    expect(parseVersion('2.2.7')).toEqual([2, 2, 7]);
    expect(parseVersion('v2.4.3')).toEqual([2, 4, 3]);
    expect(parseVersion('2.2')).toEqual([2, 2, 0]);
    expect(parseVersion('HEAD')).toBe(HEAD_VERSION);
    expect(tryParseVersion('2.x')).toBeUndefined();
    expect(() => parseVersion('two')).toThrow(/Invalid keepalived version "two"/);
    expect(compareVersions('2.2.10', '2.2.9')).toBeGreaterThan(0);
    expect(compareVersions('1.4.5', '2.0.0')).toBeLessThan(0);
    expect(compareVersions('2.2.7', [2, 2, 7])).toBe(0);
    expect(compareVersions('HEAD', 'HEAD')).toBe(0);
    expect(compareVersions('HEAD', '99.0.0')).toBeGreaterThan(0);
    expect(formatVersion(parseVersion('v2.0.20'))).toBe('2.0.20');
    expect(formatVersion(HEAD_VERSION)).toBe('HEAD');
    expect(DEFAULT_TARGET).toBe('2.2.7');
  });

  it.skipIf(!HAVE_SHARED)('lists the release tags the reference scanned (../shared)', () => {
    expect(KNOWN_VERSIONS).toEqual(reference._meta.release_tags_scanned.map((t) => t.replace(/^v/, '')));
  });

  it('lists the scanned release tags in order', () => {
    expect(KNOWN_VERSIONS.length).toBeGreaterThan(20);
    expect(KNOWN_VERSIONS).toContain('2.2.7');
    for (let i = 1; i < KNOWN_VERSIONS.length; i++) {
      expect(compareVersions(KNOWN_VERSIONS[i - 1]!, KNOWN_VERSIONS[i]!)).toBeLessThan(0);
    }
    expect(isKnownVersion('2.2.7')).toBe(true);
    expect(isKnownVersion('v1.3.0')).toBe(true);
    expect(isKnownVersion('1.3.1')).toBe(false);
    expect(isKnownVersion('2.2.9')).toBe(false);
    expect(isKnownVersion('nonsense')).toBe(false);
  });
});

describe.skipIf(!HAVE_SHARED)('keyword table vs keywords.json (../shared)', () => {
  it('has every reference node at its path, with its kind and versions', () => {
    expect(refNodes.length).toBe(531);
    for (const ref of refNodes) {
      const defs = defsByPath.get(ref.path);
      expect(defs, ref.path).toBeDefined();
      for (const d of defs!) {
        expect(d.name, ref.path).toBe(ref.name);
        expect(d.kind, ref.path).toBe(ref.kind);
      }
      // Split nodes (a version-dependent difference) cover the reference's range together.
      const sorted = [...defs!].sort((a, b) => compareVersions(a.since, b.since));
      expect(sorted[0]!.since, ref.path).toBe(releaseOf(ref.introduced));
      expect(sorted[sorted.length - 1]!.until, ref.path).toBe(
        ref.last_seen === 'HEAD' ? null : releaseOf(ref.last_seen),
      );
      for (let i = 1; i < sorted.length; i++) {
        const i1 = KNOWN_VERSIONS.indexOf(sorted[i - 1]!.until!);
        expect(KNOWN_VERSIONS[i1 + 1], ref.path).toBe(sorted[i]!.since);
      }
    }
  });

  it('has no node the reference does not list (except removed keywords)', () => {
    const known = new Set([...refNodes.map((n) => n.path), ...reference.removed_keywords.map((r) => r.path)]);
    for (const path of defsByPath.keys()) expect(known.has(path), path).toBe(true);
  });

  it('keeps in227, enums, bool, script and aliases', () => {
    for (const ref of refNodes) {
      const override = probeOverrides[ref.path]?.in227;
      for (const d of defsByPath.get(ref.path)!) {
        const expected227 = ref.present_in_2_2_7 && ref.installed_2_2_7_recognises !== false;
        expect(d.in227, ref.path).toBe(override ?? expected227);
        if (ref.values && !ref.bool_arg) expect(d.values, ref.path).toEqual(ref.values);
        else expect(d.values, ref.path).toBeUndefined();
        expect(d.bool !== undefined, ref.path).toBe(Boolean(ref.bool_arg));
        if (ref.quoted_script_keyword) expect(d.script, ref.path).toBe(true);
        expect(d.aliases ?? [], ref.path).toEqual(ref.same_handler_as ?? []);
        expect(d.deprecated?.replacement ?? null, ref.path).toBe(ref.deprecated?.replacement ?? null);
      }
    }
  });

  it('keeps the numeric ranges, in config units', () => {
    const scaleOf = (r: RefNumericRead) =>
      r.fn === 'read_timer' ? 1e6 : r.decimals !== undefined ? 10 ** Number(r.decimals) : 1;
    let checked = 0;
    for (const ref of refNodes) {
      if (ref.kind !== 'keyword' || !ref.numeric_reads) continue;
      if (manualOverrides[ref.path]?.numeric !== undefined) continue;
      const reads = ref.numeric_reads;
      const fixed = reads.every((r) => /^\d+$/.test(String(r.arg_index)));
      for (const d of defsByPath.get(ref.path)!) {
        if (!fixed) {
          expect(d.numeric, ref.path).toBeUndefined();
          continue;
        }
        expect(d.numeric?.length, ref.path).toBe(reads.length);
        reads.forEach((r, i) => {
          const n = d.numeric![i]!;
          expect(n.index, ref.path).toBe(Number(r.arg_index));
          if (typeof r.min === 'number') expect(n.min, ref.path).toBe(r.min / scaleOf(r));
          if (typeof r.max === 'number') expect(n.max, ref.path).toBe(r.max / scaleOf(r));
          checked++;
        });
      }
      if (ref.range) {
        const n = defsByPath.get(ref.path)![0]!.numeric!.find((x) => x.index === 1)!;
        expect([n.min, n.max], ref.path).toEqual(ref.range);
      }
    }
    expect(checked).toBeGreaterThan(150);
  });

  it('lists removed keywords', () => {
    expect(removedKeywords.map((r) => r.path)).toEqual(reference.removed_keywords.map((r) => r.path));
    for (const r of removedKeywords) {
      const [d] = defsByPath.get(r.path)!;
      expect(d!.until).toBe(r.until);
      expect(d!.since).toBe(r.since);
    }
  });
});

describe('keyword table data', () => {
  it('applies every oracle override', () => {
    for (const [path, o] of Object.entries(probeOverrides)) {
      expect(o.reason, path).toMatch(/keepalived -t 2\.2\.7/);
      for (const d of defsByPath.get(path) ?? []) {
        if (o['args.min'] !== undefined) expect(d.args.min, path).toBe(o['args.min']);
        if (o.in227 !== undefined) expect(d.in227, path).toBe(o.in227);
        if (o.emptyError) expect(d.emptyError, path).toBe(true);
      }
      expect(defsByPath.has(path), path).toBe(true);
    }
    for (const [path, o] of Object.entries(manualOverrides)) {
      expect(o.reason, path).toBeTruthy();
      const defs = defsByPath.get(path)!;
      expect(defs, path).toBeDefined();
      expect(defs.length, path).toBe(o.before ? 2 : 1);
      if (o['args.min'] !== undefined) expect(defs[defs.length - 1]!.args.min, path).toBe(o['args.min']);
      if (o.numeric === null) expect(defs[0]!.numeric, path).toBeUndefined();
      if (o['deprecated.since'] !== undefined) expect(defs[0]!.deprecated?.since, path).toBe(o['deprecated.since']);
    }
  });

  it('has sane argument shapes', () => {
    for (const d of allKeywordDefs()) {
      expect(d.args.min, d.path).toBeGreaterThanOrEqual(0);
      if (d.args.max !== null) expect(d.args.max, d.path).toBeGreaterThanOrEqual(d.args.min);
      if (d.kind === 'value_block') expect(d.children, d.path).toBeUndefined();
      if (d.kind === 'block') expect(d.children, d.path).toBeDefined();
      if (d.emptyError) expect(d.args.min, d.path).toBe(0);
      for (const n of d.numeric ?? []) {
        expect(n.index, d.path).toBeGreaterThanOrEqual(1);
        if (n.min !== null && n.max !== null) expect(n.min, d.path).toBeLessThanOrEqual(n.max);
      }
    }
  });
});

describe('keyword table spot checks', () => {
  const t227 = keywordTable('2.2.7');
  const vrrp227 = scopeAt(t227, 'vrrp_instance');

  it('knows vrrp_instance priority and state in 2.2.7', () => {
    const priority = t227.lookup(vrrp227, 'priority')!;
    expect(priority.path).toBe('vrrp_instance/priority');
    expect(priority.args).toEqual({ min: 1, max: 1 });
    expect(priority.numeric).toEqual([{ index: 1, min: 1, max: 255 }]);
    expect(t227.lookup(vrrp227, 'state')!.values).toEqual(['MASTER', 'BACKUP']);
    expect(t227.lookup(vrrp227, 'advert_int')!.numeric).toEqual([{ index: 1, min: 0.01, max: 255, decimals: 6 }]);
    expect(t227.lookup(scopeAt(t227, 'vrrp_instance/authentication'), 'auth_type')!.values).toEqual(['PASS', 'AH']);
  });

  it('follows the oracle for missing parameters', () => {
    // 'vrrp_instance' with no name is an ordinary error in 2.2.7, not the fatal exit 2.
    const inst = t227.lookup(t227.top, 'vrrp_instance')!;
    expect(inst.args.min).toBe(0);
    expect(inst.emptyError).toBe(true);
    const globals = scopeAt(t227, 'global_defs');
    expect(t227.lookup(globals, 'router_id')!.args.min).toBe(0);
    expect(t227.lookup(globals, 'router_id')!.emptyError).toBe(true);
    expect(t227.lookup(globals, 'process_name')!.args.min).toBe(1);
    expect(t227.lookup(scopeAt(t227, 'vrrp_script'), 'weight')!.args.min).toBe(1);
  });

  it('marks value blocks and script keywords', () => {
    expect(t227.lookup(vrrp227, 'virtual_ipaddress')!.kind).toBe('value_block');
    expect(t227.scopeOf(t227.lookup(vrrp227, 'virtual_ipaddress')!)).toBeUndefined();
    expect(t227.lookup(vrrp227, 'authentication')!.kind).toBe('block');
    expect(t227.lookup(vrrp227, 'notify_master')!.script).toBe(true);
    expect(t227.lookup(scopeAt(t227, 'vrrp_script'), 'script')!.script).toBe(true);
    expect(t227.lookup(vrrp227, 'nopreempt')!.script).toBeUndefined();
  });

  it('leaves out vrrp_ipsets in 2.2.7 (not in Debian build) but not in 2.2.8', () => {
    expect(t227.lookup(scopeAt(t227, 'global_defs'), 'vrrp_ipsets')).toBeUndefined();
    expect(t227.lookupAnyVersion('global_defs', 'vrrp_ipsets')?.since).toBe('1.2.20');
    const t228 = keywordTable('2.2.8');
    expect(t228.lookup(scopeAt(t228, 'global_defs'), 'vrrp_ipsets')).toBeDefined();
  });

  it('knows keywords introduced after 2.2.7', () => {
    expect(t227.lookup(vrrp227, 'auth_hmac')).toBeUndefined();
    const t243 = keywordTable('2.4.3');
    const hmac = t243.lookup(scopeAt(t243, 'vrrp_instance'), 'auth_hmac')!;
    expect(hmac.since).toBe('2.4.0');
    expect(t243.lookup(t243.scopeOf(hmac)!, 'mode')!.values).toEqual(['enforce', 'permissive', 'receive-only']);
    expect(t227.lookupAnyVersion('vrrp_instance', 'auth_hmac')?.since).toBe('2.4.0');
    // Unreleased keywords exist only at HEAD.
    expect(t243.lookup(scopeAt(t243, 'global_defs'), 'set_supplementary_groups')).toBeUndefined();
    const head = keywordTable('HEAD');
    expect(head.lookup(scopeAt(head, 'global_defs'), 'set_supplementary_groups')).toBeDefined();
  });

  it('knows removed keywords', () => {
    const t1213 = keywordTable('1.2.13');
    expect(t1213.lookup(scopeAt(t1213, 'global_defs'), 'plugin_dir')?.until).toBe('1.2.19');
    expect(t227.lookup(scopeAt(t227, 'global_defs'), 'plugin_dir')).toBeUndefined();
    expect(t227.lookupAnyVersion('global_defs', 'plugin_dir')?.until).toBe('1.2.19');
    expect(keywordTable('1.2.19').lookup(scopeAt(keywordTable('1.2.19'), 'virtual_server'), 'nat_mask')).toBeDefined();
    expect(
      keywordTable('1.2.20').lookup(scopeAt(keywordTable('1.2.20'), 'virtual_server'), 'nat_mask'),
    ).toBeUndefined();
  });

  it('picks the definition valid for the version when a name appears twice', () => {
    const all = t227.lookupAllVersions('garp_group', 'garp_interval');
    expect(all.map((d) => [d.since, d.until])).toEqual([
      ['1.2.21', '2.3.1'],
      ['2.3.2', null],
    ]);
    expect(t227.lookup(scopeAt(t227, 'garp_group'), 'garp_interval')!.numeric![0]!.max).toBe(2147.483647);
    const t243 = keywordTable('2.4.3');
    expect(t243.lookup(scopeAt(t243, 'garp_group'), 'garp_interval')!.numeric![0]!.max).toBe(4294.967295);
    expect(t243.lookupAnyVersion('garp_group', 'garp_interval')!.since).toBe('2.3.2');
  });

  it('filters by version: 2.0.0 has no PING_CHECK, 2.1.0 does', () => {
    expect(t227.top.path).toBe('');
    const rs200 = scopeAt(keywordTable('2.0.0'), 'virtual_server/real_server');
    expect(rs200.keywords.has('PING_CHECK')).toBe(false);
    expect(rs200.path).toBe('virtual_server/real_server');
    expect(scopeAt(keywordTable('2.1.0'), 'virtual_server/real_server').keywords.has('PING_CHECK')).toBe(true);
    // Unknown but well-formed versions work by comparison.
    expect(scopeAt(keywordTable('2.2.9'), 'vrrp_instance').keywords.has('no_virtual_ipaddress')).toBe(true);
    expect(scopeAt(keywordTable('2.2.9'), 'vrrp_instance').keywords.has('auth_hmac')).toBe(false);
  });

  it('finds where a keyword belongs', () => {
    expect(t227.findElsewhere('router_id')).toEqual(['global_defs']);
    expect(t227.findElsewhere('vrrp_instance')).toEqual(['']);
    expect(t227.findElsewhere('no_such_keyword')).toEqual([]);
    expect(t227.findElsewhere('vrrp_ipsets')).toEqual([]);
    expect(t227.findElsewhere('priority')).toContain('vrrp_instance');
  });

  it('suggests close names', () => {
    expect(t227.suggest(vrrp227, 'priorty')).toBe('priority');
    expect(t227.suggest(vrrp227, 'Priority')).toBe('priority');
    expect(t227.suggest(vrrp227, 'virtual_router_di')).toBe('virtual_router_id');
    expect(t227.suggest(vrrp227, 'virtual_router')).toBe('virtual_routes'); // distance 1 beats 3
    expect(t227.suggest(vrrp227, 'interfce')).toBe('interface');
    expect(t227.suggest(vrrp227, 'advert_itn')).toBe('advert_int');
    expect(t227.suggest(vrrp227, 'completely_unrelated_word')).toBeUndefined();
    expect(t227.suggest(vrrp227, 'priority')).toBeUndefined();
    expect(editDistance('priorty', 'priority')).toBe(1);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('a distance with a limit is the full distance, capped at limit + 1', () => {
    // The full computation as the reference: a plain OSA table, no early exit.
    const full = (a: string, b: string): number => {
      const d = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
      );
      for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
          d[i]![j] = Math.min(
            d[i - 1]![j]! + 1,
            d[i]![j - 1]! + 1,
            d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
          );
          if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
            d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
        }
      }
      return d[a.length]![b.length]!;
    };
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '_'), maxLength: 12 });
    fc.assert(
      fc.property(word, word, fc.nat(6), (a, b, limit) => {
        expect(editDistance(a, b)).toBe(full(a, b));
        expect(editDistance(a, b, limit)).toBe(Math.min(full(a, b), limit + 1));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });

  it('caches one table per version', () => {
    expect(keywordTable('2.2.7')).toBe(t227);
    expect(keywordTable('v2.2.7')).toBe(t227);
    expect(keywordTable(parseVersion('2.2.7'))).toBe(t227);
    expect(keywordTable()).toBe(t227);
    const inst = t227.lookup(t227.top, 'vrrp_instance')!;
    expect(t227.scopeOf(inst)).toBe(t227.scopeOf(inst));
    expect(isValidIn(inst, parseVersion('1.2.1'))).toBe(true);
  });
});

describe('generated data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keywords-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!HAVE_SHARED)('is what `npm run keywords` produces from the reference (never stale; ../shared)', () => {
    const out = join(dir, 'keywords.data.json');
    execFileSync(process.execPath, [join(repo, 'scripts/build-keyword-table.mjs'), referencePath, '--out', out]);
    const committed = readFileSync(join(repo, 'src/versions/keywords.data.json'), 'utf8');
    expect(readFileSync(out, 'utf8')).toBe(committed);
  });

  it('stays small: no handler messages, man syntax or source references', () => {
    const committed = readFileSync(join(repo, 'src/versions/keywords.data.json'), 'utf8');
    expect(committed.length).toBeLessThan(120_000);
    expect(committed).not.toMatch(/"(man_syntax|handler|handler_messages|source)"/);
  });
});
