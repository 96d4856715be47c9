/**
 * Runs the rules over one config, once per config-id its `@id` lines name plus once with none of
 * them, and merges the findings: a finding seen in some passes only lists the config-ids it applies
 * to. Example: a file with `@lb1` and `@lb2` lines is read three times (lb1, lb2, and any other id),
 * and `priority 300` under `@lb1` is reported once with configIds ["lb1"].
 */
import * as path from 'node:path';
import type { PreprocessResult, SourceFile } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import { forEachStatement } from '../model/memo.js';
import { namedBlocks, type ScriptRef } from '../model/scripts.js';
import { insideSkipped, skippedBlocks } from '../model/skipped-blocks.js';
import type { ScriptStore } from '../scripts/store.js';
import type { keywordTable } from '../versions/keyword-table.js';
import type { Version } from '../versions/version.js';
import {
  isLoadedConfig,
  loadConfig,
  resolveTarget,
  type LoadedConfig,
  type LoadOptions,
  type Loader,
} from '../load/index.js';
import { applySuppressions, DIRECTIVE_RULE_ID } from './suppressions.js';
import type { Diagnostic, LintReport, Report, Rule, RuleContext, ScriptsContext, Severity } from './types.js';
import type { Origin } from '../load/index.js';
import { findingIdentity, isToken, toDiagnostic } from './diagnostic.js';

export * from './types.js';
export { findingIdentity, oneLine, toDiagnostic } from './diagnostic.js';

export { MAX_CONFIG_IDS } from '../load/index.js';
/**
 * Findings of one rule in one file. A real config with one problem repeated in each of its
 * instances stays below; a ~SEQ of 100,000 misspelt lines would print 100,000 identical findings
 * (and keep them in memory). The rest are summed up in one finding of budget-exceeded.
 */
export const MAX_FINDINGS_PER_RULE_AND_FILE = 1_000;
const BUDGET_RULE_ID = 'budget-exceeded';

/** The label for the pass that uses a config-id no `@id` line names. */
export const OTHER_CONFIG_ID = '(other)';

export interface LintOptions extends LoadOptions {
  host: FileHost;
  rules: Rule[];
  /** Loads for the run (a config read once for lint, --cluster and --with-keepalived); default: a plain load. */
  loader?: Loader;
  /** Called as each file given to lintFiles starts (progress display). */
  onFile?: (file: string) => void;
  /** Rule ids a disable comment may name that these passes do not run (the cluster rules): not unknown, never "unused"
   * here. */
  otherRuleIds?: readonly string[];
  /**
   * Lint one entry file somewhere else (a worker thread: src/cli/worker-pool.ts) instead of here.
   * The entries of one call then run concurrently; the merge stays here, in entry order.
   */
  lintEntry?: (abs: string) => Promise<EntryResult>;
  /** With lintEntry: start every entry at once (worker threads); else one after the other. */
  concurrentEntries?: boolean;
}

/** What linting one entry file gives: plain data, so that it can come back from a worker thread. */
export interface EntryOutcome {
  diagnostics: Diagnostic[];
  /** The text of every file read for it (the config, its includes, the scripts), by path. */
  files: Map<string, string>;
  /** The files of `files` that are scripts the config runs (shell comments, not keepalived's). */
  scripts: Set<string>;
}
export type EntryResult = EntryOutcome | { error: string };

export { defaultRoot, resolveTarget } from '../load/index.js';

export async function lintFiles(paths: string[], opts: LintOptions): Promise<LintReport> {
  const report: LintReport = { results: [], errors: [], sources: new Map() };
  const byFile = new Map<string, Diagnostic[]>();
  const seenFindings = new Set<string>();
  const entries = [...new Set(paths.map((p) => path.resolve(opts.host.cwd(), p)))];
  const outcomes = new Map<string, EntryOutcome>();
  const scripts = new Set<string>();
  const one = async (abs: string): Promise<EntryResult> => {
    // On worker threads, the pool says when the entry really starts (a worker takes it).
    if (!opts.concurrentEntries) opts.onFile?.(abs);
    try {
      return await (opts.lintEntry ? opts.lintEntry(abs) : lintEntry(abs, opts));
    } catch (e) {
      return internalError(e);
    }
  };
  const done: EntryResult[] = [];
  if (opts.concurrentEntries) done.push(...(await Promise.all(entries.map(one))));
  else for (const abs of entries) done.push(await one(abs));
  entries.forEach((abs, i) => {
    const r = done[i]!;
    if ('error' in r) report.errors.push({ file: abs, message: r.error });
    else outcomes.set(abs, r);
  });
  // A file that another linted config includes is linted where it is included, not on its own
  // (a fragment of a block is not a valid config by itself).
  const included = new Set<string>();
  for (const [abs, r] of outcomes) for (const f of r.files.keys()) if (f !== abs) included.add(f);
  for (const [abs, r] of outcomes) {
    if (included.has(abs)) continue;
    for (const [f, text] of r.files) report.sources.set(f, text);
    for (const f of r.scripts) scripts.add(f);
    if (!byFile.has(abs)) byFile.set(abs, []);
    for (const d of r.diagnostics) {
      const list = byFile.get(d.file) ?? [];
      const key = findingIdentity(d);
      if (!seenFindings.has(key)) {
        seenFindings.add(key);
        list.push(d);
      }
      byFile.set(d.file, list);
    }
  }
  const results = [...byFile].map(([file, diagnostics]) => ({ file, diagnostics }));
  const directiveRule = opts.rules.find((r) => r.meta.id === DIRECTIVE_RULE_ID) ?? null;
  const suppressed = await applySuppressions(
    { results, sources: report.sources, scripts },
    {
      ruleIds: [...opts.rules.map((r) => r.meta.id), ...(opts.otherRuleIds ?? [])],
      notRun: new Set(opts.otherRuleIds),
      directiveRule,
      severity: opts.severities?.[DIRECTIVE_RULE_ID],
      reportUnused: opts.reportUnusedDisables ?? false,
    },
  );
  for (const { file, diagnostics } of suppressed)
    report.results.push({ file, diagnostics: diagnostics.sort(byPosition) });
  report.results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return report;
}

