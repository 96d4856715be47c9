/**
 * The `diff` command's adapter: resolves OLD/NEW (or --git REV against the working tree), runs
 * the library's diffConfigs and prints text or json. Exit: 2 unusable input, 1 the edit adds an
 * error, else 0. Example: diff --git HEAD -> every keepalived.conf under . compared with HEAD.
 */
import * as path from 'node:path';
import { defaultRoot } from '../engine/index.js';
import type { Rule } from '../engine/types.js';
import { diffConfigs, type DiffResult, type DiffSide } from '../diff/index.js';
import { diffJson, diffText } from '../diff/format.js';
import { displayPath, escapeControl, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';
import { gitHost, gitRevisionExists, gitTopLevel } from '../source/git-host.js';
import { findConfigs } from './find-configs.js';
import type { CliIO } from './index.js';

export interface DiffCommandOptions {
  git?: string;
  format: string;
  target: string;
  configId?: string;
  root?: string;
  oldRoot?: string;
  newRoot?: string;
  /** --no-detail: false. */
  detail?: boolean;
}

export async function runDiffCommand(paths: string[], o: DiffCommandOptions, env: { io: CliIO; host: FileHost; rules: Rule[] }): Promise<number> {
  const { io, host } = env;
  const fail = (msg: string) => (io.stderr(`keepalived-lint diff: ${escapeControl(msg)}\n`), 2);
  const rootFor = (file: string, which: string | undefined) => (which ? path.resolve(io.cwd, which) : o.root ? path.resolve(io.cwd, o.root) : defaultRoot(file));
  const pairs: { old: DiffSide | null; new: DiffSide; labels: { old: string; new: string } }[] = [];

  if (o.git !== undefined) {
    const top = gitTopLevel(io.cwd);
    if (!top) return fail(`${io.cwd} is not inside a git repository (--git needs one)`);
    if (!gitRevisionExists(top, o.git)) return fail(`"${o.git}" is not a commit of ${top}`);
    const found = findConfigs(paths.length ? paths : ['.'], host, io.cwd);
    for (const e of found.errors) io.stderr(`keepalived-lint diff: ${escapeControl(e)}\n`);
    for (const n of found.notes) io.stderr(`keepalived-lint diff: warning: ${escapeControl(n)}\n`);
    if (found.errors.length) return 2;
    const old = gitHost(top, o.git);
    for (const file of found.files) {
      const label = displayPath(file, io.cwd);
      const oldSide = old.stat(file).kind === 'file' ? { file, host: old, root: rootFor(file, o.oldRoot) } : null;
      pairs.push({ old: oldSide, new: { file, host, root: rootFor(file, o.newRoot) }, labels: { old: `${label} at ${o.git}${oldSide ? '' : ' (not there)'}`, new: `${label} (working tree)` } });
    }
    if (!pairs.length) return fail('no keepalived configuration found to compare');
  } else {
    if (paths.length !== 2) return fail('give OLD and NEW (two config files or directories), or --git REV');
    const sides: string[] = [];
    for (const p of paths) {
      const found = findConfigs([p], host, io.cwd);
      if (found.errors.length) return fail(found.errors.join('; '));
      if (found.files.length !== 1) return fail(`${p}: expected one keepalived configuration, found ${found.files.length}${found.files.length ? ` (${found.files.map((f) => displayPath(f, io.cwd)).join(', ')})` : ''}`);
      sides.push(found.files[0]!);
    }
    const [a, b] = sides as [string, string];
    pairs.push({ old: { file: a, host, root: rootFor(a, o.oldRoot) }, new: { file: b, host, root: rootFor(b, o.newRoot) }, labels: { old: displayPath(a, io.cwd), new: displayPath(b, io.cwd) } });
  }

  let code = 0;
  const color = io.isTTY && !io.env.NO_COLOR ? true : Boolean(io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0');
  const results: DiffResult[] = [];
  for (const p of pairs) {
    const r = await diffConfigs(p.old, p.new, { rules: env.rules, target: o.target, ...(o.configId !== undefined ? { configId: o.configId } : {}) });
    results.push(r);
    for (const e of r.errors) io.stderr(`${shownPath(e.file, io.cwd)}:1:1: error: cannot compare this file: ${escapeControl(e.message)}\n`);
    if (r.errors.length) code = 2;
    else if (code === 0 && r.impact.results.some((f) => f.diagnostics.some((d) => d.severity === 'error'))) code = 1;
    if (o.format === 'text') io.stdout(diffText(r, p.labels, { cwd: io.cwd, color, ...(o.detail !== undefined ? { detail: o.detail } : {}) }) + (pairs.length > 1 ? '\n' : ''));
  }
  if (o.format === 'json') {
    if (results.length === 1) io.stdout(diffJson(results[0]!, { cwd: io.cwd, color: false }));
    else {
      const merged = results.map((r, i) => ({ file: displayPath(pairs[i]!.new.file, io.cwd), ...(JSON.parse(diffJson(r, { cwd: io.cwd, color: false })) as object) }));
      io.stdout(JSON.stringify({ version: 1, configs: merged }, null, 2) + '\n');
    }
  }
  return code;
}
