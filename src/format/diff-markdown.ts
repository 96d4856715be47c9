/**
 * `diff --format markdown`: a pull-request comment a CI job posts (`gh pr comment --body-file`).
 * A title line with the verdict, then for each config compared: the changes as `diff` finds them,
 * the impact (scripts that still name what the edit took away, the findings it adds and those it
 * fixes), and the graph of the part that changed, before and after, in collapsible Mermaid blocks.
 * Example (the Debian split):
 *
 *   ## ❌ keepalived-lint diff: this change adds 1 error and 2 warnings
 *   - **split** vrrp_instance `gateway` → `gateway_v4`, `gateway_v6`
 *   #### Scripts that still name what no longer exists ... `default-route.sh:9:5` `gateway` ...
 *   <details><summary>Graph after ...</summary> ```mermaid ... ``` </details>
 *
 * Every name, path and message is the repository's: shown through mdCode/mdText (markdown.ts). The
 * comment stays under MAX_COMMENT characters whatever the configs' size: lists are cut at
 * MAX_ITEMS, a section that would not fit is counted instead, a graph that would not fit is left
 * out with a line saying so.
 */
import type { Diagnostic } from '../engine/types.js';
import { goneName, type Change, type DiffResult } from '../diff/index.js';
import { focusGraph, toMermaid, type Graph, type GraphElement } from '../graph/index.js';
import { displayPath } from './common.js';
import { mdCode, mdFence, mdText } from './markdown.js';

/** GitHub refuses a comment over 65,536 characters; this leaves room for what a CI job adds. */
export const MAX_COMMENT = 60_000;
/** Mermaid's default maxTextSize, which GitHub keeps: a longer diagram is drawn as an error. */
const MERMAID_MAX = 50_000;
/** The text before the graphs (changes and findings of every config) stops here. */
const MAX_TEXT = 30_000;
/** Changes, and findings of each list, shown per config; the fields shown per change. */
const MAX_ITEMS = 25;
const MAX_FIELDS = 10;

export interface MarkdownDiff {
  result: DiffResult;
  labels: { old: string; new: string };
}

