/**
 * What the language server knows about the configs open in the editor: each one loaded through the
 * one loader (src/load/) with the open buffers laid over the files on disk, linted as `lint`
 * lints it (its .keepalived-lint.yaml, --root/`paths:`, target, config-ids), and kept for the
 * requests that follow (hover, completion, definitions). Example: keepalived.conf open, including
 * conf.d/a.conf -> one Analysis for keepalived.conf whose findings cover both files; opening
 * conf.d/a.conf afterwards re-uses that entry instead of linting the fragment on its own.
 */
import * as path from 'node:path';
import { lintFiles, type Diagnostic, type Rule, type RuleMeta } from '../engine/index.js';
import { isLoadedConfig, Loader, OptionsResolver, type CliOptions, type LoadedConfig } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import { overlayHost } from '../source/overlay-host.js';

/** How many folders above an opened file a keepalived.conf that includes it is looked for. */
const INCLUDER_LEVELS = 3;

export interface Analysis {
  entry: string;
  /** The config as loaded, null when it could not be (its error is then a finding on the entry). */
  loaded: LoadedConfig | null;
  /** Findings by file, for every file read (an empty list clears what an editor shows). */
  diagnostics: Map<string, Diagnostic[]>;
  /** Problems of the .keepalived-lint.yaml that applies, by that file. */
  configProblems: Map<string, { line: number; column: number; message: string }[]>;
  /** Version of each open buffer the analysis read. */
  versions: Map<string, number>;
}

export interface WorkspaceOptions {
  base: FileHost;
  rules: Rule[];
  /** Every rule id a configuration file or a disable comment may name (the cluster rules too). */
  known: readonly { meta: RuleMeta }[];
  cli: CliOptions;
}

export class Workspace {
  /** Open buffers: text and version by absolute path. */
  readonly open = new Map<string, { text: string; version: number }>();
  private readonly analyses = new Map<string, Analysis>();
  private readonly tried = new Set<string>();

  constructor(private readonly o: WorkspaceOptions) {}

  /** The config an open file is read through: an open config that includes it, else the file itself. */
  entryFor(file: string): string {
    for (const a of this.analyses.values())
      if (a.entry !== file && a.loaded?.files.has(file) && this.analyses.has(a.entry)) return a.entry;
    return file;
  }

  /** The latest analysis that read this file, if any. */
  analysisOf(file: string): Analysis | undefined {
    return this.analyses.get(this.entryFor(file));
  }

  /** Whether the analysis of `file` read every open buffer as it is now. */
  isFresh(file: string): boolean {
    const a = this.analysisOf(file);
    if (!a) return false;
    for (const [f, v] of a.versions) if (this.open.get(f)?.version !== v) return false;
    return !this.open.has(file) || a.versions.has(file);
  }

  /**
   * For a file opened before the config that includes it (conf.d/a.conf): the analysis of the
   * keepalived.conf in its folder or up to INCLUDER_LEVELS folders above that includes it, null when
   * none does. Tried once per file; a config that does not include it is not kept.
   */
  async includer(file: string): Promise<Analysis | null> {
    if (this.tried.has(file) || this.analyses.has(file) || path.basename(file) === 'keepalived.conf') return null;
    this.tried.add(file);
    let dir = path.dirname(file);
    for (let i = 0; i < INCLUDER_LEVELS; i++) {
      const candidate = path.join(dir, 'keepalived.conf');
      if (!this.analyses.has(candidate) && this.o.base.stat(candidate).kind === 'file') {
        const a = await this.analyze(candidate);
        if (a.loaded?.files.has(file)) return a;
        this.analyses.delete(candidate);
      }
      const up = path.dirname(dir);
      if (up === dir) break;
      dir = up;
    }
    return null;
  }

  /** Drop what is known of a config no open buffer reads. */
  forget(entry: string): void {
    this.analyses.delete(entry);
  }

  /** The configs analysed so far (each entry once). */
  entries(): string[] {
    return [...this.analyses.keys()];
  }

  /** Load and lint the config `file` is read through, with the open buffers over the disk. */
  async analyze(file: string): Promise<Analysis> {
    const entry = this.entryFor(file);
    const versions = new Map<string, number>();
    const overlay = new Map<string, string>();
    for (const [f, doc] of this.open) {
      overlay.set(f, doc.text);
      versions.set(f, doc.version);
    }
    const over = overlayHost(this.o.base, overlay);
    // An open buffer of a file on disk keeps the file's mode (a script's executable bit is a finding).
    const host: FileHost = {
      ...over,
      stat: (f) => {
        const st = this.o.base.stat(f);
        return st.kind === 'file' ? st : over.stat(f);
      },
    };
    const resolver = new OptionsResolver(host, this.o.known);
    const { options, effective } = resolver.resolve(entry, this.o.cli);
    const configProblems = new Map<string, { line: number; column: number; message: string }[]>();
    for (const p of resolver.problems) configProblems.set(p.file, [...(configProblems.get(p.file) ?? []), p]);
    const diagnostics = new Map<string, Diagnostic[]>();
    const analysis: Analysis = { entry, loaded: null, diagnostics, configProblems, versions };
    if (effective.ignored) {
      this.analyses.set(entry, analysis);
      return analysis;
    }
    const loader = new Loader(host, true);
    const ruleIds = new Set(this.o.rules.map((r) => r.meta.id));
    const otherRuleIds = this.o.known.filter((k) => !ruleIds.has(k.meta.id)).map((k) => k.meta.id);
    const report = await lintFiles([entry], {
      ...options,
      host,
      rules: this.o.rules,
      loader,
      ...(otherRuleIds.length ? { otherRuleIds } : {}),
    });
    const loaded = await loader.load(entry, options);
    if (isLoadedConfig(loaded)) {
      analysis.loaded = loaded;
      for (const f of loaded.files.keys()) diagnostics.set(f, []);
    }
    diagnostics.set(entry, diagnostics.get(entry) ?? []);
    for (const r of report.results) diagnostics.set(r.file, [...(diagnostics.get(r.file) ?? []), ...r.diagnostics]);
    for (const e of report.errors) errorFinding(diagnostics, e.file, e.message);
    // An entry that another open config includes is analysed there from now on.
    this.analyses.set(entry, analysis);
    for (const f of diagnostics.keys()) if (f !== entry && this.analyses.get(f)?.entry === f) this.analyses.delete(f);
    return analysis;
  }
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
