/**
 * A baseline: the findings a team has accepted, so that adopting the linter on an existing repository
 * gates only new findings. Each finding is keyed by what survives an edit elsewhere in the file and
 * a rewording of the rule's message: rule id, message id, data (without the positions and the
 * checkout folder it may cite, see finding-key.ts), file path relative to the baseline file's
 * folder, and the text of the line it points at (trimmed) -- not its line number, not its message
 * text. A key carries a count; a baseline entry absorbs at most that many findings. Example entry:
 *
 *   { "rule": "unknown-keyword", "file": "etc/keepalived/keepalived.conf", "messageId": "unknown",
 *     "data": { "block": "vrrp_instance VI_1", "keyword": "priorty" }, "source": "priorty 100",
 *     "message": "Unknown keyword \"priorty\" in vrrp_instance VI_1 ...", "count": 1 }
 *
 * `message` is there for the reader of the file; it is matched only for a finding without a
 * message id (keepalived's own output, --with-keepalived). Pure functions of findings and texts;
 * reading and writing the file is the CLI's job.
 */
import * as path from 'node:path';
import { stableData, stableText } from './finding-key.js';
import type { Diagnostic, FileResult } from './types.js';

/** 2: keyed on message id and data (1 was keyed on message text, and is refused). */
export const BASELINE_VERSION = 2;

export interface BaselineEntry {
  rule: string;
  file: string;
  messageId?: string;
  data?: Record<string, string | number>;
  source: string;
  message: string;
  count: number;
}

export interface Baseline {
  entries: BaselineEntry[];
}

type Key = Omit<BaselineEntry, 'count'>;

/** Builds keys for findings of files under `baseDir` (the baseline file's folder). */
class Keyer {
  private readonly lines = new Map<string, string[]>();

  constructor(
    private readonly sources: ReadonlyMap<string, string>,
    private readonly baseDir: string,
  ) {}

  key(d: Diagnostic): Key {
    let lines = this.lines.get(d.file);
    if (!lines) {
      lines = (this.sources.get(d.file) ?? '').split('\n');
      this.lines.set(d.file, lines);
    }
    return {
      rule: d.ruleId,
      file: path.relative(this.baseDir, d.file).split(path.sep).join('/'),
      ...(d.messageId !== undefined ? { messageId: d.messageId, data: stableData(d.data, [this.baseDir]) } : {}),
      source: (lines[d.start.line - 1] ?? '').trim(),
      message: stablePart(d.message, this.baseDir),
    };
  }
}

/**
 * A message without what moves when lines move (`file:12:5` citations of another line, `line 12`)
 * and without the checkout's own location, so a baseline written on a laptop holds in CI.
 */
export function stablePart(message: string, baseDir: string): string {
  return stableText(message, [baseDir]);
}

/** What a finding is matched on: the message id and data, or the message for a finding without an id. */
const serialKey = (k: Key) =>
  k.messageId !== undefined
    ? JSON.stringify(['id', k.rule, k.file, k.messageId, stableData(k.data), k.source])
    : JSON.stringify(['text', k.rule, k.file, k.message, k.source]);