export interface DiffMarkdownOptions {
  cwd: string;
  /** --git REV: the revision, and the configs that read the same there (not compared). */
  rev?: string;
  unchanged?: number;
  /** The whole comment's limit (default MAX_COMMENT). */
  maxChars?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const ICON: Record<string, string> = { error: '❌', warning: '⚠️', info: 'ℹ️' };
const ENTITY_KIND: Record<string, GraphElement['kind']> = {
  vrrp_instance: 'instance',
  vrrp_sync_group: 'sync-group',
  vrrp_script: 'vrrp-script',
  virtual_server: 'virtual-server',
};

export function diffMarkdown(diffs: MarkdownDiff[], o: DiffMarkdownOptions): string {
  const max = o.maxChars ?? MAX_COMMENT;
  const all = (f: (r: DiffResult) => Diagnostic[]) => diffs.flatMap((d) => f(d.result));
  const added = all((r) => r.impact.results.flatMap((x) => x.diagnostics));
  const fixed = all((r) => r.fixed.results.flatMap((x) => x.diagnostics));
  const unusable = diffs.filter((d) => d.result.errors.length).length;
  const count = (s: string) => added.filter((d) => d.severity === s).length;
  const [errors, warnings, infos] = [count('error'), count('warning'), count('info')];
  const changes = diffs.reduce((n, d) => n + d.result.changes.length, 0);

  const out: string[] = ['<!-- keepalived-lint diff -->'];
  if (unusable) out.push(`## ❌ keepalived-lint diff: ${plural(unusable, 'configuration')} could not be compared`);
  else if (errors)
    out.push(
      `## ❌ keepalived-lint diff: this change adds ${plural(errors, 'error')}` +
        (warnings ? ` and ${plural(warnings, 'warning')}` : ''),
    );
  else if (warnings) out.push(`## ⚠️ keepalived-lint diff: this change adds ${plural(warnings, 'warning')}`);
  else out.push('## ✅ keepalived-lint diff: no new problems');
  const summary = [
    `${plural(changes, 'change')} in ${plural(diffs.length, 'configuration')} compared`,
    ...(infos ? [`${plural(infos, 'new note')}`] : []),
    ...(fixed.length ? [`${plural(fixed.length, 'finding')} fixed`] : []),
  ];
  if (!diffs.length && o.unchanged)
    out.push(
      '',
      `No configuration changed since ${mdCode(o.rev ?? 'the revision')}: ` +
        `${o.unchanged} read the same (configs, includes, scripts).`,
    );
  else out.push('', `${summary.join(' · ')}.`);
  if (diffs.length && o.unchanged)
    out.push(
      '',
      `${plural(o.unchanged, 'other configuration')} ${o.unchanged === 1 ? 'reads' : 'read'} the same at ` +
        `${mdCode(o.rev ?? 'the revision')}: not compared.`,
    );

  // The text of each config, as long as it fits; then its graphs, as long as they fit.
  const sections: { label: string; text: string[]; graphs: { title: string; graph: Graph | null; whole: number }[] }[] =
    [];
  let used = out.join('\n').length;
  let left = 0;
  for (const d of diffs) {
    const text = configText(d, diffs.length > 1, o.cwd);
    const size = text.join('\n').length;
    if (used + size > Math.min(MAX_TEXT, max / 2)) {
      left++;
      continue;
    }
    used += size;
    sections.push({ label: d.labels.new, text, graphs: sideGraphs(d, o.cwd) });
  }
  for (const s of sections) out.push(...s.text);
  if (left)
    out.push(
      '',
      `${plural(left, 'more configuration')} compared: left out to keep this comment short ` +
        '(`keepalived-lint diff` prints every one).',
    );

  // The graphs while the comment stays under its limit (room kept for a closing line), the after
  // side first served; each no longer than Mermaid draws (GitHub shows an error past maxTextSize).
  const graphs: string[] = [];
  let budget = max - out.join('\n').length - 400;
  for (const s of sections) {
    if (!s.graphs.length) continue;
    // The config's name in Markdown, never inside the HTML of <summary> (raw HTML there).
    if (sections.length > 1) graphs.push(`#### ${mdCode(s.label)}`);
    const blocks = s.graphs.map((g) => ({
      g,
      block: graphBlock(g.title, g.graph, g.whole),
      mermaid: g.graph ? toMermaid(g.graph).length : 0,
      shown: false,
    }));
    for (const b of [...blocks].reverse()) {
      if (b.mermaid <= MERMAID_MAX && b.block.length + 2 <= budget - 300) {
        b.shown = true;
        budget -= b.block.length + 2;
      }
    }
    for (const b of blocks) {
      if (b.shown) graphs.push(b.block);
      else {
        const why =
          b.mermaid > MERMAID_MAX
            ? `more than the ${MERMAID_MAX.toLocaleString('en')} Mermaid draws`
            : `it would take this comment past ${max.toLocaleString('en')}`;
        const note =
          `- ${b.g.title}: left out, ${b.mermaid.toLocaleString('en')} characters of Mermaid, ${why} ` +
          '(`keepalived-lint graph` draws it).';
        graphs.push(note);
        budget -= note.length + 2;
      }
    }
  }
  if (graphs.length) out.push('', '### Graph of what changed', '', ...graphs.flatMap((g) => [g, '']));
  return `${out.join('\n').trimEnd()}\n`;
}

/** One config's changes and impact, as lines. */
function configText(d: MarkdownDiff, many: boolean, cwd: string): string[] {
  const r = d.result;
  const out: string[] = [''];
  if (many) out.push(`### ${mdCode(d.labels.new)}`, '');
  out.push(`Changes from ${mdCode(d.labels.old)} to ${mdCode(d.labels.new)}:`, '');
  if (r.errors.length) {
    for (const e of r.errors) out.push(`- ❌ cannot compare ${mdCode(displayPath(e.file, cwd))}: ${mdText(e.message)}`);
    return out;
  }
  if (!r.changes.length) out.push('- none (the two define the same instances, groups, scripts and virtual servers)');
  for (const c of r.changes.slice(0, MAX_ITEMS)) {
    const names = (list: string[]) => list.map((n) => mdCode(n)).join(', ');
    const what =
      c.kind === 'added'
        ? names(c.after)
        : c.kind === 'removed' || c.kind === 'modified'
          ? names(c.before)
          : `${names(c.before)} → ${names(c.after)}`;
    out.push(`- **${c.kind}** ${c.object} ${what}`);
    const fields = c.fields ?? [];
    for (const f of fields.slice(0, MAX_FIELDS))
      out.push(`  - ${f.field}: ${f.before ? mdCode(f.before) : '(none)'} → ${f.after ? mdCode(f.after) : '(none)'}`);
    if (fields.length > MAX_FIELDS) out.push(`  - … and ${plural(fields.length - MAX_FIELDS, 'more field')}`);
  }
  if (r.changes.length > MAX_ITEMS) out.push(`- … and ${plural(r.changes.length - MAX_ITEMS, 'more change')}`);

  const addedList = sorted(r.impact.results.flatMap((x) => x.diagnostics));
  const fixedList = sorted(r.fixed.results.flatMap((x) => x.diagnostics));
  // A script that still compares the name with one this edit took away.
  const stale = addedList.flatMap((x) => {
    const literal = x.data?.literal;
    if (x.ruleId !== 'script-unknown-name' || typeof literal !== 'string') return [];
    const c = goneName(r.changes, literal);
    return c ? [{ d: x, line: `${mdCode(literal)}: ${c.object} ${mdCode(literal)} ${fateMd(c)} by this change` }] : [];
  });
  if (stale.length) {
    out.push('', '#### Scripts that still name what no longer exists', '');
    for (const s of stale.slice(0, MAX_ITEMS)) out.push(`- ${where(s.d, cwd)} still compares the name with ${s.line}`);
    if (stale.length > MAX_ITEMS) out.push(`- … and ${plural(stale.length - MAX_ITEMS, 'more')}`);
  }
  out.push('', addedList.length ? `#### New findings (${addedList.length})` : '#### New findings: none', '');
  findingLines(addedList, cwd, out);
  if (fixedList.length) {
    out.push('', `#### Fixed by this change (${fixedList.length})`, '');
    findingLines(fixedList, cwd, out);
  }
  return out;
}

/** What became of a name, the new names as code: "was split into `a`, `b`". */
function fateMd(c: Change): string {
  const names = c.after.map((n) => mdCode(n)).join(', ');
  return c.kind === 'split'
    ? `was split into ${names}`
    : c.kind === 'merged'
      ? `was merged into ${names}`
      : c.kind === 'renamed'
        ? `was renamed to ${names}`
        : 'was removed';
}

function sorted(list: Diagnostic[]): Diagnostic[] {
  const rank = { error: 0, warning: 1, info: 2 } as Record<string, number>;
  return [...list].sort(
    (a, b) =>
      (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3) ||
      a.file.localeCompare(b.file) ||
      a.start.line - b.start.line ||
      a.start.column - b.start.column,
  );
}

const where = (d: Diagnostic, cwd: string) =>
  mdCode(`${displayPath(d.file, cwd)}:${d.start.line}:${d.start.column}`, 300);

function findingLines(list: Diagnostic[], cwd: string, out: string[]): void {
  for (const d of list.slice(0, MAX_ITEMS))
    out.push(`- ${ICON[d.severity] ?? ''} ${mdCode(d.ruleId, 80)} ${where(d, cwd)}: ${mdText(d.message)}`);
  if (list.length > MAX_ITEMS) out.push(`- … and ${plural(list.length - MAX_ITEMS, 'more')}`);
}

/**
 * Before and after, each cut down to what the edit touched: the objects the changes name on that
 * side, and the elements carrying a finding it adds (after) or fixes (before). No change and no
 * finding: nothing to draw.
 */
function sideGraphs(d: MarkdownDiff, cwd: string): { title: string; graph: Graph | null; whole: number }[] {
  const r = d.result;
  if (!r.graphs || r.errors.length) return [];
  const key = (ruleId: string, file: string, line: number, column: number) => `${ruleId}\0${file}\0${line}\0${column}`;
  const keys = (list: Diagnostic[]) =>
    new Set(list.map((x) => key(x.ruleId, displayPath(x.file, cwd), x.start.line, x.start.column)));
  const carries = (e: GraphElement, k: Set<string>) =>
    e.findings.some((f) => k.has(key(f.ruleId, f.file, f.line, f.column)));
  const touched = (side: 'before' | 'after') => {
    const set = new Set<string>();
    for (const c of r.changes) for (const n of c[side]) set.add(`${ENTITY_KIND[c.object]}\0${n}`);
    return set;
  };
  const pick = (g: Graph, side: 'before' | 'after', findings: Set<string>) => {
    const names = touched(side);
    return focusGraph(g, (e) => names.has(`${e.kind}\0${String(e.name)}`) || carries(e, findings));
  };
  const addedKeys = keys(r.impact.results.flatMap((x) => x.diagnostics));
  const fixedKeys = keys(r.fixed.results.flatMap((x) => x.diagnostics));
  const after = pick(r.graphs.after, 'after', addedKeys);
  const before = r.graphs.before ? pick(r.graphs.before, 'before', fixedKeys) : null;
  const drawn = (g: Graph | null) => Boolean(g?.nodes.some((e) => e.kind !== 'router'));
  if (!drawn(after) && !drawn(before)) return [];
  return [
    { title: 'Before', graph: before, whole: r.graphs.before?.nodes.length ?? 0 },
    { title: 'After', graph: after, whole: r.graphs.after.nodes.length },
  ];
}

function graphBlock(title: string, g: Graph | null, whole: number): string {
  if (!g) return `- ${title}: the configuration was not there.`;
  const shown = g.nodes.length;
  const red = g.nodes.filter((e) => e.findings.some((f) => f.severity !== 'info')).length;
  const what = `the changed part, ${shown} of ${plural(whole, 'element')}` + (red ? `, ${red} in red (a finding)` : '');
  return [
    '<details>',
    `<summary>${title}: ${what}</summary>`,
    '',
    mdFence('mermaid', toMermaid(g)),
    '',
    '</details>',
  ].join('\n');
}
