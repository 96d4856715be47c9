/**
 * What the machine-readable formats (sarif, github, checkstyle, junit) share: paths relative to
 * the working directory with forward slashes, the rule docs URL, and the message text with the
 * config-ids and related lines a single-location format cannot show otherwise.
 * Example: relativePath('/repo/hosts/a/keepalived.conf', '/repo') -> 'hosts/a/keepalived.conf'.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../engine/types.js';

/**
 * Where each rule's page lives: `<DOCS_BASE_URL><rule-id>.md`. One constant, so a move of the
 * repository is one edit; the pages themselves are docs/rules/<id>.md in this repository.
 */
export const REPOSITORY_URL = 'https://github.com/keepalived-lint/keepalived-lint';
export const DOCS_BASE_URL = `${REPOSITORY_URL}/blob/main/docs/rules/`;

export function ruleDocsUrl(ruleId: string): string {
  return `${DOCS_BASE_URL}${encodeURIComponent(ruleId)}.md`;
}

/** The path from cwd, or the file itself when it is outside cwd (human outputs; escape it with shownPath). */
export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** The path from cwd with `/` separators, or the absolute path when the file is outside cwd. */
export function relativePath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  if (!rel || rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel))
    return file.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

/** The finding's message, with the config-ids it holds for (as stylish shows them). */
export function messageWithConfigIds(d: Diagnostic): string {
  return d.configIds ? `${d.message} [config-id: ${d.configIds.join(', ')}]` : d.message;
}

/** "file:line:column: message" for each related location. */
export function relatedLines(d: Diagnostic, cwd: string): string[] {
  return (d.related ?? []).map((r) => `${relativePath(r.file, cwd)}:${r.start.line}:${r.start.column}: ${r.message}`);
}
