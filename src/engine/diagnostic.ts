/**
 * The one diagnostic builder: a rule's report (message id, data, where) becomes the finding the
 * formats print, with message and detail filled in, positions resolved, and the expansions that
 * produced the text under `related`. Used for per-config, cluster and lint-directive findings.
 * Example: { messageId: 'unknown', data: { keyword: 'priorty' }, at: token } ->
 * { ruleId: 'unknown-keyword', message: 'Unknown keyword "priorty" ...', detail: '...', start: { line: 9, column: 5
 * }, ... }
 */
import type { Origin, SourceFile, Token } from '../load/index.js';
import { MAX_MESSAGE, messageSpec } from '../rule-api/index.js';
import type { Diagnostic, Edit, FileFix, Fix, Report, RuleMeta, Severity } from './types.js';

export function isToken(x: Token | Origin): x is Token {
  return (x as Token).origin !== undefined;
}

/**
 * A report as the diagnostic formatters read: message filled in, positions resolved in `files`, the
 * expansions that produced the text under `related`. Shared by the per-config and the cluster rules.
 */
export function toDiagnostic(
  rule: { meta: RuleMeta },
  severity: Severity,
  r: Report,
  files: Pick<Map<string, SourceFile>, 'get'>,
): Diagnostic {
  const origin = isToken(r.at) ? r.at.origin : r.at;
  const via = r.via ?? (isToken(r.at) ? r.at.via : []);
  const spec = messageSpec(rule.meta, r.messageId);
  if (spec === undefined) throw new Error(`rule ${rule.meta.id} has no message ${r.messageId}`);
  const fill = (template: string) =>
    template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(r.data?.[k] ?? `{{${k}}}`));
  let message = fill(spec.message);
  let detail = spec.detail !== undefined ? fill(spec.detail) : undefined;
  const sf = files.get(origin.file);
  const pos = (o: number) => (sf ? sf.index.position(o) : { line: 1, column: 1 });
  const related: NonNullable<Diagnostic['related']> = [];
  for (const e of via) {
    if (e.kind === 'definition' && e.definedAt) {
      const dsf = files.get(e.definedAt.file);
      related.push({
        file: e.definedAt.file,
        start: dsf ? dsf.index.position(e.definedAt.start) : { line: 1, column: 1 },
        message: `expanded from $${e.name}, defined here`,
      });
    } else if (e.kind === 'sequence') {
      related.push({ file: e.use.file, start: pos(e.use.start), message: `repeated by ${e.name}` });
    }
  }
  for (const rel of r.related ?? []) {
    const rsf = files.get(rel.origin.file);
    related.push({
      file: rel.origin.file,
      start: rsf ? rsf.index.position(rel.origin.start) : { line: 1, column: 1 },
      message: rel.message,
    });
  }
  if (via.some((e) => e.kind === 'definition')) {
    const names = [...new Set(via.filter((e) => e.kind === 'definition').map((e) => '$' + e.name))];
    message += ` (after expanding ${names.join(' -> ')})`;
  }
  ({ message, detail } = oneLine(message, detail));
  const end = Math.max(origin.end, origin.start);
  const fix = r.fix ? placeFix(r.fix, files) : null;
  const suggestions = (r.suggestions ?? []).flatMap((f) => placeFix(f, files) ?? []);
  return {
    ruleId: rule.meta.id,
    severity,
    message,
    file: origin.file,
    range: { start: origin.start, end },
    start: pos(origin.start),
    end: pos(end),
    ...(detail ? { detail } : {}),
    ...(related.length ? { related } : {}),
    messageId: r.messageId,
    ...(r.data ? { data: r.data } : {}),
    ...(fix ? { fix } : {}),
    ...(suggestions.length ? { suggestions } : {}),
  };
}

