/**
 * `keepalived-lint lsp`: a language server over stdio (vscode-languageserver). Every open config
 * is read through the one loader with the editor's buffers over the disk and linted as `lint`
 * would (src/lsp/workspace.ts); findings come back as diagnostics a moment after the typing stops,
 * and hover, completion, definitions, references, symbols and code actions answer from the same
 * loaded config. Example: didOpen keepalived.conf with `priorty 100` -> publishDiagnostics
 * [{ code: 'unknown-keyword', range 2:4-2:11, codeDescription.href: '.../unknown-keyword.md' }].
 */
import * as path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
// Types only: the libraries load when the server starts (runLanguageServer), so that the other
// commands never read them (start-up time; they stay outside the CLI bundle: scripts/bundle.mjs).
import type {
  CodeAction,
  Connection,
  DiagnosticSeverity,
  Diagnostic as LspDiagnostic,
  TextEdit,
} from 'vscode-languageserver/node.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, Rule, RuleMeta } from '../engine/index.js';
import type { CliOptions, LoadedConfig } from '../load/index.js';
import { ruleDocsUrl } from '../format/common.js';
import type { FileHost } from '../source/host.js';
import { completions, documentSymbols, foldingRanges, hoverText } from './features.js';
import { definitionFor, hitAt, referencesFor } from './navigation.js';
import { offsetInText, offsetOf, originRange, pathToUri, toLsp, uriToPath } from './positions.js';
import { Workspace, type Finished } from './workspace.js';
import type { LintTask } from './analyze.js';
import { InlineLinter, ThreadLinter, type Linter } from './linter.js';
import { outlineFolding, outlineSymbols } from './outline-features.js';
import { disableLineEdit } from './suppress.js';

/**
 * How long the typing must stop before a buffer is linted again: a small buffer's lint takes tens
 * of milliseconds and finishes between two keystrokes (fresh findings within 100 ms of one); a big
 * one's is a thread's work of seconds, which a newer keystroke would only cancel.
 */
export const DEBOUNCE_MS = 150;
export const SMALL_DEBOUNCE_MS = 40;
const SMALL_BUFFER = 64 * 1024;

export interface LspOptions {
  host: FileHost;
  rules: Rule[];
  known: readonly { meta: RuleMeta }[];
  cli: CliOptions;
  /** Where the rule pages are (the CLI's --rule-url-base, else the package's repository). */
  ruleUrlBase: string;
  input: AsyncIterable<Uint8Array | string>;
  output: (s: string) => void;
  log?: (s: string) => void;
  /**
   * Lint on a worker thread reading the disk from `cwd` (`host` is then the disk's); v8Flags: the
   * flags each thread sets again (CliIO.v8Flags).
   */
  threads?: { cwd: string; v8Flags?: readonly string[] };
}

/** Serve until the client sends `exit` or closes the input; the exit code the protocol asks for. */
export async function runLanguageServer(o: LspOptions): Promise<number> {
  const lib = await import('vscode-languageserver/node.js');
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const { createConnection, StreamMessageReader, StreamMessageWriter } = lib;
  const decoder = new StringDecoder('utf8');
  const writable = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      o.output(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      done();
    },
  });
  const reader = new StreamMessageReader(Readable.from(o.input));
  const connection = createConnection(reader, new StreamMessageWriter(writable));
  const server = new Server(connection, o, (listen) => {
    const documents = new lib.TextDocuments(TextDocument);
    listen(documents);
    documents.listen(connection);
  });
  server.listen();
  return new Promise<number>((resolve) => {
    connection.onExit(() => resolve(server.shutdown ? 0 : 1));
    reader.onClose(() => resolve(server.shutdown ? 0 : 1));
  });
}

const SEVERITY: Record<Diagnostic['severity'], DiagnosticSeverity> = { error: 1, warning: 2, info: 3 };
const QUICK_FIX = 'quickfix';
/** TextDocumentSyncKind.Incremental: the documents manager applies each edit to its copy. */
const INCREMENTAL = 2;

const CONFIG_FILE = /^\.keepalived-lint\.ya?ml$/;
/** Language ids of buffers that are never a keepalived config by themselves. */
const NOT_CONFIG = new Set(['yaml', 'json', 'jsonc', 'shellscript', 'sh', 'bash', 'python', 'perl', 'markdown']);

