/**
 * What the language server's main thread knows about the configs open in the editor: the open
 * buffers, the last finished lint of each config (from the lint thread, src/lsp/linter.ts), and
 * the model the editor's requests are answered from: the config loaded through the one loader
 * (src/load/) with the buffers over the disk, no rule run, once per change of the buffers. A buffer
 * too big to load in well under a second (BIG_TEXT: ~1,000 instances) is read in part: the
 * top-level block a request falls in (src/lsp/outline.ts), the rest blanked. Example:
 * keepalived.conf open, including conf.d/a.conf -> one lint for keepalived.conf whose findings
 * cover both files; opening conf.d/a.conf afterwards is read through keepalived.conf.
 */
import { isLoadedConfig, Loader, OptionsResolver, type CliOptions, type LoadedConfig } from '../load/index.js';
import type { RuleMeta } from '../engine/index.js';
import type { FileHost } from '../source/host.js';
import { LineIndex } from '../source/line-index.js';
import { openHost, type LintResult, type OpenBuffer } from './analyze.js';
import { outline, windowText, type OutlineBlock } from './outline.js';

/**
 * Above this many characters an open buffer is never loaded whole on the main thread: loading takes
 * ~0.2 ms per instance of ~210 characters, so 256 KiB (~1,200 instances) is ~0.25 s.
 */
export const BIG_TEXT = 256 * 1024;

export interface Finished extends LintResult {
  fileSet: Set<string>;
}

export interface WorkspaceOptions {
  base: FileHost;
  known: readonly { meta: RuleMeta }[];
  cli: CliOptions;
}

export class Workspace {
  /** Open buffers: text and version by absolute path. */
  readonly open = new Map<string, OpenBuffer>();
  /** Files opened alone for which no including config was found. */
  readonly alone = new Set<string>();
  private readonly results = new Map<string, Finished>();
  /** Bumped at every change of an open buffer: the models of an older one are stale. */
  private generation = 0;
  private readonly models = new Map<string, { key: string; loaded: Promise<LoadedConfig | null> }>();
  private readonly outlines = new Map<string, { version: number; blocks: OutlineBlock[] }>();
  private readonly indexes = new Map<string, { version: number; index: LineIndex }>();

  constructor(private readonly o: WorkspaceOptions) {}

  setOpen(file: string, doc: OpenBuffer | null): void {
    if (doc) this.open.set(file, doc);
    else this.open.delete(file);
    this.generation++;
  }

  /** The config an open file is read through: a config whose last lint read it, else the file itself. */
  entryFor(file: string): string {
    for (const r of this.results.values()) if (r.entry !== file && r.fileSet.has(file)) return r.entry;
    return file;
  }

  /** The last finished lint that read this file, if any. */
  resultOf(file: string): Finished | undefined {
    return this.results.get(this.entryFor(file));
  }

  /** Keep a finished lint; an entry it includes is read through it from now on. */
  finished(r: LintResult): Finished {
    const f: Finished = { ...r, fileSet: new Set(r.files) };
    this.results.set(r.entry, f);
    for (const file of r.files) if (file !== r.entry && this.results.has(file)) this.results.delete(file);
    return f;
  }

  /** Drop what is known of a config no open buffer reads. */
  forget(entry: string): void {
    this.results.delete(entry);
    this.models.delete(entry);
  }

  /** The configs linted so far (each entry once). */
  entries(): string[] {
    return [...this.results.keys()];
  }

  /** Whether the buffer is too big to be loaded whole on the main thread. */
  isBig(file: string): boolean {
    return (this.open.get(file)?.text.length ?? 0) > BIG_TEXT;
  }

  /** The blocks of an open buffer (a cheap reading, kept per version). */
  outlineOf(file: string): OutlineBlock[] | null {
    const doc = this.open.get(file);
    if (!doc) return null;
    const known = this.outlines.get(file);
    if (known?.version === doc.version) return known.blocks;
    const blocks = outline(doc.text);
    this.outlines.set(file, { version: doc.version, blocks });
    return blocks;
  }

  /** The lines of an open buffer (kept per version). */
  lineIndex(file: string): LineIndex | null {
    const doc = this.open.get(file);
    if (!doc) return null;
    let known = this.indexes.get(file);
    if (known?.version !== doc.version)
      this.indexes.set(file, (known = { version: doc.version, index: new LineIndex(doc.text) }));
    return known.index;
  }

  /**
   * The config `file` is read through, loaded with the open buffers as they are now (no rule run),
   * for a request at `offset` of `file`: a big buffer is loaded in part (see BIG_TEXT).
   */
  model(file: string, offset: number | null): Promise<LoadedConfig | null> {
    const entry = this.entryFor(file);
    const parts: string[] = [];
    const windows: { file: string; blocks: OutlineBlock[]; at: number }[] = [];
    const reads = this.results.get(entry)?.fileSet;
    for (const [f, doc] of this.open) {
      // A big buffer this config does not read is left as it is: the loader never reads it.
      if (doc.text.length <= BIG_TEXT || (f !== file && f !== entry && !reads?.has(f))) continue;
      const blocks = this.outlineOf(f) ?? [];
      // Only the block the request falls in is kept, and nothing of another big buffer.
      const at = f === file && offset !== null ? offset : -1;
      const inBlock = blocks.find((b) => b.start <= at && at <= b.end);
      parts.push(`${f}@${inBlock ? inBlock.start : `line${at}`}`);
      windows.push({ file: f, blocks, at });
    }
    const key = `${this.generation}|${parts.join('|')}`;
    const known = this.models.get(entry);
    if (known?.key === key) return known.loaded;
    const open = new Map(this.open);
    for (const w of windows) {
      const doc = this.open.get(w.file)!;
      open.set(w.file, { text: windowText(doc.text, w.blocks, w.at, BIG_TEXT / 4), version: doc.version });
    }
    const host = openHost(this.o.base, open);
    const { options } = new OptionsResolver(host, this.o.known).resolve(entry, this.o.cli);
    const windowed = windows.map((w) => w.file);
    const loaded = new Loader(host)
      .load(entry, options)
      .then((r) => (isLoadedConfig(r) ? this.ownLines(r, windowed) : null))
      .catch(() => null);
    this.models.set(entry, { key, loaded });
    return loaded;
  }

  /** A config loaded from windowed buffers, with each buffer's own text and lines back in place. */
  private ownLines(loaded: LoadedConfig, windowed: readonly string[]): LoadedConfig {
    if (!windowed.length) return loaded;
    const files = new Map(loaded.files);
    for (const f of windowed) {
      const source = files.get(f);
      const doc = this.open.get(f);
      if (!source || !doc) continue;
      let index = this.indexes.get(f);
      if (index?.version !== doc.version)
        this.indexes.set(f, (index = { version: doc.version, index: new LineIndex(doc.text) }));
      files.set(f, { ...source, text: doc.text, index: index.index });
    }
    return { ...loaded, files };
  }
}
