#!/usr/bin/env node
// Builds src/versions/keywords.data.json, the version-aware keyword table, from our keepalived
// reference (../shared/reference/keepalived/keywords.json) plus the corrections that probing the
// real keepalived 2.2.7 found (src/versions/oracle-overrides.json, written by probe-keywords.sh).
//
//   node scripts/build-keyword-table.mjs [KEYWORDS_JSON] [--out FILE] [--no-overrides]
//
// Input node (abridged):  {"name":"priority","path":"vrrp_instance/priority","kind":"keyword",
//   "args":"unsigned int 1..255","numeric_reads":[{"arg_index":"1","min":1,"max":255}],
//   "introduced":"<=v1.2.1","last_seen":"HEAD","present_in_2_2_7":true,...}
// Output node: {"name":"priority","kind":"keyword","since":"1.2.1","until":null,"in227":true,
//   "args":{"min":1,"max":1},"numeric":[{"index":1,"min":1,"max":255}]}
//
// The output is committed data derived from the reference: keep it small (no handler messages,
// man page syntax or source references) and deterministic (test/versions.test.ts regenerates it
// and compares byte for byte).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseCli(argv) {
  const opts = {
    input: resolve(repoRoot, '../shared/reference/keepalived/keywords.json'),
    out: resolve(repoRoot, 'src/versions/keywords.data.json'),
    overrides: resolve(repoRoot, 'src/versions/oracle-overrides.json'),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--no-overrides') opts.overrides = null;
    else if (a === '--overrides') opts.overrides = resolve(argv[++i]);
    else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else opts.input = resolve(a);
  }
  return opts;
}

// "<=v1.2.1" -> "1.2.1", "v2.2.8" -> "2.2.8", "HEAD" -> "HEAD" (newer than every release)
function releaseOf(tag) {
  if (tag === 'HEAD') return 'HEAD';
  const m = /^(?:<=)?v?(\d+\.\d+\.\d+)$/.exec(String(tag));
  if (!m) throw new Error(`unexpected release tag ${JSON.stringify(tag)}`);
  return m[1];
}

// Symbolic bounds found in handlers, resolved to numbers (null = no fixed bound).
const SYMBOLIC_BOUNDS = {
  INT32_MIN: -2147483648,
  INT32_MAX: 2147483647,
  // keepalived: #define IPVS_WEIGHT_LIMIT INT_MAX
  IPVS_WEIGHT_LIMIT: 2147483647,
  '-IPVS_WEIGHT_LIMIT': -2147483647,
  // sched_get_priority_max(SCHED_RR) on Linux
  max_priority: 99,
  // ULONG_MAX - 1 microseconds: no practical limit
  TIMER_MAXIMUM: null,
  'num_cpus-1': null,
};

function bound(value, scale) {
  let v = value;
  if (typeof v === 'string') {
    if (/^-?\d+$/.test(v)) v = Number(v);
    else if (Object.hasOwn(SYMBOLIC_BOUNDS, v)) v = SYMBOLIC_BOUNDS[v];
    else throw new Error(`unknown numeric bound ${JSON.stringify(value)}`);
  }
  if (v === null) return null;
  // Dividing by an exact power of ten gives the double nearest to the decimal value.
  return scale === 1 ? v : v / scale;
}

function numericOf(node) {
  if (node.kind !== 'keyword' || !Array.isArray(node.numeric_reads)) return undefined;
  const reads = node.numeric_reads;
  // A handler that reads at a computed index ("i + 1") parses words by meaning; a fixed index in
  // the same handler is then conditional (lvs_sync_daemon's old syntax), so none of it is usable.
  if (reads.some((r) => !/^\d+$/.test(String(r.arg_index)))) return undefined;
  const out = [];
  for (const r of reads) {
    const entry = { index: Number(r.arg_index) };
    let scale = 1;
    if (r.fn === 'read_timer') {
      scale = 1e6; // read_timer bounds are microseconds, the config value is seconds
      entry.decimals = 6;
    } else if (r.decimals !== undefined) {
      entry.decimals = Number(r.decimals);
      scale = 10 ** entry.decimals;
    }
    entry.min = bound(r.min, scale);
    entry.max = bound(r.max, scale);
    if (r.fn === 'read_int_strvec' || (entry.min !== null && entry.min < 0)) entry.signed = true;
    out.push({
      index: entry.index,
      min: entry.min,
      max: entry.max,
      ...(entry.decimals !== undefined ? { decimals: entry.decimals } : {}),
      ...(entry.signed ? { signed: true } : {}),
    });
  }
  return out.length ? out : undefined;
}

