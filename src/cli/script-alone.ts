/**
 * A script named on the command line (`keepalived-lint etc/keepalived/notify.sh`, or a pre-commit
 * hook on a commit that changes only a script) is checked through the configs that run it: the
 * linted ones when one of them runs it, else those of its tree, found the way `lint DIR` finds
 * configs (src/cli/find-configs.ts: never outside the folder, no linked folder followed, a linked
 * file only inside it) and read with their own options. Its findings are the ones that point into
 * it, and the configs' findings whose related locations are in it (an instance it does not handle).
 * When no config runs it, a one-line note says it was not checked: silence would read as clean.
 *
 * The tree searched: the root (--root, or `root:` in .keepalived-lint.yaml), else the git
 * repository holding the script, else R for a script under R/etc/keepalived/, else the folder
 * being linted (the working directory, as `lint .`). Example, repo/etc/keepalived/notify.sh alone,
 * with repo/etc/keepalived/keepalived.conf and repo/lb2/keepalived.conf that runs it:
 *   -> the findings of lb2/keepalived.conf's lint that point into notify.sh, and the note
 *      "etc/keepalived/notify.sh: checked through the configuration that runs it: lb2/keepalived.conf"
 */
import * as path from 'node:path';
import { isLoadedConfig, Loader, OptionsResolver } from '../load/index.js';
import { isInside, repositoryOf } from '../source/confine.js';
import type { FileHost } from '../source/host.js';
import type { LintReport, Rule, RuleMeta } from '../engine/types.js';
import { shownPath } from '../format/index.js';
import { findConfigs } from './find-configs.js';
import { lintPlanned, type CliLintOptions } from './lint-plan.js';

export interface ScriptsAlone {
  /** The findings that point into the scripts, from the configs that run them; null: unusable options. */
  report: LintReport | null;
  /** The scripts checked, each with the configs it was checked through. */
  checked: Map<string, string[]>;
  /** The scripts no config of their tree runs, with the folder searched. */
  unchecked: Map<string, string>;
  /** The scripts their .keepalived-lint.yaml ignores (not searched), with that file. */
  ignored: Map<string, string>;
}

/** Configs named in a note: a few, then how many more. */
const SHOWN_CALLERS = 3;

export async function lintScriptsAlone(
  scripts: readonly string[],
  cli: CliLintOptions,
  host: FileHost,
  rules: Rule[],
  known: readonly { meta: RuleMeta }[],
  stderr: (s: string) => void,
  cwd: string,
): Promise<ScriptsAlone> {
  const resolver = new OptionsResolver(host, known);
  // Nothing kept: a repository of a thousand configs is read one at a time; the callers are read
  // again by their lint.
  const loader = new Loader(host, false);
  const reals = new Map<string, string>();
  const real = (f: string) => reals.get(f) ?? (reals.set(f, host.realpath(f)), reals.get(f)!);
  const byFolder = new Map<string, string[]>();
  const ignored = new Map<string, string>();
  for (const s of scripts) {
    const { options, effective } = resolver.resolve(s, cli);
    if (effective.ignored && effective.configFile) {
      ignored.set(s, effective.configFile);
      continue;
    }
    const folder = searchFolder(s, options.root, host, cwd);
    const list = byFolder.get(folder);
    if (list) list.push(s);
    else byFolder.set(folder, [s]);
  }
  const callers = new Map<string, string[]>([...byFolder.values()].flat().map((s) => [s, []]));
  const unchecked = new Map<string, string>();
  for (const [folder, wanted] of byFolder) {
    const byReal = new Map(wanted.map((s) => [real(s), s]));
    // Its errors and notes are about the tree, not about what was asked: the note below says what counts.
    const { files } = findConfigs([folder], host, cwd);
    const included = new Set<string>();
    for (const config of files) {
      const { options, effective } = resolver.resolve(config, cli);
      // An ignored config is not linted: the script would read as checked and clean.
      if (effective.ignored) continue;
      const loaded = await loader.load(config, options);
      if (!isLoadedConfig(loaded)) continue;
      for (const f of loaded.files.keys()) if (f !== config && !loaded.scriptFiles.has(f)) included.add(real(f));
      for (const f of loaded.scriptFiles) {
        const s = byReal.get(real(f));
        if (s !== undefined) callers.get(s)!.push(config);
      }
    }
    // A conf.d file that a config of the tree includes runs the script where it is included.
    for (const s of wanted) {
      const runs = callers.get(s)!.filter((c) => !included.has(real(c)));
      callers.set(s, runs);
      if (!runs.length) unchecked.set(s, folder);
    }
  }
  const entries = [...new Set([...callers.values()].flat())];
  const checked = new Map([...callers].filter(([, c]) => c.length));
  if (!entries.length) return { report: { results: [], errors: [], sources: new Map() }, checked, unchecked, ignored };
  const report = await lintPlanned(entries, cli, host, rules, stderr, cwd, {}, known);
  if (!report) return { report, checked, unchecked, ignored };
  // Only what points into the scripts (a finding in one, or one of the config's whose related
  // locations are in one: the instance a script does not handle): the configs were not asked for.
  const inScripts = new Set([...checked.keys()].map(real));
  const into = (f: string) => inScripts.has(real(f));
  const results = report.results
    .map((r) => ({
      file: r.file,
      diagnostics: r.diagnostics.filter((d) => into(d.file) || d.related?.some((x) => into(x.file))),
    }))
    .filter((r) => r.diagnostics.length || into(r.file));
  for (const s of checked.keys())
    if (!results.some((r) => real(r.file) === real(s))) results.push({ file: s, diagnostics: [] });
  const shown = new Set(results.map((r) => real(r.file)));
  const sources = new Map([...report.sources].filter(([f]) => shown.has(real(f))));
  // A caller that cannot be linted (an internal error) is said, as for any config.
  return { report: { results, errors: report.errors, sources }, checked, unchecked, ignored };
}

/** The folder whose configs may run `script` (see the header). */
function searchFolder(script: string, root: string | undefined, host: FileHost, cwd: string): string {
  if (root !== undefined && path.resolve(root) !== '/') return path.resolve(cwd, root);
  const repo = repositoryOf(script, host);
  if (repo !== null) return repo;
  const m = /^(.*)\/etc\/keepalived\//.exec(script);
  if (m) return m[1] ? m[1] : '/etc/keepalived';
  return isInside(script, cwd) ? cwd : path.dirname(script);
}

/** "notify.sh: checked through the configuration that runs it: keepalived.conf" */
export function checkedNote(script: string, configs: readonly string[], cwd: string): string {
  const shown = configs.slice(0, SHOWN_CALLERS).map((c) => shownPath(c, cwd));
  const more = configs.length > SHOWN_CALLERS ? ` and ${configs.length - SHOWN_CALLERS} more` : '';
  const what =
    configs.length === 1 ? 'the configuration that runs it' : `the ${configs.length} configurations that run it`;
  return `${shownPath(script, cwd)}: checked through ${what}: ${shown.join(', ')}${more}`;
}

/** "legacy/notify.sh: not checked: .keepalived-lint.yaml ignores it" */
export function ignoredNote(script: string, configFile: string, cwd: string): string {
  return `${shownPath(script, cwd)}: not checked: ${shownPath(configFile, cwd)} ignores it`;
}

/** "notify.sh: not checked: no keepalived configuration under repo runs this script" */
export function uncheckedNote(script: string, folder: string, cwd: string): string {
  return (
    `${shownPath(script, cwd)}: not checked: no keepalived configuration under ` +
    `${folder === cwd ? '.' : shownPath(folder, cwd)} runs this script (name a config that runs it, or --root)`
  );
}
