/**
 * The nodes of a cluster: every config file given is a node; a file whose `@id` lines name
 * config-ids is one node per id (keepalived -i ID on each router). Each node is read as keepalived
 * reads it on that router (preprocess for its config-id, then the tree) and named for messages.
 * Example: hosts/lb1/etc/keepalived/keepalived.conf and hosts/lb2/etc/keepalived/keepalived.conf
 * -> nodes "lb1" and "lb2"; keepalived.conf with `@lb1`/`@lb2` lines -> nodes "lb1" and "lb2".
 */
import * as path from 'node:path';
import type { Origin, SourceFile } from '../load/index.js';
import { isLoadedConfig, Loader, type LoadedConfig, type LoadedPass } from '../load/index.js';
import type { SeveritySetting } from '../rule-api/index.js';
import type { FileHost } from '../source/host.js';
import type { PathMapping } from '../source/paths.js';
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

export async function loadNodes(
  entries: { file: string; options: NodeFileOptions }[],
  host: FileHost,
  loader: Loader = new Loader(host),
): Promise<LoadedNodes> {
  const errors: LoadedNodes['errors'] = [];
  const perFile: { file: string; nodes: ClusterNode[]; capped: ConfigIdsCapped | null }[] = [];
  for (const { file, options } of entries) {
    const loaded = await loader.load(file, options);
    // An error, a config, or else a script given with the configs (skipped here).
    if ('error' in loaded) errors.push({ file, message: loaded.error });
    else if (isLoadedConfig(loaded)) perFile.push({ file, ...fileNodes(loaded, options) });
  }
  // A file that another given config includes is part of that node, not a node of its own.
  const included = new Set<string>();
  for (const { file, nodes } of perFile)
    for (const n of nodes) for (const f of n.files.keys()) if (f !== file) included.add(f);
  const kept = perFile.filter((p) => !included.has(p.file));
  const labels = fileLabels(kept.map((p) => p.file));
  const nodes: ClusterNode[] = [];
  for (const [i, { nodes: ns }] of kept.entries()) {
    for (const n of ns) {
      n.label =
        kept.length === 1
          ? (n.configId ?? labels[i]!)
          : n.configId !== null && ns.length > 1
            ? `${labels[i]}@${n.configId}`
            : labels[i]!;
      nodes.push(n);
    }
  }
  const capped = kept.flatMap((p) => (p.capped ? [p.capped] : []));
  return { nodes, errors, capped };
}

/**
 * The nodes of one loaded file: one per chosen config-id; else one per id its `@` lines name (also
 * those only read under another id, `@lb1 include lb1.conf`), sorted; else the file itself.
 */
function fileNodes(
  loaded: LoadedConfig,
  options: NodeFileOptions,
): { nodes: ClusterNode[]; capped: ConfigIdsCapped | null } {
  const { file } = loaded;
  const capped = loaded.capped
    ? {
        file,
        id: loaded.capped.id,
        at: loaded.capped.at ?? { file, start: 0, end: 0 },
        files: loaded.files,
        severities: options.severities ?? {},
      }
    : null;
  const node = (pass: LoadedPass) => makeNode(loaded, pass, options);
  if (!loaded.hasOtherPass) return { nodes: loaded.passes.map(node), capped };
  const [first, ...byId] = loaded.passes;
  if (!byId.length) return { nodes: [node(first!)], capped };
  const sorted = [...byId].sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
  return { nodes: sorted.map(node), capped };
}

function makeNode(loaded: LoadedConfig, pass: LoadedPass, options: NodeFileOptions): ClusterNode {
  const node: ClusterNode = {
    label: pass.id ?? path.basename(loaded.file),
    file: loaded.file,
    configId: pass.id,
    tree: pass.tree,
    target: loaded.target,
    files: loaded.files,
    cluster: options.cluster ?? '',
    severities: options.severities ?? {},
    ruleOptions: options.ruleOptions ?? {},
    instances: [],
    loaded,
    pass,
  };
  node.instances = clusterInstances(node, pass.tree, loaded.target);
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
  while (suf < min - pre - 1 && parts.every((p) => p[p.length - 1 - suf] === parts[0]![parts[0]!.length - 1 - suf]))
    suf++;
  // A router tree (R/etc/keepalived/...) is named by R.
  const labels = parts.map((p) =>
    p
      .slice(pre, p.length - suf)
      .join('/')
      .replace(/^(.+?)\/etc\/keepalived(\/.*)?$/, '$1'),
  );
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
