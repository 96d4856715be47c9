/**
 * The nodes of a cluster: every config file given is a node; a file whose `@id` lines name
 * config-ids is one node per id (keepalived -i ID on each router). Each node is read as keepalived
 * reads it on that router (preprocess for its config-id, then the tree) and named for messages.
 * Example: hosts/lb1/etc/keepalived/keepalived.conf and hosts/lb2/etc/keepalived/keepalived.conf
 * -> nodes "lb1" and "lb2"; keepalived.conf with `@lb1`/`@lb2` lines -> nodes "lb1" and "lb2".
 */
import * as path from 'node:path';
import { ConfigBudget, preprocess, type Origin, type PreprocessResult, type SourceFile } from '../preprocess/index.js';
import { buildTree } from '../tree/index.js';
import { defaultRoot, resolveTarget } from '../engine/index.js';
import { configIdPasses } from '../preprocess/passes.js';
import type { SeveritySetting } from '../engine/types.js';
import type { FileHost } from '../source/host.js';
import { confineFor } from '../source/confine.js';
import { pathMap, type PathMapping } from '../source/paths.js';
import { keywordTable } from '../versions/keywords.js';
import { clusterInstances } from './model.js';
import type { ClusterNode } from './types.js';

/** How one file is read (what .keepalived-lint.yaml and the command line say for it). */
export interface NodeFileOptions {
  target?: string;
  root?: string;
  paths?: PathMapping[];
  /** Exactly these config-ids (configIds: in .keepalived-lint.yaml). */
  configIds?: string[];
  severities?: Record<string, SeveritySetting>;
  ruleOptions?: Record<string, Record<string, unknown>>;
  /** The `clusters:` entry the file belongs to (default: the one cluster of every file given). */
  cluster?: string;
}

/** A file with more config-ids than MAX_CONFIG_IDS: `id` (named at `at`) and the ids after it are no nodes. */
export interface ConfigIdsCapped {
  file: string;
  id: string;
  at: Origin;
  files: Map<string, SourceFile>;
  severities: Record<string, SeveritySetting>;
}

export interface LoadedNodes {
  nodes: ClusterNode[];
  errors: { file: string; message: string }[];
  capped: ConfigIdsCapped[];
}

export function loadNodes(entries: { file: string; options: NodeFileOptions }[], host: FileHost): LoadedNodes {
  const errors: LoadedNodes['errors'] = [];
  const perFile: { file: string; nodes: ClusterNode[]; capped: ConfigIdsCapped | null }[] = [];
  for (const { file, options } of entries) {
    const head = host.readText(file);
    if (head.ok && head.text.startsWith('#!')) continue; // a script given with the configs
    const r = readFileNodes(file, options, host);
    if ('error' in r) errors.push({ file, message: r.error });
    else perFile.push({ file, nodes: r.nodes, capped: r.capped });
  }
  // A file that another given config includes is part of that node, not a node of its own.
  const included = new Set<string>();
  for (const { file, nodes } of perFile) for (const n of nodes) for (const f of n.files.keys()) if (f !== file) included.add(f);
  const kept = perFile.filter((p) => !included.has(p.file));
  const labels = fileLabels(kept.map((p) => p.file));
  const nodes: ClusterNode[] = [];
  for (const [i, { nodes: ns }] of kept.entries()) {
    for (const n of ns) {
      n.label = kept.length === 1 ? (n.configId ?? labels[i]!) : n.configId !== null && ns.length > 1 ? `${labels[i]}@${n.configId}` : labels[i]!;
      nodes.push(n);
    }
  }
  const capped = kept.flatMap((p) => (p.capped ? [p.capped] : []));
  return { nodes, errors, capped };
}

