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
import type { CliOptions } from '../load/index.js';
import { ruleDocsUrl } from '../format/common.js';
import type { FileHost } from '../source/host.js';
import { completions, documentSymbols, foldingRanges, hoverText } from './features.js';
import { definitionFor, hitAt, referencesFor } from './navigation.js';
import { offsetOf, originRange, pathToUri, toLsp, uriToPath } from './positions.js';
import { Workspace, type Analysis } from './workspace.js';
import { disableLineEdit } from './suppress.js';

/** How long the typing must stop before a buffer is linted again. */
export const DEBOUNCE_MS = 150;

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
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Files each entry last published findings for (to clear them when they go). */
  private readonly published = new Map<string, Set<string>>();
  /** The URI each open file came with (the editor's spelling wins over ours). */
  private readonly uris = new Map<string, string>();
  private readonly running = new Map<string, Promise<Analysis>>();

  constructor(
    private readonly connection: Connection,
    private readonly o: LspOptions,
    private readonly documents: (listen: (d: Documents) => void) => void,
  ) {
    this.workspace = new Workspace({ base: o.host, rules: o.rules, known: o.known, cli: o.cli });
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize(() => ({
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
    }));
    c.onShutdown(() => {
      this.shutdown = true;
      for (const t of this.timers.values()) clearTimeout(t);
      this.timers.clear();
    });
    const track = (d: TextDocument, delay: number) => {
      const file = uriToPath(d.uri);
      // Opening a buffer is also a change of its content: one lint for both.
      if (!file || this.workspace.open.get(file)?.version === d.version) return;
      this.uris.set(file, d.uri);
      this.workspace.open.set(file, { text: d.getText(), version: d.version });
      this.changed(file, d.languageId, delay);
    };
    this.documents((documents) => {
      documents.onDidOpen(({ document }) => track(document, 0));
      documents.onDidChangeContent(({ document }) => track(document, DEBOUNCE_MS));
      documents.onDidClose(({ document }) => {
        const file = uriToPath(document.uri);
        if (!file) return;
        this.workspace.open.delete(file);
        const a = this.workspace.analysisOf(file);
        if (a && !this.readsOpen(a)) {
          // No open buffer reads that config any more: forget it, and what it showed.
          clearTimeout(this.timers.get(a.entry));
          this.timers.delete(a.entry);
          this.workspace.forget(a.entry);
          for (const f of this.published.get(a.entry) ?? [])
            void this.connection.sendDiagnostics({ uri: this.uri(f), diagnostics: [] });
          this.published.delete(a.entry);
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
      const contents = hoverText(at.analysis.loaded!, at.hit);
      return contents.value ? { contents } : null;
    });
    c.onCompletion(async ({ textDocument, position }) => {
      const at = await this.at(textDocument.uri, position);
      return at ? completions(at.analysis.loaded!, at.file, at.offset) : [];
    });
    c.onDefinition(async ({ textDocument, position }) => {
      const at = await this.at(textDocument.uri, position);
      const o = at?.hit ? definitionFor(at.analysis.loaded!, at.hit) : null;
      return o && at ? this.location(at.analysis, o) : null;
    });
    c.onReferences(async ({ textDocument, position, context }) => {
      const at = await this.at(textDocument.uri, position);
      if (!at?.hit) return [];
      return referencesFor(at.hit, context.includeDeclaration)
        .map((o) => this.location(at.analysis, o))
        .filter((l) => l !== null);
    });
    c.onDocumentSymbol(async ({ textDocument }) => {
      const file = uriToPath(textDocument.uri);
      const a = file ? await this.fresh(file) : null;
      return file && a?.loaded ? documentSymbols(a.loaded, file) : [];
    });
    c.onFoldingRanges(async ({ textDocument }) => {
      const file = uriToPath(textDocument.uri);
      const a = file ? await this.fresh(file) : null;
      return file && a?.loaded ? foldingRanges(a.loaded, file) : [];
    });
    c.onCodeAction(async ({ textDocument, context }) => {
      const file = uriToPath(textDocument.uri);
      const a = file ? await this.fresh(file) : null;
      if (!file || !a) return [];
      return this.codeActions(a, file, textDocument.uri, context.diagnostics);
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

  private run(file: string): Promise<Analysis> {
    const entry = this.workspace.entryFor(file);
    const before = this.running.get(entry) ?? Promise.resolve(null);
    const next = before
      .catch(() => null)
      .then(async () => (await this.workspace.includer(entry)) ?? this.workspace.analyze(entry))
      .then((a) => {
        // Closed while it was linted: nothing to show.
        if (this.readsOpen(a)) this.publish(a);
        else this.workspace.forget(a.entry);
        return a;
      });
    this.running.set(entry, next);
    next.catch((e: unknown) => this.o.log?.(`keepalived-lint lsp: ${e instanceof Error ? e.message : String(e)}\n`));
    return next;
  }

  /** Whether an open buffer is among the files the config read. */
  private readsOpen(a: Analysis): boolean {
    for (const f of a.diagnostics.keys()) if (this.workspace.open.has(f)) return true;
    return false;
  }

  /** The analysis of `file` with every open buffer as it is now (a pending lint runs at once). */
  private async fresh(file: string): Promise<Analysis | null> {
    const entry = this.workspace.entryFor(file);
    const timer = this.timers.get(entry);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(entry);
      return this.run(entry);
    }
    const pending = this.running.get(entry);
    if (pending) await pending.catch(() => null);
    if (this.workspace.isFresh(file)) return this.workspace.analysisOf(file) ?? null;
    return this.run(entry);
  }

  private async at(uri: string, position: { line: number; character: number }) {
    const file = uriToPath(uri);
    if (!file) return null;
    const analysis = await this.fresh(file);
    const source = analysis?.loaded?.files.get(file);
    if (!analysis?.loaded || !source) return null;
    const offset = offsetOf(source, position);
    return { analysis, file, offset, hit: hitAt(analysis.loaded, file, offset) };
  }

  private uri(file: string): string {
    return this.uris.get(file) ?? pathToUri(file);
  }

  private location(a: Analysis, o: { file: string; start: number; end: number }) {
    const range = a.loaded ? originRange(a.loaded.files, o) : null;
    return range ? { uri: this.uri(o.file), range } : null;
  }

  private publish(a: Analysis): void {
    const files = new Set([...a.diagnostics.keys(), ...a.configProblems.keys()]);
    for (const [file, list] of a.diagnostics)
      void this.connection.sendDiagnostics({ uri: this.uri(file), diagnostics: list.map((d) => this.toLsp(d)) });
    for (const [file, problems] of a.configProblems)
      void this.connection.sendDiagnostics({
        uri: this.uri(file),
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
    for (const file of this.published.get(a.entry) ?? [])
      if (!files.has(file)) void this.connection.sendDiagnostics({ uri: this.uri(file), diagnostics: [] });
    this.published.set(a.entry, files);
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
  private codeActions(a: Analysis, file: string, uri: string, asked: LspDiagnostic[]): CodeAction[] {
    const mine = a.diagnostics.get(file) ?? [];
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
      if (disabled.has(d.ruleId) || !a.loaded) continue;
      disabled.add(d.ruleId);
      const source = a.loaded.files.get(file);
      if (!source) continue;
      const edit = disableLineEdit(source.text, d.start.line, d.ruleId, a.loaded.scriptFiles.has(file));
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
