/**
 * THE ONE LOADER. Every command (lint, cluster, diff, parse, --with-keepalived, the workers, the
 * cache) sees a config the same way: `resolveOptions` says how a file is read (its
 * .keepalived-lint.yaml, the command line winning), and `loadConfig` reads it once: every
 * config-id pass (preprocess, then the tree), the scripts the passes run with their analysis, and
 * the text of every file read. Example:
 *
 *   hosts/lb1/keepalived/keepalived.conf with `include /etc/keepalived/conf.d/*.conf`, and
 *   `paths: {"/etc/keepalived/": "hosts/{host}/keepalived/"}` in .keepalived-lint.yaml
 *   -> { passes: [{ id: null, tree, refs }], files: [keepalived.conf, conf.d/a.conf, notify.sh], scripts }
 *
 * Nothing else calls preprocess or buildTree.
 */
import {
  ConfigBudget,
  MAX_WORDS_PER_CONFIG,
  preprocess,
  preprocessShared,
  type PreprocessResult,
  type SourceFile,
  withOwnBraces,
} from '../preprocess/index.js';
import { conditionedFlags, configIdPasses, MAX_CONFIG_IDS, passWords, sharedPass } from '../preprocess/passes.js';
import type { Origin, Problem } from '../preprocess/types.js';
import type { FileHost } from '../source/host.js';
import { confineFor } from '../source/confine.js';
import { LineIndex } from '../source/line-index.js';
import { pathMap, type PathMap } from '../source/paths.js';
import type { ReadOptions } from './options.js';
import { buildSharedTree, buildTree, passTree, type ConfigTree, type SharedTree } from '../tree/index.js';
import { isScriptKeyword, namedBlocks, scriptRefs, type ScriptRef } from '../model/scripts.js';
import { loadScripts, type ScriptStore } from '../scripts/store.js';
import { keywordTable, type KeywordTable } from '../versions/keyword-table.js';
import { compareVersions, DEFAULT_TARGET, type Version } from '../versions/version.js';
import { resolveTargetName } from '../versions/distros.js';

export { MAX_CONFIG_IDS } from '../preprocess/passes.js';
export * from './options.js';
/** The types of a loaded config, for the commands (they never import preprocess or tree themselves). */
export type { Expansion, Origin, PreprocessResult, Problem, SourceFile, Token } from '../preprocess/types.js';
export type { ConfigTree, SkippedBlock, Statement } from '../tree/index.js';

/** One reading of the config: for one config-id (null: an id none of the `@` lines names). */
export interface LoadedPass {
  id: string | null;
  pre: PreprocessResult;
  tree: ConfigTree;
  /** The scripts this pass runs (notify, track and check scripts), where the config names them. */
  refs: ScriptRef[];
}

export interface LoadedConfig {
  /** The entry file (absolute). */
  file: string;
  /** The file host confined to what this config may read (src/source/confine.ts). */
  host: FileHost;
  root: string;
  paths: PathMap;
  target: Version;
  table: KeywordTable;
  /** Every file read for it: the config, its includes, the scripts. */
  files: Map<string, SourceFile>;
  /** The files of `files` that are scripts the config runs (shell, not keepalived syntax). */
  scriptFiles: Set<string>;
  /**
   * The passes: without chosen ids, the one for none of the ids first, then one per `@id` in the
   * order they were found (at most MAX_CONFIG_IDS); with chosen ids, one per chosen id.
   */
  passes: LoadedPass[];
  /** Whether `passes` holds the pass for none of the ids (the first) as well as the ids. */
  hasOtherPass: boolean;
  /** The first config-id not read (MAX_CONFIG_IDS reached), and where it is named. */
  capped: { id: string; at: Origin | null } | null;
  /** The scripts of every pass: one read and one analysis per script file. */
  scripts: ScriptStore<ScriptRef>;
  /** Instance and sync-group names defined under any config-id. */
  allNames: Set<string>;
}

/** A file given with the configs that is a script (`#!`): checked through the configs that call it. */
export interface LoadedScript {
  file: string;
  script: true;
}

export type LoadResult = LoadedConfig | LoadedScript | { error: string };

export function defaultRoot(configPath: string): string {
  const m = /^(.*)\/etc\/keepalived(\/|$)/.exec(configPath);
  return m ? m[1] || '/' : '/';
}

/** A version ("1.3.2") or a distribution name ("stretch", "debian-12"). */
/** keepalived f220eaa8 (first in 2.4.0): a line with a NUL byte is ignored, no longer cut at the NUL. */
const NUL_DROPS_LINE = '2.4.0';

