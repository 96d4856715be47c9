/**
 * `keepalived-lint simulate NODE_CONFIG... --format text|json|markdown`: the nodes are read as
 * `cluster` reads them (a file with `@id` lines is one node per id); prints who is MASTER of each
 * virtual router in the steady state, then for each single failure (a node, an interface, a tracked
 * script) and the recovery from it, the new states and the notifications keepalived sends. Exit 1
 * when a router has two MASTERs or none, a sync group's members would not move together, or a
 * notify script gets a name it has no branch for; 2 for unusable input.
 * Example: simulate gw1/keepalived.conf gw2/keepalived.conf -> "gateway_v4 [VRID 51, eth0, ipv4]: MASTER gw1 (150)...".
 */
import { displayPath, escapeControl, shownPath } from '../format/index.js';
import { groupInstances } from '../cluster/groups.js';
import { simulation, writeSimulation } from '../simulate/index.js';
import type { FileHost } from '../source/host.js';
import { Loader } from '../load/index.js';
import { clusterReport } from './cluster-command.js';
import { findConfigs } from './find-configs.js';
import type { CliLintOptions } from './lint-plan.js';
import type { CliIO } from './io.js';

export async function runSimulateCommand(
  paths: string[],
  format: 'text' | 'json' | 'markdown',
  cli: CliLintOptions,
  env: { io: CliIO; host: FileHost },
): Promise<number> {
  const { io, host } = env;
  const found = findConfigs(paths, host, io.cwd);
  for (const e of found.errors) io.stderr(`keepalived-lint simulate: error: ${escapeControl(e)}\n`);
  if (found.errors.length) return 2;
  const c = await clusterReport(found.files, cli, host, io.stderr, io.cwd, new Loader(host, true));
  if (!c) return 2;
  for (const e of c.report.errors)
    io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot read this config: ${escapeControl(e.message)}\n`);
  if (c.report.errors.length) return 2;
  if (!c.nodes.length) {
    io.stderr(`keepalived-lint simulate: error: no keepalived config among ${escapeControl(paths.join(', '))}\n`);
    return 2;
  }
  const cluster = groupInstances(c.nodes);
  const report = simulation(cluster, (f: string) => displayPath(f, io.cwd));
  // Written as the events are computed; names come from the configs: no control character
  // reaches a terminal.
  return writeSimulation(report, format, io.stdout, escapeControl) ? 1 : 0;
}
