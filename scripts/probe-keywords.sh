#!/bin/bash
# Probes the installed keepalived (the oracle, Debian's 2.2.7) for every keyword of the table that
# 2.2.7 installs, and compares with what we derived from ../shared/reference/keepalived/keywords.json:
#
#   1. the keyword with NO argument, inside its parent blocks: exit 2 + "missing a parameter after
#      keyword 'KW' at word position N" means keepalived reads word N-1 unconditionally. Then the
#      probe supplies N-1 plausible words and tries again, until the line passes: that gives
#      args.min. "Unknown keyword 'KW'" means this build does not recognise it (in227 false).
#   2. numeric ranges (word 1 of keywords with a fixed range): min, max, min-1/-step, max+1 must
#      be accepted / reported ("outside range", "negative number") as the table says.
#
# Usage: scripts/probe-keywords.sh [--write] [--keywords FILE] [--keep-results FILE]
#   --write          rewrite src/versions/oracle-overrides.json (then run `npm run keywords`);
#                    its "_manual" section (found by reading keepalived's source) is kept
#   --keep-results   also save the raw per-keyword results (exit code, outcome, words) as JSON
# Without --write it prints the summary and the disagreements only.
#
# Safety: keepalived runs only inside a throw-away network + mount namespace (`unshare -n -m`,
# loopback and a bridge named eth0, a tmpfs over /run), so nothing can leave the machine and no
# netns/pid file lands on the host; every config is written to a mktemp directory that is removed
# on exit. keepalived -t parses only: it never runs the scripts named in a config.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
write=0
keep=
keywords="$repo/../shared/reference/keepalived/keywords.json"
while [ $# -gt 0 ]; do
	case "$1" in
	--write) write=1 ;;
	--keywords) keywords=$2; shift ;;
	--keep-results) keep=$2; shift ;;
	*) echo "usage: $0 [--write] [--keywords FILE] [--keep-results FILE]" >&2; exit 64 ;;
	esac
	shift
done

command -v keepalived >/dev/null || { echo "keepalived is not installed" >&2; exit 69; }
command -v unshare >/dev/null || { echo "unshare (util-linux) is required" >&2; exit 69; }

work=$(mktemp -d "${TMPDIR:-/tmp}/keepalived-probe.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The table as derived from keywords.json alone, before any override.
node "$repo/scripts/build-keyword-table.mjs" "$keywords" --no-overrides --out "$work/heuristic.json"

cat > "$work/probe.mjs" <<'EOF'
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, referencePath, resultPath] = process.argv.slice(2);
const table = JSON.parse(readFileSync(join(work, 'heuristic.json'), 'utf8'));
const reference = JSON.parse(readFileSync(referencePath, 'utf8'));
const cases = join(work, 'cases');
mkdirSync(cases, { recursive: true });

const refByPath = new Map();
(function walk(nodes) {
  for (const n of nodes) { refByPath.set(n.path, n); if (n.children) walk(n.children); }
})(reference.top_level);

