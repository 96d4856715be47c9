/**
 * Output formats: pure functions from a LintReport to text (stylish, json, and sarif, github,
 * checkstyle, junit in their own modules). Example (json):
 * {"version":1,"results":[{"file":"k.conf","diagnostics":[{"ruleId":"unknown-keyword",...,"line":9,"column":5,...}]}]}
 */
import type { Diagnostic, FileFix, LintReport, RuleMeta } from '../engine/types.js';
import { toSarif } from './sarif.js';
import { githubAnnotations } from './github.js';
import { checkstyleXml } from './checkstyle.js';
import { junitXml } from './junit.js';
import { displayPath, ruleUrls } from './common.js';
import { escapeControl, shownPath } from './escape.js';

export interface FormatOptions {
  cwd: string;
  color: boolean;
  /** The tool's version, for formats that name it (sarif). */
  version?: string;
  /**
   * The rules to describe (sarif): the CLI hands them over (formats never import rules). Without
   * them, a SARIF log describes only the rules of its findings, by id.
   */
  rules?: readonly RuleMeta[];
  /** Print each finding's detail (stylish, github, junit); default true. --no-detail sets false. */
  detail?: boolean;
  /** The width stylish wraps the detail to (default DETAIL_COLUMNS). */
  columns?: number;
  /**
   * The folder of the rule pages: each rule's URL is `<ruleUrlBase>/<rule-id>.md`, printed by every
   * format (sarif helpUri, a json field, a line in the others). Without it only sarif names one,
   * under DOCS_BASE_URL.
   */
  ruleUrlBase?: string;
  /** The tool's home page (sarif informationUri); default REPOSITORY_URL. */
  repositoryUrl?: string;
}

/** The width of the detail lines in stylish, indent included. */
export const DETAIL_COLUMNS = 100;

export type Formatter = (report: LintReport, opts: FormatOptions) => string;

export { displayPath } from './common.js';
export { escapeControl, shownPath } from './escape.js';

export const json: Formatter = (report, opts) => {
  const { cwd } = opts;
  const urlOf = ruleUrls(opts);
  const results = report.results.map((r) => ({
    file: displayPath(r.file, cwd),
    diagnostics: r.diagnostics.map((d) => jsonDiagnostic(d, cwd, urlOf(d.ruleId))),
  }));
  return JSON.stringify({ version: 1, results }, null, 2) + '\n';
};

function jsonDiagnostic(d: Diagnostic, cwd: string, ruleUrl: string | undefined) {
  return {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    ...(d.detail ? { detail: d.detail } : {}),
    ...(d.messageId !== undefined ? { messageId: d.messageId } : {}),
    // Always there: the finding's data, empty when its message quotes nothing.
    data: d.data ?? {},
    line: d.start.line,
    column: d.start.column,
    endLine: d.end.line,
    endColumn: d.end.column,
    ...(d.configIds ? { configIds: d.configIds } : {}),
    ...(d.related
      ? {
          related: d.related.map((r) => ({
            file: displayPath(r.file, cwd),
            line: r.start.line,
            column: r.start.column,
            message: r.message,
          })),
        }
      : {}),
    ...(ruleUrl !== undefined ? { ruleUrl } : {}),
    ...(d.fix ? { fix: jsonFix(d.fix, cwd) } : {}),
    ...(d.suggestions ? { suggestions: d.suggestions.map((f) => jsonFix(f, cwd)) } : {}),
  };
}

function jsonFix(f: FileFix, cwd: string) {
  return {
    message: f.message,
    edits: f.edits.map((e) => ({
      file: displayPath(e.file, cwd),
      line: e.from.line,
      column: e.from.column,
      endLine: e.to.line,
      endColumn: e.to.column,
      text: e.text,
    })),
  };
}

const SGR = { red: '31', yellow: '33', blue: '34', dim: '2', bold: '1', underline: '4' } as const;

