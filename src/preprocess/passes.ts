/**
 * The config-id passes of one config: the pass for no id, then every id the `@` lines name, also
 * those named only under another id (`@lb1 include lb1.conf`), each read once in the order first
 * named, at most MAX_CONFIG_IDS of them, stopping when the config's work budget is spent. One queue
 * for lint, cluster and --with-keepalived. Example: `@lb1 x` and `@lb2 y` ->
 *   { first: <pass for none>, byId: [{ id: 'lb1', pre }, { id: 'lb2', pre }], capped: null }
 */
import type { Origin } from './mapped-text.js';
import type { ConfigBudget } from './budget.js';
import type { ConditionedLines, PreprocessResult } from './types.js';

/**
 * Config-id passes of one config (each reads the whole config again). Real configs name one id
 * per router of a cluster, a handful; 1,000 `@id` lines would be 1,000 full passes.
 */
export const MAX_CONFIG_IDS = 64;

export interface ConfigIdPasses {
  first: PreprocessResult;
  byId: { id: string; pre: PreprocessResult }[];
  /** The first id not read (MAX_CONFIG_IDS reached), and where it is named. */
  capped: { id: string; at: Origin | null } | null;
}

export function configIdPasses(
  read: (id: string | null) => PreprocessResult | { error: string },
  budget: ConfigBudget,
): ConfigIdPasses | { error: string } {
  const first = read(null);
  if ('error' in first) return first;
  const seen = new Set<string>();
  const queue: { id: string; namedIn: PreprocessResult }[] = [];
  // An id goes into `seen` when queued, not when read: each is queued once.
  const enqueue = (pre: PreprocessResult) => {
    for (const id of pre.conditionIds) {
      if (id === '' || seen.has(id)) continue;
      seen.add(id);
      queue.push({ id, namedIn: pre });
    }
  };
  enqueue(first);
  const byId: ConfigIdPasses['byId'] = [];
  for (let next = 0; next < queue.length; next++) {
    const { id, namedIn } = queue[next]!;
    if (budget.exhausted) break;
    if (next >= MAX_CONFIG_IDS) return { first, byId, capped: { id, at: namedIn.conditionAt?.get(id) ?? null } };
    const pre = read(id);
    if ('error' in pre) return pre;
    byId.push({ id, pre });
    enqueue(pre);
  }
  return { first, byId, capped: null };
}

/**
 * The pass for one config-id out of a shared reading (preprocessShared): its lines are the shared
 * lines without those whose `@id` / `@^id` prefix does not select this id (the line objects are
 * the same for every pass: nothing is read or built twice). `dropped` has 1 for the shared lines
 * this pass does not have (null: it has them all); the pass's own list of lines is made only when
 * something asks for it (the tree of a pass is built from the shared lines and `dropped`: 1173.conf
 * has 300,000 lines, 2 of them conditioned). `words` is what the pass reads.
 * Example: conditioned [{from: 7, to: 8, id: 'lb1'}] -> pass lb1 keeps line 7, the others drop it.
 */
export function sharedPass(
  shared: { pre: PreprocessResult; conditioned: readonly ConditionedLines[]; words: number },
  id: string | null,
): { pre: PreprocessResult; words: number; dropped: Uint8Array | null } {
  const { pre, conditioned } = shared;
  let dropped: Uint8Array | null = null;
  for (const c of conditioned) {
    if (selects(c, id) || c.from === c.to) continue;
    dropped ??= new Uint8Array(pre.lines.length);
    dropped.fill(1, c.from, c.to);
  }
  const unterminated = dropped
    ? pre.unterminated.filter((_, k) => !dropped[pre.unterminatedAt![k]!])
    : pre.unterminated;
  let lines: PreprocessResult['lines'] | undefined = dropped ? undefined : pre.lines;
  return {
    dropped,
    pre: {
      get lines() {
        return (lines ??= keptLines(pre.lines, dropped!));
      },
      unterminated,
      problems: pre.problems.slice(),
      files: pre.files,
      conditionIds: new Set(pre.conditionIds),
      ...(pre.conditionAt ? { conditionAt: new Map(pre.conditionAt) } : {}),
    },
    words: passWords(shared, id),
  };
}

/** The lines without those `dropped` has 1 for, as runs of the list (most of it is kept). */
function keptLines<T>(all: readonly T[], dropped: Uint8Array): T[] {
  const runs: T[][] = [];
  for (let at = 0; at < all.length; ) {
    const from = dropped.indexOf(0, at);
    if (from < 0) break;
    let to = dropped.indexOf(1, from);
    if (to < 0) to = all.length;
    runs.push(all.slice(from, to));
    at = to;
  }
  if (runs.length === 1) return runs[0]!;
  // concat() takes the runs as its arguments: a few thousand at a time, far from their limit.
  let out: T[] = [];
  for (let k = 0; k < runs.length; k += 4096) out = out.concat(...runs.slice(k, k + 4096));
  return out;
}

/** Whether a `@id` / `@^id` prefix selects its line for the pass of config-id `id` (null: none). */
function selects(c: ConditionedLines, id: string | null): boolean {
  return (c.id !== '' && c.id === id) !== c.negated;
}

/** The words the pass for `id` reads out of a shared reading. */
export function passWords(shared: { conditioned: readonly ConditionedLines[]; words: number }, id: string | null) {
  let words = shared.words;
  for (const c of shared.conditioned) if (!selects(c, id)) words -= c.words;
  return words;
}

/** 1 for each shared line that a `@id` / `@^id` prefix conditions. */
export function conditionedFlags(shared: { pre: PreprocessResult; conditioned: readonly ConditionedLines[] }) {
  const flags = new Uint8Array(shared.pre.lines.length);
  for (const c of shared.conditioned) flags.fill(1, c.from, c.to);
  return flags;
}