/** A bug of ours must not cost the other files their lint, nor print a stack trace. */
export function internalError(e: unknown): { error: string } {
  return {
    error:
      `internal error while linting this file (${e instanceof Error ? e.message : String(e)}); ` +
      `please report it with the file`,
  };
}

/** Lint one entry file: every config-id pass, its includes and scripts. */
export async function lintEntry(abs: string, opts: LintOptions): Promise<EntryResult> {
  const r = await lintOne(abs, opts);
  if ('error' in r) return r;
  return {
    diagnostics: r.diagnostics,
    files: new Map([...r.files].map(([f, sf]) => [f, sf.text])),
    scripts: r.scripts,
  };
}

interface OneResult {
  diagnostics: Diagnostic[];
  files: Map<string, SourceFile>;
  scripts: Set<string>;
}

async function lintOne(abs: string, opts: LintOptions): Promise<OneResult | { error: string }> {
  const loaded = await (opts.loader ? opts.loader.load(abs, opts) : loadConfig(abs, opts, opts.host));
  if ('error' in loaded) return loaded;
  if (!isLoadedConfig(loaded)) return { diagnostics: [], files: new Map(), scripts: new Set() };
  return { diagnostics: lintLoaded(loaded, opts), files: loaded.files, scripts: loaded.scriptFiles };
}

/**
 * The findings of the rules over a loaded config: each pass linted, and a finding seen in some
 * passes only lists the config-ids it applies to.
 */
export function lintLoaded(
  loaded: LoadedConfig,
  opts: Pick<LintOptions, 'rules' | 'severities' | 'ruleOptions' | 'from'>,
): Diagnostic[] {
  const { passes, files, target, table } = loaded;
  const merged: { d: Diagnostic; ids: Set<string> }[] = [];
  const index = new Map<string, { d: Diagnostic; ids: Set<string> }>();
  // What the statementLocal rules reported per top-level block, for the passes that share it.
  const local: LocalReports | null = passes.length > 1 ? new Map() : null;
  for (const pass of passes) {
    const label = pass.id ?? OTHER_CONFIG_ID;
    const scripts = scriptsContext(pass.tree, pass.refs, loaded.scripts, loaded.allNames);
    for (const d of runRules(pass.pre, pass.tree, scripts, pass.id, target, table, opts, files, local)) {
      const key = findingIdentity(d);
      const hit = index.get(key);
      if (hit) hit.ids.add(label);
      else {
        const entry = { d, ids: new Set([label]) };
        index.set(key, entry);
        merged.push(entry);
      }
    }
  }
  const allIds = passes.map((p) => p.id ?? OTHER_CONFIG_ID);
  const diagnostics = merged.map(({ d, ids }) =>
    passes.length > 1 && ids.size < passes.length ? { ...d, configIds: allIds.filter((x) => ids.has(x)) } : d,
  );
  return capFindings(diagnostics, opts, files);
}

/**
 * At most MAX_FINDINGS_PER_RULE_AND_FILE findings of a rule in a file, the first by position, and
 * one finding of budget-exceeded where the rest begins. Deterministic, so that every -j agrees.
 */
