/**
 * `keepalived-lint parse FILE`: the expanded tree as JSON, crossplane-style. Example node:
 *   {"keyword":"priority","args":["100"],"file":"k.conf","line":4,"column":5}
 * Value blocks list their data lines under "values"; nodes produced by $definitions or ~SEQ name
 * the expansions under "via".
 *
 * `parse FILE --scripts`: what the script analysis saw instead of the tree (what the script rules
 * judge, so an operator can tell why a script is or is not checked). Per script: its callers and
 * what each passes, then per place the name arrives ($2, or field 2 of a FIFO line) every dispatch
 * with its literals and every opaque use with its reason, each at file:line:column. Example:
 *   {"script":"etc/keepalived/notify.sh","analyses":[{"arrives":"$2","dispatches":[{"kind":"case",
 *    "file":"etc/keepalived/notify.sh","line":2,"column":1,"hasDefault":false,"tests":[{"literal":"VI_1",...}]}],
 *    "opaque":[]}]}
 */
import type { Expansion, SourceFile, Token } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import type { LoadedConfig, LoadedPass, SkippedBlock, Statement } from '../load/index.js';
import type { Handoff, NameSource, ScriptAnalysis } from '../scripts/analyze.js';
import { hookLabel, type ScriptRef } from '../model/scripts.js';
import { isLoadedConfig, loadConfig, resolveOptions } from '../load/index.js';
import type { RuleMeta } from '../rule-api/index.js';
import { DEFAULT_TARGET } from '../versions/version.js';
import { displayPath } from '../format/index.js';

export interface ParseOptions {
  host: FileHost;
  /** Set when given on the command line (else .keepalived-lint.yaml's, or the default). */
  target?: string;
  configId: string | null;
  cwd: string;
  root?: string;
  /** --config FILE (default: the nearest .keepalived-lint.yaml above the file). */
  config?: string;
  /** Every rule, for validating the configuration file. */
  rules: readonly { meta: RuleMeta }[];
  /** --scripts: the script analysis instead of the tree. */
  scripts?: boolean;
}

interface JsonNode {
  keyword: string;
  args: string[];
  file: string;
  line: number;
  column: number;
  known: boolean;
  via?: string[];
  block?: JsonNode[];
  /** A top-level block keepalived skips unread: "duplicate" name, or "unnamed" (not one name). */
  skipped?: string;
  values?: { words: string[]; file: string; line: number; column: number; via?: string[] }[];
}

export async function parseToJson(file: string, o: ParseOptions) {
  // Read as lint reads it: the file's .keepalived-lint.yaml (paths:, root:, target:), the command line winning.
  const resolved = resolveOptions(
    file,
    {
      ...(o.target !== undefined ? { target: o.target } : {}),
      ...(o.root !== undefined ? { root: o.root } : {}),
      ...(o.configId !== null ? { configId: o.configId } : {}),
      ...(o.config !== undefined ? { config: o.config } : {}),
    },
    o.host,
    o.rules,
  );
  if ('problems' in resolved) return { problems: resolved.problems };
  const options =
    o.configId === null ? { ...resolved.options, configIds: undefined, otherPassOnly: true } : resolved.options;
  const loaded = await loadConfig(file, options, o.host);
  if ('error' in loaded) return { error: loaded.error };
  if (!isLoadedConfig(loaded)) return { error: 'is a script (#!), not a keepalived configuration' };
  // The pass for the config-id asked for, or for none of the ids the `@` lines name.
  const pass = loaded.passes[0]!;
  const { tree } = pass;
  const pre = { files: loaded.files };
  const target = options.target ?? DEFAULT_TARGET;
  const pos = (t: Token) => {
    const sf: SourceFile | undefined = pre.files.get(t.origin.file);
    const p = sf ? sf.index.position(t.origin.start) : { line: 1, column: 1 };
    return { file: displayPath(t.origin.file, o.cwd), line: p.line, column: p.column };
  };
  const via = (v: Expansion[]) =>
    v.length ? { via: v.map((e) => (e.kind === 'definition' ? `$${e.name}` : e.name)) } : {};
  const node = (s: Statement): JsonNode => ({
    keyword: s.keyword.text,
    args: s.args.map((a) => a.text),
    ...pos(s.keyword),
    known: s.def !== undefined,
    ...via(s.keyword.via),
    ...(s.def?.kind === 'block' ? { block: s.children.map(node) } : {}),
    ...(s.def?.kind === 'value_block'
      ? { values: s.values.map((l) => ({ words: l.tokens.map((t) => t.text), ...pos(l.tokens[0]!), ...via(l.via) })) }
      : {}),
  });
  if (o.scripts)
    return { file: displayPath(file, o.cwd), configId: o.configId, target, scripts: scriptsView(loaded, pass, o.cwd) };
  return {
    file: displayPath(file, o.cwd),
    configId: o.configId,
    target,
    files: [...loaded.files.keys()].filter((f) => !loaded.scriptFiles.has(f)).map((f) => displayPath(f, o.cwd)),
    scripts: [...loaded.scriptFiles].map((f) => displayPath(f, o.cwd)),
    conditionIds: [...pass.pre.conditionIds].sort(),
    config: withSkipped(tree.top.map(node), tree.skipped, node),
  };
}

