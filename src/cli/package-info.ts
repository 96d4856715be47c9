/**
 * What the CLI takes from its own package.json: the repository, for the rule pages' URLs. Read
 * at run time (the bundle finds the file above itself, as the configuration schema is found), so
 * a fork that edits `repository` gets its own links. Examples:
 *   { "repository": { "url": "git+https://github.com/o/r.git" } } -> https://github.com/o/r
 *   "github:o/r" or "o/r" -> https://github.com/o/r;  no field, or not on GitHub -> null
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from 'commander';
import { REPOSITORY_URL, ruleUrlBaseOf } from '../format/common.js';

export const PACKAGE_NAME = 'keepalived-lint';

/**
 * The web address of a package.json `repository` on GitHub, null otherwise: the rule pages live at
 * blob/main/docs/rules/ there, a layout other hosts do not share.
 */
export function repositoryWebUrl(repository: unknown): string | null {
  const raw =
    typeof repository === 'string'
      ? repository
      : typeof repository === 'object' && repository !== null && 'url' in repository
        ? (repository as { url: unknown }).url
        : undefined;
  if (typeof raw !== 'string') return null;
  const short = /^(?:github:)?([\w.-]+)\/([\w.-]+)$/.exec(raw.trim());
  const url = short
    ? `https://github.com/${short[1]}/${short[2]}`
    : raw
        .trim()
        .replace(/^git\+/, '')
        .replace(/^(?:git|ssh):\/\/(?:git@)?/, 'https://')
        .replace(/^git@([^:/]+):/, 'https://$1/')
        .replace(/^http:\/\//, 'https://');
  const m = /^https:\/\/github\.com\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url);
  return m ? `https://github.com/${m[1]}/${m[2]}` : null;
}

/** This package's package.json, found above this module (src/cli/ or dist/src/cli/); null when absent or not ours. */
function ownPackageJson(): Record<string, unknown> | null {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (typeof data === 'object' && data !== null && (data as { name?: unknown }).name === PACKAGE_NAME)
        return data as Record<string, unknown>;
    } catch {
      // No package.json here, or not JSON: look further up.
    }
    if (dir === path.dirname(dir)) return null;
  }
}

let cached: { repositoryUrl: string; ruleUrlBase: string } | null = null;

/** The repository and the folder of rule pages: from package.json, else REPOSITORY_URL. */
export function packageLinks(): { repositoryUrl: string; ruleUrlBase: string } {
  if (!cached) {
    const repositoryUrl = repositoryWebUrl(ownPackageJson()?.repository) ?? REPOSITORY_URL;
    cached = { repositoryUrl, ruleUrlBase: ruleUrlBaseOf(repositoryUrl) };
  }
  return cached;
}

/** --rule-url-base: an http(s) address, kept without its trailing slash. */
export function parseRuleUrlBase(value: string): string {
  let url: URL | null = null;
  try {
    url = new URL(value.trim());
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw new InvalidArgumentError(
      'Expected an http(s) address of the folder holding the rule pages, e.g. ' +
        'https://github.com/keepalived-lint/keepalived-lint/blob/v0.1.0/docs/rules.',
    );
  return value.trim().replace(/\/+$/, '');
}