function capFindings(
  diagnostics: Diagnostic[],
  opts: Pick<LintOptions, 'rules' | 'severities'>,
  files: Map<string, SourceFile>,
): Diagnostic[] {
  const count = new Map<string, number>();
  let over = false;
  for (const d of diagnostics) {
    const key = `${d.ruleId}\0${d.file}`;
    const n = (count.get(key) ?? 0) + 1;
    count.set(key, n);
    if (n > MAX_FINDINGS_PER_RULE_AND_FILE) over = true;
  }
  if (!over) return diagnostics;
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const key = `${d.ruleId}\0${d.file}`;
    const g = groups.get(key);
    if (g) g.push(d);
    else groups.set(key, [d]);
  }
  const budgetRule = opts.rules.find((r) => r.meta.id === BUDGET_RULE_ID);
  const configured = opts.severities?.[BUDGET_RULE_ID];
  const out: Diagnostic[] = [];
  for (const g of groups.values()) {
    if (g.length <= MAX_FINDINGS_PER_RULE_AND_FILE) {
      out.push(...g);
      continue;
    }
    g.sort((a, b) => byPosition(a, b) || a.range.end - b.range.end);
    out.push(...g.slice(0, MAX_FINDINGS_PER_RULE_AND_FILE));
    const first = g[MAX_FINDINGS_PER_RULE_AND_FILE]!;
    if (budgetRule && configured !== 'off') {
      const data = { rule: first.ruleId, limit: MAX_FINDINGS_PER_RULE_AND_FILE };
      const at = { file: first.file, start: first.range.start, end: first.range.end };
      out.push(
        toDiagnostic(budgetRule, configured ?? budgetRule.meta.severity, { messageId: 'findings', at, data }, files),
      );
    }
  }
  return out;
}

function scriptsContext(
  tree: ConfigTree,
  refs: ScriptsContext['refs'],
  store: ScriptStore<ScriptRef>,
  allNames: ReadonlySet<string>,
): ScriptsContext {
  return {
    refs,
    file: store.file,
    analysis: store.analysis,
    callers: store.callers,
    unpassedAnalysis: store.unpassedAnalysis,
    named: namedBlocks(tree),
    allNames,
  };
}

/** Per statementLocal rule: the reports of its statement hook over each top-level block and what it holds. */
type LocalReports = Map<string, Map<Statement, readonly Report[]>>;

const NO_REPORTS: readonly Report[] = Object.freeze([]);

/**
 * The statement hook of a statementLocal rule in a run that shares its reports with other passes:
 * at each top-level statement, either the reports kept for it (the same block in another pass:
 * given again, the hook skipped for the block) or a new list that keeps what the hook reports.
 */
class LocalHook {
  /** The reports being kept for `top`'s block (null: given again, the hook is not run). */
  capture: Report[] | null = null;
  private top: Statement | null = null;

  constructor(
    readonly hook: (s: Statement) => void,
    private readonly byTop: Map<Statement, readonly Report[]>,
    private readonly report: (r: Report) => void,
  ) {}

  /** At a top-level statement, and once after the last (null). */
  enter(top: Statement | null): void {
    if (this.capture && this.top) this.byTop.set(this.top, this.capture.length ? this.capture : NO_REPORTS);
    this.capture = null;
    this.top = top;
    if (!top) return;
    const known = this.byTop.get(top);
    if (!known) {
      this.capture = [];
      return;
    }
    this.top = null;
    for (let i = 0; i < known.length; i++) this.report(known[i]!);
  }

  statement(s: Statement): void {
    if (this.capture) this.hook(s);
  }
}