/** The open documents, as vscode-languageserver's manager reports them. */
interface Documents {
  onDidOpen(listener: (e: { document: TextDocument }) => void): unknown;
  onDidChangeContent(listener: (e: { document: TextDocument }) => void): unknown;
  onDidClose(listener: (e: { document: TextDocument }) => void): unknown;
}

class Server {
  shutdown = false;
  private readonly workspace: Workspace;
  private readonly linter: Linter;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files each entry last published findings for (to clear them when they go). */
  private readonly published = new Map<string, Set<string>>();
  /** The URI each open file came with (the editor's spelling wins over ours). */
  private readonly uris = new Map<string, string>();
  /** The latest lint asked for each entry: an older one that finishes later is not shown. */
  private readonly latest = new Map<string, number>();
  private runs = 0;
  /** The editor's workspace folders (the search for a config including a file stays inside them). */
  private roots: string[] = [];

  constructor(
    private readonly connection: Connection,
    private readonly o: LspOptions,
    private readonly documents: (listen: (d: Documents) => void) => void,
  ) {
    this.workspace = new Workspace({ base: o.host, known: o.known, cli: o.cli });
    this.linter = o.threads
      ? new ThreadLinter(
          {
            cli: o.cli,
            cwd: o.threads.cwd,
            ruleIds: o.rules.map((r) => r.meta.id),
            knownIds: o.known.map((k) => k.meta.id),
          },
          o.threads.v8Flags,
        )
      : new InlineLinter({ base: o.host, rules: o.rules, known: o.known, cli: o.cli });
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((params) => {
      const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
      this.roots = folders.map(uriToPath).filter((f): f is string => f !== null);
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: INCREMENTAL },
          hoverProvider: true,
          completionProvider: { triggerCharacters: [] },
          definitionProvider: true,
          referencesProvider: true,
          documentSymbolProvider: true,
          foldingRangeProvider: true,
          codeActionProvider: { codeActionKinds: [QUICK_FIX] },
        },
        serverInfo: { name: 'keepalived-lint' },
      };
    });
    c.onShutdown(() => {
      this.shutdown = true;
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
      this.linter.close();
    });
    const track = (d: TextDocument, delay: number) => {
      const file = uriToPath(d.uri);
      // Opening a buffer is also a change of its content: one lint for both.
      if (!file || this.workspace.open.get(file)?.version === d.version) return;
      this.uris.set(file, d.uri);
      this.workspace.setOpen(file, { text: d.getText(), version: d.version });
      this.changed(file, d.languageId, delay);
    };
    this.documents((documents) => {
      documents.onDidOpen(({ document }) => track(document, 0));
      documents.onDidChangeContent(({ document }) =>
        track(document, document.getText().length < SMALL_BUFFER ? SMALL_DEBOUNCE_MS : DEBOUNCE_MS),
      );
      documents.onDidClose(({ document }) => {
        const file = uriToPath(document.uri);
        if (!file) return;
        this.workspace.setOpen(file, null);
        const entry = this.workspace.entryFor(file);
        const r = this.workspace.resultOf(file);
        if (r ? !this.readsOpen(r) : !this.workspace.open.has(entry)) {
          // No open buffer reads that config any more: its lint stops, what it showed goes.
          clearTimeout(this.timers.get(entry));
          this.timers.delete(entry);
          this.latest.delete(entry);
          this.linter.cancel(entry);
          this.workspace.forget(entry);
          for (const f of this.published.get(entry) ?? [])
            void this.connection.sendDiagnostics({ uri: this.uri(f), diagnostics: [] });
          this.published.delete(entry);
        } else {
          // The disk's text is what the rest of the workspace reads now.
          this.changed(file, document.languageId, 0);
        }
        this.uris.delete(file);
      });
    });
    c.onHover(async ({ textDocument, position }) => {
      const at = await this.at(textDocument.uri, position);
      if (!at?.hit) return null;
      const contents = hoverText(at.loaded, at.hit);
      return contents.value ? { contents } : null;
    });
    c.onCompletion(async ({ textDocument, position }) => {
      const at = await this.at(textDocument.uri, position);
      return at ? completions(at.loaded, at.file, at.offset) : [];
    });
    c.onDefinition(async ({ textDocument, position }) => {
      const at = await this.at(textDocument.uri, position);
      const o = at?.hit ? definitionFor(at.loaded, at.hit) : null;
      return o && at ? this.location(at.loaded, o) : null;
    });
    c.onReferences(async ({ textDocument, position, context }) => {
      const at = await this.at(textDocument.uri, position);
      if (!at?.hit) return [];
      return referencesFor(at.hit, context.includeDeclaration)
        .map((o) => this.location(at.loaded, o))
        .filter((l) => l !== null);
    });
    c.onDocumentSymbol(async ({ textDocument }) => {
      const file = uriToPath(textDocument.uri);
      if (!file) return [];
      if (this.workspace.isBig(file)) return outlineSymbols(this.workspace, file, this.o);
      const loaded = await this.workspace.model(file, null);
      return loaded ? documentSymbols(loaded, file) : [];
    });
    c.onFoldingRanges(async ({ textDocument }) => {
      const file = uriToPath(textDocument.uri);
      if (!file) return [];
      if (this.workspace.isBig(file)) return outlineFolding(this.workspace, file);
      const loaded = await this.workspace.model(file, null);
      return loaded ? foldingRanges(loaded, file) : [];
    });
    c.onCodeAction(({ textDocument, context }) => {
      const file = uriToPath(textDocument.uri);
      const r = file ? this.workspace.resultOf(file) : undefined;
      if (!file || !r) return [];
      return this.codeActions(r, file, textDocument.uri, context.diagnostics);
    });
    c.listen();
  }

  /**
   * A buffer changed: lint what reads it. A .keepalived-lint.yaml applies to every open config; a
   * YAML, JSON or shell buffer that no open config reads is no config of its own.
   */
  private changed(file: string, languageId: string, delay: number): void {
    if (CONFIG_FILE.test(path.basename(file))) {
      for (const entry of this.workspace.entries()) this.schedule(entry, delay);
    } else if (this.workspace.entryFor(file) !== file || !NOT_CONFIG.has(languageId)) {
      this.schedule(file, delay);
    }
  }

  /** Lint the config `file` is read through after `delay` ms of quiet. */
  private schedule(file: string, delay: number): void {
    const entry = this.workspace.entryFor(file);
    clearTimeout(this.timers.get(entry));
    this.timers.set(
      entry,
      setTimeout(() => {
        this.timers.delete(entry);
        void this.run(entry);
      }, delay),
    );
  }

  /** Lint `entry` on the lint thread; its findings are published unless a newer lint was asked for. */
  private async run(entry: string): Promise<void> {
    const id = ++this.runs;
    this.latest.set(entry, id);
    const w = this.workspace;
    const reads = w.resultOf(entry)?.fileSet ?? new Set([entry]);
    const big = [...reads].some((f) => w.isBig(f));
    const task: LintTask = { entry, open: [...w.open], roots: this.roots, ...(big ? { big } : {}) };
    // A file opened alone, that no lint read yet: the config that includes it is looked for first.
    if (!w.resultOf(entry) && path.basename(entry) !== 'keepalived.conf') {
      if (w.alone.has(entry)) task.alone = true;
      else task.findIncluder = true;
    }
    try {
      const r = await this.linter.lint(entry, task);
      if (!r || this.latest.get(entry) !== id || this.timers.has(entry)) return;
      this.latest.delete(entry);
      if (r.alone) w.alone.add(entry);
      if (r.entry !== entry) this.latest.delete(r.entry);
      const f = w.finished(r);
      // Closed while it was linted: nothing to show.
      if (this.readsOpen(f)) this.publish(f);
      else w.forget(f.entry);
    } catch (e) {
      this.o.log?.(`keepalived-lint lsp: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }

  /** Whether an open buffer is among the files the config read. */
  private readsOpen(r: Finished): boolean {
    for (const f of r.fileSet) if (this.workspace.open.has(f)) return true;
    return this.workspace.open.has(r.entry);
  }

  /** The model of the config `uri` is read through, and what stands at `position`. */
  private async at(uri: string, position: { line: number; character: number }) {
    const file = uriToPath(uri);
    if (!file) return null;
    const text = this.workspace.open.get(file)?.text;
    const loaded = await this.workspace.model(file, text === undefined ? null : offsetInText(text, position));
    const source = loaded?.files.get(file);
    if (!loaded || !source) return null;
    const offset = offsetOf(source, position);
    return { loaded, file, offset, hit: hitAt(loaded, file, offset) };
  }

  private uri(file: string): string {
    return this.uris.get(file) ?? pathToUri(file);
  }

  private location(loaded: LoadedConfig, o: { file: string; start: number; end: number }) {
    const range = originRange(loaded.files, o);
    return range ? { uri: this.uri(o.file), range } : null;
  }

  private publish(r: Finished): void {
    const files = new Set([...r.diagnostics.map(([f]) => f), ...r.configProblems.map(([f]) => f)]);
    const versions = new Map(r.versions);
    const version = (file: string) => (versions.has(file) ? { version: versions.get(file)! } : {});
    for (const [file, list] of r.diagnostics)
      void this.connection.sendDiagnostics({
        uri: this.uri(file),
        ...version(file),
        diagnostics: list.map((d) => this.toLsp(d)),
      });
    for (const [file, problems] of r.configProblems)
      void this.connection.sendDiagnostics({
        uri: this.uri(file),
        ...version(file),
        diagnostics: problems.map((p) => {
          const at = toLsp(p);
          return {
            range: { start: at, end: at },
            severity: SEVERITY.error,
            source: 'keepalived-lint',
            message: p.message,
          };
        }),
      });
    for (const file of this.published.get(r.entry) ?? [])
      if (!files.has(file)) void this.connection.sendDiagnostics({ uri: this.uri(file), diagnostics: [] });
    this.published.set(r.entry, files);
  }

  private toLsp(d: Diagnostic): LspDiagnostic {
    const known = this.o.known.some((k) => k.meta.id === d.ruleId);
    return {
      range: { start: toLsp(d.start), end: toLsp(d.end) },
      severity: SEVERITY[d.severity],
      code: d.ruleId,
      ...(known ? { codeDescription: { href: ruleDocsUrl(d.ruleId, this.o.ruleUrlBase) } } : {}),
      source: 'keepalived-lint',
      message: d.configIds ? `${d.message} (config-ids: ${d.configIds.join(', ')})` : d.message,
      ...(d.related?.length
        ? {
            relatedInformation: d.related.map((r) => ({
              location: { uri: this.uri(r.file), range: { start: toLsp(r.start), end: toLsp(r.start) } },
              message: r.message,
            })),
          }
        : {}),
      data: { ruleId: d.ruleId, start: d.range.start, end: d.range.end },
    };
  }

  /** The fixes and suggestions of the findings asked about, and a disable comment for each rule. */
  private codeActions(r: Finished, file: string, uri: string, asked: LspDiagnostic[]): CodeAction[] {
    const mine = r.diagnostics.find(([f]) => f === file)?.[1] ?? [];
    const actions: CodeAction[] = [];
    const disabled = new Set<string>();
    for (const ld of asked) {
      const d = mine.find(
        (m) =>
          m.ruleId === ld.code &&
          m.start.line - 1 === ld.range.start.line &&
          m.start.column - 1 === ld.range.start.character,
      );
      if (!d) continue;
      const fixes = [...(d.fix ? [{ fix: d.fix, preferred: true }] : [])];
      for (const s of d.suggestions ?? []) fixes.push({ fix: s, preferred: false });
      for (const { fix, preferred } of fixes) {
        const changes: Record<string, TextEdit[]> = {};
        for (const e of fix.edits)
          (changes[this.uri(e.file)] ??= []).push({
            range: { start: toLsp(e.from), end: toLsp(e.to) },
            newText: e.text,
          });
        actions.push({
          title: preferred ? fix.message : `${fix.message} (changes what keepalived does)`,
          kind: QUICK_FIX,
          diagnostics: [ld],
          isPreferred: preferred,
          edit: { changes },
        });
      }
      if (disabled.has(d.ruleId)) continue;
      disabled.add(d.ruleId);
      const text = this.workspace.open.get(file)?.text ?? readText(this.o.host, file);
      if (text === null) continue;
      const edit = disableLineEdit(text, d.start.line, d.ruleId, r.scriptFiles.includes(file));
      if (edit)
        actions.push({
          title: `Disable ${d.ruleId} for this line`,
          kind: QUICK_FIX,
          diagnostics: [ld],
          edit: { changes: { [uri]: [edit] } },
        });
    }
    return actions;
  }
}

function readText(host: FileHost, file: string): string | null {
  const r = host.readText(file);
  return r.ok ? r.text : null;
}
