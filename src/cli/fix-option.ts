/**
 * `lint --fix`, `--unsafe-fixes` and `--diff`: lint, apply the fixes the findings carry to the
 * text in memory, lint that text again, until a pass applies nothing (at most MAX_FIX_PASSES); then
 * either write each changed file (atomically: a new file renamed over the real path, its mode
 * kept) or print one unified diff of every change and write nothing. Only files the lint read are
 * edited; the normal lint then runs on the result and reports what is left. Example:
 *   route "gw 192.0.2.1" in k.conf -> --diff prints "-        10.0.0.0/8 gw 192.0.2.1" / "+ ... via ..."
 */
import * as fs from 'node:fs';
import { applyFixes } from '../engine/fixes.js';
import type { LintReport } from '../engine/index.js';
import { displayPath, escapeControl, shownPath } from '../format/index.js';
import { unifiedDiff } from '../format/unified-diff.js';
import type { FileHost } from '../source/host.js';
import { overlayHost } from '../source/overlay-host.js';
import { fsMessage, writeReplacing } from './safe-file.js';

/** Passes of lint-and-fix: a fix that makes another one possible (a renamed block, then its keywords). */
export const MAX_FIX_PASSES = 10;

export interface FixRun {
  /** Each file that changes: its text before and after. */
  changed: Map<string, { before: string; after: string }>;
  applied: number;
  /** Fixes still offered after the last pass (overlapping ones that never got their turn). */
  left: number;
}

export async function fixInMemory(
  host: FileHost,
  unsafe: boolean,
  lint: (host: FileHost) => Promise<LintReport | null>,
): Promise<FixRun | null> {
  const overlay = new Map<string, string>();
  const original = new Map<string, string>();
  let applied = 0;
  let left = 0;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const report = await lint(overlayHost(host, overlay));
    if (!report) return null;
    const out = applyFixes(report, (f) => report.sources.get(f), { unsafe });
    left = out.deferred;
    if (!out.texts.size) break;
    for (const [f, t] of out.texts) {
      if (!original.has(f)) original.set(f, report.sources.get(f)!);
      overlay.set(f, t);
    }
    applied += out.applied;
  }
  const changed = new Map<string, { before: string; after: string }>();
  for (const [f, after] of overlay) if (original.get(f) !== after) changed.set(f, { before: original.get(f)!, after });
  return { changed, applied, left };
}

/** The changes as one unified diff, paths relative to the working folder (a/ and b/ as git does). */
export function fixDiff(run: FixRun, cwd: string): string {
  return [...run.changed]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([f, { before, after }]) => {
      const shown = escapeControl(displayPath(f, cwd)).replace(/^\//, '');
      return unifiedDiff(`a/${shown}`, `b/${shown}`, before, after);
    })
    .join('');
}

/**
 * Write each changed file where it really is (a symbolic link stays a link: its target is
 * replaced), with its mode kept. Returns the errors, one line each; the other files are written.
 */
export function writeFixes(run: FixRun, host: FileHost, cwd: string): string[] {
  const errors: string[] = [];
  for (const [f, { before, after }] of run.changed) {
    const real = host.realpath(f);
    try {
      const read = host.readText(real);
      if (!read.ok || read.text !== before) throw new Error('it changed while it was being fixed; not written');
      if (read.encoding !== 'utf8') throw new Error(`it is not UTF-8 (${read.encoding}); not written`);
      writeReplacing(real, after, { mode: fs.statSync(real).mode & 0o7777 });
    } catch (e) {
      errors.push(`${shownPath(f, cwd)}:1:1: error: cannot write the fixes: ${escapeControl(fsMessage(e))}`);
    }
  }
  return errors;
}

/** "fixed 3 problems in 2 files" and what was left, for stderr. */
export function fixSummary(run: FixRun, cwd: string, wrote: boolean): string {
  const files = [...run.changed.keys()].map((f) => escapeControl(displayPath(f, cwd)));
  const n = run.applied;
  const head = wrote ? 'fixed' : 'would fix';
  const lines = [
    `keepalived-lint: ${head} ${n} problem${n === 1 ? '' : 's'} ` +
      `in ${files.length} file${files.length === 1 ? '' : 's'}` +
      (files.length ? `: ${files.join(', ')}` : ''),
  ];
  if (run.left)
    lines.push(
      `keepalived-lint: ${run.left} fix${run.left === 1 ? '' : 'es'} overlapped others and ` +
        `${run.left === 1 ? 'was' : 'were'} not applied after ${MAX_FIX_PASSES} passes`,
    );
  return `${lines.join('\n')}\n`;
}
