/**
 * `keepalived-lint cluster PATH...` and `lint --cluster`: the configs given (files, or directories
 * searched like lint does) are the nodes of one cluster; a file with `@id` lines is one node per
 * id. Each file is read with the options .keepalived-lint.yaml gives it (target, root, paths,
 * configIds, rule severities). Example: cluster hosts/ -> findings of the cluster-* rules.
 */
import { countBySeverity } from '../engine/index.js';
import type { LintReport, RuleMeta } from '../engine/types.js';
import { lintCluster, type NodeFileOptions } from '../cluster/index.js';
import type { ClusterNode } from '../cluster/types.js';
import { displayPath, escapeControl, formatters, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';
import type { Loader } from '../load/index.js';
import { allRules, clusterRules } from '../../rules/index.js';
import { effectiveFor, planLint, printConfigProblems, type CliLintOptions } from './lint-plan.js';
import { loadConfig, type LoadedConfig } from '../config/index.js';
import { findConfigs } from './find-configs.js';
import type { CliIO } from './io.js';

export interface ClusterRun {
  report: LintReport;
  nodes: ClusterNode[];
}

/** Why fewer than two nodes make no cluster, for stderr. */
export function tooFewNodes(nodes: ClusterNode[], cwd: string): string {
  const which = nodes.length ? ` (${describeNodes(nodes, cwd)})` : '';
  const found = `found ${nodes.length} node${nodes.length === 1 ? '' : 's'}${which}`;
  return (
    `${found}; a cluster needs at least two: give every ` +
    `node's config (files or directories), or one file with ` +
    `@node lines (one node per config-id)`
  );
}

/** Cluster findings for these files (null: the configuration file has errors, already printed). */
export async function clusterReport(
  files: string[],
  cli: CliLintOptions,
  host: FileHost,
  stderr: (s: string) => void,
  cwd: string,
  loader?: Loader,
  /** The configuration files' warnings were printed already (lint --cluster: by the lint). */
  warned = false,
): Promise<ClusterRun | null> {
  const plan = planLint(files, cli, host, allRules);
  printConfigProblems(warned ? { ...plan, warnings: [] } : plan, stderr, cwd);
  if (plan.problems.length) return null;
  // The files' configuration files loaded cleanly above (planLint): read again for `clusters:`.
  const loaded = new Map<string, LoadedConfig | null>();
  const load = (f: string | null): LoadedConfig | null => {
    if (!f) return null;
    if (!loaded.has(f)) {
      const r = loadConfig(f, host, allRules);
      loaded.set(f, 'problems' in r ? null : r);
    }
    return loaded.get(f) ?? null;
  };
  const entries: { file: string; options: NodeFileOptions }[] = [];
  for (const g of plan.groups) {
    const { target, root, paths, configIds, severities, ruleOptions } = g.options;
    for (const file of g.files) {
      const cluster = effectiveFor(file, cli, host, load).cluster;
      const ids = cluster?.configIds ?? configIds;
      const options: NodeFileOptions = {
        ...(target !== undefined ? { target } : {}),
        ...(root !== undefined ? { root } : {}),
        ...(paths ? { paths } : {}),
        ...(ids ? { configIds: ids } : {}),
        ...(severities ? { severities } : {}),
        ...(ruleOptions ? { ruleOptions } : {}),
        ...(cluster ? { cluster: cluster.name } : {}),
      };
      entries.push({ file, options });
    }
  }
  // Keep the order the files were given or found in: node order decides which node a message names first.
  entries.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
  return lintCluster(entries, host, clusterRules, loader);
}

/** "lb1 (hosts/lb1/keepalived.conf), lb2 (...)": the legend for the node names in the messages. */
export function describeNodes(nodes: ClusterNode[], cwd: string): string {
  return nodes
    .map((n) => `${n.label} (${displayPath(n.file, cwd)}${n.configId !== null ? ` -i ${n.configId}` : ''})`)
    .join(', ');
}

/** One legend line per cluster: `cluster of 2 nodes: ...`, or `cluster web, 2 nodes: ...` for `clusters:` entries. */
function legend(nodes: ClusterNode[], cwd: string): string {
  const names = [...new Set(nodes.map((n) => n.cluster))];
  return names
    .map((name) => {
      const members = nodes.filter((n) => n.cluster === name);
      const count = `${members.length} node${members.length === 1 ? '' : 's'}`;
      const label = name
        ? `cluster ${name}, ${count}`
        : names.length > 1
          ? `other nodes, ${count}`
          : `cluster of ${count}`;
      // Folder names and cluster names come from the repository: no control character reaches the log.
      return escapeControl(`${label}: ${describeNodes(members, cwd)}`) + '\n';
    })
    .join('');
}

/** The `cluster` command: exit 2 for unusable input or fewer than two nodes, 1 for an error finding, else 0. */
export async function runClusterCommand(
  paths: string[],
  format: string,
  cli: CliLintOptions,
  env: {
    io: CliIO;
    host: FileHost;
    version: string;
    rules: readonly RuleMeta[];
    detail?: boolean;
    /** The rule pages and the tool's home, for the formats (FormatOptions). */
    links?: { ruleUrlBase: string; repositoryUrl: string };
  },
): Promise<number> {
  const { io, host } = env;
  const found = findConfigs(paths, host, io.cwd);
  for (const e of found.errors) io.stderr(`keepalived-lint: ${escapeControl(e)}\n`);
  for (const n of found.notes) io.stderr(`keepalived-lint: warning: ${escapeControl(n)}\n`);
  const c = await clusterReport([...found.files, ...found.scripts], cli, host, io.stderr, io.cwd);
  if (!c) return 2;
  for (const e of c.report.errors)
    io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot read this node's config: ${escapeControl(e.message)}\n`);
  if (c.nodes.length < 2) {
    io.stderr(`keepalived-lint cluster: ${escapeControl(tooFewNodes(c.nodes, io.cwd))}\n`);
    return 2;
  }
  if (format === 'stylish') io.stdout(legend(c.nodes, io.cwd));
  const color = io.isTTY && !io.env.NO_COLOR ? true : Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0');
  io.stdout(
    formatters[format]!(c.report, {
      cwd: io.cwd,
      color,
      version: env.version,
      rules: env.rules,
      ...(env.detail !== undefined ? { detail: env.detail } : {}),
      ...env.links,
    }),
  );
  return found.errors.length || c.report.errors.length ? 2 : countBySeverity(c.report).error > 0 ? 1 : 0;
}
