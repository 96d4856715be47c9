/**
 * keepalived's own messages as findings of the pseudo-rule `keepalived`, at the file and line it
 * names (a message without a line: at the instance, sync group or vrrp_script it names when the
 * config has it, else at the config's line 1), each saying which of our rules also found it.
 * A message about a file outside the config's tree (an include of /etc/shadow: keepalived quotes
 * its lines) is never quoted: the report counts them, naming only the path keepalived printed.
 * Example: "(keepalived.conf: Line 9) Unknown keyword 'priorty'" with our unknown-keyword finding
 * on line 9 -> { ruleId: 'keepalived', severity: 'error', line 9,
 *   message: "keepalived -t: Unknown keyword 'priorty' (also found by unknown-keyword)" }.
 */
import * as path from 'node:path';
import { byPosition, oneLine } from '../engine/index.js';
import type { Diagnostic, LintReport, Severity } from '../engine/types.js';
import type { FileHost } from '../source/host.js';
import { realResolver } from '../source/confine.js';
import type { Origin, SourceFile } from '../load/index.js';
import { findingsAnswering, namesIn, trackScriptIn } from './answers.js';
import type { KeepalivedMessage } from './messages.js';

export const KEEPALIVED_RULE = {
  id: 'keepalived',
  description:
    'What `keepalived -t` (the installed keepalived, --with-keepalived) says about the config, at the line it names.',
  severity: 'error' as Severity,
};

/**
 * keepalived gives its messages no severity (any message makes -t exit non-zero). What it calls a
 * warning or deprecated, and what depends on the machine it runs on (interfaces, script files),
 * is a warning; a SECURITY VIOLATION and everything else is an error.
 */
export function messageSeverity(m: KeepalivedMessage): Severity {
  if (/^SECURITY VIOLATION\b/.test(m.text)) return 'error';
  if (/^(\(\S+\) )?(WARNING|Warning)\b|\bdeprecated\b|^Please use /.test(m.text)) return 'warning';
  return m.cls === 'environment' ? 'warning' : 'error';
}

export interface ConfigCheck {
  /** The config keepalived was run on (absolute). */
  config: string;
  exitCode: number | null;
  messages: readonly KeepalivedMessage[];
  /** The config's files as we read them (the config and what it includes). */
  files: ReadonlyMap<string, SourceFile>;
  /** Where the config defines its named objects: "vrrp_instance VI_1", "vrrp_sync_group G", "vrrp_script chk". */
  objects: ReadonlyMap<string, Origin>;
  /** The folder that stands for "/" (absolute include paths keepalived prints). */
  root: string;
  /** The config's repository: messages about files outside it, or that we did not read, are not quoted. */
  tree: string;
  /** To follow links and see what a printed name could also be (stat and realpath only, nothing read). */
  host: FileHost;
}