export function createBaseline(
  results: readonly FileResult[],
  sources: ReadonlyMap<string, string>,
  baseDir: string,
): Baseline {
  const keyer = new Keyer(sources, baseDir);
  const byKey = new Map<string, BaselineEntry>();
  for (const r of results) {
    for (const d of r.diagnostics) {
      const k = keyer.key(d);
      const s = serialKey(k);
      const hit = byKey.get(s);
      if (hit) hit.count++;
      else byKey.set(s, { ...k, count: 1 });
    }
  }
  const entries = [...byKey.values()].sort(
    (a, b) =>
      compare(a.file, b.file) ||
      compare(a.rule, b.rule) ||
      compare(a.source, b.source) ||
      compare(a.messageId ?? '', b.messageId ?? '') ||
      compare(serialKey(a), serialKey(b)),
  );
  return { entries };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The file's text: stable order and no timestamp, so it diffs cleanly in review. */
export function serializeBaseline(b: Baseline): string {
  const doc = {
    $comment:
      'Findings accepted by keepalived-lint --baseline (only new findings ' +
      'are reported). A finding matches on rule, file, messageId, data and ' +
      'source (its line); message is for reading. Regenerate with ' +
      '--write-baseline; edit by deleting entries once fixed.',
    version: BASELINE_VERSION,
    findings: b.entries,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** The baseline in a file's text, or what is wrong with it (for an "exit 2" message). */
export function parseBaseline(text: string): Baseline | { error: string; outdated?: number } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error: say where, never what (a baseline may be
    // anything a pull request links it to).
    const at = /position (\d+)/.exec(e instanceof Error ? e.message : '');
    if (!at) {
      const what = /end of JSON/.test(String(e)) ? 'it ends before the JSON does' : 'an unexpected character';
      return { error: `it is not valid JSON (${what})` };
    }
    const before = text.slice(0, Number(at[1]));
    const line = before.split('\n').length;
    return { error: `it is not valid JSON (line ${line}, column ${before.length - before.lastIndexOf('\n')})` };
  }
  if (!isObject(doc)) return { error: 'it is not a JSON object' };
  if (
    typeof doc.version === 'number' &&
    Number.isInteger(doc.version) &&
    doc.version >= 1 &&
    doc.version < BASELINE_VERSION
  ) {
    return {
      error:
        `it was written by an older keepalived-lint (baseline ` +
        `version ${doc.version}, which matched findings on their ` +
        `message text; this one matches them on rule, message ` +
        `id and data)`,
      outdated: doc.version,
    };
  }
  if (doc.version !== BASELINE_VERSION)
    return { error: `"version" is ${JSON.stringify(doc.version) ?? 'missing'}, expected ${BASELINE_VERSION}` };
  if (!Array.isArray(doc.findings)) return { error: '"findings" is missing or not an array' };
  const entries: BaselineEntry[] = [];
  for (const [i, e] of doc.findings.entries()) {
    if (!isObject(e)) return { error: `findings[${i}] is not an object` };
    for (const field of ['rule', 'file', 'message', 'source'] as const) {
      if (typeof e[field] !== 'string') return { error: `findings[${i}].${field} is missing or not a string` };
    }
    if (e.messageId !== undefined && typeof e.messageId !== 'string')
      return { error: `findings[${i}].messageId is not a string` };
    if (
      e.data !== undefined &&
      (!isObject(e.data) || Object.values(e.data).some((v) => typeof v !== 'string' && typeof v !== 'number'))
    ) {
      return { error: `findings[${i}].data is not an object of strings and numbers` };
    }
    if (e.data !== undefined && e.messageId === undefined) return { error: `findings[${i}] has data but no messageId` };
    if (typeof e.count !== 'number' || !Number.isInteger(e.count) || e.count < 1)
      return { error: `findings[${i}].count must be a whole number of at least 1` };
    entries.push({
      rule: e.rule as string,
      file: e.file as string,
      ...(typeof e.messageId === 'string'
        ? { messageId: e.messageId, data: (e.data ?? {}) as Record<string, string | number> }
        : {}),
      source: e.source as string,
      message: e.message as string,
      count: e.count,
    });
  }
  return { entries };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

export interface BaselineOutcome {
  results: FileResult[];
  /** Findings the baseline absorbed. */
  matched: number;
  /** Baseline counts left over: findings that were fixed (or changed) since it was written. */
  unmatched: number;
}

/** Drops the findings the baseline accepts, in file order (each entry absorbs up to its count). */
export function applyBaseline(
  results: readonly FileResult[],
  sources: ReadonlyMap<string, string>,
  baseline: Baseline,
  baseDir: string,
): BaselineOutcome {
  const keyer = new Keyer(sources, baseDir);
  const left = new Map<string, number>();
  for (const e of baseline.entries) left.set(serialKey(e), (left.get(serialKey(e)) ?? 0) + e.count);
  let matched = 0;
  const out = results.map((r) => ({
    file: r.file,
    diagnostics: r.diagnostics.filter((d) => {
      const s = serialKey(keyer.key(d));
      const n = left.get(s) ?? 0;
      if (n === 0) return true;
      left.set(s, n - 1);
      matched++;
      return false;
    }),
  }));
  let unmatched = 0;
  for (const n of left.values()) unmatched += n;
  return { results: out, matched, unmatched };
}
