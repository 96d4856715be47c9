/**
 * The `diff` command's adapter: resolves OLD/NEW (or --git REV against the working tree), runs
 * the library's diffConfigs and prints text, json or markdown (a pull-request comment). Exit: 2
 * unusable input, 1 the edit adds an error, else 0. Example: diff --git HEAD -> every
 * keepalived.conf under . compared with HEAD.
 */
import * as path from 'node:path';
import { defaultRoot, entryConfigs, Loader, loadConfig, OptionsResolver } from '../load/index.js';
import type { Rule, RuleMeta } from '../engine/types.js';
import { diffConfigs, type DiffResult, type DiffSide } from '../diff/index.js';
import { recordReads } from '../diff/unchanged.js';
import { diffJson, diffText } from '../format/diff.js';
import { diffMarkdown } from '../format/diff-markdown.js';
import { displayPath, escapeControl, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';
import { gitHost, gitRevisionExists, gitTopLevel } from '../source/git-host.js';
import { findConfigs } from './find-configs.js';
import { printConfigProblems } from './lint-plan.js';
import type { CliIO } from './io.js';

export interface DiffCommandOptions {
  git?: string;
  format: string;
  target: string;
  /** --target was given (else .keepalived-lint.yaml's target, or the default, applies). */
  targetGiven?: boolean;
  configId?: string;
  root?: string;
  oldRoot?: string;
  newRoot?: string;
  /** --no-detail: false. */
  detail?: boolean;
}

export async function runDiffCommand(
  paths: string[],
  o: DiffCommandOptions,
  env: { io: CliIO; host: FileHost; rules: Rule[]; allRules?: readonly { meta: RuleMeta }[] },
): Promise<number> {
  const { io, host } = env;
  const fail = (msg: string) => (io.stderr(`keepalived-lint diff: ${escapeControl(msg)}\n`), 2);
  // Both sides are read as lint reads the working tree's file: its .keepalived-lint.yaml (paths:,
  // root:, target:, config-ids), the command line winning.
  const resolver = new OptionsResolver(host, env.allRules ?? env.rules);
  const side = (file: string, sideHost: FileHost, which: string | undefined): DiffSide => {
    const root = which ? path.resolve(io.cwd, which) : o.root ? path.resolve(io.cwd, o.root) : undefined;
    const { options } = resolver.resolve(file, {
      ...(root !== undefined ? { root } : {}),
      ...(o.targetGiven ? { target: o.target } : {}),
      ...(o.configId !== undefined ? { configId: o.configId } : {}),
    });
    return { file, host: sideHost, root: options.root ?? defaultRoot(file), options };
  };
  // The configs to compare: those no other config found includes (a conf.d fragment is compared
  // where it is included), read in the working tree.
  const loader = new Loader(host, true);
  const entries = (files: string[]) => entryConfigs(files, (f) => loader.load(f, side(f, host, undefined).options!));
  const pairs: { old: DiffSide | null; new: DiffSide; labels: { old: string; new: string } }[] = [];
  /** Configs of --git that read the same at the revision: not compared, counted in one line. */
  const unchanged: string[] = [];

  if (o.git !== undefined) {
    const top = gitTopLevel(io.cwd);
    if (!top) return fail(`${io.cwd} is not inside a git repository (--git needs one)`);
    if (!gitRevisionExists(top, o.git)) return fail(`"${o.git}" is not a commit of ${top}`);
    const found = findConfigs(paths.length ? paths : ['.'], host, io.cwd);
    for (const e of found.errors) io.stderr(`keepalived-lint diff: ${escapeControl(e)}\n`);
    for (const n of found.notes) io.stderr(`keepalived-lint diff: warning: ${escapeControl(n)}\n`);
    if (found.errors.length) return 2;
    const old = gitHost(top, o.git);
    // Each config is read once here, in the working tree, noting every question it asks; one
    // whose every answer is the same at the revision has nothing to compare (a hook on a
    // 100-host repository with one file edited compares that one). With --old-root/--new-root the
    // two sides are read differently: every config is compared.
    const reads = new Map<string, ReturnType<typeof recordReads>>();
    const sameRoots = o.oldRoot === undefined && o.newRoot === undefined;
    const configs = sameRoots
      ? await entryConfigs([...found.files, ...found.scripts], (f) => {
          const rec = recordReads(host);
          reads.set(f, rec);
          return loadConfig(f, side(f, host, undefined).options!, rec.host);
        })
      : await entries([...found.files, ...found.scripts]);
    for (const file of configs) {
      if (reads.get(file)?.sameOn(old)) {
        unchanged.push(file);
        continue;
      }
      const label = displayPath(file, io.cwd);
      const oldSide = old.stat(file).kind === 'file' ? side(file, old, o.oldRoot) : null;
      pairs.push({
        old: oldSide,
        new: side(file, host, o.newRoot),
        labels: { old: `${label} at ${o.git}${oldSide ? '' : ' (not there)'}`, new: `${label} (working tree)` },
      });
    }
    if (!pairs.length && !unchanged.length) return fail('no keepalived configuration found to compare');
  } else {
    if (paths.length !== 2) return fail('give OLD and NEW (two config files or directories), or --git REV');
    const sides: string[] = [];
    for (const p of paths) {
      const found = findConfigs([p], host, io.cwd);
      if (found.errors.length) return fail(found.errors.join('; '));
      // A script (#!) given as a side is said to be no config (src/diff/index.ts), as before.
      const configs = await entries([...found.files, ...found.scripts]);
      if (configs.length !== 1)
        return fail(
          `${p}: expected one keepalived configuration, found ` +
            `${configs.length}${configs.length ? ` (${configs.map((f) => displayPath(f, io.cwd)).join(', ')})` : ''}`,
        );
      sides.push(configs[0]!);
    }
    const [a, b] = sides as [string, string];
    pairs.push({
      old: side(a, host, o.oldRoot),
      new: side(b, host, o.newRoot),
      labels: { old: displayPath(a, io.cwd), new: displayPath(b, io.cwd) },
    });
  }

  printConfigProblems(resolver, io.stderr, io.cwd);
  if (resolver.problems.length) return 2;
  let code = 0;
  const color = io.isTTY && !io.env.NO_COLOR ? true : Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0');
  const results: DiffResult[] = [];
  for (const p of pairs) {
    const r = await diffConfigs(p.old, p.new, {
      rules: env.rules,
      ...(o.format === 'markdown' ? { graphs: { cwd: io.cwd } } : {}),
    });
    results.push(r);
    for (const e of r.errors)
      io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot compare this file: ${escapeControl(e.message)}\n`);
    if (r.errors.length) code = 2;
    else if (code === 0 && r.impact.results.some((f) => f.diagnostics.some((d) => d.severity === 'error'))) code = 1;
    if (o.format === 'text')
      io.stdout(
        diffText(r, p.labels, { cwd: io.cwd, color, ...(o.detail !== undefined ? { detail: o.detail } : {}) }) +
          (pairs.length > 1 ? '\n' : ''),
      );
  }
  const unchangedShown = unchanged.map((f) => displayPath(f, io.cwd));
  if (o.format === 'text' && unchanged.length)
    io.stdout(
      pairs.length
        ? `${unchanged.length} other configuration${unchanged.length === 1 ? '' : 's'} ` +
            `read the same at ${o.git}: not compared.\n`
        : `No configuration changed since ${o.git}: ${unchanged.length} read the same (configs, includes, scripts).\n`,
    );
  if (o.format === 'markdown')
    io.stdout(
      diffMarkdown(
        results.map((r, i) => ({ result: r, labels: pairs[i]!.labels })),
        { cwd: io.cwd, unchanged: unchanged.length, ...(o.git !== undefined ? { rev: o.git } : {}) },
      ),
    );
  if (o.format === 'json') {
    // One config found: its own object, as for OLD NEW (an unchanged one has no changes, no findings).
    const alone: DiffResult | undefined =
      results.length + unchanged.length !== 1
        ? undefined
        : (results[0] ?? { changes: [], impact: noReport(), fixed: noReport(), errors: [] });
    if (alone) io.stdout(diffJson(alone, { cwd: io.cwd, color: false }));
    else {
      const merged = results.map((r, i) => ({
        file: displayPath(pairs[i]!.new.file, io.cwd),
        ...(JSON.parse(diffJson(r, { cwd: io.cwd, color: false })) as object),
      }));
      // `configs`: the compared ones; `unchanged`: those that read the same at the revision.
      io.stdout(JSON.stringify({ version: 1, configs: merged, unchanged: unchangedShown }, null, 2) + '\n');
    }
  }
  return code;
}

const noReport = () => ({ results: [], errors: [], sources: new Map<string, string>() });
