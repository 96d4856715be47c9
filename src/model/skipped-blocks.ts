/**
 * Blocks keepalived skips unread (skip_block()): their lines are never parsed, so nothing in them
 * applies and nothing in them is reported but the skip itself. Example:
 *   virtual_server <virtual-ip-address> 80 { ... }
 *   -> [{ statement: virtual_server, bad: <virtual-ip-address>, what: 'address',
 *         says: 'Invalid virtual server IP address/port <virtual-ip-address>/80 - skipping' }]
 */
import type { Token } from '../preprocess/types.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import { compareVersions, type Version } from '../versions/version.js';
import { checkNumber, parseHostAddress } from './values.js';

export interface SkippedBlock {
  statement: Statement;
  /** The word that makes keepalived skip the block. */
  bad: Token;
  what: 'address' | 'port';
  /** keepalived's message (2.0.7+ prints it under -t; older versions only log it). */
  says: string;
}

/**
 * A virtual_server whose address (or port) alloc_vs() cannot read: inet_stosockaddr() cuts the
 * address at "-" or "/", takes a port of 1..65535 (one of only zeros counts as none), and on failure
 * keepalived skips the block. Checked since 1.3.7 (d98f07ce); skip_block() skips nested blocks
 * correctly since 1.4.5 (4904d3ce), so older targets get no finding; the port is checked there
 * since 2.0.7 (5e525f2f; not verified before). "group NAME" and "fwmark N" are not addresses.
 */
function virtualServerSkip(s: Statement, target: Version): SkippedBlock | undefined {
  const [addr, port] = s.args;
  if (!addr || !s.def || addr.text === 'group' || addr.text === 'fwmark') return undefined;
  if (compareVersions(target, '1.4.5') < 0) return undefined;
  const portText = port && /[^0]/.test(port.text) ? port.text : null;
  const says =
    compareVersions(target, '2.0.7') < 0
      ? `Invalid virtual server IP address ${addr.text} - skipping`
      : portText
        ? `Invalid virtual server IP address/port ${addr.text}/${portText} - skipping`
        : `Invalid virtual server IP address ${addr.text} - skipping`;
  if (!parseHostAddress(addr.text)) return { statement: s, bad: addr, what: 'address', says };
  if (port && portText && compareVersions(target, '2.0.7') >= 0 && !checkNumber(portText, { min: 1, max: 65535 }).ok)
    return { statement: s, bad: port, what: 'port', says };
  return undefined;
}

export function skippedBlocks(tree: ConfigTree, target: Version): SkippedBlock[] {
  const out: SkippedBlock[] = [];
  for (const s of tree.top) {
    if (s.keyword.text !== 'virtual_server' || !s.open) continue;
    const skip = virtualServerSkip(s, target);
    if (skip) out.push(skip);
  }
  return out;
}

/** Rules whose findings stand inside a skipped block too: skip_block() still counts the braces. */
const STILL_READ = new Set(['syntax-error', 'include-not-found', 'include-loop', 'budget-exceeded', 'lint-directive']);

/**
 * Whether a finding at `offset` of `file` by `ruleId` is inside a block keepalived skips (from its
 * "{" to its "}", or to the end of the file when it is never closed), where keepalived reads nothing.
 * Made once for a pass's skipped blocks: by file, the blocks by where they begin, and the furthest
 * end of those that begin at or before each (a search of every block for each finding was
 * quadratic: 20,000 skipped blocks over 40 files took 9 s).
 */
export function insideSkipped(
  skipped: readonly SkippedBlock[],
): (ruleId: string, file: string, offset: number) => boolean {
  const byFile = new Map<string, { start: number; end: number }[]>();
  for (const b of skipped) {
    const open = b.statement.open!.origin;
    const close = b.statement.close?.origin;
    // A "}" in another file than the "{" holds nothing (as the search did).
    if (close && close.file !== open.file) continue;
    let list = byFile.get(open.file);
    if (!list) byFile.set(open.file, (list = []));
    list.push({ start: open.start, end: close ? close.end : Number.POSITIVE_INFINITY });
  }
  const starts = new Map<string, number[]>();
  const reach = new Map<string, number[]>();
  for (const [file, list] of byFile) {
    list.sort((a, b) => a.start - b.start);
    starts.set(
      file,
      list.map((r) => r.start),
    );
    let furthest = Number.NEGATIVE_INFINITY;
    reach.set(
      file,
      list.map((r) => (furthest = Math.max(furthest, r.end))),
    );
  }
  return (ruleId, file, offset) => {
    if (STILL_READ.has(ruleId)) return false;
    const s = starts.get(file);
    if (!s) return false;
    // The last block that begins at or before `offset`.
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && reach.get(file)![lo - 1]! >= offset;
  };
}
