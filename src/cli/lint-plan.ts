/**
 * Which options each linted file gets: its .keepalived-lint.yaml (nearest above it, or --config),
 * that file's `overrides`, then the command line. Files with the same options are linted together.
 * Example: hosts/lb1/... and hosts/lb2/... under one config with `paths: {"/etc/keepalived/":
 * "hosts/{host}/keepalived/"}` -> two groups, each with its own mapping.
 */
import * as path from 'node:path';
import type { ConfigProblem, EffectiveOptions, LoadedConfig } from '../config/index.js';
import { OptionsResolver, toLoadOptions, type CliOptions } from '../load/index.js';
import { findConfigFile, resolveFor } from '../config/index.js';
import { lintFiles, type LintOptions } from '../engine/index.js';
import type { WorkerPool } from './worker-pool.js';
import type { LintCache } from './cache-option.js';
import type { LintReport, Rule, RuleMeta } from '../engine/types.js';
import { escapeControl, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';

/** What the command line says (src/load/options.ts). */
export type CliLintOptions = CliOptions;

export interface LintGroup {
  files: string[];
  options: Omit<LintOptions, 'host' | 'rules'>;
  effective: EffectiveOptions;
}

/** What one configuration file did to the files linted under it (silencing is made visible: planNotes). */
interface ConfigEffect {
  files: number;
  ignored: string[];
  off: Set<string>;
  lowered: Set<string>;
}

export function planLint(
  files: string[],
  cli: CliLintOptions,
  host: FileHost,
  rules: readonly { meta: RuleMeta }[],
): {
  groups: LintGroup[];
  problems: ConfigProblem[];
  warnings: ConfigProblem[];
  ignored: string[];
  effects: Map<string, ConfigEffect>;
} {
  const resolver = new OptionsResolver(host, rules);
  const groups = new Map<string, LintGroup>();
  const ignored: string[] = [];
  const effects = new Map<string, ConfigEffect>();
  const defaults = new Map(rules.map((r) => [r.meta.id, r.meta.severity]));
  for (const file of files) {
    const eff = resolver.effective(file, cli);
    if (eff.configFile) {
      let e = effects.get(eff.configFile);
      if (!e) effects.set(eff.configFile, (e = { files: 0, ignored: [], off: new Set(), lowered: new Set() }));
      e.files++;
      if (eff.ignored) e.ignored.push(file);
      for (const [id, severity] of Object.entries(eff.severities)) {
        if (severity === 'off') e.off.add(id);
        else if (severity !== 'error' && defaults.get(id) === 'error') e.lowered.add(id);
      }
    }
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
  return { groups: [...groups.values()], problems: resolver.problems, warnings: resolver.warnings, ignored, effects };
}

/**
 * One line per configuration file that ignores linted files or turns rules off or below error: a
 * pull request that edits .keepalived-lint.yaml to silence the check shows in the CI log. Example:
 * ".keepalived-lint.yaml ignores all 3 linted files; turns off 2 rules: a, b".
 */
export function planNotes(effects: ReadonlyMap<string, ConfigEffect>, cwd: string): string[] {
  const notes: string[] = [];
  const names = (list: Iterable<string>) => [...list].sort().join(', ');
  for (const [configFile, e] of [...effects].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const parts: string[] = [];
    if (e.ignored.length) {
      const shown =
        e.ignored
          .slice(0, 3)
          .map((f) => shownPath(f, cwd))
          .join(', ') + (e.ignored.length > 3 ? ', ...' : '');
      parts.push(
        e.ignored.length === e.files
          ? `ignores all ${e.files} linted file${e.files === 1 ? '' : 's'}`
          : `ignores ${e.ignored.length} of ${e.files} linted files: ${shown}`,
      );
    }
    if (e.off.size)
      parts.push(`turns off ${e.off.size} rule${e.off.size === 1 ? '' : 's'}: ${escapeControl(names(e.off))}`);
    if (e.lowered.size)
      parts.push(
        `lowers ${e.lowered.size} rule${e.lowered.size === 1 ? '' : 's'} ` +
          `below error: ${escapeControl(names(e.lowered))}`,
      );
    if (parts.length) notes.push(`${shownPath(configFile, cwd)} ${parts.join('; ')}`);
  }
  return notes;
}

export function effectiveFor(
  file: string,
  cli: CliLintOptions,
  host: FileHost,
  load: (f: string | null) => LoadedConfig | null,
): EffectiveOptions {
  const configFile = cli.config !== undefined ? path.resolve(cli.config) : findConfigFile(file, host);
  return resolveFor(file, load(configFile));
}

export function toLintOptions(eff: EffectiveOptions, cli: CliLintOptions): LintGroup['options'] {
  return toLoadOptions(eff, cli);
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
  extra: Pick<LintOptions, 'onFile' | 'loader'> = {},
  known: readonly { meta: RuleMeta }[] = rules,
  pool: WorkerPool | null = null,
  cache: LintCache | null = null,
): Promise<LintReport | null> {
  const plan = planLint(files, cli, host, known);
  const otherRuleIds = known.filter((k) => !rules.some((r) => r.meta.id === k.meta.id)).map((k) => k.meta.id);
  printConfigProblems(plan, stderr, cwd);
  if (plan.problems.length) return null;
  for (const n of planNotes(plan.effects, cwd)) stderr(`keepalived-lint: note: ${n}\n`);
  const report: LintReport = { results: [], errors: [], sources: new Map() };
  const lintGroup = (g: LintGroup): Promise<LintReport> => {
    const options: LintOptions = {
      host,
      rules,
      ...g.options,
      ...extra,
      ...(otherRuleIds.length ? { otherRuleIds } : {}),
    };
    const lintEntry = cache
      ? cache.runner(host, cwd, rules, options, pool)
      : pool
        ? pool.entryRunner(cwd, rules, options)
        : undefined;
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

/** A configuration file's problems (errors) and warnings, as file:line:column lines on stderr. */
export function printConfigProblems(
  plan: { problems: readonly ConfigProblem[]; warnings: readonly ConfigProblem[] },
  stderr: (s: string) => void,
  cwd: string,
): void {
  for (const p of plan.problems)
    stderr(`${shownPath(p.file, cwd)}:${p.line}:${p.column}: error: ${escapeControl(p.message)}\n`);
  for (const p of plan.warnings)
    stderr(`${shownPath(p.file, cwd)}:${p.line}:${p.column}: warning: ${escapeControl(p.message)}\n`);
}
