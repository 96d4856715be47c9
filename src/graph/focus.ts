/**
 * The part of a graph around some elements: for a diff comment, what an edit touched and what it
 * is tied to, not the whole config. The seeds, each element one edge away from a seed (routers
 * aside: a router is tied to everything), every arm of a script kept and what those arms match,
 * and the routers of what is kept; the edges between kept elements. Example:
 *
 *   seeds [instance gateway_v4] -> gateway_v4, its VIPs, interface, tracked scripts, notify script
 *   with its arms, its peers and sync group, and its router; not the instances beside it.
 */
import type { Graph, GraphElement } from './model.js';

export function focusGraph(graph: Graph, seed: (e: GraphElement) => boolean): Graph {
  const byId = new Map(graph.nodes.map((e) => [e.id, e]));
  const keep = new Set<string>(graph.nodes.filter((e) => e.kind !== 'router' && seed(e)).map((e) => e.id));
  const seeds = new Set(keep);
  for (const e of graph.edges) {
    const from = byId.get(e.from);
    const to = byId.get(e.to);
    if (!from || !to || from.kind === 'router' || to.kind === 'router') continue;
    if (seeds.has(e.from)) keep.add(e.to);
    if (seeds.has(e.to)) keep.add(e.from);
  }
  // A script drawn with all its arms, an arm with its script, and what each arm matches.
  for (const e of graph.edges)
    if (e.kind === 'dispatches' && (keep.has(e.from) || keep.has(e.to))) keep.add(e.from).add(e.to);
  for (const e of graph.edges) if (e.kind === 'matches' && keep.has(e.from)) keep.add(e.to);
  const routers = new Set([...keep].map((id) => byId.get(id)!.router));
  const nodes = graph.nodes.filter((e) => keep.has(e.id) || (e.kind === 'router' && routers.has(e.router)));
  const kept = new Set(nodes.map((e) => e.id));
  const edges = graph.edges.filter((e) => kept.has(e.from) && kept.has(e.to));
  return { version: 1, nodes, edges };
}
