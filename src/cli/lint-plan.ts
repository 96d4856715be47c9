/**
 * Which options each linted file gets: its .keepalived-lint.yaml (nearest above it, or --config),
 * that file's `overrides`, then the command line. Files with the same options are linted together.
 * Example: hosts/lb1/... and hosts/lb2/... under one config with `paths: {"/etc/keepalived/":
 * "hosts/{host}/keepalived/"}` -> two groups, each with its own mapping.
 */
import * as path from 'node:path';
import { findConfigFile, loadConfig, resolveFor, type ConfigProblem, type EffectiveOptions, type LoadedConfig } from '../config/index.js';
import { lintFiles, type LintOptions } from '../engine/index.js';
import type { WorkerPool } from './worker-pool.js';
import type { LintCache } from './cache-option.js';
import type { LintReport, Rule, RuleMeta, SeveritySetting } from '../engine/types.js';
import { escapeControl, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';
import { DEFAULT_TARGET } from '../versions/version.js';

export interface CliLintOptions {
  /** Set only when given on the command line (so a config file's target is not overridden by the default). */
  target?: string;
  from?: string;
  configId?: string;
  root?: string;
  /** --config FILE: one configuration for every file, no search. */
  config?: string;
  reportUnusedDisables?: boolean;
  /** --rule RULE=SEVERITY: wins over the configuration file. */
  severities?: Record<string, SeveritySetting>;
}

export interface LintGroup {
  files: string[];
  options: Omit<LintOptions, 'host' | 'rules'>;
  effective: EffectiveOptions;
}

export function planLint(files: string[], cli: CliLintOptions, host: FileHost, rules: readonly { meta: RuleMeta }[]): { groups: LintGroup[]; problems: ConfigProblem[]; ignored: string[] } {
  const loaded = new Map<string, LoadedConfig | null>();
  const problems: ConfigProblem[] = [];
  const load = (file: string | null): LoadedConfig | null => {
    if (!file) return null;
    if (!loaded.has(file)) {
      const r = loadConfig(file, host, rules);
      if ('problems' in r) {
        problems.push(...r.problems);
        loaded.set(file, null);
      } else loaded.set(file, r);
    }
    return loaded.get(file) ?? null;
  };
  const groups = new Map<string, LintGroup>();
  const ignored: string[] = [];
  for (const file of files) {
    const eff = effectiveFor(file, cli, host, load);
    if (eff.ignored) {
      ignored.push(file);
      continue;
    }
    const options = toLintOptions(eff, cli);
    const key = JSON.stringify(options);
    const g = groups.get(key) ?? { files: [], options, effective: eff };
    g.files.push(file);
    groups.set(key, g);
  }
  return { groups: [...groups.values()], problems, ignored };
}

export function effectiveFor(file: string, cli: CliLintOptions, host: FileHost, load: (f: string | null) => LoadedConfig | null): EffectiveOptions {
  const configFile = cli.config !== undefined ? path.resolve(cli.config) : findConfigFile(file, host);
  return resolveFor(file, load(configFile));
}

export function toLintOptions(eff: EffectiveOptions, cli: CliLintOptions): LintGroup['options'] {
  const target = cli.target ?? eff.target ?? DEFAULT_TARGET;
  const root = cli.root ?? eff.root;
  return {
    target,
    ...(cli.from !== undefined ? { from: cli.from } : {}),
    ...(cli.configId !== undefined ? { configId: cli.configId } : eff.configIds ? { configIds: eff.configIds } : {}),
    ...(root !== undefined ? { root } : {}),
    ...(eff.paths?.length ? { paths: eff.paths } : {}),
    ...(Object.keys(eff.severities).length || cli.severities ? { severities: { ...eff.severities, ...cli.severities } } : {}),
    ...(Object.keys(eff.ruleOptions).length ? { ruleOptions: eff.ruleOptions } : {}),
    ...(cli.reportUnusedDisables ? { reportUnusedDisables: true } : {}),
  };
}

/**
 * Lint every group and merge the reports; configuration problems make the report unusable (null).
 * `known`: every rule id the configuration file may name (the cluster rules too), default `rules`.
 */
export async function lintPlanned(
  files: string[],
  cli: CliLintOptions,
  host: FileHost,
  rules: Rule[],
  stderr: (s: string) => void,
  cwd: string,
  extra: Pick<LintOptions, 'onFile'> = {},
  known: readonly { meta: RuleMeta }[] = rules,
  pool: WorkerPool | null = null,
  cache: LintCache | null = null,
): Promise<LintReport | null> {
  const plan = planLint(files, cli, host, known);
  const otherRuleIds = known.filter((k) => !rules.some((r) => r.meta.id === k.meta.id)).map((k) => k.meta.id);
  for (const p of plan.problems) stderr(`${shownPath(p.file, cwd)}:${p.line}:${p.column}: error: ${escapeControl(p.message)}\n`);
  if (plan.problems.length) return null;
  const report: LintReport = { results: [], errors: [], sources: new Map() };
  const lintGroup = (g: LintGroup): Promise<LintReport> => {
    const options: LintOptions = { host, rules, ...g.options, ...extra, ...(otherRuleIds.length ? { otherRuleIds } : {}) };
    const lintEntry = cache ? cache.runner(host, cwd, rules, options, pool) : pool ? pool.entryRunner(cwd, rules, options) : undefined;
    return lintFiles(g.files, lintEntry ? { ...options, lintEntry, concurrentEntries: pool !== null } : options);
  };
  // With worker threads every group's files go to the pool at once; the merge keeps group order.
  const reports: LintReport[] = [];
  if (pool) reports.push(...(await Promise.all(plan.groups.map(lintGroup))));
  else for (const g of plan.groups) reports.push(await lintGroup(g));
  for (const r of reports) {
    report.results.push(...r.results);
    report.errors.push(...r.errors);
    for (const [f, t] of r.sources) report.sources.set(f, t);
  }
  report.results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return report;
}
