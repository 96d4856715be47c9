/**
 * The command-line side of `--with-keepalived [PATH]` (src/keepalived/ does the work).
 * An option with an optional value takes the next word, so `--with-keepalived keepalived.conf`
 * would name the config as the binary: a next word that is not an executable file (a directory, a
 * config, -) stays a path to lint. Example:
 *   splitWithKeepalived(['--with-keepalived', 'k.conf'], cwd) -> ['--with-keepalived', '--', 'k.conf'] (k.conf is not executable)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LintReport } from '../engine/types.js';
import { escapeControl, shownPath } from '../format/index.js';
import type { FileHost } from '../source/host.js';
import { checkWithKeepalived, prepareKeepalived, type PreparedKeepalived } from '../keepalived/index.js';
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
    if (a === WITH_KEEPALIVED && next !== undefined && (next === '-' || (!next.startsWith('-') && !looksLikeBinary(next, cwd)))) {
      paths.push(next);
      i++;
    }
  }
  if (!paths.length) return out;
  // After `--`, commander reads every word as a path.
  const dd = out.indexOf('--');
  return dd === -1 ? [...out, '--', ...paths] : [...out.slice(0, dd + 1), ...paths, ...out.slice(dd + 1)];
}

/** An executable regular file, or a path that does not exist and is not named like a config (the binary's error message then says so). */
function looksLikeBinary(word: string, cwd: string): boolean {
  const abs = path.resolve(cwd, word);
  try {
    const st = fs.statSync(abs);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return !word.endsWith('.conf');
  }
}

export interface KeepalivedCliOptions {
  withKeepalived?: string | boolean;
  keepalivedTimeout?: string;
  /** --unsafe-keepalived-sandbox */
  unsafeKeepalivedSandbox?: boolean;
}

/** Ready to run, or an exit-2 message. */
export async function setUpKeepalived(o: KeepalivedCliOptions, cwd: string, env: Env): Promise<PreparedKeepalived | { error: string } | null> {
  if (o.withKeepalived === undefined || o.withKeepalived === false) return null;
  let timeoutMs: number | undefined;
  if (o.keepalivedTimeout !== undefined) {
    const s = Number(o.keepalivedTimeout);
    if (!Number.isFinite(s) || s <= 0) return { error: `--keepalived-timeout "${o.keepalivedTimeout}" is not a number of seconds above 0` };
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
  o: { cwd: string; host: FileHost; target: string; root?: string; configId?: string; inMemory?: ReadonlySet<string>; stderr: (s: string) => void; progress?: Progress },
): Promise<boolean> {
  const outcome = await checkWithKeepalived(report, files, ka, { ...o, onConfig: (file, n, total) => o.progress?.step('keepalived -t', n, total, file) });
  o.progress?.clear();
  for (const n of [...ka.notes, ...outcome.notes]) o.stderr(`keepalived-lint: note: ${escapeControl(n)}\n`);
  for (const f of outcome.failures) o.stderr(`${shownPath(f.file, o.cwd)}:${f.line ?? 1}:${f.column ?? 1}: error: ${escapeControl(f.message)}\n`);
  return outcome.failures.length === 0;
}
