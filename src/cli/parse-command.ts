/**
 * `keepalived-lint parse FILE`: the expanded tree as JSON, crossplane-style. Example node:
 *   {"keyword":"priority","args":["100"],"file":"k.conf","line":4,"column":5}
 * Value blocks list their data lines under "values"; nodes produced by $definitions or ~SEQ name
 * the expansions under "via".
 */
import type { Expansion, SourceFile, Token } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import type { Statement } from '../load/index.js';
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
  return {
    file: displayPath(file, o.cwd),
    configId: o.configId,
    target,
    files: [...loaded.files.keys()].filter((f) => !loaded.scriptFiles.has(f)).map((f) => displayPath(f, o.cwd)),
    scripts: [...loaded.scriptFiles].map((f) => displayPath(f, o.cwd)),
    conditionIds: [...pass.pre.conditionIds].sort(),
    config: tree.top.map(node),
  };
}
