/**
 * A file opened alone whose including config was not found (src/lsp/includer.ts) is linted on its
 * own, where what stands in a block of the config that includes it (conf.d/vips.conf holding the
 * `virtual_ipaddress { ... }` of an instance) reads as unknown top-level keywords, and the names
 * and script settings of that config are missing. Those findings say nothing about the file: they
 * go. Example: vips.conf = "virtual_ipaddress {\n 192.0.2.1/24\n}\nadvert_int 1\n" -> no finding
 * (alone it has 5: four unknown keywords and a stray "}"). A file with a global_defs block is a
 * config of its own: nothing goes.
 */
import type { Diagnostic } from '../engine/index.js';
import type { LoadedConfig } from '../load/index.js';

/** Rules whose findings in a fragment depend on the config around it: names, global_defs. */
const CONTEXT_RULES = new Set(['undefined-reference', 'unused-definition', 'script-security-disabled']);

/** The findings of `file` linted alone that do not depend on the config that would include it. */
export function aloneFindings(loaded: LoadedConfig, diagnostics: Diagnostic[]): Diagnostic[] {
  // A global_defs block: a config of its own (lb1.conf), whose findings all stand.
  if (loaded.passes[0]?.tree.top.some((st) => st.keyword.text === 'global_defs')) return diagnostics;
  const spans = blockContextSpans(loaded);
  return diagnostics.filter(
    (d) =>
      !CONTEXT_RULES.has(d.ruleId) &&
      !spans.some((s) => s.file === d.file && s.start <= d.range.start && d.range.start <= s.end),
  );
}

/**
 * The stretches of text that belong in a block: each top-level line whose keyword is unknown at the
 * top level but known in some block, with the braces after it up to the matching "}".
 */
function blockContextSpans(loaded: LoadedConfig): { file: string; start: number; end: number }[] {
  const pass = loaded.passes[0];
  if (!pass) return [];
  const out: { file: string; start: number; end: number }[] = [];
  const lines = pass.pre.lines;
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.kind === 'open') depth++;
    else if (line.kind === 'close') depth = Math.max(0, depth - 1);
    if (depth !== 0 || line.kind !== 'words') continue;
    const keyword = line.tokens[0];
    if (!keyword || loaded.table.top.keywords.has(keyword.text) || !loaded.table.findElsewhere(keyword.text).length)
      continue;
    const start = keyword.origin;
    let end = line.lineOrigin.end;
    if (lines[i + 1]?.kind === 'open') {
      let d = 0;
      let j = i + 1;
      for (; j < lines.length; j++) {
        const l = lines[j]!;
        if (l.kind === 'open') d++;
        else if (l.kind === 'close' && --d === 0) break;
      }
      const last = lines[Math.min(j, lines.length - 1)]!;
      if (last.lineOrigin.file === start.file) end = last.lineOrigin.end;
      i = Math.min(j, lines.length - 1);
    }
    out.push({ file: start.file, start: start.start, end });
  }
  return out;
}
