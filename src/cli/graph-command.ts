/**
 * `keepalived-lint graph [paths] --format mermaid|dot|json`: the configs given are the nodes of one
 * cluster (as for `cluster`; one node is fine, a file with `@id` lines is one node per id), drawn
 * with the lint and cluster findings on the elements they concern. Exit 0 when drawn, 2 for
 * unusable input. Example: graph hosts/ --format mermaid -> "flowchart LR ...".
 */
import { Loader } from '../load/index.js';
import { escapeControl, shownPath } from '../format/index.js';
import { buildGraph, renderGraph, type GraphFormat } from '../graph/index.js';
import type { Diagnostic } from '../engine/types.js';
import type { FileHost } from '../source/host.js';
import { allRules, rules } from '../../rules/index.js';
import { clusterReport } from './cluster-command.js';
import { findConfigs } from './find-configs.js';
import { lintPlanned, type CliLintOptions } from './lint-plan.js';
import { groupInstances } from '../cluster/groups.js';
import type { CliIO } from './io.js';

const EXIT_USAGE = 2;
/** Mermaid's default maxTextSize (GitHub renders with it): a longer diagram shows an error instead. */
const MERMAID_MAX_TEXT = 50_000;

export async function runGraphCommand(
  paths: string[],
  format: GraphFormat,
  cli: CliLintOptions,
  env: { io: CliIO; host: FileHost },
): Promise<number> {
  const { io, host } = env;
  const found = findConfigs(paths, host, io.cwd);
  for (const e of found.errors) io.stderr(`keepalived-lint graph: error: ${escapeControl(e)}\n`);
  for (const n of found.notes) io.stderr(`keepalived-lint graph: warning: ${escapeControl(n)}\n`);
  if (found.errors.length) return EXIT_USAGE;
  if (!found.files.length) {
    io.stderr(`keepalived-lint graph: error: no keepalived config found in ${escapeControl(paths.join(', '))}\n`);
    return EXIT_USAGE;
  }
  // One loader for the lint and the cluster: each config is read once.
  const loader = new Loader(host, true);
  const lint = await lintPlanned(found.files, cli, host, rules, io.stderr, io.cwd, { loader }, allRules);
  if (!lint) return EXIT_USAGE;
  const c = await clusterReport(found.files, cli, host, io.stderr, io.cwd, loader, true);
  if (!c) return EXIT_USAGE;
  const errors = [...lint.errors, ...c.report.errors.filter((e) => !lint.errors.some((l) => l.file === e.file))];
  for (const e of errors)
    io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot read this config: ${escapeControl(e.message)}\n`);
  if (errors.length) return EXIT_USAGE;
  if (!c.nodes.length) {
    io.stderr(`keepalived-lint graph: error: no keepalived config among ${escapeControl(paths.join(', '))}\n`);
    return EXIT_USAGE;
  }
  const diagnostics: Diagnostic[] = [...lint.results, ...c.report.results].flatMap((r) => r.diagnostics);
  const graph = buildGraph({ nodes: c.nodes, groups: groupInstances(c.nodes).groups, diagnostics, cwd: io.cwd });
  const out = renderGraph(graph, format);
  if (format === 'mermaid' && out.length > MERMAID_MAX_TEXT)
    io.stderr(
      `keepalived-lint graph: warning: ${out.length} characters of Mermaid, more than the ` +
        `${MERMAID_MAX_TEXT} Mermaid renders by default (maxTextSize): use --format dot for a graph this size\n`,
    );
  io.stdout(out);
  return 0;
}