function readFileNodes(file: string, options: NodeFileOptions, host: FileHost): { nodes: ClusterNode[]; capped: ConfigIdsCapped | null } | { error: string } {
  host = confineFor(host, file, { root: options.root ?? defaultRoot(file), rootGiven: options.root !== undefined, paths: options.paths });
  const st = host.stat(file);
  if (st.kind === 'missing') return { error: 'no such file or directory' };
  if (st.kind === 'directory') return { error: 'is a directory' };
  let target;
  try {
    target = resolveTarget(options.target);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const table = keywordTable(target);
  const root = options.root ?? defaultRoot(file);
  const paths = pathMap(root, options.paths);
  const files = new Map<string, SourceFile>();
  // One budget for every pass of the file, as the lint has (src/engine lintOne).
  const budget = new ConfigBudget();
  const read = (id: string | null): PreprocessResult | { error: string } => preprocess(file, { host, configId: id, root, paths, files, budget });
  const node = (id: string | null, pre: PreprocessResult) => makeNode(file, id, pre, table, target, files, options);

  const nodes: ClusterNode[] = [];
  let capped: ConfigIdsCapped | null = null;
  if (options.configIds?.length) {
    for (const id of options.configIds) {
      const pre = read(id);
      if ('error' in pre) return pre;
      nodes.push(node(id, pre));
    }
    return { nodes, capped };
  }
  // Every id the @ lines name, also those only read under another id (`@lb1 include lb1.conf`):
  // each read once, in the order the lint reads them, at most MAX_CONFIG_IDS of them.
  const all = configIdPasses(read, budget);
  if ('error' in all) return all;
  const { first, byId } = all;
  if (all.capped) capped = { file, id: all.capped.id, at: all.capped.at ?? { file, start: 0, end: 0 }, files, severities: options.severities ?? {} };
  if (!byId.length) return { nodes: [node(null, first)], capped };
  const sorted = [...byId].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { id, pre } of sorted) nodes.push(node(id, pre));
  return { nodes, capped };
}

function makeNode(
  file: string,
  configId: string | null,
  pre: PreprocessResult,
  table: ReturnType<typeof keywordTable>,
  target: ReturnType<typeof resolveTarget>,
  files: Map<string, SourceFile>,
  options: NodeFileOptions,
): ClusterNode {
  const tree = buildTree(pre.lines, table);
  const node: ClusterNode = {
    label: configId ?? path.basename(file),
    file,
    configId,
    tree,
    target,
    files,
    cluster: options.cluster ?? '',
    severities: options.severities ?? {},
    ruleOptions: options.ruleOptions ?? {},
    instances: [],
  };
  node.instances = clusterInstances(node, tree, target);
  return node;
}

/**
 * Short names for files: the path segments that tell them apart, without the folders they all
 * share at the start and the end, and without ".conf" when only a file name is left.
 * Example: [hosts/lb1/etc/keepalived/keepalived.conf, hosts/lb2/etc/keepalived/keepalived.conf] -> [lb1, lb2].
 */
export function fileLabels(files: string[]): string[] {
  if (files.length === 0) return [];
  if (files.length === 1) {
    // A router tree (R/etc/keepalived/keepalived.conf) is named by its folder R.
    const host = /([^/\\]+)[/\\]etc[/\\]keepalived[/\\]/.exec(files[0]!)?.[1];
    return [host ?? path.basename(files[0]!).replace(/\.conf$/, '')];
  }
  const parts = files.map((f) => f.split(/[\\/]/).filter(Boolean));
  const min = Math.min(...parts.map((p) => p.length));
  let pre = 0;
  while (pre < min - 1 && parts.every((p) => p[pre] === parts[0]![pre])) pre++;
  let suf = 0;
  while (suf < min - pre - 1 && parts.every((p) => p[p.length - 1 - suf] === parts[0]![parts[0]!.length - 1 - suf])) suf++;
  // A router tree (R/etc/keepalived/...) is named by R.
  const labels = parts.map((p) => p.slice(pre, p.length - suf).join('/').replace(/^(.+?)\/etc\/keepalived(\/.*)?$/, '$1'));
  const unique = new Set(labels).size === labels.length && labels.every((l) => l !== '');
  const out = unique ? labels : parts.map((p) => p.slice(pre).join('/'));
  const names = out.map((l) => (l.includes('/') ? l : l.replace(/\.conf$/, '')));
  return names.some((l) => l.includes('/')) ? names : trimCommonWords(names);
}

/** keepalived-lb1, keepalived-lb2 -> lb1, lb2: drop the words (split at - _ .) every name starts with. */
function trimCommonWords(names: string[]): string[] {
  const words = names.map((n) => n.split(/(?<=[-_.])/));
  let k = 0;
  while (words.every((w) => w.length > k + 1 && w[k] === words[0]![k])) k++;
  const out = words.map((w) => w.slice(k).join(''));
  return new Set(out).size === out.length ? out : names;
}
