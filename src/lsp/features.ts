/**
 * The answers to the editor's questions, from a loaded config: hover (a keyword as the keyword
 * table describes it for the target, a name with where it is defined and used), completion (the
 * keywords of the enclosing block, the names a tracking block expects), document symbols. Example:
 * hover on `priority` inside vrrp_instance, target 2.2.7 -> "**priority** in `vrrp_instance` ...
 * 1 argument, 1 to 255 ... since 1.2.1 ... valid in 2.2.7".
 */
import * as path from 'node:path';
import type {
  CompletionItem,
  CompletionItemKind,
  DocumentSymbol,
  FoldingRange,
  InsertTextFormat,
  MarkupContent,
  SymbolKind,
} from 'vscode-languageserver';
import type { LoadedConfig, LoadedPass, Origin, Statement } from '../load/index.js';
import { collectReferences, KIND_LABEL, type DefinitionKind } from '../model/references.js';
import type { ScriptRef } from '../model/scripts.js';
import { formatVersion } from '../versions/version.js';
import type { BlockScope, KeywordDef, KeywordTable } from '../versions/keyword-table.js';
import { enclosingBlock, referencesFor, type Hit } from './navigation.js';
import { originRange } from './positions.js';

// The protocol's numbers (the library's enums are values: this module imports its types only).
const ITEM: Record<'module' | 'property' | 'value' | 'reference', CompletionItemKind> = {
  module: 9,
  property: 10,
  value: 12,
  reference: 18,
};
const SNIPPET: InsertTextFormat = 2;
const SYMBOL = { module: 2, namespace: 3, class: 5, field: 8, function: 12, object: 19, struct: 23 } as const;
export const SYMBOL_STRUCT: SymbolKind = SYMBOL.struct;

export function hoverText(loaded: LoadedConfig, hit: Hit): MarkupContent {
  const value =
    hit.kind === 'keyword'
      ? keywordHover(loaded, hit.statement)
      : hit.kind === 'word'
        ? keywordHover(loaded, hit.statement)
        : nameHover(loaded, hit);
  return { kind: 'markdown', value };
}

function scopeName(scopePath: string): string {
  return scopePath === '' ? 'the top level' : `\`${scopePath.replace(/\//g, ' > ')}\``;
}

/** A keyword as the table knows it, and the target's verdict. */
function keywordHover(loaded: LoadedConfig, st: Statement): string {
  const { table, target } = loaded;
  const name = st.keyword.text;
  const version = formatVersion(target);
  const def = st.def ?? table.lookupAnyVersion(st.scopePath, name);
  const lines: string[] = [];
  if (!def) {
    const elsewhere = table.findElsewhere(name);
    lines.push(`**${name}**: unknown in ${scopeName(st.scopePath)} for keepalived ${version}`);
    if (elsewhere.length) lines.push(`valid in: ${elsewhere.map((p) => scopeName(p)).join(', ')}`);
    return lines.join('\n\n');
  }
  lines.push(`**${def.name}** (${kindLabel(def)}) in ${scopeName(st.scopePath)}`);
  lines.push(...describeDef(def));
  lines.push(
    st.def
      ? `keepalived ${version} (target): valid here`
      : `keepalived ${version} (target): not read here (keepalived ${range(def)} only)`,
  );
  return lines.join('\n\n');
}

function kindLabel(def: KeywordDef): string {
  return def.kind === 'block' ? 'block' : def.kind === 'value_block' ? 'block of values' : 'keyword';
}

function range(def: KeywordDef): string {
  return def.until ? `${def.since} to ${def.until}` : `${def.since} and later`;
}

/** Arguments, numeric ranges, values, versions, deprecation: one markdown paragraph each. */
export function describeDef(def: KeywordDef): string[] {
  const out: string[] = [];
  const { min, max } = def.args;
  out.push(
    `arguments: ${min === max ? min : max === null ? `${min} or more` : `${min} to ${max}`}` +
      (def.script ? ' (a script command, then optionally USER [GROUP])' : ''),
  );
  for (const n of def.numeric ?? [])
    out.push(`argument ${n.index}: a number from ${n.min ?? '-inf'} to ${n.max ?? 'inf'}`);
  if (def.values?.length) out.push(`values: ${def.values.map((v) => `\`${v}\``).join(', ')}`);
  if (def.bool) out.push(`values: on, off, true, false, yes, no${def.bool === 'optional' ? ' (alone: true)' : ''}`);
  out.push(`versions: ${range(def)}`);
  if (def.deprecated)
    out.push(
      `deprecated${def.deprecated.since ? ` since ${def.deprecated.since}` : ''}` +
        (def.deprecated.replacement ? `: use \`${def.deprecated.replacement}\`` : '') +
        (def.deprecated.note ? ` (${def.deprecated.note})` : ''),
    );
  return out;
}

function where(loaded: LoadedConfig, o: Origin): string {
  const f = loaded.files.get(o.file);
  const p = f ? f.index.position(o.start) : { line: 1, column: 1 };
  return `${path.basename(o.file)}:${p.line}:${p.column}`;
}

