/**
 * One lint of an open config, as `lint` lints it (its .keepalived-lint.yaml, --root/`paths:`,
 * target, config-ids), with the editor's buffers laid over the files on disk; plain data in and
 * out, so that it runs on the language server's lint thread (src/lsp/lint-thread.ts) and the
 * main thread keeps answering the editor. Example: { entry: conf.d/a.conf, findIncluder: true }
 * -> the lint of ../keepalived.conf, which includes it: findings for both files.
 */
import * as path from 'node:path';
import { lintFiles, type Diagnostic, type Rule, type RuleMeta } from '../engine/index.js';
import { isLoadedConfig, Loader, OptionsResolver, type CliOptions, type LoadedConfig } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import { overlayHost } from '../source/overlay-host.js';
import { findIncluder } from './includer.js';
import { aloneFindings } from './alone.js';

export interface OpenBuffer {
  text: string;
  version: number;
}

export interface LintSettings {
  base: FileHost;
  rules: readonly Rule[];
  /** Every rule id a configuration file or a disable comment may name (the cluster rules too). */
  known: readonly { meta: RuleMeta }[];
  cli: CliOptions;
}

export interface LintTask {
  /** The config to lint (or, with findIncluder, the file opened alone whose includer is looked for). */
  entry: string;
  /** Look for a config that includes `entry` first (a file opened with no config above it). */
  findIncluder?: boolean;
  /** `entry` is a file opened alone whose includer was looked for and not found. */
  alone?: boolean;
  /** The editor's workspace folders: the includer search stays inside the one holding the file. */
  roots?: string[];
  open: [string, OpenBuffer][];
  /** The config reads a big buffer: its lint takes seconds (src/lsp/linter.ts lowers its thread). */
  big?: boolean;
}

export type ConfigProblems = [string, { line: number; column: number; message: string }[]][];

/** What one lint found: structured-clone data (it crosses from the lint thread). */
export interface LintResult {
  entry: string;
  /** Findings by file, for every file read (an empty list clears what an editor shows). */
  diagnostics: [string, Diagnostic[]][];
  /** Problems of the .keepalived-lint.yaml that applies, by that file. */
  configProblems: ConfigProblems;
  /** Version of each open buffer the lint read. */
  versions: [string, number][];
  /** Every file the config read (its includes, its scripts), and which of them are scripts. */
  files: string[];
  scriptFiles: string[];
  /** The file was opened alone and no config including it was found: linted on its own. */
  alone?: boolean;
}

/** The file host a lint reads: the open buffers over the disk, each keeping its file's mode. */
export function openHost(base: FileHost, open: Iterable<[string, OpenBuffer]>): FileHost {
  const overlay = new Map<string, string>();
  for (const [f, doc] of open) overlay.set(f, doc.text);
  const over = overlayHost(base, overlay);
  // An open buffer of a file on disk keeps the file's mode (a script's executable bit is a finding).
  return {
    ...over,
    stat: (f) => {
      const st = base.stat(f);
      return st.kind === 'file' ? st : over.stat(f);
    },
  };
}

/** Load and lint `task.entry` (or the config found to include it). */
export async function analyze(s: LintSettings, task: LintTask): Promise<LintResult> {
  const host = openHost(s.base, task.open);
  let entry = task.entry;
  let alone = task.alone === true;
  if (task.findIncluder) {
    const found = await findIncluder(host, s.cli, s.known, task.entry, task.roots ?? []);
    if (found) entry = found;
    else alone = true;
  }
  const versions: [string, number][] = task.open.map(([f, doc]) => [f, doc.version]);
  const resolver = new OptionsResolver(host, s.known);
  const { options, effective } = resolver.resolve(entry, s.cli);
  const configProblems = new Map<string, { line: number; column: number; message: string }[]>();
  for (const p of resolver.problems) {
    const list = configProblems.get(p.file);
    if (list) list.push(p);
    else configProblems.set(p.file, [p]);
  }
  const diagnostics = new Map<string, Diagnostic[]>();
  const result = (loaded: LoadedConfig | null): LintResult => ({
    entry,
    diagnostics: [...diagnostics],
    configProblems: [...configProblems],
    versions,
    files: loaded ? [...loaded.files.keys()] : [entry],
    scriptFiles: loaded ? [...loaded.scriptFiles] : [],
    ...(alone ? { alone } : {}),
  });
  if (effective.ignored) return result(null);
  const loader = new Loader(host, true);
  const ruleIds = new Set(s.rules.map((r) => r.meta.id));
  const otherRuleIds = s.known.filter((k) => !ruleIds.has(k.meta.id)).map((k) => k.meta.id);
  const report = await lintFiles([entry], {
    ...options,
    host,
    rules: [...s.rules],
    loader,
    ...(otherRuleIds.length ? { otherRuleIds } : {}),
  });
  const r = await loader.load(entry, options);
  const loaded = isLoadedConfig(r) ? r : null;
  if (loaded) for (const f of loaded.files.keys()) diagnostics.set(f, []);
  diagnostics.set(entry, diagnostics.get(entry) ?? []);
  for (const x of report.results) {
    const list = diagnostics.get(x.file);
    if (list) list.push(...x.diagnostics);
    else diagnostics.set(x.file, [...x.diagnostics]);
  }
  for (const e of report.errors) errorFinding(diagnostics, e.file, e.message);
  if (alone && loaded) diagnostics.set(entry, aloneFindings(loaded, diagnostics.get(entry) ?? []));
  return result(loaded);
}

/** A file the loader could not use: one error at its start, as `lint` exits 2 with it. */
function errorFinding(diagnostics: Map<string, Diagnostic[]>, file: string, message: string): void {
  const at = { line: 1, column: 1 };
  diagnostics.set(file, [
    ...(diagnostics.get(file) ?? []),
    {
      ruleId: 'keepalived-lint',
      severity: 'error',
      message: `${path.basename(file)}: ${message}`,
      file,
      range: { start: 0, end: 0 },
      start: at,
      end: at,
    },
  ]);
}
