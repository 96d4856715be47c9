/**
 * Inline suppressions: drops the findings that a `keepalived-lint disable...` comment in the same
 * file covers, and reports the directives themselves when they are wrong (an unknown rule id, a
 * misspelt directive) or, on request, when they suppress nothing. A directive covers findings of
 * its own file only, at the line where the finding points (for text produced by a $DEFINITION or
 * ~SEQ, the line that uses it). Example:
 *
 *   vrrp_instance VI_1 {
 *       # keepalived-lint disable-next-line invalid-value -- lab box
 *       priority 300
 *   -> the invalid-value finding on `priority 300` is dropped.
 */
import { editDistance } from '../versions/keyword-table.js';
import {
  configComments,
  MARKER,
  readDirectives,
  scriptComments,
  type Directive,
  type FileDirectives,
} from './directives.js';
import type { Diagnostic, FileResult, Rule, Severity, SeveritySetting } from './types.js';
import { toDiagnostic } from './diagnostic.js';

/** The rule that reports problems of the directives themselves. */
export const DIRECTIVE_RULE_ID = 'lint-directive';

export interface SuppressionOptions {
  /** Every rule id a directive may name. */
  ruleIds: readonly string[];
  /** The lint-directive rule, or null when it is not run (findings are still suppressed). */
  directiveRule: Rule | null;
  /** Its configured severity, if any. */
  severity?: SeveritySetting | undefined;
  /** --report-unused-disables */
  reportUnused: boolean;
  /** Rule ids a directive may name whose findings come from elsewhere (the cluster check): never reported unused. */
  notRun?: ReadonlySet<string>;
}

export interface SuppressionInput {
  results: FileResult[];
  /** Text of every file read. */
  sources: ReadonlyMap<string, string>;
  /** Which of those files are shell scripts (shell comments) rather than keepalived configs. */
  scripts: ReadonlySet<string>;
}

/** One rule (or every rule: id null) that one directive disables; `used` once it drops a finding. */
interface Entry {
  directive: Directive;
  id: string | null;
  used: boolean;
}

export async function applySuppressions(input: SuppressionInput, opts: SuppressionOptions): Promise<FileResult[]> {
  const out = new Map(input.results.map((r) => [r.file, r]));
  for (const [file, text] of input.sources) {
    if (!text.includes(MARKER)) continue;
    const comments = input.scripts.has(file) ? await scriptComments(text) : configComments(text);
    const found = readDirectives(text, comments);
    if (!found.directives.length && !found.malformed.length) continue;
    out.set(file, { file, diagnostics: suppressInFile(file, out.get(file)?.diagnostics ?? [], found, opts) });
  }
  return [...out.values()];
}

