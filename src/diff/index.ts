/**
 * `diff OLD NEW`: what an upgrade edit changed as keepalived sees it (instances renamed, split,
 * merged, addresses moved), and its impact: every problem the NEW side has that the OLD side did
 * not, with script findings naming what became of the name the script still uses. Example:
 *
 *   old: vrrp_instance gateway (v4+v6), route.sh matches "gateway)"
 *   new: gateway_v4 + gateway_v6, route.sh unchanged
 *   -> changes [split gateway -> gateway_v4, gateway_v6]
 *      diagnostics [script-unknown-name at route.sh "gateway)", detail: "vrrp_instance gateway was split into ..."]
 */
import * as path from 'node:path';
import { lintFiles } from '../engine/index.js';
import { isLoadedConfig, Loader, type LoadOptions } from '../load/index.js';
import type { Diagnostic, LintReport, Rule } from '../engine/types.js';
import { oneLine } from '../engine/diagnostic.js';
import { findingIdentity } from '../engine/finding-key.js';
import type { FileHost } from '../source/host.js';
import { loadNodes } from '../cluster/nodes.js';
import { groupInstances } from '../cluster/groups.js';
import { buildGraph, type Graph } from '../graph/index.js';
import { readSide } from './model.js';
import { diffModels, type Change } from './match.js';

export type { Change, FieldChange } from './match.js';

export interface DiffSide {
  file: string;
  host: FileHost;
  root: string;
  /** How the side is read and linted (resolveOptions: its .keepalived-lint.yaml); root, target and configId above win.
   * */
  options?: LoadOptions;
}

export interface DiffOptions {
  rules: Rule[];
  target?: string;
  configId?: string;
  /** Also draw each side (`graphs` of the result; paths in them relative to `cwd`): for `--format markdown`. */
  graphs?: { cwd: string };
}

export interface DiffResult {
  changes: Change[];
  /** Problems of the NEW side that the OLD side did not have. */
  impact: LintReport;
  /** Problems of the OLD side that the NEW side no longer has (the paths are the old side's). */
  fixed: LintReport;
  /** With `graphs` asked: each side drawn with its own findings (before: null when there is no OLD side). */
  graphs?: { before: Graph | null; after: Graph };
  /** Unusable input, with the side it came from. */
  errors: { file: string; message: string }[];
}

export async function diffConfigs(oldSide: DiffSide | null, newSide: DiffSide, o: DiffOptions): Promise<DiffResult> {
  const errors: DiffResult['errors'] = [];
  // Each side loaded once (src/load), for its model and for its lint, with the options its
  // .keepalived-lint.yaml gives (paths:, root:, config-ids), the command line winning.
  const optionsOf = (s: DiffSide): LoadOptions => ({
    ...s.options,
    root: s.root,
    ...(o.target !== undefined ? { target: o.target } : {}),
    ...(o.configId !== undefined ? { configId: o.configId } : {}),
  });
  const load = async (s: DiffSide) => {
    const loader = new Loader(s.host, true);
    const options = optionsOf(s);
    const loaded = await loader.load(s.file, options);
    if ('error' in loaded) errors.push({ file: s.file, message: loaded.error });
    else if (!isLoadedConfig(loaded))
      errors.push({ file: s.file, message: 'is a script (#!), not a keepalived configuration' });
    const model = isLoadedConfig(loaded) ? readSide(loaded) : null;
    const report = await lintFiles([s.file], { ...options, host: s.host, rules: o.rules, loader });
    // The side drawn: its nodes (one per config-id) with its own findings, read by the same loader.
    let graph: Graph | null = null;
    if (o.graphs && model) {
      const { nodes } = await loadNodes([{ file: s.file, options }], s.host, loader);
      const diagnostics = report.results.flatMap((r) => r.diagnostics);
      graph = buildGraph({ nodes, groups: groupInstances(nodes).groups, diagnostics, cwd: o.graphs.cwd });
    }
    return { model, report, graph };
  };
  const after = await load(newSide);
  const before = oldSide ? await load(oldSide) : { model: { entities: [] }, report: null, graph: null };
  const newReport = after.report;
  const oldReport = before.report;
  for (const e of newReport.errors) if (!errors.some((x) => x.file === e.file)) errors.push(e);
  const none = (): LintReport => ({ results: [], errors: [], sources: new Map() });
  if (!before.model || !after.model) return { changes: [], impact: none(), fixed: none(), errors };

  const changes = diffModels(before.model, after.model);
  const seenBefore = new Set<string>();
  if (oldReport && oldSide)
    for (const r of oldReport.results)
      for (const d of r.diagnostics) for (const k of findingKeys(d, oldSide, oldReport.sources)) seenBefore.add(k);
  const impact: LintReport = { results: [], errors: [], sources: newReport.sources };
  for (const r of newReport.results) {
    const fresh = r.diagnostics
      .filter((d) => !findingKeys(d, newSide, newReport.sources).some((k) => seenBefore.has(k)))
      .map((d) => explain(d, changes));
    if (fresh.length) impact.results.push({ file: r.file, diagnostics: fresh });
  }
  // What the edit fixed: the old side's findings the new side no longer has.
  const fixed: LintReport = { results: [], errors: [], sources: oldReport?.sources ?? new Map() };
  if (oldReport && oldSide) {
    const seenAfter = new Set<string>();
    for (const r of newReport.results)
      for (const d of r.diagnostics) for (const k of findingKeys(d, newSide, newReport.sources)) seenAfter.add(k);
    for (const r of oldReport.results) {
      const gone = r.diagnostics.filter(
        (d) => !findingKeys(d, oldSide, oldReport.sources).some((k) => seenAfter.has(k)),
      );
      if (gone.length) fixed.results.push({ file: r.file, diagnostics: gone });
    }
  }
  const graphs = o.graphs && after.graph ? { graphs: { before: before.graph, after: after.graph } } : {};
  return { changes, impact, fixed, ...graphs, errors };
}