export function resolveTarget(target: string | undefined): Version {
  const r = resolveTargetName(target ?? DEFAULT_TARGET);
  if (!r) throw new RangeError(`unknown keepalived version or distribution "${target}"`);
  return r.version;
}

export function isLoadedConfig(r: LoadResult): r is LoadedConfig {
  return 'passes' in r;
}

/** Read one entry file: every config-id pass, its includes and its scripts (never run). */
export async function loadConfig(file: string, options: ReadOptions, host: FileHost): Promise<LoadResult> {
  const root = options.root ?? defaultRoot(file);
  host = confineFor(host, file, { root, rootGiven: options.root !== undefined, paths: options.paths });
  const st = host.stat(file);
  if (st.kind === 'missing') return { error: 'no such file or directory' };
  if (st.kind === 'directory') return { error: 'is a directory' };
  // A script given with the configs (a pre-commit hook passes every changed file) is checked
  // through the configs that call it, never parsed as a config.
  const head = host.readText(file);
  if (head.ok && head.text.startsWith('#!')) return { file, script: true };
  let target: Version;
  try {
    target = resolveTarget(options.target);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  const table = keywordTable(target);
  const paths = pathMap(root, options.paths, options.systemPaths);
  // The entry file as read above (read once: it is 4 MB at 10,000 instances).
  const files = new Map<string, SourceFile>();
  if (head.ok)
    files.set(file, { path: file, text: head.text, index: new LineIndex(head.text), encoding: head.encoding });
  // One budget for every pass: the passes are kept together until the rules have run.
  const budget = new ConfigBudget();
  const nulDropsLine = compareVersions(target, NUL_DROPS_LINE) >= 0;
  const readAlone = (id: string | null): PreprocessResult | { error: string } =>
    preprocess(file, { host, configId: id, root, paths, files, budget, nulDropsLine, rawLines: isScriptKeyword });
  let read = readAlone;
  // A shared reading's passes: their trees share what no `@id` line touches (src/tree passTree).
  const treeOf = new Map<PreprocessResult, () => ConfigTree>();
  let sharedTree: ConfigTree | undefined;
  let sharedTrees: SharedTree | undefined;
  /** The shared reading the passes are taken from, when they are. */
  let shareRead: PreprocessResult | undefined;
  // Several passes: read once for all of them when the `@id` lines allow it (issue 16: 1173.conf
  // has two `@id` lines and 300,000 lines that all three passes read alike).
  const chosen: (string | null)[] | undefined =
    options.configId !== undefined ? [options.configId] : options.otherPassOnly ? [null] : options.configIds;
  if (options.sharePasses !== false && (!chosen || chosen.length > 1)) {
    const spent = budget.words;
    const shared = preprocessShared(file, {
      host,
      root,
      paths,
      files,
      budget,
      nulDropsLine,
      rawLines: isScriptKeyword,
    });
    budget.words = spent;
    if ('error' in shared) return shared;
    if ('pre' in shared) {
      // Without a `@id` line there is one pass; with them, the config's words are charged per pass
      // as when each is read alone, and past the cap the passes are read alone (to stop where
      // keepalived-lint always stopped).
      const named = [...shared.pre.conditionIds].filter((id) => id !== '');
      const ids = chosen ?? [null, ...named.slice(0, MAX_CONFIG_IDS)];
      const words = ids.reduce((n, id) => n + passWords(shared, id), 0);
      if (words <= MAX_WORDS_PER_CONFIG) {
        shareRead = shared.pre;
        read = (id) => {
          const pass = sharedPass(shared, id);
          budget.words += pass.words;
          treeOf.set(pass.pre, () => {
            if (!shared.conditioned.length) return (sharedTree ??= buildTree(shared.pre.lines, table));
            // A pass with every line (its id selects every `@id` line) has the shared tree itself.
            sharedTrees ??= buildSharedTree(shared.pre.lines, table, conditionedFlags(shared));
            return pass.dropped ? passTree(sharedTrees, shared.pre.lines, pass.dropped, table) : sharedTrees.tree;
          });
          return pass.pre;
        };
      }
    }
  }

  const reads: { id: string | null; pre: PreprocessResult }[] = [];
  let capped: LoadedConfig['capped'] = null;
  let hasOtherPass = false;
  if (chosen?.length) {
    for (const id of chosen) {
      const pre = read(id);
      if ('error' in pre) return pre;
      reads.push({ id, pre });
    }
  } else {
    const all = configIdPasses(read, budget);
    if ('error' in all) return all;
    reads.push({ id: null, pre: all.first }, ...all.byId);
    hasOtherPass = true;
    if (all.capped) {
      capped = all.capped;
      // Said in every pass, so that the finding carries no config-ids of its own.
      const problem: Problem = {
        code: 'budget-exceeded',
        origin: all.capped.at ?? { file, start: 0, end: 0 },
        via: [],
        data: { cap: 'config-ids', limit: MAX_CONFIG_IDS, id: all.capped.id },
      };
      for (const r of reads) r.pre.problems.push(problem);
    }
  }
  const treesOf = () => reads.map(({ pre }) => treeOf.get(pre)?.() ?? buildTree(pre.lines, table));
  let trees = treesOf();
  // A ~SEQ's readings given again share their brace lines (src/preprocess replay). A brace out of
  // place is read by code that tells braces apart by object (syntax-error, unknown-keywords): then
  // each brace gets its own object and the trees are built again (rare: a config with both).
  const givenAgain = shareRead ? shareRead.bracesGivenAgain : reads.some((r) => r.pre.bracesGivenAgain);
  if (givenAgain && trees.some(braceOutOfPlace)) {
    if (shareRead) {
      withOwnBraces(shareRead.lines);
      sharedTree = undefined;
      sharedTrees = undefined;
    } else for (const r of reads) if (r.pre.bracesGivenAgain) withOwnBraces(r.pre.lines);
    trees = treesOf();
  }
  const passes = reads.map(({ id, pre }, k): LoadedPass => {
    const tree = trees[k]!;
    return { id, pre, tree, refs: scriptRefs(tree, target) };
  });
  // Scripts: every pass's references, one read and one analysis per script file for all of them.
  const configFiles = new Set(files.keys());
  const scripts = await loadScripts(
    passes.flatMap((p) => p.refs),
    paths,
    host,
    files,
  );
  const scriptFiles = new Set([...files.keys()].filter((f) => !configFiles.has(f)));
  const allNames = new Set<string>();
  for (const p of passes) for (const m of Object.values(namedBlocks(p.tree))) for (const n of m.keys()) allNames.add(n);
  return {
    file,
    host,
    root,
    paths,
    target,
    table,
    files,
    scriptFiles,
    passes,
    hasOtherPass,
    capped,
    scripts,
    allNames,
  };
}

/**
 * The entry configs among `files`: those no other of them includes (an included file is read where
 * it is included, as keepalived reads it, not as a config of its own). Example: [keepalived.conf,
 * conf.d/a.conf] where keepalived.conf has `include conf.d/*.conf` -> [keepalived.conf].
 */
export async function entryConfigs(
  files: readonly string[],
  load: (file: string) => Promise<LoadResult>,
): Promise<string[]> {
  const included = new Set<string>();
  for (const f of files) {
    const r = await load(f);
    if (isLoadedConfig(r)) for (const g of r.files.keys()) if (g !== f) included.add(g);
  }
  return files.filter((f) => !included.has(f));
}

/**
 * Loads for one run: a config asked for twice with the same options (lint, then --cluster or
 * --with-keepalived) is read once. Only what is asked with `keep` is remembered (a big repository
 * linted alone keeps no trees).
 */
export class Loader {
  private readonly memo = new Map<string, Promise<LoadResult>>();
  constructor(
    readonly host: FileHost,
    private readonly keep = false,
  ) {}

  load(file: string, options: ReadOptions): Promise<LoadResult> {
    if (!this.keep) return loadConfig(file, options, this.host);
    const key = JSON.stringify([
      file,
      options.target ?? null,
      options.root ?? null,
      options.paths ?? null,
      options.systemPaths ?? null,
      options.configId ?? null,
      options.configIds ?? null,
      options.otherPassOnly ?? false,
    ]);
    let p = this.memo.get(key);
    if (!p) this.memo.set(key, (p = loadConfig(file, options, this.host)));
    return p;
  }
}

/**
 * A brace the tree or keepalived's brace count finds out of place: what makes syntax-error and
 * unknown-keywords pair braces, find the owner of a "{" or place an ignored "{" (by object).
 */
function braceOutOfPlace(tree: ConfigTree): boolean {
  if (tree.braces.unclosed.length || tree.braces.extra.length) return true;
  return tree.issues.some((i) => i.code === 'extra-close' || i.code === 'unexpected-open');
}
