/**
 * Output formats: pure functions from a LintReport to text (stylish, json, and sarif, github,
 * checkstyle, junit in their own modules). Example (json):
 *   {"version":1,"results":[{"file":"k.conf","diagnostics":[{"ruleId":"unknown-keyword",...,"line":9,"column":5,...}]}]}
 */
import * as path from 'node:path';
import type { Diagnostic, LintReport, RuleMeta } from '../engine/types.js';
import { allRules as registry } from '../../rules/index.js';
import { toSarif } from './sarif.js';
import { githubAnnotations } from './github.js';
import { checkstyleXml } from './checkstyle.js';
import { junitXml } from './junit.js';

export interface FormatOptions {
  cwd: string;
  color: boolean;
  /** The tool's version, for formats that name it (sarif). */
  version?: string;
  /** The rules to describe (sarif); default: every rule of the registry. */
  rules?: readonly RuleMeta[];
}

export type Formatter = (report: LintReport, opts: FormatOptions) => string;

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

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
    out.push(paint('underline', displayPath(r.file, cwd)));
    const text = report.sources.get(r.file);
    const lines = text?.split('\n');
    for (const d of r.diagnostics) {
      counts[d.severity]++;
      const sev = d.severity === 'error' ? paint('red', 'error') : d.severity === 'warning' ? paint('yellow', 'warning') : paint('blue', 'info');
      const ids = d.configIds ? paint('dim', ` [config-id: ${d.configIds.join(', ')}]`) : '';
      out.push(`  ${d.start.line}:${d.start.column}  ${sev}  ${d.message}  ${paint('dim', d.ruleId)}${ids}`);
      const src = lines?.[d.start.line - 1]?.replace(/\r$/, '');
      if (src !== undefined && src.length <= 400) {
        const width = d.end.line === d.start.line ? Math.max(1, d.end.column - d.start.column) : Math.max(1, src.length - d.start.column + 1);
        out.push(`    ${src.replace(/\t/g, ' ')}`);
        out.push(`    ${' '.repeat(d.start.column - 1)}${paint(d.severity === 'error' ? 'red' : 'yellow', '^'.repeat(width))}`);
      }
      for (const rel of d.related ?? []) out.push(paint('dim', `      ${displayPath(rel.file, cwd)}:${rel.start.line}:${rel.start.column}: ${rel.message}`));
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