function runRules(
  pre: PreprocessResult,
  tree: ConfigTree,
  scripts: ScriptsContext,
  configId: string | null,
  target: Version,
  table: ReturnType<typeof keywordTable>,
  opts: Pick<LintOptions, 'rules' | 'severities' | 'ruleOptions' | 'from'>,
  files: Map<string, SourceFile>,
  /** Shared with the other passes of the config (null: one pass). */
  local: LocalReports | null = null,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const groups: EarliestFindings[] = [];
  const position = (o: Origin) => {
    const sf = files.get(o.file);
    return sf ? sf.index.position(o.start) : { line: 1, column: 1 };
  };
  const everyStatement: ((s: Statement) => void)[] = [];
  const byKeyword = new Map<string, ((s: Statement) => void)[]>();
  const ends: (() => void)[] = [];
  const localHooks: LocalHook[] = [];
  for (const rule of opts.rules) {
    const configured = opts.severities?.[rule.meta.id];
    if (configured === 'off') continue;
    const built = new Map<string, EarliestFindings>();
    let localHook: LocalHook | undefined;
    const ctx: RuleContext = {
      target,
      from: opts.from !== undefined ? resolveTarget(opts.from) : null,
      table,
      tree,
      // Made when a rule asks (a pass of a shared reading makes its list then).
      get lines() {
        return pre.lines;
      },
      unterminated: pre.unterminated,
      problems: pre.problems,
      configId,
      options: opts.ruleOptions?.[rule.meta.id] ?? {},
      scripts,
      file: (p) => files.get(p),
      where: (o) => {
        const p = position(o);
        const sf = files.get(o.file);
        return `${sf ? displayName(o.file) : o.file}:${p.line}:${p.column}`;
      },
      report: (r: Report) => {
        localHook?.capture?.push(r);
        // The first cap+1 by position (+1, so that capFindings knows there are more), whatever
        // order the rule reports in (an end() hook may report the last line first). Past the
        // cap, a finding after the ones kept is not even built.
        const origin = isToken(r.at) ? r.at.origin : r.at;
        let kept = built.get(origin.file);
        if (!kept) {
          kept = new EarliestFindings(MAX_FINDINGS_PER_RULE_AND_FILE + 1);
          built.set(origin.file, kept);
          groups.push(kept);
        }
        if (kept.wouldKeep(origin.start))
          kept.add(toDiagnostic(rule, configured ?? r.severity ?? rule.meta.severity, r, files));
      },
    };
    const v = rule.create(ctx);
    if (v.statement && local && rule.meta.statementLocal) {
      let byTop = local.get(rule.meta.id);
      if (!byTop) local.set(rule.meta.id, (byTop = new Map()));
      localHook = new LocalHook(v.statement, byTop, ctx.report);
      localHooks.push(localHook);
    } else if (v.statement) everyStatement.push(v.statement);
    for (const [keyword, fn] of Object.entries(v.keywords ?? {})) {
      const list = byKeyword.get(keyword);
      if (list) list.push(fn);
      else byKeyword.set(keyword, [fn]);
    }
    if (v.end) ends.push(v.end);
  }
  // One walk over the statements for all rules, then each rule's end hook.
  forEachStatement(tree, (s) => {
    if (localHooks.length) {
      if (s.parent === null) for (let k = 0; k < localHooks.length; k++) localHooks[k]!.enter(s);
      for (let k = 0; k < localHooks.length; k++) localHooks[k]!.statement(s);
    }
    for (let k = 0; k < everyStatement.length; k++) everyStatement[k]!(s);
    const list = byKeyword.get(s.keyword.text);
    if (list) for (let k = 0; k < list.length; k++) list[k]!(s);
  });
  for (const h of localHooks) h.enter(null);
  for (const end of ends) end();
  for (const g of groups) out.push(...g.items());
  // keepalived never reads the inside of a block it skips: only the skip itself is reported.
  const skipped = skippedBlocks(tree, target);
  if (!skipped.length) return out;
  const inside = insideSkipped(skipped);
  return out.filter((d) => !inside(d.ruleId, d.file, d.range.start));
}

/** Position order of two findings of one rule in one file: offset, message, end (total, so every -j agrees). */
function byOffset(a: Diagnostic, b: Diagnostic): number {
  return (
    a.range.start - b.range.start ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0) ||
    a.range.end - b.range.end
  );
}

/**
 * The `size` earliest findings by position of one rule in one file, in a bounded max-heap (the
 * latest kept on top), so that memory stays bounded however many the rule reports. Until it is
 * full, the findings stay in the order they were reported.
 */
class EarliestFindings {
  private readonly heap: Diagnostic[] = [];
  private readonly keys = new Set<string>();
  private full = false;
  constructor(private readonly size: number) {}

  /** False when a finding starting at `start` would surely be dropped (not worth building). */
  wouldKeep(start: number): boolean {
    return !this.full || start <= this.heap[0]!.range.start;
  }

  add(d: Diagnostic): void {
    const h = this.heap;
    // The same finding again (a line read again through an expansion) is one finding, as the
    // merge of the passes counts it: repeats must not crowd out later ones.
    const key = findingIdentity(d);
    if (this.keys.has(key)) return;
    if (!this.full) {
      this.keys.add(key);
      h.push(d);
      if (h.length === this.size) {
        this.full = true;
        for (let i = (h.length >> 1) - 1; i >= 0; i--) this.down(i);
      }
      return;
    }
    if (byOffset(d, h[0]!) >= 0) return;
    const top = h[0]!;
    this.keys.delete(findingIdentity(top));
    this.keys.add(key);
    h[0] = d;
    this.down(0);
  }

  items(): Diagnostic[] {
    return this.full ? this.heap.slice().sort(byOffset) : this.heap;
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < h.length && byOffset(h[l]!, h[top]!) > 0) top = l;
      if (r < h.length && byOffset(h[r]!, h[top]!) > 0) top = r;
      if (top === i) return;
      [h[i], h[top]] = [h[top]!, h[i]!];
      i = top;
    }
  }
}

function displayName(file: string): string {
  return path.basename(file);
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (
    a.start.line - b.start.line ||
    a.start.column - b.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function countBySeverity(report: LintReport): Record<Severity, number> {
  const c: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const r of report.results) for (const d of r.diagnostics) c[d.severity]++;
  return c;
}
