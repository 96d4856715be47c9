/**
 * What stands at a place in a loaded config: the statement and word under the cursor, the named
 * definitions and references (track_script -> vrrp_script, sync-group members -> instances, ...),
 * and the `$NAME` uses with their definitions. Example: the cursor on `chk_web` in
 * `track_script { chk_web }` -> { kind: 'reference', ref: vrrp_script chk_web } whose definition
 * is the name word of `vrrp_script chk_web {`.
 */
import type { Expansion, LoadedConfig, LoadedPass, Origin, Statement, Token } from '../load/index.js';
import { collectReferences, definitionOf, type Definition, type Reference } from '../model/references.js';
import type { ScriptRef } from '../model/scripts.js';

export type Hit =
  | { kind: 'keyword'; statement: Statement; token: Token; pass: LoadedPass }
  | { kind: 'word'; statement: Statement; token: Token; pass: LoadedPass }
  | { kind: 'definition'; definition: Definition; token: Token; pass: LoadedPass }
  | { kind: 'reference'; reference: Reference; token: Token; pass: LoadedPass }
  | { kind: 'variable'; name: string; definedAt: Origin | null; at: Origin; pass: LoadedPass }
  | { kind: 'script'; ref: ScriptRef; pass: LoadedPass };

const covers = (o: Origin, file: string, offset: number) => o.file === file && o.start <= offset && offset <= o.end;

/** The innermost thing at `offset` of `file`, looked for in each config-id pass in turn. */
export function hitAt(loaded: LoadedConfig, file: string, offset: number): Hit | null {
  for (const pass of loaded.passes) {
    for (const ref of pass.refs)
      if (ref.command && covers(ref.command.origin, file, offset)) return { kind: 'script', ref, pass };
    const refs = collectReferences(pass.tree);
    for (const r of refs.references)
      if (covers(r.token.origin, file, offset) && !viaAt(r.token, file, offset))
        return { kind: 'reference', reference: r, token: r.token, pass };
    for (const d of refs.definitions)
      if (d.token !== d.statement.keyword && covers(d.token.origin, file, offset))
        return { kind: 'definition', definition: d, token: d.token, pass };
    for (const st of pass.tree.all) {
      const tokens = [st.keyword, ...st.args, ...st.values.flatMap((l) => l.tokens)];
      for (const t of tokens) {
        const v = viaAt(t, file, offset);
        if (v) return { kind: 'variable', name: v.name, definedAt: v.definedAt ?? null, at: v.use, pass };
        if (!covers(t.origin, file, offset)) continue;
        return t === st.keyword
          ? { kind: 'keyword', statement: st, token: t, pass }
          : { kind: 'word', statement: st, token: t, pass };
      }
    }
    const def = variableDefinitionAt(pass, file, offset);
    if (def) return def;
  }
  return null;
}

/** The `$NAME` expansion whose use covers the offset. */
function viaAt(t: Token, file: string, offset: number): Expansion | undefined {
  return t.via.find((e) => e.kind === 'definition' && covers(e.use, file, offset));
}

/** The cursor on a `$NAME=...` definition line (it is no statement): the name defined there. */
function variableDefinitionAt(pass: LoadedPass, file: string, offset: number): Hit | null {
  for (const e of variableUses(pass))
    if (e.definedAt && covers(e.definedAt, file, offset))
      return { kind: 'variable', name: e.name, definedAt: e.definedAt, at: e.definedAt, pass };
  return null;
}

/** Every `$NAME` use of a pass, each once (a use expanded into several words is one use). */
export function variableUses(pass: LoadedPass): Expansion[] {
  const seen = new Set<string>();
  const out: Expansion[] = [];
  for (const line of pass.pre.lines)
    for (const t of line.tokens)
      for (const e of t.via) {
        if (e.kind !== 'definition') continue;
        const key = `${e.name}\0${e.use.file}\0${e.use.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(e);
      }
  return out;
}

/** Where the thing at the cursor is defined (a script path: the start of the script's file). */
export function definitionFor(loaded: LoadedConfig, hit: Hit): Origin | null {
  if (hit.kind === 'script') {
    const f = loaded.scripts.file(hit.ref);
    return f?.source ? { file: f.path, start: 0, end: 0 } : null;
  }
  if (hit.kind === 'reference') {
    const d = definitionOf(collectReferences(hit.pass.tree), hit.reference);
    return d ? d.token.origin : null;
  }
  if (hit.kind === 'definition') return hit.definition.token.origin;
  if (hit.kind === 'variable') return hit.definedAt;
  return null;
}

/** Every use of the name at the cursor (and its definition when asked), in source order. */
export function referencesFor(hit: Hit, includeDeclaration: boolean): Origin[] {
  const out: Origin[] = [];
  if (hit.kind === 'variable') {
    if (includeDeclaration && hit.definedAt) out.push(hit.definedAt);
    for (const e of variableUses(hit.pass)) if (e.name === hit.name) out.push(e.use);
    return out;
  }
  const named =
    hit.kind === 'reference'
      ? { kind: hit.reference.kind, name: hit.reference.name }
      : hit.kind === 'definition'
        ? { kind: hit.definition.kind, name: hit.definition.name }
        : null;
  if (!named) return out;
  const refs = collectReferences(hit.pass.tree);
  if (includeDeclaration)
    for (const d of refs.definitions) if (d.kind === named.kind && d.name === named.name) out.push(d.token.origin);
  for (const r of refs.references) if (r.kind === named.kind && r.name === named.name) out.push(r.token.origin);
  return out;
}

/** The innermost block whose braces hold `offset` of `file` (null: the top level). */
export function enclosingBlock(pass: LoadedPass, file: string, offset: number): Statement | null {
  let best: Statement | null = null;
  for (const st of pass.tree.all) {
    const open = st.open?.origin;
    if (!open || open.file !== file || open.end > offset) continue;
    const close = st.close?.origin;
    if (close && (close.file !== file || close.start < offset)) continue;
    if (!best || open.start >= (best.open?.origin.start ?? 0)) best = st;
  }
  return best;
}
