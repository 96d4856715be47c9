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
 * "}" is indented less than the block's own keyword line (that "}" belongs to an outer block).
 */
export function suspectsFor(
  balance: BraceBalance,
  owner: Map<Token, Statement>,
  file: (p: string) => { text: string; index: LineIndex } | undefined,
): Token[] {
  if (balance.unclosed.length === 0) return [];
  const suspects: Token[] = [];
  for (const [open, close] of balance.pairs) {
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
