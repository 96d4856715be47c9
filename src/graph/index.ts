/**
 * `keepalived-lint graph`: what a config (or a cluster of them) does, drawn. The nodes come from
 * src/cluster (one loader for all), the findings from the lint and cluster rules; build.ts makes
 * the graph, render.ts prints it. Example: renderGraph(buildGraph(input), 'mermaid') -> "flowchart LR\n...".
 */
import type { Graph } from './model.js';
import { toDot, toMermaid } from './render.js';

export { buildGraph, type GraphInput } from './build.js';
export { focusGraph } from './focus.js';
export { flagged, type Graph, type GraphEdge, type GraphElement, type GraphFinding } from './model.js';
export { dotText, mermaidText, toDot, toMermaid } from './render.js';

export const GRAPH_FORMATS = ['mermaid', 'dot', 'json'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export function renderGraph(graph: Graph, format: GraphFormat): string {
  if (format === 'json') return JSON.stringify(graph, null, 2) + '\n';
  return format === 'dot' ? toDot(graph) : toMermaid(graph);
}
