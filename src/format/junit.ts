/**
 * JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure DevOps, CircleCI):
 * one <testsuite> per file, one failing <testcase> per finding, one passing <testcase> for a
 * clean file, and an <error> testcase for a file that could not be read. Example:
 *   <testsuites name="keepalived-lint" tests="2" failures="1" errors="0">
 *     <testsuite name="keepalived.conf" tests="1" failures="1" errors="0">
 *       <testcase classname="keepalived.conf" name="unknown-keyword at 9:5">
 * <failure type="error" message="Unknown keyword ...">keepalived.conf:9:5: error: ... (a blank line, the
 * detail, a blank line, "More information: <the rule's page>")</failure>
 */
import type { Diagnostic, LintReport } from '../engine/types.js';
import { messageWithConfigIds, relatedLines, relativePath } from './common.js';
import { XML_DECLARATION, xmlAttr, xmlText } from './xml.js';
import { escapeControl } from './escape.js';

interface Suite {
  name: string;
  cases: string[];
  failures: number;
  errors: number;
}

export function junitXml(
  report: LintReport,
  cwd: string,
  o: { detail?: boolean; ruleUrl?: (ruleId: string) => string | undefined } = {},
): string {
  const suites = new Map<string, Suite>();
  const suite = (file: string): Suite => {
    // Escaped before XML: XML would carry a newline or ESC through to the reader's screen.
    const name = escapeControl(relativePath(file, cwd));
    let s = suites.get(name);
    if (!s) suites.set(name, (s = { name, cases: [], failures: 0, errors: 0 }));
    return s;
  };
  for (const r of report.results) {
    const s = suite(r.file);
    for (const d of r.diagnostics) {
      s.cases.push(failureCase(s.name, d, cwd, o.detail ?? true, o.ruleUrl?.(d.ruleId)));
      s.failures++;
    }
  }
  for (const e of report.errors) {
    const s = suite(e.file);
    const message = `Cannot lint this file: ${escapeControl(e.message)}`;
    s.cases.push(
      `    <testcase classname="${xmlAttr(s.name)}" name="read ` +
        `the file">\n      <error type="input" message="${xmlAttr(message)}">` +
        `${xmlText(`${s.name}: ${message}`)}</error>\n ` +
        `   </testcase>`,
    );
    s.errors++;
  }
  const ordered = [...suites.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const s of ordered)
    if (!s.cases.length) s.cases.push(`    <testcase classname="${xmlAttr(s.name)}" name="keepalived-lint"/>`);
  const count = (f: (s: Suite) => number) => ordered.reduce((n, s) => n + f(s), 0);
  const out = [
    XML_DECLARATION,
    `<testsuites name="keepalived-lint" tests="${count((s) => s.cases.length)}" ` +
      `failures="${count((s) => s.failures)}" errors="${count((s) => s.errors)}">`,
  ];
  for (const s of ordered) {
    out.push(
      `  <testsuite name="${xmlAttr(s.name)}" tests="${s.cases.length}" failures="${s.failures}" errors="${s.errors}">`,
      ...s.cases,
      '  </testsuite>',
    );
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

function failureCase(file: string, d: Diagnostic, cwd: string, withDetail: boolean, url: string | undefined): string {
  const message = escapeControl(messageWithConfigIds(d));
  const lines = [
    `${file}:${d.start.line}:${d.start.column}: ${d.severity}: ${message} (${escapeControl(d.ruleId)})`,
    ...relatedLines(d, cwd).map((l) => `  ${escapeControl(l)}`),
  ];
  // The detail in the body, after a blank line: the message attribute stays one line.
  if (withDetail && d.detail) lines.push('', ...d.detail.split(/\r?\n/).map((l) => escapeControl(l)));
  if (url !== undefined) lines.push('', `More information: ${escapeControl(url)}`);
  const body = lines.join('\n');
  return [
    `    <testcase classname="${xmlAttr(file)}" name="${xmlAttr(`${d.ruleId} at ${d.start.line}:${d.start.column}`)}">`,
    `      <failure type="${d.severity}" message="${xmlAttr(message)}">${xmlText(body)}</failure>`,
    '    </testcase>',
  ].join('\n');
}