/** A fix with every edit placed in the written text, or null when one edit cannot be placed. */
function placeFix(f: Fix, files: Pick<Map<string, SourceFile>, 'get'>): FileFix | null {
  const edits: FileFix['edits'] = [];
  for (const e of f.edits) {
    const placed = placeEdit(e, files);
    if (!placed) return null;
    edits.push(placed);
  }
  return edits.length ? { message: f.message, edits } : null;
}

/**
 * Where an edit's text is written. A span is taken as it is. A token is its word in the file, or
 * (with its quotes) the quoted word; a word that came from a `$NAME` definition is edited in the
 * definition when it appears there once; a word an expansion built any other way is not placed.
 */
function placeEdit(e: Edit, files: Pick<Map<string, SourceFile>, 'get'>): FileFix['edits'][number] | null {
  const at = placeText(e, files);
  const sf = at ? files.get(at.file) : undefined;
  return at && sf ? { ...at, from: sf.index.position(at.start), to: sf.index.position(at.end) } : null;
}

function placeText(
  e: Edit,
  files: Pick<Map<string, SourceFile>, 'get'>,
): { file: string; start: number; end: number; text: string } | null {
  if (!isToken(e.at)) {
    const sf = files.get(e.at.file);
    return sf && e.at.end <= sf.text.length
      ? { file: e.at.file, start: e.at.start, end: e.at.end, text: e.text }
      : null;
  }
  const t = e.at;
  const def = t.via.find((x) => x.kind === 'definition');
  if (def) {
    const at = def.definedAt;
    const sf = at ? files.get(at.file) : undefined;
    if (!at || !sf) return null;
    const body = sf.text.slice(at.start, at.end);
    const word = new RegExp(`(?<![^\\s"=])${escapeRegExp(t.text)}(?![^\\s"])`, 'g');
    const hits = [...body.matchAll(word)];
    if (hits.length !== 1) return null;
    const start = at.start + hits[0]!.index;
    return { file: at.file, start, end: start + t.text.length, text: e.text };
  }
  const sf = files.get(t.origin.file);
  if (!sf) return null;
  const written = sf.text.slice(t.origin.start, t.origin.end);
  if (written === t.text) return { file: t.origin.file, start: t.origin.start, end: t.origin.end, text: e.text };
  if (written === `"${t.text}"`)
    return { file: t.origin.file, start: t.origin.start + 1, end: t.origin.end - 1, text: e.text };
  return null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A message fit for one line of a terminal or a CI annotation title: newlines and tabs become
 * spaces, and past MAX_MESSAGE characters (a long name quoted) the message is cut at a word and the
 * whole of it opens the detail, so nothing is lost.
 */
export function oneLine(message: string, detail: string | undefined): { message: string; detail: string | undefined } {
  // A run of white space that holds a line break or a tab becomes one space. (Not /\s*[\r\n\t]+\s*/:
  // over a long run of other white space, a quoted word of no-break spaces, it backtracked from every
  // place in the run: 3,500 of them took 13 s a finding.)
  const flat = message.replace(/\s+/g, (run) => (/[\r\n\t]/.test(run) ? ' ' : run)).trim();
  if (flat.length <= MAX_MESSAGE) return { message: flat, detail };
  const cut = flat.lastIndexOf(' ', MAX_MESSAGE - 1);
  const short = `${flat.slice(0, cut > MAX_MESSAGE / 2 ? cut : MAX_MESSAGE - 1)}…`;
  return { message: short, detail: detail ? `${flat}\n\n${detail}` : flat };
}

/**
 * What makes two findings the same finding (the merge of config-id passes, of lint and cluster,
 * of entry files that share an include): rule, place, message id and data, and the text. Two
 * findings at one place whose short messages agree but whose data differ stay two.
 */
export function findingIdentity(d: Diagnostic): string {
  const data = d.data ? JSON.stringify(Object.entries(d.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : '';
  return `${d.ruleId}\0${d.file}\0${d.range.start}\0${d.range.end}\0${d.messageId ?? ''}\0${data}\0${d.message}`;
}
