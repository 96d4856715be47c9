/**
 * `diff OLD NEW`: what an upgrade edit changed as keepalived sees it (instances renamed, split,
 * merged, addresses moved), and its impact: every problem the NEW side has that the OLD side did
 * not, with script findings naming what became of the name the script still uses. Example:
 *
 *   old: vrrp_instance gateway (v4+v6), route.sh matches "gateway)"
 *   new: gateway_v4 + gateway_v6, route.sh unchanged
 *   -> changes [split gateway -> gateway_v4, gateway_v6]
 *      diagnostics [script-unknown-name at route.sh "gateway)", detail: "vrrp_instance gateway was split into ..."]
 */
import * as path from 'node:path';
import { lintFiles } from '../engine/index.js';
import { isLoadedConfig, Loader, type LoadOptions } from '../load/index.js';
import type { Diagnostic, LintReport, Rule } from '../engine/types.js';
import { oneLine } from '../engine/diagnostic.js';
import { findingIdentity } from '../engine/finding-key.js';
import type { FileHost } from '../source/host.js';
import { readSide } from './model.js';
import { diffModels, type Change } from './match.js';

export type { Change, FieldChange } from './match.js';

export interface DiffSide {
  file: string;
  host: FileHost;
  root: string;
  /** How the side is read and linted (resolveOptions: its .keepalived-lint.yaml); root, target and configId above win.
   * */
  options?: LoadOptions;
}

export interface DiffOptions {
  rules: Rule[];
  target?: string;
  configId?: string;
}

export interface DiffResult {
  changes: Change[];
  /** Problems of the NEW side that the OLD side did not have. */
  impact: LintReport;
  /** Unusable input, with the side it came from. */
  errors: { file: string; message: string }[];
}

export async function diffConfigs(oldSide: DiffSide | null, newSide: DiffSide, o: DiffOptions): Promise<DiffResult> {
  const errors: DiffResult['errors'] = [];
  // Each side loaded once (src/load), for its model and for its lint, with the options its
  // .keepalived-lint.yaml gives (paths:, root:, config-ids), the command line winning.
  const optionsOf = (s: DiffSide): LoadOptions => ({
    ...s.options,
    root: s.root,
    ...(o.target !== undefined ? { target: o.target } : {}),
    ...(o.configId !== undefined ? { configId: o.configId } : {}),
  });
  const load = async (s: DiffSide) => {
    const loader = new Loader(s.host, true);
    const options = optionsOf(s);
    const loaded = await loader.load(s.file, options);
    if ('error' in loaded) errors.push({ file: s.file, message: loaded.error });
    else if (!isLoadedConfig(loaded))
      errors.push({ file: s.file, message: 'is a script (#!), not a keepalived configuration' });
    const model = isLoadedConfig(loaded) ? readSide(loaded) : null;
    const report = await lintFiles([s.file], { ...options, host: s.host, rules: o.rules, loader });
    return { model, report };
  };
  const after = await load(newSide);
  const before = oldSide ? await load(oldSide) : { model: { entities: [] }, report: null };
  const newReport = after.report;
  const oldReport = before.report;
  for (const e of newReport.errors) if (!errors.some((x) => x.file === e.file)) errors.push(e);
  if (!before.model || !after.model)
    return { changes: [], impact: { results: [], errors: [], sources: new Map() }, errors };

  const changes = diffModels(before.model, after.model);
  const seenBefore = new Set<string>();
  if (oldReport && oldSide)
    for (const r of oldReport.results)
      for (const d of r.diagnostics) for (const k of findingKeys(d, oldSide, oldReport.sources)) seenBefore.add(k);
  const impact: LintReport = { results: [], errors: [], sources: newReport.sources };
  for (const r of newReport.results) {
    const fresh = r.diagnostics
      .filter((d) => !findingKeys(d, newSide, newReport.sources).some((k) => seenBefore.has(k)))
      .map((d) => explain(d, changes));
    if (fresh.length) impact.results.push({ file: r.file, diagnostics: fresh });
  }
  return { changes, impact, errors };
}

/**
 * A finding, independent of where the lines moved and how the rule words it: the same rule in the
 * same file (under its root) with the same message id and data once positions and the side's root
 * are taken out, or the same message id naming the same thing on the same source line (a finding
 * that counts or names things the edit renamed is still the same finding when it stands on an
 * unchanged line).
 */
function findingKeys(d: Diagnostic, side: DiffSide, sources: Map<string, string>): string[] {
  // The two entry configs are the same file for the comparison; others compare by path under the root.
  const file = d.file === side.file ? '(config)' : path.relative(side.root, d.file);
  const line = sources.get(d.file)?.split('\n')[d.start.line - 1]?.trim() ?? '';
  const folders = [path.dirname(side.file), side.root].filter((f) => f !== path.parse(f).root);
  return [
    `m\0${file}\0${findingIdentity(d, folders)}`,
    `l\0${d.ruleId}\0${file}\0${d.messageId ?? ''}\0${d.data?.name ?? ''}\0${line}`,
  ];
}

/**
 * A script finding about a name this change removed or renamed says what the name became: first
 * thing in its detail (the message stays the rule's, one line).
 */
function explain(d: Diagnostic, changes: Change[]): Diagnostic {
  const literal = d.data?.literal;
  if (d.ruleId !== 'script-unknown-name' || typeof literal !== 'string') return d;
  const c = changes.find((x) => x.before.includes(literal) && x.kind !== 'modified' && x.kind !== 'added');
  if (!c) return d;
  const what =
    c.kind === 'split'
      ? `was split into ${c.after.join(', ')}`
      : c.kind === 'merged'
        ? `was merged into ${c.after.join(', ')}`
        : c.kind === 'renamed'
          ? `was renamed to ${c.after.join(', ')}`
          : 'was removed';
  const why = `${c.object} ${literal} ${what} by this change, but the script still uses the old name.`;
  const { message, detail } = oneLine(d.message, d.detail ? `${why}\n\n${d.detail}` : why);
  return { ...d, message, ...(detail ? { detail } : {}) };
}
