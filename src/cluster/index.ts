/**
 * The cluster check: reads every node (src/cluster/nodes.ts), groups their instances into virtual
 * routers (groups.ts) and runs the cluster rules over the whole, each finding in the file of the
 * node that must change, with the other nodes' lines under `related`. Example:
 *
 *   lintCluster([{ file: 'lb1.conf', options: {} }, { file: 'lb2.conf', options: {} }], host, clusterRules)
 *   -> report.results: [{ file: 'lb2.conf', diagnostics: [{ ruleId: 'cluster-vip-mismatch', related: [lb1.conf:9] }] }]
 */
import * as path from 'node:path';
import { byPosition, findingIdentity, MAX_CONFIG_IDS, toDiagnostic as engineDiagnostic } from '../engine/index.js';
import { applySuppressions } from '../engine/suppressions.js';
import type { Diagnostic, LintReport, Report, RuleMeta, Severity } from '../engine/types.js';
import { rule as budgetExceeded } from '../../rules/budget-exceeded.js';
import type { Origin, Token } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import { groupInstances } from './groups.js';
import { loadNodes, type ConfigIdsCapped, type NodeFileOptions } from './nodes.js';
import type { ClusterContext, ClusterNode, ClusterReport, ClusterRule } from './types.js';

export type { ClusterRule } from './types.js';
import type { Loader } from '../load/index.js';
export type { NodeFileOptions } from './nodes.js';

const isToken = (x: Token | Origin): x is Token => (x as Token).origin !== undefined;
const originOf = (x: Token | Origin): Origin => (isToken(x) ? x.origin : x);

function position(node: ClusterNode, o: Origin): { line: number; column: number } {
  const sf = node.files.get(o.file);
  return sf ? sf.index.position(o.start) : { line: 1, column: 1 };
}

export async function lintCluster(
  entries: { file: string; options: NodeFileOptions }[],
  host: FileHost,
  rules: readonly ClusterRule[],
  loader?: Loader,
): Promise<{ report: LintReport; nodes: ClusterNode[] }> {
  const { nodes, errors, capped } = await loadNodes(entries, host, loader);
  const report: LintReport = { results: [], errors, sources: new Map() };
  for (const n of nodes) for (const [f, sf] of n.files) report.sources.set(f, sf.text);
  const cluster = groupInstances(nodes);
  const found = new Map<string, { d: Diagnostic; ids: string[] }>();
  for (const rule of rules) {
    const ctx: ClusterContext = {
      cluster,
      where: (node, at) => {
        const o = originOf(at);
        const p = position(node, o);
        return `${path.basename(o.file)}:${p.line}:${p.column}`;
      },
      report: (r) => {
        const configured = r.node.severities[rule.meta.id];
        if (configured === 'off') return;
        const d = toDiagnostic(rule, configured ?? r.severity ?? rule.meta.severity, r);
        const key = findingIdentity(d);
        const hit = found.get(key);
        if (hit) {
          if (r.node.configId !== null && !hit.ids.includes(r.node.configId)) hit.ids.push(r.node.configId);
        } else found.set(key, { d, ids: r.node.configId !== null ? [r.node.configId] : [] });
      },
    };
    rule.check(ctx);
  }
  const byFile = new Map<string, Diagnostic[]>();
  // A file with more config-ids than the cap: its other ids are no nodes, and the check says so.
  for (const c of capped) {
    const d = configIdsCapped(c);
    if (d) {
      const list = byFile.get(d.file);
      if (list) list.push(d);
      else byFile.set(d.file, [d]);
    }
  }
  for (const { d, ids } of found.values()) {
    const list = byFile.get(d.file) ?? [];
    list.push(ids.length ? { ...d, configIds: ids } : d);
    byFile.set(d.file, list);
  }
  // `# keepalived-lint disable-next-line cluster-priority` works as for any rule; the lint pass
  // reports the directives' own problems, so none is reported here.
  const results = await applySuppressions(
    {
      results: [...byFile].map(([file, diagnostics]) => ({ file, diagnostics })),
      sources: report.sources,
      scripts: new Set(),
    },
    { ruleIds: [...rules.map((r) => r.meta.id), BUDGET_META.id], directiveRule: null, reportUnused: false },
  );
  for (const { file, diagnostics } of results)
    if (diagnostics.length) report.results.push({ file, diagnostics: diagnostics.sort(byPosition) });
  report.results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { report, nodes };
}

/** The lint's rule budget-exceeded, for its config-ids finding (same id, message and severity, so that `lint --cluster`
 * shows it once). */
const BUDGET_META: RuleMeta = budgetExceeded.meta;

function configIdsCapped(c: ConfigIdsCapped): Diagnostic | null {
  const configured = c.severities[BUDGET_META.id];
  if (configured === 'off') return null;
  const report: Report = {
    messageId: 'configIds',
    at: c.at,
    data: { cap: 'config-ids', limit: MAX_CONFIG_IDS, id: c.id },
  };
  return engineDiagnostic({ meta: BUDGET_META }, configured ?? BUDGET_META.severity, report, c.files);
}

/** A cluster report through the engine's diagnostic builder, related lines labelled with their node. */
function toDiagnostic(rule: ClusterRule, severity: Severity, r: ClusterReport): Diagnostic {
  const files = {
    get: (f: string) => r.node.files.get(f) ?? r.related?.find((rel) => rel.node.files.has(f))?.node.files.get(f),
  };
  const report: Report = {
    messageId: r.messageId,
    ...(r.data ? { data: r.data } : {}),
    at: r.at,
    related: (r.related ?? []).map((rel) => ({
      origin: originOf(rel.at),
      message: `${rel.node.label}: ${rel.message}`,
    })),
  };
  return engineDiagnostic(rule, severity, report, files);
}

/** One report from two (lint and cluster findings for the same files). */
export function mergeReports(a: LintReport, b: LintReport): LintReport {
  const byFile = new Map<string, Diagnostic[]>();
  // A finding both halves make (the config-ids cap) is shown once.
  const key = findingIdentity;
  const seenFindings = new Set<string>();
  for (const r of [...a.results, ...b.results]) {
    const list = byFile.get(r.file) ?? [];
    for (const d of r.diagnostics) {
      if (seenFindings.has(key(d))) continue;
      seenFindings.add(key(d));
      list.push(d);
    }
    byFile.set(r.file, list);
  }
  const sources = new Map([...a.sources, ...b.sources]);
  const seen = new Set(a.errors.map((e) => `${e.file}\0${e.message}`));
  const errors = [...a.errors, ...b.errors.filter((e) => !seen.has(`${e.file}\0${e.message}`))];
  const results = [...byFile].map(([file, diagnostics]) => ({ file, diagnostics: diagnostics.sort(byPosition) }));
  results.sort((x, y) => (x.file < y.file ? -1 : x.file > y.file ? 1 : 0));
  return { results, errors, sources };
}
