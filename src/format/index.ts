/**
 * Output formats: pure functions from a LintReport to text (stylish, json, and sarif, github,
 * checkstyle, junit in their own modules). Example (json):
 *   {"version":1,"results":[{"file":"k.conf","diagnostics":[{"ruleId":"unknown-keyword",...,"line":9,"column":5,...}]}]}
 */
import type { Diagnostic, LintReport, RuleMeta } from '../engine/types.js';
import { allRules as registry } from '../../rules/index.js';
import { toSarif } from './sarif.js';
import { githubAnnotations } from './github.js';
import { checkstyleXml } from './checkstyle.js';
import { junitXml } from './junit.js';
import { displayPath } from './common.js';
import { escapeControl, shownPath } from './escape.js';

export interface FormatOptions {
  cwd: string;
  color: boolean;
  /** The tool's version, for formats that name it (sarif). */
  version?: string;
  /** The rules to describe (sarif); default: every rule of the registry. */
  rules?: readonly RuleMeta[];
}

export type Formatter = (report: LintReport, opts: FormatOptions) => string;

export { displayPath } from './common.js';
export { escapeControl, shownPath } from './escape.js';

export const json: Formatter = (report, { cwd }) => {
  const results = report.results.map((r) => ({
    file: displayPath(r.file, cwd),
    diagnostics: r.diagnostics.map((d) => jsonDiagnostic(d, cwd)),
  }));
  return JSON.stringify({ version: 1, results }, null, 2) + '\n';
};

function jsonDiagnostic(d: Diagnostic, cwd: string) {
  return {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    ...(d.detail ? { detail: d.detail } : {}),
    ...(d.messageId !== undefined ? { messageId: d.messageId } : {}),
    ...(d.data ? { data: d.data } : {}),
    line: d.start.line,
    column: d.start.column,
    endLine: d.end.line,
    endColumn: d.end.column,
    ...(d.configIds ? { configIds: d.configIds } : {}),
    ...(d.related
      ? { related: d.related.map((r) => ({ file: displayPath(r.file, cwd), line: r.start.line, column: r.start.column, message: r.message })) }
      : {}),
  };
}

const SGR = { red: '31', yellow: '33', blue: '34', dim: '2', bold: '1', underline: '4' } as const;

export const stylish: Formatter = (report, { cwd, color }) => {
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
      const sev = d.severity === 'error' ? paint('red', 'error') : d.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info');
      const ids = d.configIds ? paint('dim', ` [config-id: ${escapeControl(d.configIds.join(', '))}]`) : '';
      out.push(`  ${d.start.line}:${d.start.column}  ${sev}  ${escapeControl(d.message)}  ${paint('dim', escapeControl(d.ruleId))}${ids}`);
      const src = lines?.[d.start.line - 1]?.replace(/\r$/, '').replace(/\t/g, ' ');
      if (src !== undefined && src.length <= 400) {
        // The caret goes under the escaped text: what precedes the column and what it spans, as shown.
        const shown = (from: number, to: number) => escapeControl(src.slice(from, to)).length + Math.max(0, to - Math.max(from, src.length));
        const end = d.end.line === d.start.line ? d.end.column : src.length + 1;
        const before = shown(0, d.start.column - 1);
        const width = Math.max(1, shown(d.start.column - 1, end - 1));
        out.push(`    ${escapeControl(src)}`);
        out.push(`    ${' '.repeat(before)}${paint(d.severity === 'error' ? 'red' : 'yellow', '^'.repeat(width))}`);
      }
      for (const rel of d.related ?? []) out.push(paint('dim', `      ${shownPath(rel.file, cwd)}:${rel.start.line}:${rel.start.column}: ${escapeControl(rel.message)}`));
    }
    out.push('');
  }
  const total = counts.error + counts.warning + counts.info;
  if (total || report.errors.length) {
    const summary = `${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}${counts.info ? `, ${counts.info} info` : ''})`;
    out.push(paint('bold', summary) + (report.errors.length ? `, ${report.errors.length} file(s) could not be read` : ''));
  }
  return out.length ? out.join('\n') + '\n' : '';
};

export const sarif: Formatter = (report, { cwd, version, rules }) =>
  JSON.stringify(toSarif(report, { cwd, rules: rules ?? registry.map((r) => r.meta), ...(version !== undefined ? { version } : {}) }), null, 2) + '\n';

export const github: Formatter = (report, { cwd }) => githubAnnotations(report, cwd);

export const checkstyle: Formatter = (report, { cwd }) => checkstyleXml(report, cwd);

export const junit: Formatter = (report, { cwd }) => junitXml(report, cwd);

export const formatters: Record<string, Formatter> = { stylish, json, sarif, github, checkstyle, junit };
