/**
 * The command-line side of `--with-keepalived [PATH]` (src/keepalived/ does the work).
 * An option with an optional value takes the next word, so `--with-keepalived keepalived.conf`
 * would name the config as the binary. The files under review decide what is executable (git
 * keeps mode 100755), so the execute bit alone proves nothing: the word after the bare form is the binary
 * only when it is an absolute path outside the current folder and outside the git repository
 * holding it (`--with-keepalived /usr/local/sbin/keepalived`), and an executable file or nothing;
 * any other word is a path to lint.
 * `--with-keepalived=PATH` names a binary explicitly. Example:
 *   splitWithKeepalived(['--with-keepalived', 'etc/k.conf'], cwd) -> ['--with-keepalived', '--', 'etc/k.conf']
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LintReport } from '../engine/types.js';
import { escapeControl, shownPath } from '../format/index.js';
import {
  checkWithKeepalived,
  prepareKeepalived,
  type CheckOptions,
  type PreparedKeepalived,
} from '../keepalived/index.js';
import type { Env } from '../keepalived/run.js';
import type { Progress } from './progress.js';

export const WITH_KEEPALIVED = '--with-keepalived';

export function splitWithKeepalived(argv: readonly string[], cwd: string): string[] {
  const out: string[] = [];
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out.push(a);
    if (a === '--') {
      out.push(...argv.slice(i + 1));
      break;
    }
    const next = argv[i + 1];
    if (
      a === WITH_KEEPALIVED &&
      next !== undefined &&
      (next === '-' || (!next.startsWith('-') && !looksLikeBinary(next, cwd)))
    ) {
      paths.push(next);
      i++;
    }
  }
  if (!paths.length) return out;
  // After `--`, commander reads every word as a path.
  const dd = out.indexOf('--');
  return dd === -1 ? [...out, '--', ...paths] : [...out.slice(0, dd + 1), ...paths, ...out.slice(dd + 1)];
}

/**
 * An absolute path that is neither in the current folder nor in the repository holding it,
 * lexically and once links are followed, and that is an executable file or nothing (the binary's
 * error then says so): an absolute config or folder elsewhere stays a path to lint.
 */
function looksLikeBinary(word: string, cwd: string): boolean {
  if (!path.isAbsolute(word)) return false;
  try {
    const st = fs.statSync(word);
    if (!st.isFile() || (st.mode & 0o111) === 0) return false;
  } catch {
    // missing: the binary named on the command line, reported as missing
  }
  const reviewed = [cwd, realOr(cwd)];
  const repo = repositoryHolding(realOr(cwd));
  if (repo !== null) reviewed.push(repo);
  return [word, realOr(word)].every((w) => reviewed.every((dir) => !within(w, dir)));
}

function realOr(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function within(file: string, dir: string): boolean {
  const rel = path.relative(dir, file);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The nearest folder at or above `dir` with a .git (folder or file: a worktree), or null. */
function repositoryHolding(dir: string): string | null {
  for (let d = dir; ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (d === path.dirname(d)) return null;
  }
}

export interface KeepalivedCliOptions {
  withKeepalived?: string | boolean;
  keepalivedTimeout?: string;
  /** --unsafe-keepalived-sandbox */
  unsafeKeepalivedSandbox?: boolean;
}

/** Ready to run, or an exit-2 message. */
export async function setUpKeepalived(
  o: KeepalivedCliOptions,
  cwd: string,
  env: Env,
): Promise<PreparedKeepalived | { error: string } | null> {
  if (o.withKeepalived === undefined || o.withKeepalived === false) return null;
  let timeoutMs: number | undefined;
  if (o.keepalivedTimeout !== undefined) {
    const s = Number(o.keepalivedTimeout);
    if (!Number.isFinite(s) || s <= 0)
      return { error: `--keepalived-timeout "${o.keepalivedTimeout}" is not a number of seconds above 0` };
    timeoutMs = Math.round(s * 1000);
  }
  return prepareKeepalived({
    binary: typeof o.withKeepalived === 'string' ? o.withKeepalived : null,
    cwd,
    env,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(o.unsafeKeepalivedSandbox ? { unsafeSandbox: true } : {}),
  });
}

/** Runs keepalived on the linted configs, prints its notes and failures; returns true when every config was checked. */
export async function runKeepalivedStep(
  report: LintReport,
  files: readonly string[],
  ka: PreparedKeepalived,
  o: Omit<CheckOptions, 'onConfig'> & { stderr: (s: string) => void; progress?: Progress },
): Promise<boolean> {
  const outcome = await checkWithKeepalived(report, files, ka, {
    ...o,
    onConfig: (file, n, total) => o.progress?.step('keepalived -t', n, total, file),
  });
  o.progress?.clear();
  for (const n of [...ka.notes, ...outcome.notes]) o.stderr(`keepalived-lint: note: ${escapeControl(n)}\n`);
  for (const f of outcome.failures)
    o.stderr(`${shownPath(f.file, o.cwd)}:${f.line ?? 1}:${f.column ?? 1}: error: ${escapeControl(f.message)}\n`);
  return outcome.failures.length === 0;
}