/**
 * A finding, independent of where the lines moved and how the rule words it: the same rule in the
 * same file (under its root) with the same message id and data once positions and the side's root
 * are taken out, or the same message id naming the same thing on the same source line (a finding
 * that counts or names things the edit renamed is still the same finding when it stands on an
 * unchanged line).
 */
function findingKeys(d: Diagnostic, side: DiffSide, sources: Map<string, string>): string[] {
  // The two entry configs are the same file for the comparison; others compare by path under the root.
  const file = d.file === side.file ? '(config)' : path.relative(side.root, d.file);
  const line = linesOf(sources, d.file)?.[d.start.line - 1]?.trim() ?? '';
  const folders = [path.dirname(side.file), side.root].filter((f) => f !== path.parse(f).root);
  return [
    `m\0${file}\0${findingIdentity(d, folders)}`,
    `l\0${d.ruleId}\0${file}\0${d.messageId ?? ''}\0${d.data?.name ?? ''}\0${line}`,
  ];
}

/**
 * The lines of a file of a report's sources, split once per report (they were split again for each
 * finding: two configs of 5,000 instances took 40 s, most of it collecting the copies).
 */
const splitSources = new WeakMap<Map<string, string>, Map<string, string[]>>();
function linesOf(sources: Map<string, string>, file: string): string[] | undefined {
  let byFile = splitSources.get(sources);
  if (!byFile) splitSources.set(sources, (byFile = new Map()));
  let lines = byFile.get(file);
  if (!lines) {
    const text = sources.get(file);
    if (text === undefined) return undefined;
    byFile.set(file, (lines = text.split('\n')));
  }
  return lines;
}

/**
 * A script finding about a name this change removed or renamed says what the name became: first
 * thing in its detail (the message stays the rule's, one line).
 */
function explain(d: Diagnostic, changes: Change[]): Diagnostic {
  const literal = d.data?.literal;
  if (d.ruleId !== 'script-unknown-name' || typeof literal !== 'string') return d;
  const c = goneName(changes, literal);
  if (!c) return d;
  const why = `${c.object} ${literal} ${fate(c)} by this change, but the script still uses the old name.`;
  const { message, detail } = oneLine(d.message, d.detail ? `${why}\n\n${d.detail}` : why);
  return { ...d, message, ...(detail ? { detail } : {}) };
}

/** The change that took `name` away (removed, renamed, split or merged), if one did. */
export function goneName(changes: Change[], name: string): Change | undefined {
  return changes.find((x) => x.before.includes(name) && x.kind !== 'modified' && x.kind !== 'added');
}

/** What became of the old name: "was split into a, b", "was renamed to a", "was removed". */
function fate(c: Change): string {
  return c.kind === 'split'
    ? `was split into ${c.after.join(', ')}`
    : c.kind === 'merged'
      ? `was merged into ${c.after.join(', ')}`
      : c.kind === 'renamed'
        ? `was renamed to ${c.after.join(', ')}`
        : 'was removed';
}