function suppressInFile(
  file: string,
  diagnostics: Diagnostic[],
  found: FileDirectives,
  opts: SuppressionOptions,
): Diagnostic[] {
  const known = new Set(opts.ruleIds);
  const problems: Diagnostic[] = [];
  const report = (messageId: string, start: number, end: number, data: Record<string, string>, severity?: Severity) => {
    const rule = opts.directiveRule;
    if (!rule || opts.severity === 'off') return;
    const files = {
      get: (f: string) =>
        f === file ? { path: file, text: '', index: found.index, encoding: 'utf8' as const } : undefined,
    };
    problems.push(
      toDiagnostic(
        rule,
        opts.severity ?? severity ?? rule.meta.severity,
        { messageId, at: { file, start, end }, data },
        files,
      ),
    );
  };

  for (const m of found.malformed) {
    const near = closest(m.word.toLowerCase(), [
      'disable-next-line',
      'disable-line',
      'disable',
      'enable',
      'disable-file',
    ]);
    report('unknownDirective', m.start, m.end, { word: m.word, hint: near ? ` Did you mean "${near}"?` : '' });
  }

  // Line directives, block directives (disable/enable, in order) and file directives.
  const lineEntries: Entry[] = [];
  const fileEntries: Entry[] = [];
  const blockDirectives: Directive[] = [];
  const entriesOf = (d: Directive): Entry[] => {
    if (!d.rules) return [{ directive: d, id: null, used: false }];
    const entries: Entry[] = [];
    for (const r of d.rules) {
      if (r.id === DIRECTIVE_RULE_ID) report('notSuppressible', r.start, r.end, { id: r.id });
      else if (!known.has(r.id)) report('unknownRule', r.start, r.end, unknownRuleData(r.id, d, opts.ruleIds));
      else entries.push({ directive: d, id: r.id, used: false });
    }
    return entries;
  };
  for (const d of found.directives) {
    if (d.kind === 'disable-line' || d.kind === 'disable-next-line') lineEntries.push(...entriesOf(d));
    else if (d.kind === 'disable-file') fileEntries.push(...entriesOf(d));
    else blockDirectives.push(d);
  }

  // One sweep over the findings in file order, replaying disable/enable up to each one.
  const blockEntries: Entry[] = [];
  let all: Entry | null = null;
  const byRule = new Map<string, Entry>();
  const reEnabled = new Set<string>();
  let next = 0;
  const replayUpTo = (offset: number) => {
    for (; next < blockDirectives.length && blockDirectives[next]!.start < offset; next++) {
      const d = blockDirectives[next]!;
      const entries = entriesOf(d);
      if (d.kind === 'disable') {
        for (const e of entries) {
          blockEntries.push(e);
          if (e.id === null) {
            all = e;
            reEnabled.clear();
          } else {
            byRule.set(e.id, e);
            reEnabled.delete(e.id);
          }
        }
      } else if (!d.rules) {
        if (!all && !byRule.size) unusedEnable(d, null);
        all = null;
        byRule.clear();
        reEnabled.clear();
      } else {
        for (const e of entries) {
          const id = e.id!;
          if (!byRule.has(id) && !(all && !reEnabled.has(id))) unusedEnable(d, e);
          byRule.delete(id);
          if (all) reEnabled.add(id);
        }
      }
    }
  };
  const unusedEnable = (d: Directive, e: Entry | null) => {
    if (!opts.reportUnused) return;
    const r = e && d.rules?.find((x) => x.id === e.id);
    report('unusedEnable', r ? r.start : d.start, r ? r.end : d.end, { rules: e ? ` "${e.id}"` : '' }, 'warning');
  };

  const kept: Diagnostic[] = [];
  const ordered = [...diagnostics].sort((a, b) => a.range.start - b.range.start);
  for (const diag of ordered) {
    replayUpTo(diag.range.start);
    // The directives' own findings are about the comments: a comment cannot hide them.
    if (diag.ruleId === DIRECTIVE_RULE_ID) {
      kept.push(diag);
      continue;
    }
    const covers = (e: Entry) => e.id === null || e.id === diag.ruleId;
    const blockEntry: Entry | null =
      byRule.get(diag.ruleId) ?? (all !== null && !reEnabled.has(diag.ruleId) ? all : null);
    const by =
      lineEntries.find((e) => e.directive.targetLine === diag.start.line && e.id === diag.ruleId) ??
      lineEntries.find((e) => e.directive.targetLine === diag.start.line && covers(e)) ??
      blockEntry ??
      fileEntries.find((e) => e.id === diag.ruleId) ??
      fileEntries.find(covers);
    if (by) by.used = true;
    else kept.push(diag);
  }
  replayUpTo(Infinity);

  if (opts.reportUnused) {
    for (const e of [...lineEntries, ...blockEntries, ...fileEntries]) {
      if (e.used || (e.id !== null && opts.notRun?.has(e.id))) continue;
      const d = e.directive;
      const r = e.id === null ? null : d.rules?.find((x) => x.id === e.id);
      const what = e.id === null ? 'no finding' : `no "${e.id}" finding`;
      const where =
        d.kind === 'disable-line'
          ? 'on this line'
          : d.kind === 'disable-next-line'
            ? `on line ${d.targetLine}`
            : d.kind === 'disable'
              ? 'between here and its "keepalived-lint enable" (or the end of the file)'
              : 'in this file';
      const fix = e.id !== null && (d.rules?.length ?? 0) > 1 ? `Remove "${e.id}" from its list` : 'Remove the comment';
      report('unusedDisable', r ? r.start : d.start, r ? r.end : d.end, { kind: d.kind, what, where, fix }, 'warning');
    }
  }
  return [...kept, ...problems];
}

function unknownRuleData(id: string, d: Directive, ruleIds: readonly string[]): Record<string, string> {
  const near = closest(id, ruleIds);
  const hint = near ? ` Did you mean "${near}"?` : id.includes('-') ? '' : ' (Write the reason after " -- ".)';
  return {
    id,
    kind: d.kind,
    hint,
    rules: ruleIds
      .filter((r) => r !== DIRECTIVE_RULE_ID)
      .sort()
      .join(', '),
  };
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist < bestDistance) [best, bestDistance] = [c, dist];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}
