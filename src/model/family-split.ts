/**
 * The upgrade edit for an instance with addresses of both families (keepalived >= 1.2.20 keeps the
 * family of the first and drops the others): the instance becomes NAME_v4 and NAME_v6, the same
 * block twice with each family's addresses, the new one on a VRID no instance uses; both go in a
 * vrrp_sync_group so that they fail over together. When the instance is in no group yet, the group
 * is named NAME and takes the instance's notify lines, so a script that dispatches on "NAME" keeps
 * receiving that name (as GROUP NAME); when it already is in a group, the group gets the new
 * member and the scripts are left to script-unknown-name. Text edits only where the whole block is
 * written as it is (no $NAME, ~SEQ or include inside it); else no edit is offered. Example:
 *
 *   vrrp_instance gateway { ... virtual_ipaddress { 192.0.2.1/24 2001:db8::1/64 } notify /x.sh }
 *   -> vrrp_instance gateway_v4 { ... 192.0.2.1/24 }  vrrp_instance gateway_v6 { ... 2001:db8::1/64 }
 *      vrrp_sync_group gateway { group { gateway_v4 gateway_v6 } notify /x.sh }
 */
import type { Origin, SourceFile, Token } from '../preprocess/types.js';
import type { ConfigTree, Statement } from '../tree/index.js';
import type { VrrpInstance } from './vrrp.js';

export interface SplitEdit {
  at: Origin;
  text: string;
}

export interface FamilySplit {
  names: [string, string];
  vrid: number;
  /** The group the two instances end up in, and whether it is new. */
  group: { name: string; created: boolean };
  edits: SplitEdit[];
}

const NOTIFY = /^notify(_master|_backup|_fault|_stop|_deleted|_master_rx_lower_pri)?$/;

/**
 * What every split of one config reads, worked out once: the VRIDs in use (each split adds the one
 * it takes, so two splits never pick the same), the sync group each instance is a member of (by its
 * member word), and the `lvs_sync_daemon IFACE NAME` lines.
 */
export interface SplitContext {
  vrids: Set<number>;
  members: Map<string, { token: Token; group: string }>;
  syncDaemons: Statement[];
}

export function splitContext(tree: ConfigTree): SplitContext {
  const vrids = new Set<number>();
  const members = new Map<string, { token: Token; group: string }>();
  const syncDaemons: Statement[] = [];
  for (const s of tree.top) {
    const kw = s.keyword.text;
    if (kw === 'vrrp_instance')
      for (const c of s.children) if (c.keyword.text === 'virtual_router_id') vrids.add(Number(c.args[0]?.text));
    if (kw === 'vrrp_sync_group')
      for (const c of s.children)
        if (c.keyword.text === 'group')
          for (const t of c.values.flatMap((l) => l.tokens))
            if (!members.has(t.text)) members.set(t.text, { token: t, group: s.args[0]?.text ?? '' });
    if (kw === 'global_defs') syncDaemons.push(...s.children.filter((c) => c.keyword.text === 'lvs_sync_daemon'));
  }
  return { vrids, members, syncDaemons };
}