function inside(file: string, tree: string): boolean {
  const rel = path.relative(tree, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Our findings and keepalived's, for one config; `ours` are the report's findings in any file. */
export function keepalivedFindings(check: ConfigCheck, ours: readonly Diagnostic[]): Diagnostic[] {
  const mainName = path.basename(check.config);
  const refs = ours.map((d) => ({
    file: d.file,
    line: d.start.line,
    ruleId: d.ruleId,
    message: `${d.message}\n${d.detail ?? ''}`,
    d,
  }));
  const out: Diagnostic[] = [];
  // Printed file name -> how many messages, and whether one of them is an error.
  const withheld = new Map<string, { n: number; error: boolean }>();
  const withhold = (name: string, m: KeepalivedMessage): void => {
    const w = withheld.get(name) ?? { n: 0, error: false };
    withheld.set(name, { n: w.n + 1, error: w.error || messageSeverity(m) === 'error' });
  };
  // The file each message is about: the config for `(Line N)`; for a printed name, the file it
  // resolves to exactly; null: not a file we read (outside the tree), never quoted.
  const attributed = new Map<string, string | null>();
  const fileFor = (m: KeepalivedMessage): string | null => {
    if (m.file === null) return check.config;
    if (m.printed === undefined) return m.file === mainName ? check.config : attributedFile(m.file, check, attributed);
    return attributedFile(m.printed, check, attributed);
  };
  const outside = (m: KeepalivedMessage): boolean => m.file !== null && fileFor(m) === null;
  // Once keepalived read a file outside the tree, a message without a file (after parsing) may
  // quote a name from it: such a message is shown only when it names an object of ours.
  const readOutside = check.messages.some(outside);
  for (const m of check.messages) {
    if (outside(m)) {
      withhold(m.printed ?? m.file!, m);
      continue;
    }
    if (m.file === null && readOutside && objectNamed(m.text, check) === null) {
      withhold('', m);
      continue;
    }
    const file = fileFor(m)!;
    let message = `keepalived -t: ${m.text}`;
    let at: { file: string; line: number } | Origin;
    if (m.line !== null) at = { file, line: m.line };
    else at = objectNamed(m.text, check) ?? { file: check.config, line: 1 };
    const also = [
      ...new Set(findingsAnswering(m, m.file === null ? null : file, check.config, refs).map((r) => r.ruleId)),
    ].sort();
    if (also.length) message += ` (also found by ${also.join(', ')})`;
    const stops = /is missing a parameter/.test(m.text)
      ? 'keepalived stops reading here, so nothing after this line is checked. '
      : '';
    const detail = also.length
      ? `${stops}keepalived -t printed this; our rules ${also.join(', ')} ` +
        `report the same problem with an explanation and a fix.`
      : `${stops}keepalived -t printed this about the config ` +
        `(--with-keepalived): the installed keepalived will ` +
        `say it at start too.`;
    const d = diagnosticAt(
      at,
      { messageId: 'said', data: { text: m.text, also: also.join(', ') }, message, detail },
      messageSeverity(m),
      check.files,
    );
    if (d) out.push(d);
  }
  for (const [name, w] of [...withheld].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const what =
      name === ''
        ? `${w.n} message${w.n === 1 ? '' : 's'} that name${w.n === 1 ? 's' : ''} ` +
          `nothing of the config, after reading files outside ` +
          `the tree`
        : `${w.n} message${w.n === 1 ? '' : 's'} about ${name}, outside the tree`;
    const message = `keepalived -t: keepalived reported ${what}; not shown (they may quote that file)`;
    const d = diagnosticAt(
      { file: check.config, line: 1 },
      { messageId: 'withheld', data: { file: name, count: w.n }, message },
      w.error ? 'error' : 'warning',
      check.files,
    );
    if (d) out.push(d);
  }
  if (check.exitCode !== null && check.exitCode !== 0 && !check.messages.length) {
    const message = `keepalived -t exited with status ${check.exitCode} and printed nothing`;
    const d = diagnosticAt(
      { file: check.config, line: 1 },
      { messageId: 'silent', data: { status: check.exitCode }, message },
      'error',
      check.files,
    );
    if (d) out.push(d);
  }
  return out;
}

/**
 * The file we read that a name keepalived printed is about, or null. keepalived prints an include
 * as its line wrote it: relative to the including file's folder (the main file: -f BASENAME in its
 * own folder), or absolute (the machine's file, whatever --root maps for our lint). A name is
 * attributed only when it resolves, from the config's folder, to a file whose real path our lint
 * read, inside the tree, and no other folder a file we read sits in makes it another existing file
 * (`include keepalived.conf` in sub/a.conf is sub/keepalived.conf, which may link anywhere).
 * No guessing by suffix. Examples (the config /r/keepalived.conf; /r/x.conf and /r/sub/a.conf read):
 *   "x.conf" -> /r/x.conf; with /r/sub/x.conf existing too (linking outside) -> null;
 *   "sub/x" where /r/sub/x links outside and /r/other/sub/x was read -> null.
 */
export function attributedFile(
  printed: string,
  check: ConfigCheck,
  memo = new Map<string, string | null>(),
): string | null {
  const known = memo.get(printed);
  if (known !== undefined) return known;
  const real = realResolver(check.host);
  const readReal = new Map<string, string>();
  for (const f of check.files.keys()) if (inside(f, check.tree)) readReal.set(real(f), f);
  const resolved = path.isAbsolute(printed) ? printed : path.resolve(path.dirname(check.config), printed);
  const target = real(resolved);
  let file: string | null =
    inside(resolved, check.tree) && inside(target, real(check.tree)) ? (readReal.get(target) ?? null) : null;
  if (file !== null && !path.isAbsolute(printed)) {
    for (const dir of new Set([...check.files.keys()].map((f) => path.dirname(f)))) {
      const other = path.resolve(dir, printed);
      if (other === resolved || check.host.stat(other).kind === 'missing') continue;
      if (real(other) !== target) {
        file = null;
        break;
      }
    }
  }
  memo.set(printed, file);
  return file;
}

function objectNamed(text: string, check: ConfigCheck): Origin | null {
  const script = trackScriptIn(text);
  if (script !== null) return check.objects.get(`vrrp_script ${script}`) ?? null;
  for (const name of namesIn(text)) {
    const o = check.objects.get(`vrrp_instance ${name}`) ?? check.objects.get(`vrrp_sync_group ${name}`);
    if (o) return o;
  }
  return null;
}

/** What keepalived said, as a finding: its text in `message` (one line, cut at MAX_MESSAGE), as data too. */
interface Said {
  messageId: 'said' | 'withheld' | 'silent';
  data: Record<string, string | number>;
  message: string;
  detail?: string;
}

function diagnosticAt(
  at: { file: string; line: number } | Origin,
  said: Said,
  severity: Severity,
  files: ReadonlyMap<string, SourceFile>,
): Diagnostic | null {
  const { message, detail } = oneLine(said.message, said.detail);
  const sf = files.get(at.file);
  if (!sf) return null;
  let start: number;
  let end: number;
  if ('line' in at) {
    // The whole line, from its first word (keepalived names lines, not columns).
    const line = Math.min(Math.max(1, at.line), sf.index.lineCount);
    const text = sf.index.lineText(line);
    start = sf.index.lineStart(line) + (text.length - text.trimStart().length);
    end = sf.index.lineStart(line) + text.trimEnd().length;
  } else {
    start = at.start;
    end = Math.max(at.start, at.end);
  }
  return {
    ruleId: KEEPALIVED_RULE.id,
    severity,
    message,
    ...(detail ? { detail } : {}),
    messageId: said.messageId,
    data: said.data,
    file: at.file,
    range: { start, end },
    start: sf.index.position(start),
    end: sf.index.position(end),
  };
}

/** Adds findings to the report, once each, in the report's order (file, line, column, rule). */
export function mergeFindings(
  report: LintReport,
  found: readonly Diagnostic[],
  files: ReadonlyMap<string, SourceFile>,
): void {
  const byFile = new Map(report.results.map((r) => [r.file, r]));
  const seen = new Set(report.results.flatMap((r) => r.diagnostics.map(key)));
  for (const d of found) {
    if (seen.has(key(d))) continue;
    seen.add(key(d));
    let r = byFile.get(d.file);
    if (!r) {
      r = { file: d.file, diagnostics: [] };
      byFile.set(d.file, r);
      report.results.push(r);
    }
    r.diagnostics.push(d);
    const sf = files.get(d.file);
    if (sf && !report.sources.has(d.file)) report.sources.set(d.file, sf.text);
  }
  for (const r of report.results) r.diagnostics.sort(byPosition);
  report.results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function key(d: Diagnostic): string {
  return `${d.file}\0${d.ruleId}\0${d.range.start}\0${d.range.end}\0${d.message}`;
}