export const stylish: Formatter = (report, opts) => {
  const { cwd, color, detail = true, columns = DETAIL_COLUMNS } = opts;
  const urlOf = ruleUrls(opts);
  // The page of each rule that has findings, listed once after them (as ShellCheck does).
  const pages = new Map<string, string>();
  const paint = (code: keyof typeof SGR, s: string) => (color ? `\u001b[${SGR[code]}m${s}\u001b[0m` : s);
  const out: string[] = [];
  const counts = { error: 0, warning: 0, info: 0 };
  for (const r of report.results) {
    if (!r.diagnostics.length) continue;
    out.push(paint('underline', shownPath(r.file, cwd)));
    const text = report.sources.get(r.file);
    const lines = text?.split('\n');
    for (const d of r.diagnostics) {
      counts[d.severity]++;
      const url = urlOf(d.ruleId);
      if (url !== undefined && !pages.has(d.ruleId)) pages.set(d.ruleId, url);
      const sev =
        d.severity === 'error'
          ? paint('red', 'error')
          : d.severity === 'warning'
            ? paint('yellow', 'warning')
            : paint('blue', 'info');
      const ids = d.configIds ? paint('dim', ` [config-id: ${escapeControl(d.configIds.join(', '))}]`) : '';
      out.push(
        `  ${d.start.line}:${d.start.column}  ${sev}  ${escapeControl(d.message)} ` +
          ` ${paint('dim', escapeControl(d.ruleId))}${ids}`,
      );
      const src = lines?.[d.start.line - 1]?.replace(/\r$/, '').replace(/\t/g, ' ');
      if (src !== undefined && src.length <= 400) {
        // The caret goes under the escaped text: what precedes the column and what it spans, as shown.
        const shown = (from: number, to: number) =>
          escapeControl(src.slice(from, to)).length + Math.max(0, to - Math.max(from, src.length));
        const end = d.end.line === d.start.line ? d.end.column : src.length + 1;
        const before = shown(0, d.start.column - 1);
        const width = Math.max(1, shown(d.start.column - 1, end - 1));
        out.push(`    ${escapeControl(src)}`);
        out.push(`    ${' '.repeat(before)}${paint(d.severity === 'error' ? 'red' : 'yellow', '^'.repeat(width))}`);
      }
      if (detail && d.detail)
        for (const line of wrapDetail(d.detail, DETAIL_INDENT, columns)) out.push(line ? paint('dim', line) : '');
      for (const rel of d.related ?? [])
        out.push(
          paint(
            'dim',
            `      ${shownPath(rel.file, cwd)}:${rel.start.line}:${rel.start.column}: ${escapeControl(rel.message)}`,
          ),
        );
    }
    out.push('');
  }
  if (pages.size) {
    const width = Math.max(...[...pages.keys()].map((id) => id.length));
    out.push('For more information:');
    for (const [id, url] of pages)
      out.push(`  ${escapeControl(id).padEnd(width)}  ${paint('dim', escapeControl(url))}`);
    out.push('');
  }
  const total = counts.error + counts.warning + counts.info;
  if (total || report.errors.length) {
    const summary =
      `${total} problem${total === 1 ? '' : 's'} (${counts.error} ` +
      `error${counts.error === 1 ? '' : 's'}, ${counts.warning} ` +
      `warning${counts.warning === 1 ? '' : 's'}${counts.info ? `, ${counts.info} info` : ''})`;
    out.push(
      paint('bold', summary) + (report.errors.length ? `, ${report.errors.length} file(s) could not be read` : ''),
    );
  }
  return out.length ? out.join('\n') + '\n' : '';
};

/** The detail lines up with the source line above it. */
const DETAIL_INDENT = '    ';

/**
 * The detail as stylish prints it: each paragraph (a line of the detail) escaped and wrapped at
 * spaces to `columns` (indent included; a word longer than the line stands alone), blank lines
 * between paragraphs kept. Example: wrapDetail('a b c', '  ', 5) -> ['  a b', '  c'].
 */
export function wrapDetail(detail: string, indent: string, columns: number): string[] {
  const width = Math.max(20, columns - indent.length);
  const out: string[] = [];
  for (const paragraph of detail.split(/\r?\n/)) {
    const words = escapeControl(paragraph.replace(/\t/g, ' ').trim()).split(/ +/).filter(Boolean);
    if (!words.length) {
      if (out.length && out.at(-1) !== '') out.push('');
      continue;
    }
    let line = '';
    for (const w of words) {
      if (line && line.length + 1 + w.length > width) {
        out.push(indent + line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    out.push(indent + line);
  }
  while (out.at(-1) === '') out.pop();
  return out;
}

export const sarif: Formatter = (report, { cwd, version, rules, ruleUrlBase, repositoryUrl }) =>
  JSON.stringify(
    toSarif(report, {
      cwd,
      rules: rules ?? [],
      ...(version !== undefined ? { version } : {}),
      ...(ruleUrlBase !== undefined ? { ruleUrlBase } : {}),
      ...(repositoryUrl !== undefined ? { repositoryUrl } : {}),
    }),
    null,
    2,
  ) + '\n';

export const github: Formatter = (report, opts) =>
  githubAnnotations(report, opts.cwd, { detail: opts.detail ?? true, ruleUrl: ruleUrls(opts) });

export const checkstyle: Formatter = (report, opts) => checkstyleXml(report, opts.cwd, { ruleUrl: ruleUrls(opts) });

export const junit: Formatter = (report, opts) =>
  junitXml(report, opts.cwd, { detail: opts.detail ?? true, ruleUrl: ruleUrls(opts) });

export const formatters: Record<string, Formatter> = { stylish, json, sarif, github, checkstyle, junit };