export function familySplit(
  inst: VrrpInstance,
  context: SplitContext,
  file: (path: string) => SourceFile | undefined,
): FamilySplit | null {
  const st = inst.statement;
  const nameTok = st.args[0];
  if (!nameTok || !st.close || !st.open) return null;
  const src = file(st.keyword.origin.file);
  if (!src) return null;
  // Every word of the block written in this file as it is.
  const literal = (t: Token) => t.via.length === 0 && t.origin.file === src.path;
  const all = (s: Statement): Token[] => [
    s.keyword,
    ...s.args,
    ...(s.open ? [s.open] : []),
    ...(s.close ? [s.close] : []),
    ...s.values.flatMap((l) => l.tokens),
    ...s.children.flatMap(all),
  ];
  if (!all(st).every(literal)) return null;
  const firstFamily = inst.addresses[0]?.family;
  if (!firstFamily || inst.nativeIpv6) return null;
  const other = inst.addresses.filter((a) => a.family !== firstFamily);
  // Source addresses and unicast peers of the other family need a decision (which peer?): not offered.
  if (!other.length || other.some((a) => a.kind !== 'vip')) return null;
  const own = inst.addresses.filter((a) => a.family === firstFamily && a.kind === 'vip');
  const text = src.text;
  const lineOf = (t: Token): Origin | null => {
    const start = text.lastIndexOf('\n', t.origin.start - 1) + 1;
    const nl = text.indexOf('\n', t.origin.end);
    const end = nl < 0 ? text.length : nl + 1;
    // The address must be alone on its line (a line of several addresses is not cut).
    return text.slice(start, t.origin.start).trim() === '' &&
      /^\S*\s*$/.test(text.slice(t.origin.start, end).trimEnd() + ' ')
      ? { file: src.path, start, end }
      : null;
  };
  /** A statement alone on its line: from the start of its line to after the line of its last word. */
  const statementLine = (c: Statement): Origin | null => {
    const words = [c.keyword, ...c.args];
    const last = words[words.length - 1]!;
    const start = text.lastIndexOf('\n', c.keyword.origin.start - 1) + 1;
    const nl = text.indexOf('\n', last.origin.end);
    const end = nl < 0 ? text.length : nl + 1;
    const after = text.slice(last.origin.end, end).trim();
    return text.slice(start, c.keyword.origin.start).trim() === '' && (after === '' || /^[#!]/.test(after))
      ? { file: src.path, start, end }
      : null;
  };
  const otherLines = other.map((a) => lineOf(a.token));
  const ownLines = own.map((a) => lineOf(a.token));
  if (otherLines.some((l) => !l) || ownLines.some((l) => !l)) return null;
  const suffix = (f: string) => (f === 'ipv4' ? 'v4' : 'v6');
  const names: [string, string] = [`${inst.name}_${suffix(firstFamily)}`, `${inst.name}_${suffix(other[0]!.family)}`];
  const vridTok = st.children.find((c) => c.keyword.text === 'virtual_router_id')?.args[0];
  const was = Number(vridTok?.text);
  if (!vridTok || !Number.isInteger(was)) return null;
  // The first VRID after the instance's own that no instance (nor an earlier split) uses: 51 -> 52.
  const vrid = [...Array(255).keys()].map((i) => ((was + i) % 255) + 1).find((v) => !context.vrids.has(v));
  if (vrid === undefined) return null;
  const member = context.members.get(inst.name)?.token;
  const blockStart = text.lastIndexOf('\n', st.keyword.origin.start - 1) + 1;
  const blockEnd = st.close.origin.end;
  const indent = text.slice(blockStart, st.keyword.origin.start);
  // One LVS sync daemon for the whole config: the copy does not name it again (keepalived ignores a repeat).
  const syncDaemon = st.children.filter((c) => c.keyword.text === 'lvs_sync_daemon_interface').map(statementLine);
  if (syncDaemon.some((l) => l === null)) return null;
  const notifyLines = member ? [] : st.children.filter((c) => NOTIFY.test(c.keyword.text)).map(statementLine);
  if (notifyLines.some((l) => l === null)) return null;
  // The copy: the block's text with the other names, VRID and addresses, edited from the end.
  const copyEdits: SplitEdit[] = [
    { at: nameTok.origin, text: names[1] },
    { at: vridTok.origin, text: String(vrid) },
    ...ownLines.map((l) => ({ at: l!, text: '' })),
    ...notifyLines.map((l) => ({ at: l!, text: '' })),
    ...syncDaemon.map((l) => ({ at: l!, text: '' })),
  ];
  let copy = text.slice(blockStart, blockEnd);
  for (const e of [...copyEdits].sort((a, b) => b.at.start - a.at.start))
    copy = copy.slice(0, e.at.start - blockStart) + e.text + copy.slice(e.at.end - blockStart);
  const inner = `${indent}    `;
  const groupText = member
    ? ''
    : `\n\n${indent}vrrp_sync_group ${inst.name} {\n${inner}group {\n` +
      `${inner}    ${names[0]}\n${inner}    ${names[1]}\n` +
      `${inner}}\n${notifyLines.map((l) => `${inner}${text.slice(l!.start, l!.end).trim()}\n`).join('')}${indent}}`;
  const edits: SplitEdit[] = [
    { at: nameTok.origin, text: names[0] },
    ...otherLines.map((l) => ({ at: l!, text: '' })),
    ...notifyLines.map((l) => ({ at: l!, text: '' })),
    { at: { file: src.path, start: blockEnd, end: blockEnd }, text: `\n\n${copy}${groupText}` },
  ];
  // `lvs_sync_daemon IFACE NAME`: the daemon follows the instance that keeps the VRID.
  for (const c of context.syncDaemons) {
    const named = c.args[1];
    if (named?.text === inst.name && !named.via.length) edits.push({ at: named.origin, text: names[0] });
  }
  if (member) {
    const m = text.lastIndexOf('\n', member.origin.start - 1) + 1;
    const memberIndent = member.origin.file === src.path ? text.slice(m, member.origin.start) : '';
    if (!literal(member) || memberIndent.trim()) return null;
    edits.push({ at: member.origin, text: `${names[0]}\n${memberIndent}${names[1]}` });
  }
  const group = member ? context.members.get(inst.name)!.group : inst.name;
  context.vrids.add(vrid);
  return { names, vrid, group: { name: group, created: !member }, edits };
}