/** The top-level blocks keepalived skips unread, in place, marked, without their lines. */
function withSkipped(top: JsonNode[], skipped: SkippedBlock[], node: (s: Statement) => JsonNode): JsonNode[] {
  const out = [...top];
  for (const k of [...skipped].reverse()) out.splice(k.topIndex, 0, { ...node(k.statement), skipped: k.reason });
  return out;
}

interface At {
  file: string;
  line: number;
  column: number;
}

/** Where the name arrives, as the script reads it: "$2", or field 2 of each FIFO line. */
function arrives(source: NameSource): string {
  return source.kind === 'fifo' ? 'field 2 of each FIFO line ("VI_1", with its quotes)' : `$${source.position}`;
}

/** The scripts of the pass, each once, in the order the config first runs them (see the header). */
function scriptsView(loaded: LoadedConfig, pass: LoadedPass, cwd: string) {
  const at = (file: string, offset: number): At => {
    const p = loaded.files.get(file)?.index.position(offset) ?? { line: 1, column: 1 };
    return { file: displayPath(file, cwd), line: p.line, column: p.column };
  };
  const byFile = new Map<string, ScriptRef[]>();
  for (const ref of pass.refs) {
    const f = loaded.scripts.file(ref);
    const list = f ? byFile.get(f.path) : undefined;
    if (list) list.push(ref);
    else if (f) byFile.set(f.path, [ref]);
  }
  return [...byFile].map(([scriptPath, refs]) => {
    const f = loaded.scripts.file(refs[0]!)!;
    // One analysis per place the name arrives (notify "/x.sh a" passes it in $4, FIFO in field 2),
    // and one for a hook that passes none where the script reads it ($2 stays empty there).
    const analyses = new Map<string, { source: NameSource; by: string[]; analysis: ScriptAnalysis }>();
    const add = (key: string, source: NameSource, analysis: ScriptAnalysis | null, by: string) => {
      if (!analysis) return;
      const e = analyses.get(key);
      if (e) e.by.push(by);
      else analyses.set(key, { source, by: [by], analysis });
    };
    for (const ref of refs) {
      if (ref.nameSource)
        add(`passed ${arrives(ref.nameSource)}`, ref.nameSource, loaded.scripts.analysis(ref), hookLabel(ref));
      if (ref.unpassedName)
        add(
          `unpassed ${arrives(ref.unpassedName)}`,
          ref.unpassedName,
          loaded.scripts.unpassedAnalysis(ref),
          `${hookLabel(ref)} (passes no name: ${arrives(ref.unpassedName)} stays empty)`,
        );
    }
    return {
      script: displayPath(scriptPath, cwd),
      deployed: f.deployed,
      exists: f.stat.kind === 'file',
      interpreter: f.interpreter,
      shell: f.shell,
      ...(f.readError ? { readError: f.readError } : {}),
      callers: refs.map((ref) => ({
        hook: hookLabel(ref),
        ...at(ref.statement.keyword.origin.file, ref.statement.keyword.origin.start),
        // null: this hook passes no name (notify_master & co., vrrp_script, start-up scripts).
        nameArrives: ref.nameSource ? arrives(ref.nameSource) : null,
        ...(ref.nameWritten ? { nameWritten: true } : {}),
        names: ref.names,
        args: ref.args.map((a) => a.text),
      })),
      // Why there is nothing to show, when there is not.
      ...(analyses.size
        ? {}
        : {
            notAnalysed: f.budget
              ? f.budget.reason
              : f.stat.kind !== 'file' || f.readError
                ? 'not read'
                : !f.shell
                  ? `not a shell script (${f.interpreter ?? 'binary'})`
                  : 'no caller passes an instance or group name to it',
          }),
      analyses: [...analyses.values()].map(({ source, by, analysis: a }) => ({
        arrives: arrives(source),
        by,
        parsed: a.parsed,
        ...(a.budget ? { notAnalysed: `${a.budget.reason} (${a.budget.cap})` } : {}),
        ...(a.syntaxError ? { syntaxError: at(scriptPath, a.syntaxError.start) } : {}),
        nameUsed: a.nameUsed,
        ...(a.defaulted ? { defaulted: true } : {}),
        ...nameFlow(a, scriptPath, at),
        ...(a.callees?.length
          ? {
              callees: a.callees.map((c) => ({
                script: displayPath(c.file.path, cwd),
                deployed: c.file.deployed,
                through: c.calls.map(({ file, handoff }) => ({
                  ...at(file.path, handoff.start),
                  ...handoffView(handoff),
                })),
                parsed: c.analysis.parsed,
                ...(c.analysis.budget ? { notAnalysed: `${c.analysis.budget.reason} (${c.analysis.budget.cap})` } : {}),
                ...(c.analysis.syntaxError ? { syntaxError: at(c.file.path, c.analysis.syntaxError.start) } : {}),
                ...nameFlow(c.analysis, c.file.path, at),
              })),
            }
          : {}),
      })),
    };
  });
}

