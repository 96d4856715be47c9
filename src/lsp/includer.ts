/**
 * The config that includes a file opened alone (conf.d/vi_1.conf, included by ../keepalived.conf):
 * the configs in its folder and the folders above it, up to the editor's workspace folder holding
 * it (else MAX_LEVELS folders), whose text has an `include` line and which, loaded, read the file.
 * The work is bounded: at most MAX_CANDIDATES configs loaded (keepalived.conf first, nearest
 * first), and a config found is itself looked up again (a chain of includes, MAX_HOPS). Example:
 * /r/etc/keepalived/conf.d/vi_1.conf, workspace /r -> /r/etc/keepalived/keepalived.conf.
 */
import * as path from 'node:path';
import type { RuleMeta } from '../engine/index.js';
import { isLoadedConfig, Loader, OptionsResolver, type CliOptions } from '../load/index.js';
import type { FileHost } from '../source/host.js';

/** Folders above the file looked in when no workspace folder holds it. */
const MAX_LEVELS = 4;
/** Folders above the file looked in at most, even inside a workspace folder. */
const MAX_WORKSPACE_LEVELS = 8;
/** Configs loaded at most per search. */
const MAX_CANDIDATES = 16;
/** Config files whose text is looked at, at most per search. */
const MAX_READ = 200;
/** Includes of includes followed (a.conf <- b.conf <- keepalived.conf). */
const MAX_HOPS = 3;

const INCLUDE_LINE = /^[ \t]*(?:@\^?\S+[ \t]+)?include[ \t]/m;

/** The outermost config found to include `file`, null when none does. */
export async function findIncluder(
  host: FileHost,
  cli: CliOptions,
  known: readonly { meta: RuleMeta }[],
  file: string,
  roots: readonly string[],
): Promise<string | null> {
  const budget = { loads: MAX_CANDIDATES, reads: MAX_READ };
  const tried = new Set<string>([file]);
  let found: string | null = null;
  let current = file;
  for (let hop = 0; hop < MAX_HOPS; hop++) {
    const next = await includerOf(host, cli, known, current, roots, budget, tried);
    if (!next) break;
    found = next;
    current = next;
  }
  return found;
}

async function includerOf(
  host: FileHost,
  cli: CliOptions,
  known: readonly { meta: RuleMeta }[],
  file: string,
  roots: readonly string[],
  budget: { loads: number; reads: number },
  tried: Set<string>,
): Promise<string | null> {
  const root = roots
    .filter((r) => file.startsWith(r.endsWith(path.sep) ? r : r + path.sep))
    .sort((a, b) => b.length - a.length)[0];
  const levels = root ? MAX_WORKSPACE_LEVELS : MAX_LEVELS;
  let dir = path.dirname(file);
  for (let i = 0; i <= levels; i++) {
    for (const candidate of candidates(host, dir, budget, tried)) {
      if (budget.loads <= 0) return null;
      budget.loads--;
      const resolver = new OptionsResolver(host, known);
      const { options, effective } = resolver.resolve(candidate, cli);
      if (effective.ignored) continue;
      const loaded = await new Loader(host).load(candidate, options);
      if (isLoadedConfig(loaded) && loaded.files.has(file)) return candidate;
    }
    const up = path.dirname(dir);
    if (up === dir || (root && dir === root)) break;
    dir = up;
  }
  return null;
}

/** The configs of a folder that have an include line: keepalived.conf first, then *.conf by name. */
function candidates(host: FileHost, dir: string, budget: { reads: number }, tried: Set<string>): string[] {
  const names = host.list(dir).filter((n) => n.endsWith('.conf'));
  names.sort((a, b) => Number(b === 'keepalived.conf') - Number(a === 'keepalived.conf'));
  const out: string[] = [];
  for (const name of names) {
    const f = path.join(dir, name);
    if (tried.has(f) || budget.reads <= 0) continue;
    tried.add(f);
    if (host.stat(f).kind !== 'file') continue;
    budget.reads--;
    const r = host.readText(f);
    if (r.ok && INCLUDE_LINE.test(r.text)) out.push(f);
  }
  return out;
}
