/**
 * How a file is read and checked: its .keepalived-lint.yaml (the nearest above it, or --config),
 * that file's `overrides`, then the command line, which wins. Example: hosts/lb1/keepalived/x.conf
 * under a config file with `target: bookworm` and `paths: {"/etc/keepalived/":
 * "hosts/{host}/keepalived/"}`, `--target 2.0.10` given -> { target: '2.0.10', paths: [{ from:
 * '/etc/keepalived/', to: '<repo>/hosts/lb1/keepalived/' }] }.
 */
import * as path from 'node:path';
import {
  findConfigFile,
  loadConfig as loadConfigFile,
  resolveFor,
  type ConfigProblem,
  type EffectiveOptions,
  type LoadedConfig as LoadedConfigFile,
} from '../config/index.js';
import type { RuleMeta, SeveritySetting } from '../rule-api/index.js';
import type { FileHost } from '../source/host.js';
import { DEFAULT_TARGET } from '../versions/version.js';
import type { PathMapping } from '../source/paths.js';

/** How one file is read: the loading half of what resolveOptions gives (rule settings aside). */
export interface ReadOptions {
  /** A keepalived version ("2.2.7") or a distribution ("bookworm"); default DEFAULT_TARGET. */
  target?: string;
  /** The folder that stands for `/`; default: R when the config is at R/etc/keepalived/..., else `/`. */
  root?: string;
  /** Router folders that live elsewhere in the checkout (`paths:` in .keepalived-lint.yaml). */
  paths?: PathMapping[];
  /** `systemPaths:`: router folders whose programs are not looked for in a repository (default SYSTEM_PATHS). */
  systemPaths?: string[];
  /** Read for this config-id only. */
  configId?: string;
  /** Read for exactly these config-ids (instead of every id the `@` lines name, plus none). */
  configIds?: string[];
  /** Read only the pass for none of the ids the `@` lines name (parse prints that one pass). */
  otherPassOnly?: boolean;
  /**
   * Read several config-id passes once for all when the `@id` lines allow it (default true; false
   * reads each pass alone: the tests compare the two).
   */
  sharePasses?: boolean;
}

/** What the command line says; set only when given (so a config file's value is not overridden by a default). */
export interface CliOptions {
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

/** Everything about how one file is read and linted. */
export interface LoadOptions extends ReadOptions {
  /** The version the config runs on now (--from): rules add what changes on the way to target. */
  from?: string;
  severities?: Record<string, SeveritySetting>;
  /** Options by rule id (validated against each rule's schema when the config file was loaded). */
  ruleOptions?: Record<string, Record<string, unknown>>;
  /** --report-unused-disables: a keepalived-lint disable comment that suppresses nothing is a finding. */
  reportUnusedDisables?: boolean;
}

export interface ResolvedOptions {
  options: LoadOptions;
  /** What the configuration file says for the file (ignored, cluster, which file). */
  effective: EffectiveOptions;
}

/**
 * Resolves options for many files, loading each configuration file once. Problems in a
 * configuration file are collected (`problems`) and that file then counts as absent.
 */
export class OptionsResolver {
  readonly problems: ConfigProblem[] = [];
  /** What the configuration files use but say (a target outside the known releases), each once. */
  readonly warnings: ConfigProblem[] = [];
  private readonly loaded = new Map<string, LoadedConfigFile | null>();

  constructor(
    private readonly host: FileHost,
    private readonly rules: readonly { meta: RuleMeta }[],
  ) {}

  /** The configuration file `file` (null: none) as loaded, null when it has problems. */
  configFile(file: string | null): LoadedConfigFile | null {
    if (!file) return null;
    if (!this.loaded.has(file)) {
      const r = loadConfigFile(file, this.host, this.rules);
      if ('problems' in r) {
        this.problems.push(...r.problems);
        this.loaded.set(file, null);
      } else {
        this.warnings.push(...(r.warnings ?? []));
        this.loaded.set(file, r);
      }
    }
    return this.loaded.get(file) ?? null;
  }

  effective(file: string, cli: CliOptions): EffectiveOptions {
    const configFile = cli.config !== undefined ? path.resolve(cli.config) : findConfigFile(file, this.host);
    return resolveFor(file, this.configFile(configFile));
  }

  resolve(file: string, cli: CliOptions): ResolvedOptions {
    const effective = this.effective(file, cli);
    return { options: toLoadOptions(effective, cli), effective };
  }
}

/** Options for one file (a one-off OptionsResolver): `problems` when its configuration file has some. */
export function resolveOptions(
  file: string,
  cli: CliOptions,
  host: FileHost,
  rules: readonly { meta: RuleMeta }[],
): ResolvedOptions | { problems: ConfigProblem[] } {
  const r = new OptionsResolver(host, rules);
  const out = r.resolve(file, cli);
  return r.problems.length ? { problems: r.problems } : out;
}

/** The configuration file's options for a file, the command line winning. */
export function toLoadOptions(eff: EffectiveOptions, cli: CliOptions): LoadOptions {
  const target = cli.target ?? eff.target ?? DEFAULT_TARGET;
  // --root, typed by the operator, wins over the file's root and its paths (command-line options win).
  const root = cli.root ?? eff.root;
  const paths = cli.root === undefined ? eff.paths : undefined;
  return {
    target,
    ...(cli.from !== undefined ? { from: cli.from } : {}),
    ...(cli.configId !== undefined ? { configId: cli.configId } : eff.configIds ? { configIds: eff.configIds } : {}),
    ...(root !== undefined ? { root } : {}),
    ...(paths?.length ? { paths } : {}),
    ...(eff.systemPaths ? { systemPaths: eff.systemPaths } : {}),
    ...(Object.keys(eff.severities).length || cli.severities
      ? { severities: { ...eff.severities, ...cli.severities } }
      : {}),
    ...(Object.keys(eff.ruleOptions).length ? { ruleOptions: eff.ruleOptions } : {}),
    ...(cli.reportUnusedDisables ? { reportUnusedDisables: true } : {}),
  };
}