/** A script path: where it is found, what keepalived passes it, the names its dispatches handle. */
function scriptHover(loaded: LoadedConfig, ref: ScriptRef): string {
  const f = loaded.scripts.file(ref);
  const lines = [`**${ref.command?.text ?? ''}** (${ref.hook} of ${ref.owner.kind} ${ref.owner.name})`.trim()];
  if (!f) return [...lines, 'not found in this checkout'].join('\n\n');
  lines.push(`found at ${f.path} (${f.located})`);
  if (ref.nameSource && ref.names.length)
    lines.push(`keepalived passes: ${ref.names.map((n) => `\`${n}\``).join(', ')}`);
  const a = loaded.scripts.analysis(ref);
  const handled = new Set(a?.dispatches.flatMap((d) => d.tests.map((t) => t.literal.text)) ?? []);
  if (handled.size) lines.push(`the script handles: ${[...handled].map((n) => `\`${n}\``).join(', ')}`);
  return lines.join('\n\n');
}

function nameHover(loaded: LoadedConfig, hit: Hit): string {
  if (hit.kind === 'script') return scriptHover(loaded, hit.ref);
  if (hit.kind === 'variable') {
    const uses = referencesFor(hit, false);
    return [
      `**$${hit.name}** (definition)`,
      hit.definedAt ? `defined at ${where(loaded, hit.definedAt)}` : 'not defined',
      `used ${uses.length} time${uses.length === 1 ? '' : 's'}: ${uses.map((u) => where(loaded, u)).join(', ')}`,
    ].join('\n\n');
  }
  if (hit.kind !== 'reference' && hit.kind !== 'definition') return '';
  const kind = hit.kind === 'reference' ? hit.reference.kind : hit.definition.kind;
  const name = hit.token.text;
  const refs = collectReferences(hit.pass.tree);
  const defs = refs.definitions.filter((d) => d.kind === kind && d.name === name);
  const uses = refs.references.filter((r) => r.kind === kind && r.name === name);
  return [
    `**${name}** (${KIND_LABEL[kind]})`,
    defs.length ? `defined at ${defs.map((d) => where(loaded, d.token.origin)).join(', ')}` : 'not defined',
    uses.length
      ? `used at ${uses.map((u) => `${where(loaded, u.token.origin)} (${u.keyword.keyword.text})`).join(', ')}`
      : 'not used',
  ].join('\n\n');
}

/** The value blocks whose lines start with the name of a definition of that kind, by the block they stand in. */
const NAME_BLOCKS: Record<string, { in: readonly string[]; kind: DefinitionKind }> = {
  track_script: { in: ['vrrp_instance', 'vrrp_sync_group'], kind: 'vrrp_script' },
  track_file: { in: ['vrrp_instance', 'vrrp_sync_group'], kind: 'track_file' },
  track_process: { in: ['vrrp_instance', 'vrrp_sync_group'], kind: 'track_process' },
  track_bfd: { in: ['vrrp_instance', 'vrrp_sync_group'], kind: 'bfd_instance' },
  group: { in: ['vrrp_sync_group'], kind: 'vrrp_instance' },
};

/**
 * The names a keyword takes as an argument (src/model/references.ts), by the block the line stands
 * in (null: the top level) and the text of the line before the cursor.
 */
const NAME_ARGUMENTS: { in: string | null; before: RegExp; kind: DefinitionKind }[] = [
  { in: null, before: /^\s*virtual_server\s+group\s+\S*$/, kind: 'virtual_server_group' },
  { in: 'FILE_CHECK', before: /^\s*track_file\s+\S*$/, kind: 'track_file' },
  { in: 'BFD_CHECK', before: /^\s*name\s+\S*$/, kind: 'bfd_instance' },
  { in: 'static_ipaddress', before: /\strack_group\s+\S*$/, kind: 'track_group' },
  { in: 'static_routes', before: /\strack_group\s+\S*$/, kind: 'track_group' },
  { in: 'static_rules', before: /\strack_group\s+\S*$/, kind: 'track_group' },
];

function nameItems(pass: LoadedPass, kind: DefinitionKind): CompletionItem[] {
  const names = new Set(
    collectReferences(pass.tree)
      .definitions.filter((d) => d.kind === kind)
      .map((d) => d.name),
  );
  return [...names].filter(Boolean).map((name) => ({ label: name, kind: ITEM.reference, detail: KIND_LABEL[kind] }));
}

/**
 * Completion at `offset` of `file`: the names a reference expects (track_script, sync-group members,
 * `virtual_server group`, ...), else the keywords of the block or a keyword's values.
 */
export function completions(loaded: LoadedConfig, file: string, offset: number): CompletionItem[] {
  const pass = loaded.passes[0];
  if (!pass) return [];
  const source = loaded.files.get(file);
  const before = source ? source.text.slice(source.index.lineStart(source.index.position(offset).line), offset) : '';
  const valueBlock = valueBlockAt(pass, file, offset);
  const inValues = valueBlock?.keyword.text ?? null;
  const argument = NAME_ARGUMENTS.find(
    (a) =>
      a.before.test(before) &&
      (a.in === null
        ? !valueBlock && !enclosingBlock(pass, file, offset)
        : a.in === inValues || a.in === enclosingBlock(pass, file, offset)?.keyword.text),
  );
  if (argument) return nameItems(pass, argument.kind);
  if (valueBlock) {
    const names = NAME_BLOCKS[valueBlock.keyword.text];
    const parent = valueBlock.parent?.keyword.text;
    return names && parent && names.in.includes(parent) ? nameItems(pass, names.kind) : [];
  }
  const block = enclosingBlock(pass, file, offset);
  const scope = scopeFor(loaded.table, block);
  if (!scope) return [];
  // After a keyword on its line: the words it accepts, when the table lists them.
  const typed = /^\s*(\S+)\s+\S*$/.exec(before);
  if (typed) {
    const def = scope.keywords.get(typed[1]!);
    const values = def?.values ?? (def?.bool ? ['on', 'off', 'true', 'false', 'yes', 'no'] : []);
    return values.map((v) => ({ label: v, kind: ITEM.value, detail: `${def!.name} value` }));
  }
  return [...scope.keywords.values()]
    .filter((d) => !d.deprecated)
    .map((d): CompletionItem => {
      const item: CompletionItem = {
        label: d.name,
        kind: d.kind === 'keyword' ? ITEM.property : ITEM.module,
        detail: `${kindLabel(d)} in ${scope.path || 'the top level'} (${range(d)})`,
        documentation: { kind: 'markdown', value: describeDef(d).join('\n\n') },
      };
      if (d.kind !== 'keyword') {
        const name = d.args.min > 0 ? ' ${1:NAME}' : '';
        item.insertText = `${d.name}${name} {\n\t$0\n}`;
        item.insertTextFormat = SNIPPET;
      } else if (d.values?.length) {
        item.insertText = `${d.name} \${1|${d.values.join(',')}|}`;
        item.insertTextFormat = SNIPPET;
      }
      return item;
    });
}

/** The value block (track_script { ... }) whose braces hold the offset. */
function valueBlockAt(pass: LoadedPass, file: string, offset: number): Statement | null {
  for (const st of pass.tree.all) {
    if (st.def?.kind !== 'value_block') continue;
    const open = st.open?.origin;
    const close = st.close?.origin;
    if (open?.file === file && open.end <= offset && (!close || (close.file === file && offset <= close.start)))
      return st;
  }
  return null;
}

function scopeFor(table: KeywordTable, block: Statement | null): BlockScope | undefined {
  if (!block) return table.top;
  return block.def?.kind === 'block' ? table.scopeOf(block.def) : undefined;
}

export const SYMBOL_KINDS: Record<string, SymbolKind> = {
  vrrp_instance: SYMBOL.class,
  vrrp_sync_group: SYMBOL.namespace,
  vrrp_script: SYMBOL.function,
  virtual_server: SYMBOL.object,
  virtual_server_group: SYMBOL.namespace,
  real_server: SYMBOL.field,
  global_defs: SYMBOL.module,
};

/** Each block written in `file` whose braces are on different lines folds. */
export function foldingRanges(loaded: LoadedConfig, file: string): FoldingRange[] {
  const source = loaded.files.get(file);
  const pass = loaded.passes[0];
  if (!source || !pass) return [];
  const out: FoldingRange[] = [];
  for (const st of pass.tree.all) {
    if (st.keyword.origin.file !== file || st.close?.origin.file !== file) continue;
    const startLine = source.index.position(st.keyword.origin.start).line - 1;
    const endLine = source.index.position(st.close.origin.start).line - 1;
    if (endLine > startLine) out.push({ startLine, endLine });
  }
  return out;
}

/** The blocks written in `file` (the first pass's reading), nested as they are. */
export function documentSymbols(loaded: LoadedConfig, file: string): DocumentSymbol[] {
  const pass = loaded.passes[0];
  if (!pass) return [];
  const symbol = (st: Statement): DocumentSymbol | null => {
    if (st.keyword.origin.file !== file || st.def?.kind !== 'block') return null;
    const selection = originRange(loaded.files, st.keyword.origin);
    const end = st.close?.origin.file === file ? st.close.origin : st.keyword.origin;
    const whole = originRange(loaded.files, { file, start: st.keyword.origin.start, end: end.end });
    if (!selection || !whole) return null;
    const children = st.children.map(symbol).filter((s): s is DocumentSymbol => s !== null);
    const detail = st.args.map((a) => a.text).join(' ');
    return {
      name: detail ? `${st.keyword.text} ${detail}` : st.keyword.text,
      kind: SYMBOL_KINDS[st.keyword.text] ?? SYMBOL.struct,
      range: whole,
      selectionRange: selection,
      ...(children.length ? { children } : {}),
    };
  };
  return pass.tree.top.map(symbol).filter((s): s is DocumentSymbol => s !== null);
}
