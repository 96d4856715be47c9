/**
 * Which object of the old config became which of the new one. Instances match by name; the rest
 * by shared virtual addresses (one old to several new is a split, several old to one new a merge,
 * one to one a rename); what is still unmatched by interface/VRID/family (a rename that also
 * changed every address). Other kinds match by name only (virtual servers are named by address
 * and port). Example:
 *
 *   old: gateway {192.0.2.1, 2001:db8::1}   new: gateway_v4 {192.0.2.1}, gateway_v6 {2001:db8::1}
 *   -> [{ kind: 'split', before: ['gateway'], after: ['gateway_v4', 'gateway_v6'] }]
 */
import type { Entity, SideModel } from './model.js';

export type ChangeKind = 'added' | 'removed' | 'renamed' | 'split' | 'merged' | 'modified';

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface Change {
  kind: ChangeKind;
  object: Entity['kind'];
  before: string[];
  after: string[];
  fields?: FieldChange[];
}

export function diffModels(oldSide: Pick<SideModel, 'entities'>, newSide: Pick<SideModel, 'entities'>): Change[] {
  const changes: Change[] = [];
  for (const kind of ['vrrp_instance', 'vrrp_sync_group', 'vrrp_script', 'virtual_server'] as const) {
    const olds = oldSide.entities.filter((e) => e.kind === kind);
    const news = newSide.entities.filter((e) => e.kind === kind);
    changes.push(...diffKind(kind, olds, news));
  }
  return changes;
}

function diffKind(kind: Entity['kind'], olds: Entity[], news: Entity[]): Change[] {
  const out: Change[] = [];
  const newByName = new Map(news.map((e) => [e.name, e]));
  const oldLeft: Entity[] = [];
  const pairs: [Entity, Entity][] = [];
  for (const o of olds) {
    const n = newByName.get(o.name);
    if (n) {
      pairs.push([o, n]);
      newByName.delete(o.name);
    } else oldLeft.push(o);
  }
  let newLeft = news.filter((e) => newByName.has(e.name));

  if (kind === 'vrrp_instance') {
    // Components of the "shares a virtual address" graph between unmatched old and new instances.
    const groups = overlapGroups(oldLeft, newLeft);
    const used = new Set<Entity>();
    for (const g of groups) {
      g.olds.forEach((e) => used.add(e));
      g.news.forEach((e) => used.add(e));
      if (g.olds.length === 1 && g.news.length === 1) pairs.push([g.olds[0]!, g.news[0]!]);
      else
        out.push({
          kind: g.olds.length === 1 ? 'split' : g.news.length === 1 ? 'merged' : 'split',
          object: kind,
          before: names(g.olds),
          after: names(g.news),
          fields: movedAddresses(g.olds, g.news),
        });
    }
    const restOld = oldLeft.filter((e) => !used.has(e));
    newLeft = newLeft.filter((e) => !used.has(e));
    oldLeft.length = 0;
    for (const o of restOld) {
      const same = newLeft.filter((n) => n.key === o.key && o.key !== '//ipv4');
      if (same.length === 1) {
        pairs.push([o, same[0]!]);
        newLeft = newLeft.filter((n) => n !== same[0]);
      } else oldLeft.push(o);
    }
  }

  // An address that left one matched instance and arrived in another moved between them.
  const arrivedIn = new Map<string, string>();
  for (const [o, n] of pairs)
    for (const v of n.vips) if (!o.vips.some((w) => sameAddress(v, w))) arrivedIn.set(v.split(' ')[0]!, n.name);
  for (const [o, n] of pairs) {
    const fields = fieldChanges(o, n);
    for (const v of o.vips) {
      const to = arrivedIn.get(v.split(' ')[0]!);
      if (to && to !== n.name && !n.vips.some((w) => sameAddress(v, w)))
        fields.push({ field: 'virtual_ipaddress moved', before: `${v.split(' ')[0]} in ${o.name}`, after: `in ${to}` });
    }
    if (o.name !== n.name)
      out.push({
        kind: 'renamed',
        object: kind,
        before: [o.name],
        after: [n.name],
        ...(fields.length ? { fields } : {}),
      });
    else if (fields.length) out.push({ kind: 'modified', object: kind, before: [o.name], after: [n.name], fields });
  }
  for (const o of oldLeft) out.push({ kind: 'removed', object: kind, before: [o.name], after: [] });
  for (const n of newLeft) out.push({ kind: 'added', object: kind, before: [], after: [n.name] });
  return out.sort((a, b) => (a.before[0] ?? a.after[0] ?? '').localeCompare(b.before[0] ?? b.after[0] ?? ''));
}

function names(es: Entity[]): string[] {
  return es.map((e) => e.name);
}

function overlapGroups(olds: Entity[], news: Entity[]): { olds: Entity[]; news: Entity[] }[] {
  const groups: { olds: Entity[]; news: Entity[] }[] = [];
  const seen = new Set<Entity>();
  const shares = (a: Entity, b: Entity) => a.vips.some((v) => b.vips.some((w) => sameAddress(v, w)));
  for (const start of olds) {
    if (seen.has(start) || !news.some((n) => shares(start, n))) continue;
    const g = { olds: [] as Entity[], news: [] as Entity[] };
    const queue: Entity[] = [start];
    seen.add(start);
    while (queue.length) {
      const e = queue.shift()!;
      const isOld = olds.includes(e);
      (isOld ? g.olds : g.news).push(e);
      for (const other of isOld ? news : olds) {
        if (!seen.has(other) && shares(e, other)) {
          seen.add(other);
          queue.push(other);
        }
      }
    }
    groups.push(g);
  }
  return groups;
}

/** Address lines compare by address (options such as `dev eth1` aside). */
function sameAddress(a: string, b: string): boolean {
  return a.split(' ')[0] === b.split(' ')[0];
}

function movedAddresses(olds: Entity[], news: Entity[]): FieldChange[] {
  const out: FieldChange[] = [];
  for (const o of olds) {
    for (const v of o.vips) {
      const to = news.filter((n) => n.vips.some((w) => sameAddress(v, w))).map((n) => n.name);
      out.push({
        field: 'virtual_ipaddress',
        before: `${v.split(' ')[0]} in ${o.name}`,
        after: to.length ? `in ${to.join(', ')}` : 'removed',
      });
    }
  }
  return out;
}

function fieldChanges(o: Entity, n: Entity): FieldChange[] {
  const out: FieldChange[] = [];
  const keys = [...new Set([...Object.keys(o.fields), ...Object.keys(n.fields)])];
  for (const k of keys) {
    const a = o.fields[k] ?? '';
    const b = n.fields[k] ?? '';
    if (
      k === 'virtual_ipaddress' ||
      k === 'virtual_ipaddress_excluded' ||
      k === 'unicast_peer' ||
      k === 'track_script' ||
      k === 'group' ||
      k === 'real_server'
    ) {
      const as = new Set(a ? a.split(', ') : []);
      const bs = new Set(b ? b.split(', ') : []);
      const removed = [...as].filter((x) => !bs.has(x));
      const added = [...bs].filter((x) => !as.has(x));
      if (removed.length || added.length) out.push({ field: k, before: removed.join(', '), after: added.join(', ') });
    } else if (a !== b) out.push({ field: k, before: a, after: b });
  }
  return out;
}
