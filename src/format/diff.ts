/**
 * Diff output. Text reads like a change summary to paste into a change ticket, followed by the
 * impact in the lint's stylish format; json is
 * {"version":1,"changes":[{"kind","object","before","after","fields"?}],"diagnostics":[...lint shape...]}.
 */
import { displayPath, escapeControl, formatters, type FormatOptions } from './index.js';
import type { DiffResult } from '../diff/index.js';

export function diffText(r: DiffResult, labels: { old: string; new: string }, o: FormatOptions): string {
  // Names and values come from the configs: each line is escaped (the impact is stylish, escaped there).
  const out: string[] = [escapeControl(`Changes from ${labels.old} to ${labels.new}:`)];
  if (!r.changes.length)
    out.push('  none (the two configurations define the same instances, groups, scripts and virtual servers)');
  for (const c of r.changes) {
    const head =
      c.kind === 'added'
        ? `${c.object} ${c.after.join(', ')}`
        : c.kind === 'removed' || c.kind === 'modified'
          ? `${c.object} ${c.before.join(', ')}`
          : `${c.object} ${c.before.join(', ')} -> ${c.after.join(', ')}`;
    out.push(`  ${c.kind.padEnd(9)} ${escapeControl(head)}`);
    for (const f of c.fields ?? [])
      out.push(escapeControl(`              ${f.field}: ${f.before || '(none)'} -> ${f.after || '(none)'}`));
  }
  out.push('');
  const problems = r.impact.results.reduce((n, f) => n + f.diagnostics.length, 0);
  if (!problems) out.push('Impact: no new problems.');
  else {
    out.push('Impact: problems the new configuration has that the old one did not:');
    out.push('');
    out.push(formatters.stylish!(r.impact, o).trimEnd());
  }
  return out.join('\n') + '\n';
}

export function diffJson(r: DiffResult, o: FormatOptions): string {
  const lint = JSON.parse(formatters.json!(r.impact, o)) as {
    results: { file: string; diagnostics: Record<string, unknown>[] }[];
  };
  const diagnostics = lint.results.flatMap((f) => f.diagnostics.map((d) => ({ file: f.file, ...d })));
  const changes = r.changes.map((c) => ({
    kind: c.kind,
    object: c.object,
    before: c.before,
    after: c.after,
    ...(c.fields ? { fields: c.fields } : {}),
  }));
  return (
    JSON.stringify(
      {
        version: 1,
        changes,
        diagnostics,
        ...(r.errors.length
          ? { errors: r.errors.map((e) => ({ file: displayPath(e.file, o.cwd), message: e.message })) }
          : {}),
      },
      null,
      2,
    ) + '\n'
  );
}
