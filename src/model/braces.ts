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
  const suspects: Token[] = [];
  for (const [open, close] of balance.pairs) {
    // A "}" missing before the last time the count stood at zero would have left a later "}" extra.
    if (!balance.lastRegion.has(open)) continue;
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
