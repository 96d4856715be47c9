/**
 * GitHub Actions workflow commands: one annotation per finding, shown on the pull request's diff.
 * Example:
 * ::error file=keepalived.conf,line=9,endLine=9,col=5,endColumn=11,title=unknown-keyword::Unknown keyword "priorty"
 * ...%0A%0A<detail>
 * The body is the message (with related locations on lines of their own), a blank line and the
 * detail (what keepalived does, why it matters, the fix), unless --no-detail, then a blank line
 * and "More information: <the rule's page>".
 * GitHub's columns are inclusive and only allowed on a single line; info findings are notices.
 * The runner reads its log line by line and takes any line starting with `::` as a command, so
 * no byte of a file name or message may end a line: control characters are escaped visibly
 * (escapeControl) and what is left goes through GitHub's own escaping (escapeData, escapeProperty).
 */
import type { Diagnostic, LintReport, Severity } from '../engine/types.js';
import { messageWithConfigIds, relatedLines, relativePath } from './common.js';
import { escapeControl } from './escape.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

/** The escaping of the command's message (actions/toolkit's escapeData). */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The escaping of a property value (actions/toolkit's escapeProperty). */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function githubAnnotations(
  report: LintReport,
  cwd: string,
  o: { detail?: boolean; ruleUrl?: (ruleId: string) => string | undefined } = {},
): string {
  const out: string[] = [];
  for (const r of report.results)
    for (const d of r.diagnostics) out.push(annotation(d, cwd, o.detail ?? true, o.ruleUrl?.(d.ruleId)));
  for (const e of report.errors)
    out.push(
      command(
        'error',
        { file: relativePath(e.file, cwd), title: 'keepalived-lint' },
        `Cannot lint this file: ${escapeControl(e.message)}`,
      ),
    );
  return out.length ? out.join('\n') + '\n' : '';
}

function annotation(d: Diagnostic, cwd: string, withDetail: boolean, url: string | undefined): string {
  const props: Record<string, string | number> = {
    file: relativePath(d.file, cwd),
    line: d.start.line,
    endLine: d.end.line,
  };
  if (d.end.line === d.start.line) {
    props.col = d.start.column;
    props.endColumn = Math.max(d.start.column, d.end.column - 1);
  }
  props.title = d.ruleId;
  // Related locations go on lines of their own (%0A), then the detail after a blank line, each
  // line escaped first (the detail's own line breaks are kept: they are the only newlines).
  const lines = [escapeControl(messageWithConfigIds(d)), ...relatedLines(d, cwd).map((l) => `  ${escapeControl(l)}`)];
  if (withDetail && d.detail) lines.push('', ...d.detail.split(/\r?\n/).map((l) => escapeControl(l)));
  if (url !== undefined) lines.push('', `More information: ${escapeControl(url)}`);
  const message = lines.join('\n');
  return command(COMMAND[d.severity], props, message);
}

function command(name: string, props: Record<string, string | number>, message: string): string {
  const list = Object.entries(props).map(([k, v]) => `${k}=${escapeProperty(escapeControl(String(v)))}`);
  return `::${name} ${list.join(',')}::${escapeData(message)}`;
}
