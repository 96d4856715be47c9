/**
 * `--baseline FILE` and `--write-baseline FILE`: the file side of src/engine/baseline.ts. Example:
 *   keepalived-lint --write-baseline .keepalived-lint-baseline.json   (records today's findings, exit 0)
 *   keepalived-lint --baseline .keepalived-lint-baseline.json         (reports only findings added since)
 */
import * as path from 'node:path';
import type { LintReport } from '../engine/types.js';
import { escapeControl } from '../format/index.js';
import { applyBaseline, createBaseline, parseBaseline, serializeBaseline, type Baseline } from '../engine/baseline.js';
import { isInside, repositoryOf } from '../source/confine.js';
import type { FileHost } from '../source/host.js';
import { writeReplacing } from './safe-file.js';
import type { CliIO } from './io.js';

export interface LoadedBaseline {
  /** As given on the command line, for messages. */
  arg: string;
  file: string;
  baseline: Baseline;
}

/** Reads and checks the baseline before anything is linted; null (after saying why) on failure. */
export function loadBaseline(arg: string, io: CliIO, host: FileHost): LoadedBaseline | null {
  const file = path.resolve(io.cwd, arg);
  // The baseline is committed with the repository: a link out of it (to ~/.git-credentials) is
  // not read, so that no part of such a file can reach a message.
  const home = repositoryOf(file, host) ?? path.dirname(file);
  if (!isInside(host.realpath(file), host.realpath(home))) {
    io.stderr(
      `keepalived-lint: cannot read the baseline file ${escapeControl(arg)}: ` +
        `it links outside ${escapeControl(home)}; not read\n`,
    );
    return null;
  }
  const r = host.readText(file);
  if (!r.ok) {
    const hint = r.reason === 'no such file or directory' ? `; create it with --write-baseline ${arg}` : '';
    io.stderr(
      `keepalived-lint: cannot read the baseline file ${escapeControl(arg)}: ${escapeControl(r.reason)}${hint}\n`,
    );
    return null;
  }
  const parsed = parseBaseline(r.text);
  if ('error' in parsed && parsed.outdated !== undefined) {
    io.stderr(
      `keepalived-lint: the baseline ${escapeControl(arg)} ` +
        `cannot be used: ${escapeControl(parsed.error)}. Regenerate ` +
        `it with --write-baseline ${escapeControl(arg)} (on ` +
        `the commit it was written for, to accept the same findings), ` +
        `and commit the new file\n`,
    );
    return null;
  }
  if ('error' in parsed) {
    io.stderr(
      `keepalived-lint: ${arg} is not a keepalived-lint baseline: ` +
        `${escapeControl(parsed.error)}. Regenerate it with ` +
        `--write-baseline ${arg}\n`,
    );
    return null;
  }
  return { arg, file, baseline: parsed };
}

/** Drops the findings the baseline accepts from the report; notes entries that matched nothing. */
export function filterByBaseline(report: LintReport, loaded: LoadedBaseline, io: CliIO): void {
  const arg = loaded.arg;
  const outcome = applyBaseline(report.results, report.sources, loaded.baseline, path.dirname(loaded.file));
  report.results = outcome.results;
  if (outcome.unmatched > 0) {
    const n = outcome.unmatched;
    io.stderr(
      `keepalived-lint: ${n} finding${n === 1 ? '' : 's'} ` +
        `in the baseline ${arg} no longer occur${n === 1 ? 's' : ''} ` +
        `(fixed or changed); run with --write-baseline ${arg} ` +
        `to drop ${n === 1 ? 'it' : 'them'}\n`,
    );
  }
}

/** Writes every finding of the report as the baseline; returns whether it could. */
export function writeBaseline(report: LintReport, arg: string, io: CliIO): boolean {
  const file = path.resolve(io.cwd, arg);
  const baseline = createBaseline(report.results, report.sources, path.dirname(file));
  // A link at the name (committed to the repository) is replaced, never written through.
  const write = io.writeFile ?? ((f: string, text: string) => writeReplacing(f, text, { mode: 0o644 }));
  try {
    write(file, serializeBaseline(baseline));
  } catch (e) {
    io.stderr(`keepalived-lint: cannot write the baseline file ${arg}: ${whyNotWritten(e)}; nothing was written\n`);
    return false;
  }
  const total = baseline.entries.reduce((n, e) => n + e.count, 0);
  const files = new Set(baseline.entries.map((e) => e.file)).size;
  io.stderr(
    `keepalived-lint: wrote ${total} finding${total === 1 ? '' : 's'} ` +
      `in ${files} file${files === 1 ? '' : 's'} to ${arg}; ` +
      `lint with --baseline ${arg} to report only new ones\n`,
  );
  return true;
}

function whyNotWritten(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'its folder does not exist';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `permission denied (${code})`;
  if (code === 'EISDIR') return 'it is a directory';
  return e instanceof Error ? e.message : String(e);
}