const cmp = (a, b) => {
  const p = (s) => (s === 'HEAD' ? [1e9, 0, 0] : s.split('.').map(Number));
  const [x, y] = [p(a), p(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};
// Installed by the 2.2.7 sources (whatever the Debian build recognises: that is what we probe).
const in227Sources = (n) => cmp(n.since, '2.2.7') <= 0 && (n.until === null || cmp('2.2.7', n.until) <= 0);

// Header words and required neighbours of the parent blocks.
const HEADERS = {
  vrrp_instance: 'VI_1', vrrp_sync_group: 'SG_1', vrrp_script: 'chk_1', vrrp_track_process: 'proc_1',
  track_file: 'tf_1', vrrp_track_file: 'vtf_1', track_group: 'tg_1', bfd_instance: 'bfd_1',
  virtual_server_group: 'vsg_1', virtual_server: '192.0.2.1 80', 'virtual_server/real_server': '192.0.2.2 80',
};
const FILLERS = {
  vrrp_instance: ['interface eth0', 'virtual_router_id 1'],
  // keepalived 2.2.7 crashes (SIGSEGV) on an HTTP_GET/SSL_GET block without any url.
  'virtual_server/real_server/HTTP_GET': ['url {', '    path /', '}'],
  'virtual_server/real_server/SSL_GET': ['url {', '    path /', '}'],
};

function fmt(v, decimals) {
  const s = String(v);
  return /e/i.test(s) ? v.toFixed(decimals ?? 6) : s;
}

// A plausible word for argument `i` (1-based) of `node`.
function dummy(node, i) {
  const num = node.numeric?.find((r) => r.index === i);
  if (num) {
    let v = num.min ?? 1;
    if (num.max !== null && v < 1 && num.max >= 1) v = 1;
    return fmt(v, num.decimals);
  }
  if (i === 1 && node.values) return node.values[0];
  if (i === 1 && node.bool) return 'on';
  const ref = refByPath.get(node.path) ?? {};
  const text = (node.kind === 'keyword' ? ref.args : ref.header_args) ?? '';
  if (i === 1 && /^(IP|IPADDR|IP address|IP-or-hostname)/.test(text)) return '192.0.2.9';
  if (i === 1 && /^(INTERFACE|IFNAME)/.test(text)) return 'eth0';
  if (/\bint\b|TIMER|decimal|seconds|START|PORT/.test(text)) return '1';
  return 'probe';
}

// The config for `line` inside its parent blocks, and the line number `line` lands on.
function render(path, line) {
  const parts = path.split('/');
  const out = [];
  let indent = '';
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts.slice(0, i + 1).join('/');
    const key = HEADERS[p] !== undefined ? p : parts[i];
    out.push(`${indent}${parts[i]}${HEADERS[key] ? ' ' + HEADERS[key] : ''} {`);
    indent += '    ';
    for (const f of FILLERS[p] ?? []) out.push(indent + f);
  }
  const lineNo = out.length + 1;
  out.push(indent + line);
  for (let i = parts.length - 2; i >= 0; i--) out.push('    '.repeat(i) + '}');
  return { text: out.join('\n') + '\n', lineNo };
}

let seq = 0;
function run(path, line) {
  const file = `c${String(++seq).padStart(5, '0')}.conf`;
  const { text, lineNo } = render(path, line);
  writeFileSync(join(cases, file), text);
  const r = spawnSync('timeout', ['20', 'keepalived', '-t', '-f', file], { cwd: cases, encoding: 'utf8' });
  return { rc: r.status, signal: r.signal, out: `${r.stdout}${r.stderr}`, file, lineNo };
}

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function classify(name, res) {
  const n = esc(name);
  // "after keyword `W`" names the word before the missing one, not necessarily the keyword.
  const miss = new RegExp(`line starting [\`'"]${n}[\`'"] is missing a parameter (?:after keyword \\S+ )?at word position (\\d+)`).exec(res.out);
  if (res.rc === 2 && miss) return { kind: 'missing', position: Number(miss[1]) };
  if (new RegExp(`Unknown keyword '${n}'`).test(res.out)) return { kind: 'unknown' };
  if (res.rc === 2) return { kind: 'exit2-other' };
  // timeout(1) re-raises the child's fatal signal on itself: keepalived crashed.
  if (res.rc === null) return { kind: `crash-${res.signal}` };
  if (res.rc === 124) return { kind: 'timeout' };
  return { kind: 'ok' };
}

const results = {};
const stats = { probed: 0, runs: 0, minAtLeast1: 0, unknown: 0, minDisagreements: 0, emptyError: 0, numericChecked: 0, numericDisagreements: 0 };
const overrides = {};
const notes = [];
const version = (spawnSync('keepalived', ['--version'], { encoding: 'utf8' }).stderr || '').split('\n')[0].trim();

function visit(nodes) {
  for (const node of nodes) {
    if (!in227Sources(node)) continue;
    const path = node.path;
    probeMin(node);
    if (node.children) visit(node.children.map((c) => ({ ...c, path: `${path}/${c.name}` })));
  }
}

const short = (t) => (t === null || t === undefined ? 'null' : JSON.stringify(t.length > 70 ? t.slice(0, 67) + '...' : t));

function probeMin(node) {
  stats.probed++;
  const words = [];
  let min = 0;
  let outcome;
  let first;
  let crashedEmpty;
  const block = node.kind !== 'keyword';
  for (;;) {
    const line = [node.name, ...words].join(' ') + (block ? ' {\n}' : '');
    const res = run(node.path, line);
    first ??= res;
    stats.runs++;
    outcome = classify(node.name, res);
    if (outcome.kind.startsWith('crash') && words.length === 0 && !crashedEmpty) {
      // Crashing without arguments but not with one is as fatal as "missing a parameter".
      crashedEmpty = outcome.kind;
      const retry = classify(node.name, run(node.path, [node.name, dummy(node, 1)].join(' ') + (block ? ' {\n}' : '')));
      stats.runs++;
      if (!retry.kind.startsWith('crash')) {
        min = 1;
        words.push(dummy(node, 1));
        outcome = retry;
        if (retry.kind !== 'missing') break;
      } else break;
    }
    if (outcome.kind !== 'missing' || words.length >= 6) break;
    min = Math.max(min, outcome.position - 1);
    while (words.length < outcome.position - 1) words.push(dummy(node, words.length + 1));
  }
  if (outcome.kind === 'missing') notes.push(`${node.path}: still missing a word after ${words.length} words`);
  if (/^(exit2-other|timeout|crash)/.test(outcome.kind)) notes.push(`${node.path}: ${outcome.kind} with ${words.length} words`);
  if (crashedEmpty && min === 1) notes.push(`${node.path}: ${crashedEmpty} with no argument`);
  const recognised = outcome.kind !== 'unknown';
  // With no argument at all, a non-fatal handler complaint on that very line (the keyword is then
  // ignored): "(Line 3) routerid name missing - ignoring".
  const atLine = new RegExp(`^\\((?:[^)]*: )?Line ${first.lineNo}\\) (.*)$`, 'gm');
  const complaint = min === 0 && recognised && node.args.max !== 0
    ? [...first.out.matchAll(atLine)].map((m) => m[1]).find((m) => !/deprecated/i.test(m))
    : undefined;
  results[node.path] = { rc0: first.rc, min, outcome: outcome.kind, words, ...(complaint ? { complaint } : {}) };
  if (min >= 1) stats.minAtLeast1++;
  if (complaint) stats.emptyError++;
  if (!recognised) stats.unknown++;
  const ref = refByPath.get(node.path) ?? {};
  const o = {};
  const reasons = [];
  const refArgs = `keywords.json args: ${short(ref.args ?? ref.header_args ?? null)}`;
  if (recognised && min !== node.args.min) {
    o['args.min'] = min;
    stats.minDisagreements++;
    reasons.push(min === 0
      ? `keepalived -t 2.2.7 exit ${first.rc}, no "missing a parameter", for '${node.name}' with no argument; ${refArgs}`
      : crashedEmpty && min === 1
      ? `keepalived -t 2.2.7 crashes (${crashedEmpty}) on '${node.name}' with no argument, not with one; ${refArgs}`
      : `keepalived -t 2.2.7 exit 2 "line starting '${node.name}' is missing a parameter at word position ${min + 1}" until ${min} word(s) are given; ${refArgs}`);
  }
  if (complaint) {
    o.emptyError = true;
    reasons.push(`keepalived -t 2.2.7 exit ${first.rc} with no argument: ${short(complaint)}`);
  }
  if (recognised !== node.in227) {
    o.in227 = recognised;
    reasons.push(recognised
      ? `keepalived -t 2.2.7 recognises '${node.name}' here (keywords.json: installed_2_2_7_recognises false)`
      : `keepalived -t 2.2.7 reports "Unknown keyword '${node.name}'" here (build-dependent: ${JSON.stringify(ref.build_conditions ?? [])})`);
  }
  if (reasons.length) overrides[node.path] = { ...o, reason: reasons.join('; ') };
  if (node.kind === 'keyword' && recognised) probeNumeric(node, min);
}

const RANGE_ERROR = /outside range|outside (unsigned )?integer range|negative number|invalid number/;
function probeNumeric(node, min) {
  const num = node.numeric?.find((r) => r.index === 1);
  if (!num || num.min === null || num.max === null) return;
  const step = num.decimals ? 10 ** -num.decimals : 1;
  const rest = [];
  for (let i = 2; i <= min; i++) rest.push(dummy(node, i));
  const tries = [
    [num.min, true], [num.max, true], [num.max + (num.decimals ? 1 : 1), false],
    [num.min - step, false],
  ];
  for (const [v, ok] of tries) {
    if (!num.signed && v < 0 && num.min > 0) continue;
    if (!Number.isSafeInteger(Math.round(v * 1e6))) continue;
    const word = num.decimals ? Number(v.toFixed(num.decimals)).toString() : String(v);
    if (/e/i.test(word)) continue;
    const res = run(node.path, [node.name, word, ...rest].join(' '));
    stats.runs++;
    stats.numericChecked++;
    const flagged = RANGE_ERROR.test(res.out) && res.out.includes(`'${word}'`);
    if (flagged === ok) {
      stats.numericDisagreements++;
      notes.push(`${node.path}: '${word}' ${ok ? 'rejected' : 'accepted'} by keepalived but table range is [${num.min}, ${num.max}]: ${res.out.split('\n').filter(Boolean).slice(0, 2).join(' | ')}`);
    }
  }
}

visit(table.top.map((n) => ({ ...n, path: n.name })));
writeFileSync(resultPath, JSON.stringify({ keepalived: version, stats, notes, overrides, results }, null, 1));
EOF

# Everything keepalived does happens in here: no network, private mounts, tmpfs /run.
unshare -n -m sh -c '
	mount --make-rprivate / &&
	mount -t tmpfs tmpfs /run &&
	ip link set lo up &&
	ip link add eth0 type bridge &&
	ip link set eth0 up &&
	exec node "$@"' sh "$work/probe.mjs" "$work" "$keywords" "$work/result.json"
[ -n "$keep" ] && cp "$work/result.json" "$keep"

node --input-type=module - "$work/result.json" "$repo/src/versions/oracle-overrides.json" "$write" <<'EOF'
import { readFileSync, writeFileSync } from 'node:fs';
const [resultPath, overridesPath, write] = process.argv.slice(2);
const r = JSON.parse(readFileSync(resultPath, 'utf8'));
console.log(`${r.keepalived}: ${JSON.stringify(r.stats)}`);
for (const n of r.notes) console.log(`note: ${n}`);
for (const [p, o] of Object.entries(r.overrides)) {
  if (o['args.min'] !== undefined || o.in227 !== undefined) console.log(`disagreement ${p}: ${o.reason}`);
}
if (write === '1') {
  let previous = {};
  try { previous = JSON.parse(readFileSync(overridesPath, 'utf8')); } catch {}
  const sorted = Object.fromEntries(Object.entries(r.overrides).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out = {
    _meta: {
      generatedBy: 'scripts/probe-keywords.sh --write; applied by scripts/build-keyword-table.mjs',
      oracle: r.keepalived,
      stats: r.stats,
      notes: r.notes,
    },
    // Hand-made corrections (from reading keepalived's source), applied after the probe's.
    _manual: previous._manual ?? {},
    ...sorted,
  };
  writeFileSync(overridesPath, JSON.stringify(out, null, 1) + '\n');
  console.log(`wrote ${overridesPath}`);
}
EOF