/** What a program the name is handed to is, and where the name arrives in it. */
function handoffView(h: Handoff) {
  return {
    program: 'path' in h.program ? h.program.path : `(beside the script)/${h.program.besideScript}`,
    ...(h.function ? { function: h.function } : {}),
    ...(h.sourced ? { sourced: h.sourced } : {}),
    ...(h.quoted ? { quoted: true } : {}),
    arrives: `$${h.position}`,
    ...(h.fold ? { fold: h.fold } : {}),
    ...(h.strip ? { strip: h.strip } : {}),
  };
}

/** How the name flows through one analysed script: copies, dispatches, opaque uses, handoffs. */
function nameFlow(a: ScriptAnalysis, scriptPath: string, at: (file: string, offset: number) => At) {
  return {
    copies: a.copies.map((c) => ({ variable: c.variable, ...at(scriptPath, c.start) })),
    dispatches: a.dispatches.map((d) => ({
      kind: d.kind,
      ...at(scriptPath, d.start),
      hasDefault: d.hasDefault,
      tests: d.tests.map((t) => ({
        literal: t.literal.text,
        ...at(scriptPath, t.literal.start),
        construct: t.construct,
        ...(t.literal.glob ? { glob: true } : {}),
        ...(t.negated ? { negated: true } : {}),
        ...(t.missingQuotes ? { missingQuotes: true } : {}),
        ...(t.fold ? { fold: t.fold } : {}),
        ...(t.strip ? { strip: t.strip } : {}),
      })),
    })),
    opaque: a.opaque.map((x) => ({ why: x.why, ...at(scriptPath, x.start) })),
    interfaceUses: a.interfaceUses.map((x) => at(scriptPath, x.start)),
    handoffs: a.handoffs.map((h) => ({ ...at(scriptPath, h.start), ...handoffView(h) })),
  };
}
