/**
 * Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, GitLab converters and many IDEs.
 * Example:
 *   <checkstyle version="4.3"><file name="keepalived.conf">
 * <error line="9" column="5" severity="error" message="Unknown keyword ... (more information: <the rule's page>)"
 * source="keepalived-lint.unknown-keyword"/>
 *   </file></checkstyle>
 * Every linted file gets a <file> element, a clean one too (so a consumer knows it was checked).
 */
import type { Diagnostic, LintReport } from '../engine/types.js';
import { messageWithConfigIds, relatedLines, relativePath } from './common.js';
import { XML_DECLARATION, xmlAttr } from './xml.js';
import { escapeControl } from './escape.js';

export function checkstyleXml(
  report: LintReport,
  cwd: string,
  o: { ruleUrl?: (ruleId: string) => string | undefined } = {},
): string {
  const files = new Map<string, string[]>();
  const entry = (file: string) => {
    // Escaped before XML: XML would carry a newline or ESC through to the reader's screen.
    const name = escapeControl(relativePath(file, cwd));
    let list = files.get(name);
    if (!list) files.set(name, (list = []));
    return list;
  };
  for (const r of report.results) {
    const list = entry(r.file);
    for (const d of r.diagnostics) list.push(errorElement(d, cwd, o.ruleUrl?.(d.ruleId)));
  }
  for (const e of report.errors) {
    const message = xmlAttr(`Cannot lint this file: ${escapeControl(e.message)}`);
    entry(e.file).push(
      `    <error line="1" column="1" severity="error" message="${message}" source="keepalived-lint"/>`,
    );
  }
  const out = [XML_DECLARATION, '<checkstyle version="4.3">'];
  for (const name of [...files.keys()].sort()) {
    const errors = files.get(name)!;
    if (!errors.length) out.push(`  <file name="${xmlAttr(name)}"/>`);
    else out.push(`  <file name="${xmlAttr(name)}">`, ...errors, '  </file>');
  }
  out.push('</checkstyle>');
  return out.join('\n') + '\n';
}

function errorElement(d: Diagnostic, cwd: string, url: string | undefined): string {
  const related = relatedLines(d, cwd);
  // Checkstyle has no attribute for a link: the rule's page ends the message.
  const message = escapeControl(
    messageWithConfigIds(d) +
      (related.length ? ` (see ${related.join('; ')})` : '') +
      (url !== undefined ? ` (more information: ${url})` : ''),
  );
  return (
    `    <error line="${d.start.line}" column="${d.start.column}" ` +
    `severity="${d.severity}" message="${xmlAttr(message)}" ` +
    `source="keepalived-lint.${xmlAttr(d.ruleId)}"/>`
  );
}
