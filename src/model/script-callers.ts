/**
 * Who can pass which name to a comparison in a script: every reference, over every config-id
 * pass, that runs the script file. `notify` passes its instance or group, a FIFO reader every
 * instance and group, and a line that writes words (`notify_master "/x.sh INSTANCE VI_1"`) passes
 * the word at the position the name reaches the comparison from. Example, for `case "$2" in gw)`
 * called by `notify` of gw_v4 and gw_v6: reaching(literal) -> [{ notify of gw_v4, passes: [gw_v4] },
 * { notify of gw_v6, passes: [gw_v6] }].
 */
import type { ScriptAnalysis } from '../scripts/analyze.js';
import type { ScriptRef } from './scripts.js';

export interface Caller {
  ref: ScriptRef;
  /** The names it can pass to the comparison. */
  passes: string[];
}

export interface ScriptCallers {
  /** Callers keepalived passes a name to. */
  named: Caller[];
  /**
   * The callers whose name reaches the literal at this offset of the script: the same list (not to
   * be changed) for literals the same callers reach.
   */
  reaching(literalStart: number): Caller[];
  /** The callers whose name reaches the script with this analysis (the name it hands on). */
  reachingAnalysis(analysis: ScriptAnalysis): Caller[];
}

/** Once per script file: 10,000 instances calling one script are 10,000 callers of it. */
export function scriptCallers(
  callers: ScriptRef[],
  analysis: (ref: ScriptRef) => ScriptAnalysis | null,
): ScriptCallers {
  const named = callers.filter((c) => c.nameSource).map((c) => ({ ref: c, passes: c.names }));
  const byAnalysis = new Map<ScriptAnalysis, Caller[]>();
  for (const c of named) {
    const a = analysis(c.ref);
    const list = a ? byAnalysis.get(a) : undefined;
    if (list) list.push(c);
    else if (a) byAnalysis.set(a, [c]);
  }
  const written = callers.filter((c) => !c.nameSource && c.args.length);
  const analyses = [...byAnalysis];
  // One list per set of analyses: the literals of one script mostly share it, and a rule that
  // describes the callers of each literal can then do it once per list (see script-unknown-name).
  const lists = new Map<string, Caller[]>();
  const reachingWhere = (pred: (a: ScriptAnalysis) => boolean): Caller[] => {
    const key = analyses.map(([a], k) => (pred(a) ? k : '')).join(',');
    const known = lists.get(key);
    if (known) return known;
    const out = analyses.flatMap(([a, cs]) => (pred(a) ? cs : []));
    // The words of a line sit at the positions the name reaches this comparison from.
    const positions = new Set(
      out.flatMap(({ ref }) => (ref.nameSource?.kind === 'argv' ? [ref.nameSource.position] : [])),
    );
    for (const c of written) {
      const words = [...positions].flatMap((p) => (c.args[p - 1] ? [c.args[p - 1]!.text] : []));
      if (words.length) out.push({ ref: c, passes: words });
    }
    lists.set(key, out);
    return out;
  };
  // The offsets of each analysis's literals (searching its tests for each literal was quadratic:
  // a script of 22,000 case patterns took 2 s).
  const literals = new Map<ScriptAnalysis, Set<number>>();
  const literalsOf = (a: ScriptAnalysis): Set<number> => {
    let set = literals.get(a);
    if (!set) {
      set = new Set();
      for (const d of a.dispatches) for (const t of d.tests) set.add(t.literal.start);
      literals.set(a, set);
    }
    return set;
  };
  return {
    named,
    reaching: (start) => reachingWhere((a) => literalsOf(a).has(start)),
    reachingAnalysis: (analysis) => reachingWhere((a) => a === analysis),
  };
}
