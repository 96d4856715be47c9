/**
 * Which "{" to blame for keepalived's "There are N missing '}'s": keepalived only counts braces, so
 * the linter uses indentation. Example: a `virtual_ipaddress {` whose paired "}" sits at column 1,
 * under `vrrp_instance`, is the block whose own "}" is missing.
 */
import type { Token } from '../preprocess/types.js';
import type { LineIndex } from '../source/line-index.js';
import { indentationAt, type BraceBalance, type Statement } from '../tree/index.js';

/**
 * keepalived only counts braces. To point at the "{" really left open, prefer blocks whose matched
 * "}" is indented less than the block's own keyword line (that "}" belongs to an outer block),
 * among the blocks opened since the count last stood at zero: a block closed before that point was
 * closed, however it is indented (a sloppy `notification_email` "}" in column 1 does not make it
 * the culprit of a `vrrp_instance` left open at the end of the file).
 */
export function suspectsFor(
  balance: BraceBalance,
  owner: Map<Token, Statement>,
  file: (p: string) => { text: string; index: LineIndex } | undefined,
): Token[] {
  if (balance.unclosed.length === 0) return [];
  const simulated = blameBySimulation(balance, file);
  if (simulated) return [simulated];
  // A "}" missing before the last time the count stood at zero would have left a later "}" extra.
  const region = new Set(balance.lastRegion.filter((b) => b.open).map((b) => b.token));
  const suspects: Token[] = [];
  for (const [open, close] of balance.pairs) {
    if (!region.has(open)) continue;
    const st = owner.get(open);
    const sf = file(open.origin.file);
    if (!st || !sf || open.via.length || close.via.length || close.origin.file !== st.keyword.origin.file) continue;
    if (indentationAt(sf, close.origin.start) < indentationAt(sf, st.keyword.origin.start)) suspects.push(open);
  }
  const literalUnclosed = balance.unclosed.filter((t) => !t.via.length);
  if (suspects.length > 0 && suspects.length <= balance.unclosed.length) {
    suspects.sort((a, b) => a.origin.start - b.origin.start);
    return [...suspects, ...literalUnclosed.slice(0, balance.unclosed.length - suspects.length)];
  }
  return balance.unclosed;
}

/** Beyond this many "{" in the last region, the quadratic trial below is not worth it. */
const MAX_TRIED_OPENS = 200;

/**
 * One "}" missing (the common case): try each "{" of the last region as the one left open, with its
 * "}" put back before the first brace line indented no deeper than it, and keep the "{" for which
 * the most braces then pair up with a brace of the same indentation (the first such one on a tie).
 * A missing "}" deep inside shifts every later pairing by one level, so each enclosing block's "}"
 * looks misplaced: only putting back the innermost one makes them all line up again. Undefined when
 * the region spans several files or expansions, is too large, or no trial closes its own block.
 */
function blameBySimulation(
  balance: BraceBalance,
  file: (p: string) => { text: string; index: LineIndex } | undefined,
): Token | undefined {
  const region = balance.lastRegion;
  if (balance.unclosed.length !== 1 || region.length === 0) return undefined;
  const where = region[0]!.token.origin.file;
  if (region.some((b) => b.token.via.length || b.token.origin.file !== where)) return undefined;
  const sf = file(where);
  if (!sf || region.filter((b) => b.open).length > MAX_TRIED_OPENS) return undefined;
  const indent = region.map((b) => indentationAt(sf, b.token.origin.start));
  let best: Token | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let c = 0; c < region.length; c++) {
    if (!region[c]!.open) continue;
    let at = region.length;
    for (let j = c + 1; j < region.length; j++) {
      if (indent[j]! <= indent[c]!) {
        at = j;
        break;
      }
    }
    const score = misplacedWith(region, indent, c, at);
    if (score < bestScore) {
      bestScore = score;
      best = region[c]!.token;
    }
  }
  return best;
}

/** Braces left unpaired or paired across indentations once a "}" for region[c] is put before region[at]. */
function misplacedWith(region: { open: boolean }[], indent: number[], c: number, at: number): number {
  const stack: number[] = [];
  let bad = 0;
  for (let j = 0; j <= region.length; j++) {
    // The "}" put back must close the trial block itself, else the trial says nothing.
    if (j === at && stack.pop() !== c) return Number.POSITIVE_INFINITY;
    if (j === region.length) break;
    if (region[j]!.open) stack.push(j);
    else {
      const o = stack.pop();
      if (o === undefined || indent[o] !== indent[j]) bad++;
    }
  }
  return bad + stack.length;
}

/**
 * The statements keepalived reads into a block left open at the end of the file although they were
 * written for an outer level: its direct children indented no deeper than the block's own keyword.
 */
export function swallowedBy(
  st: Statement,
  file: (p: string) => { text: string; index: LineIndex } | undefined,
): Statement[] {
  const sf = file(st.keyword.origin.file);
  if (!sf || st.keyword.via.length) return [];
  const own = indentationAt(sf, st.keyword.origin.start);
  return st.children.filter(
    (c) =>
      c.keyword.origin.file === st.keyword.origin.file &&
      !c.keyword.via.length &&
      indentationAt(sf, c.keyword.origin.start) <= own,
  );
}
