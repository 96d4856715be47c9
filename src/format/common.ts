/**
 * What the machine-readable formats (sarif, github, checkstyle, junit) share: paths relative to
 * the working directory with forward slashes, the rule docs URL, and the message text with the
 * config-ids and related lines a single-location format cannot show otherwise.
 * Example: relativePath('/repo/hosts/a/keepalived.conf', '/repo') -> 'hosts/a/keepalived.conf'.
 */
import * as path from 'node:path';
import type { Diagnostic } from '../engine/types.js';

/**
 * Where the rule pages are when the package names no repository: docs/rules/<id>.md of this
 * repository on GitHub. The CLI derives the base from package.json's `repository`, and
 * --rule-url-base replaces it (a mirror, a pinned tag).
 */
export const REPOSITORY_URL = 'https://github.com/keepalived-lint/keepalived-lint';

/**
 * The folder of rule pages in a GitHub repository:
 * https://github.com/o/r -> https://github.com/o/r/blob/main/docs/rules.
 */
export function ruleUrlBaseOf(repositoryUrl: string): string {
  return `${repositoryUrl.replace(/\/+$/, '')}/blob/main/docs/rules`;
}

export const DOCS_BASE_URL = ruleUrlBaseOf(REPOSITORY_URL);

/** A rule's page: `<base>/<rule-id>.md`. */
export function ruleDocsUrl(ruleId: string, base: string = DOCS_BASE_URL): string {
  return `${base.replace(/\/+$/, '')}/${encodeURIComponent(ruleId)}.md`;
}

/**
 * The page of each rule that has one, for the formats that print it: none without a base (a
 * library caller that asked for none), none for an id outside the rules described (what
 * keepalived -t said, rule "keepalived"). Example: ruleUrls({ ruleUrlBase: B })('unknown-keyword')
 * -> 'B/unknown-keyword.md'.
 */
export function ruleUrls(o: {
  ruleUrlBase?: string | undefined;
  rules?: readonly { id: string }[] | undefined;
}): (ruleId: string) => string | undefined {
  const { ruleUrlBase, rules } = o;
  if (ruleUrlBase === undefined) return () => undefined;
  const documented = rules ? new Set(rules.map((r) => r.id)) : null;
  return (id) => (!documented || documented.has(id) ? ruleDocsUrl(id, ruleUrlBase) : undefined);
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