// Block header words (vrrp_instance NAME, real_server IP [PORT]).
function headerArgs(node) {
  if (node.kind === 'value_block') {
    // keepalived reports words between a value-block keyword and its '{' ("Block %s has extra
    // parameters"), except where the handler takes a name (virtual_server_group NAME {).
    const h = node.header_args;
    if (h && h !== 'none') return { min: 1, max: 1 };
    return { min: 0, max: 0 };
  }
  const h = node.header_args ?? 'none';
  if (h === 'none') return { min: 0, max: 0 };
  if (/\|/.test(h)) return { min: 1, max: 2 }; // virtual_server IP [PORT] | fwmark N | group NAME
  if (/\[PORT\]/.test(h)) return { min: 1, max: 2 };
  return { min: 1, max: 1 };
}

// Argument shape of a one-line keyword, from the reference's freeform `args` text. `min` is a
// first guess refined by the oracle overrides: it must mean "keepalived 2.2.7 reads this word
// unconditionally" (missing -> fatal "missing a parameter", exit 2).
function keywordArgs(node) {
  const a = (node.args ?? '').trim();
  if (a === '' || /^none\b/.test(a)) return { min: 0, max: 0 };
  if (/^\[BOOL\]/.test(a)) return { min: 0, max: 1 };
  if (/^script:/.test(a)) return { min: 1, max: 3 }; // SCRIPT [USER [GROUP]]
  if (/^\[script:/.test(a)) return { min: 0, max: 3 };
  if (/^ONE word/.test(a)) return { min: 1, max: 1 };
  // Whole thing optional: count the bracketed words when they are simple nesting.
  if (a.startsWith('[')) {
    if (/^\[(\w[\w-]*|<\w+>|int [-\d.]+|unsigned int [-\d.]+|[\w|]+)\]$/.test(a)) return { min: 0, max: 1 };
    if (/^\[[A-Z_0-9]+( \[[A-Z_0-9]+)*\]+$/.test(a)) return { min: 0, max: (a.match(/\[/g) ?? []).length };
    if (/^\[VALUE\] \[overwrite\]$/.test(a)) return { min: 0, max: 2 };
    if (/^\[initial\|partial\]/.test(a)) return { min: 0, max: 1 };
    if (/^\[tcp SECS\]/.test(a)) return { min: 2, max: 6 };
    return { min: 0, max: null };
  }
  if (/^FIFO_PATH \[USERNAME \[GROUPNAME\]\]$/.test(a)) return { min: 1, max: 3 };
  if (/^(USERNAME|username) \[\[?:\]?/.test(a)) return { min: 1, max: null };
  if (/^(IP-or-hostname|IPADDR) \[PORT\]$/.test(a)) return { min: 1, max: 2 };
  if (/^START MAX/.test(a)) return { min: 2, max: 2 };
  if (/^one or more/.test(a)) return { min: 1, max: null };
  if (/^int -?\d+\.\.\d+ \[[\w|]+\]$/.test(a)) return { min: 1, max: 2 };
  if (/\.\.\.|\[/.test(a)) return { min: 1, max: null }; // INTERFACE [...], NAT|DR|TUN [...], NAME [PARAMS...]
  if (/^octal NUMBER or BITS/.test(a)) return { min: 1, max: null };
  return { min: 1, max: 1 };
}

function enumOf(node) {
  if (!Array.isArray(node.values) || node.values.length === 0) return undefined;
  // smtp_alert's "values" are the check_true_false() words: that is `bool`, not an enum.
  if (node.bool_arg) return undefined;
  return [...node.values];
}

function isScript(node) {
  if (node.quoted_script_keyword === true) return true;
  return /^\[?script:/.test(node.args ?? '');
}

function deprecatedOf(node) {
  const d = node.deprecated;
  if (!d) return undefined;
  const raw = d.since == null ? null : String(d.since);
  const m = raw === null ? null : /^(\d+\.\d+\.\d+)\b(.*)$/.exec(raw);
  const notes = [];
  if (d.note) notes.push(d.note);
  if (raw !== null && m?.[2].trim() !== '') notes.push(`Deprecated since: ${raw}.`);
  return {
    replacement: d.replacement ?? null,
    since: m ? m[1] : null,
    note: notes.length ? notes.join(' ') : null,
  };
}

function convert(node, overrides, applied) {
  const out = {
    name: node.name,
    kind: node.kind,
    since: releaseOf(node.introduced),
    until: node.last_seen === 'HEAD' ? null : releaseOf(node.last_seen),
    in227: node.present_in_2_2_7 === true && node.installed_2_2_7_recognises !== false,
    args: node.kind === 'keyword' ? keywordArgs(node) : headerArgs(node),
  };
  const numeric = numericOf(node);
  if (numeric) out.numeric = numeric;
  const values = enumOf(node);
  if (values) out.values = values;
  if (node.bool_arg) out.bool = /^optional/.test(node.bool_arg) ? 'optional' : 'required';
  if (isScript(node)) out.script = true;
  const deprecated = deprecatedOf(node);
  if (deprecated) out.deprecated = deprecated;
  if (Array.isArray(node.same_handler_as) && node.same_handler_as.length) out.aliases = [...node.same_handler_as];

  const result = [out];
  for (const o of [overrides?.probe?.[node.path], overrides?.manual?.[node.path]]) {
    if (!o) continue;
    applied.add(node.path);
    applyOverride(out, o);
    // {"before": {"until": "2.3.1", ...changes}}: older releases differ; keep a copy of the node
    // for them (the same name twice in a block, with disjoint versions).
    if (o.before) {
      const { until, ...changes } = o.before;
      const older = structuredClone(out);
      older.until = until;
      applyOverride(older, changes);
      out.since = nextRelease(until);
      result.unshift(older);
    }
  }
  if (node.kind === 'block') {
    const children = (node.children ?? []).flatMap((c) => convert(c, overrides, applied));
    for (const r of result) r.children = structuredClone(children);
  }
  return result;
}

function applyOverride(out, o) {
  if (o['args.min'] !== undefined) out.args.min = o['args.min'];
  if (o['args.max'] !== undefined) out.args.max = o['args.max'];
  if (out.args.max !== null && out.args.max < out.args.min) out.args.max = out.args.min;
  if (o.in227 !== undefined) out.in227 = o.in227;
  if (o.emptyError === true) out.emptyError = true;
  // The release a deprecation came in, where keywords.json gives none or only an era.
  if (o['deprecated.since'] !== undefined && out.deprecated)
    out.deprecated = { ...out.deprecated, since: o['deprecated.since'] };
  if (o.numeric !== undefined) {
    if (o.numeric === null) delete out.numeric;
    else out.numeric = o.numeric;
  }
}

let releases = [];
function nextRelease(version) {
  const i = releases.indexOf(version);
  if (i < 0 || i + 1 >= releases.length) throw new Error(`no release after ${version}`);
  return releases[i + 1];
}

// Removed keywords are kept as nodes too, so "removed after 1.2.19" can be reported and older
// targets accept them. Their argument shape was not researched: no fatal minimum, one word.
function insertRemoved(top, removed) {
  for (const r of removed) {
    const parts = r.path.split('/');
    let list = top;
    for (const seg of parts.slice(0, -1)) {
      const parent = list.find((n) => n.name === seg && n.kind === 'block');
      if (!parent) throw new Error(`removed keyword ${r.path}: no block ${seg}`);
      list = parent.children;
    }
    list.push({
      name: parts[parts.length - 1],
      kind: 'keyword',
      since: releaseOf(r.first_seen),
      until: releaseOf(r.last_seen),
      in227: false,
      args: { min: 0, max: 1 },
    });
  }
}

// One node per line, children indented: small, and a change shows as a one-line diff.
function serialize(nodes, indent) {
  const pad = ' '.repeat(indent);
  const lines = nodes.map((n) => {
    const { children, ...rest } = n;
    const head = JSON.stringify(rest);
    if (!children) return pad + head;
    const inner = children.length ? `\n${serialize(children, indent + 1)}\n${pad}` : '';
    return `${pad}${head.slice(0, -1)},"children":[${inner}]}`;
  });
  return lines.join(',\n');
}

// overrides: { probe: {path: {...}}, manual: {path: {...}} } (see oracle-overrides.json)
export function buildKeywordData(reference, overrides) {
  const applied = new Set();
  releases = (reference._meta?.release_tags_scanned ?? []).map(releaseOf);
  const top = reference.top_level.flatMap((n) => convert(n, overrides, applied));
  const removed = (reference.removed_keywords ?? []).map((r) => ({
    path: r.path,
    since: releaseOf(r.first_seen),
    until: releaseOf(r.last_seen),
    note: r.note ?? null,
  }));
  insertRemoved(top, reference.removed_keywords ?? []);
  const unknown = [...Object.keys(overrides?.probe ?? {}), ...Object.keys(overrides?.manual ?? {})].filter(
    (p) => !applied.has(p),
  );
  if (unknown.length) throw new Error(`oracle overrides for unknown paths: ${unknown.join(', ')}`);
  const meta = {
    generatedBy: 'scripts/build-keyword-table.mjs (npm run keywords); do not edit',
    sourceCommit: reference._meta?.source_commit ?? null,
    releases,
    overridesApplied: applied.size,
  };
  return { meta, top, removed };
}

export function renderKeywordData(data) {
  return (
    '{"meta":' +
    JSON.stringify(data.meta) +
    ',\n"removed":' +
    JSON.stringify(data.removed) +
    ',\n"top":[\n' +
    serialize(data.top, 0) +
    '\n]}\n'
  );
}

function main() {
  const opts = parseCli(process.argv.slice(2));
  const reference = JSON.parse(readFileSync(opts.input, 'utf8'));
  let overrides = null;
  if (opts.overrides) {
    const raw = JSON.parse(readFileSync(opts.overrides, 'utf8'));
    overrides = {
      probe: Object.fromEntries(Object.entries(raw).filter(([k]) => !k.startsWith('_'))),
      manual: raw._manual ?? {},
    };
  }
  const text = renderKeywordData(buildKeywordData(reference, overrides));
  JSON.parse(text); // never write something the loader cannot read
  writeFileSync(opts.out, text);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
