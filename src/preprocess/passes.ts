/**
 * The config-id passes of one config: the pass for no id, then every id the `@` lines name, also
 * those named only under another id (`@lb1 include lb1.conf`), each read once in the order first
 * named, at most MAX_CONFIG_IDS of them, stopping when the config's work budget is spent. One queue
 * for lint, cluster and --with-keepalived. Example: `@lb1 x` and `@lb2 y` ->
 *   { first: <pass for none>, byId: [{ id: 'lb1', pre }, { id: 'lb2', pre }], capped: null }
 */
import type { Origin } from './mapped-text.js';
import type { ConfigBudget } from './budget.js';
import type { PreprocessResult } from './types.js';

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
