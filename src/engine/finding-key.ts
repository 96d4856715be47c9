/**
 * What identifies a finding for the tools that follow it across edits (baseline, diff impact,
 * SARIF fingerprints): rule id + message id + data, never the message text (DESIGN.md, "findings
 * are data"). Data values that cite a position (`keepalived.conf:12:5`, `line 12`) or the checkout's
 * own folder are made stable first, so that a line added above, or another checkout, is the same
 * finding. Example:
 *   stableData({ name: 'VI_2', first: 'keepalived.conf:12:5', file: '/repo/etc/x.conf' }, ['/repo'])
 *     -> { first: '', file: 'etc/x.conf', name: 'VI_2' }
 */
import * as path from 'node:path';
import type { Diagnostic } from './types.js';

/**
 * `file:line:column` citations (the file part too: a path that may be a checkout's own). Hex
 * digits and colons only is an IPv6 address (`2001:db8::10:20`), kept.
 */
const LOCATION = /[^\s"'`(),;[\]{}<>]*:\d+:\d+(?!\d)/g;
const IPV6ISH = /^[0-9a-fA-F:]*$/;

/** A text without the positions it cites and without the given folders (as `folder/` prefixes). */
export function stableText(text: string, folders: readonly string[] = []): string {
  let s = text;
  // The longest first: a config's folder inside the root is taken out whole.
  for (const f of [...folders].sort((a, b) => b.length - a.length)) {
    if (!f) continue;
    s = s.split(f.endsWith(path.sep) ? f : f + path.sep).join('');
  }
  return s.replace(LOCATION, (m) => (IPV6ISH.test(m) ? m : '')).replace(/\bline \d+\b/g, 'line N');
}

/** The data with every string value made stable (stableText), keys sorted. */
export function stableData(
  data: Readonly<Record<string, string | number>> | undefined,
  folders: readonly string[] = [],
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of Object.keys(data ?? {}).sort()) {
    const v = data![k]!;
    out[k] = typeof v === 'string' ? stableText(v, folders) : v;
  }
  return out;
}

/**
 * The finding's identity without its place: rule id, message id and stable data; for a finding
 * without a message id (keepalived's own output under --with-keepalived), its stable message text.
 */
export function findingIdentity(
  d: Pick<Diagnostic, 'ruleId' | 'messageId' | 'data' | 'message'>,
  folders: readonly string[] = [],
): string {
  return d.messageId !== undefined
    ? JSON.stringify(['id', d.ruleId, d.messageId, stableData(d.data, folders)])
    : JSON.stringify(['text', d.ruleId, stableText(d.message, folders)]);
}
