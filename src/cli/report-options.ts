/**
 * The lint options that shape what is reported and where: --rule RULE=SEVERITY, --quiet,
 * --max-warnings N, --output FILE. Argument parsers throw commander's InvalidArgumentError, so a
 * bad value is a usage error (exit 2) with commander's "option ... argument ... is invalid" line.
 * Example: parseRuleSetting(ids)('unknown-keyword=warning', undefined) -> {'unknown-keyword': 'warning'}.
 */
import { writeReplacing } from './safe-file.js';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { LintReport, Severity, SeveritySetting } from '../engine/types.js';
import { SEVERITY_SETTINGS } from '../config/index.js';
import { didYouMean } from '../versions/suggest.js';

function isSeveritySetting(s: string): s is SeveritySetting {
  return (SEVERITY_SETTINGS as readonly string[]).includes(s);
}

/** The commander parser for a repeatable --rule: each use adds one rule's severity. */
export function parseRuleSetting(ruleIds: readonly string[]) {
  return (value: string, previous: Record<string, SeveritySetting> | undefined): Record<string, SeveritySetting> => {
    const eq = value.lastIndexOf('=');
    if (eq <= 0)
      throw new InvalidArgumentError(
        `Expected RULE=SEVERITY, e.g. --rule unknown-keyword=warning ` +
          `(severity one of ${SEVERITY_SETTINGS.join(', ')}).`,
      );
    const id = value.slice(0, eq).trim();
    const severity = value.slice(eq + 1).trim();
    if (!ruleIds.includes(id)) {
      throw new InvalidArgumentError(
        `Unknown rule "${id}".${didYouMean(id, ruleIds)} ` +
          `Valid rules: ${ruleIds.join(', ')} (keepalived-lint rules describes them).`,
      );
    }
    if (!isSeveritySetting(severity)) {
      throw new InvalidArgumentError(
        `Unknown severity "${severity}" for rule ${id}.${didYouMean(severity, SEVERITY_SETTINGS)} ` +
          `Valid severities: ${SEVERITY_SETTINGS.join(', ')}.`,
      );
    }
    return { ...previous, [id]: severity };
  };
}

export function parseMaxWarnings(value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new InvalidArgumentError(`Expected a whole number of warnings, 0 or more, e.g. --max-warnings 0.`);
  return Number(value.trim());
}

/** --quiet: the same report with errors only (files stay listed, so a file with warnings only reads as clean). */
export function errorsOnly(report: LintReport): LintReport {
  return {
    ...report,
    results: report.results.map((r) => ({ ...r, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') })),
  };
}

/** The stderr line for --max-warnings, or null when the warnings are within it. */
export function maxWarningsMessage(counts: Record<Severity, number>, max: number | undefined): string | null {
  if (max === undefined || counts.warning <= max) return null;
  return (
    `keepalived-lint: ${counts.warning} warning${counts.warning === 1 ? '' : 's'} ` +
    `found, more than --max-warnings ${max} allows: fix ` +
    `them, or raise the limit.\n`
  );
}

/**
 * --output: write the formatted report to FILE (the only file the tool writes). Returns the
 * operator's message when it cannot, else null.
 */
export function writeReport(file: string, text: string, cwd: string): string | null {
  const target = path.resolve(cwd, file);
  try {
    // A link at the name (a pull request can commit `keepalived-lint.sarif -> ../runner/file`) is
    // replaced, never written through.
    writeReplacing(target, text, { mode: 0o644 });
    return null;
  } catch (e) {
    const code = e instanceof Error && 'code' in e ? String(e.code) : '';
    const why =
      code === 'ENOENT'
        ? `the folder "${path.dirname(file)}" does not exist`
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : code === 'EROFS'
              ? 'the file system is read-only'
              : code === 'ENOTDIR'
                ? 'a part of the path is a file, not a folder'
                : e instanceof Error
                  ? e.message
                  : String(e);
    return (
      `keepalived-lint: cannot write the report to --output ` +
      `"${file}": ${why}. Choose a file in an existing folder ` +
      `you can write to.\n`
    );
  }
}

/** --jobs N: a whole number from 1 (1 = lint on the main thread only). */
export function parseJobs(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 256)
    throw new InvalidArgumentError('expected a whole number from 1 to 256');
  return Number(value);
}
