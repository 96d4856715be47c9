import { defineClusterRule, type ClusterInstance } from '../src/cluster/types.js';
import { nodeList } from '../src/cluster/groups.js';
import { networksOverlap } from '../src/cluster/model.js';
import { familyName } from '../src/model/vrrp.js';

/**
 * Two multicast instances of different groups whose adverts reach each other: same VRID, family,
 * multicast group and interface name, on different nodes, and VIP networks that overlap (when both
 * write prefixes; without them the interface name is all there is to go by).
 */
function collide(a: ClusterInstance, b: ClusterInstance): boolean {
  if (!a.vrid || !b.vrid || a.vrid.value !== b.vrid.value || a.family !== b.family) return false;
  if (
    a.unicast ||
    b.unicast ||
    a.mcastDst !== b.mcastDst ||
    !a.iface ||
    a.iface.text !== b.iface?.text ||
    a.node === b.node
  )
    return false;
  if (!a.vipNetworks.length || !b.vipNetworks.length) return true;
  return a.vipNetworks.some((x) => b.vipNetworks.some((y) => networksOverlap(x, y)));
}

/** What the receiving instance logs first for a foreign advert (vrrp_check_packet() order). */
function dropLog(me: ClusterInstance, from: ClusterInstance): string {
  if (me.settings.version !== from.settings.version)
    return `(${me.name}) wrong version. Received ${from.settings.version} and expect ${me.settings.version}`;
  if (me.vips.length !== from.vips.length)
    return `(${me.name}) received an unexpected ip number count ${from.vips.length}, expected ${me.vips.length}!`;
  const missing = me.vips.find((v) => !from.vips.some((w) => w.key === v.key));
  return (
    `(${me.name}) ip address associated with VRID ${me.vrid!.value} ` +
    `not present in MASTER advert: ${missing?.key ?? ''}`
  );
}

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-vrid-collision',
    description:
      'The same VRID used by two different VRRP groups on one segment (same ' +
      'interface name and address family, overlapping VIP networks) anywhere ' +
      "in the configs linted: each group drops the other's adverts, and with " +
      'use_vmac both MASTERs share one virtual MAC.',
    severity: 'error',
    messages: {
      collision: {
        message:
          'VRID {{vrid}} of vrrp_instance {{name}} on {{here}} is also used by ' +
          '{{otherName}} on {{others}}, another VRRP group on {{iface}}',
        detail:
          'vrrp_instance {{name}} on {{here}} and vrrp_instance {{otherName}} on ' +
          '{{others}} are different VRRP groups, with other VIPs, on one segment ' +
          '({{family}} multicast on {{iface}}). Every advert of each group ' +
          'reaches the other group\'s nodes, which drop it ("{{log}}") at every ' +
          'advert interval{{vmac}}; a VRID must be unique on a segment (RFC ' +
          '5798). Fix: give one of the groups another virtual_router_id, on all ' +
          'of its nodes, and keep a VRID registry for the segment.',
      },
    },
  },
  check(ctx) {
    const groups = ctx.cluster.groups;
    // Two groups collide only where members could (collide(): the same VRID, family, interface and
    // multicast group, no unicast): the pairs are taken among the groups of each such segment, in
    // the order of every pair (10,000 groups made 50 million pairs).
    const segment = (m: (typeof groups)[number]['members'][number]) =>
      m.vrid && m.iface && !m.unicast ? `${m.vrid.value}\0${m.family}\0${m.iface.text}\0${m.mcastDst}` : null;
    const bySegment = new Map<string, number[]>();
    groups.forEach((g, gi) => {
      for (const key of new Set(g.members.map(segment))) {
        if (key === null) continue;
        const list = bySegment.get(key);
        if (list) list.push(gi);
        else bySegment.set(key, [gi]);
      }
    });
    for (const [gi, first] of groups.entries()) {
      const later = new Set<number>();
      for (const m of first.members) {
        const key = segment(m);
        if (key !== null) for (const gj of bySegment.get(key) ?? []) if (gj > gi) later.add(gj);
      }
      for (const second of [...later].sort((a, b) => a - b).map((gj) => groups[gj]!)) {
        // Reported on the nodes of the smaller group (the odd one out), on the later one for a tie.
        const [ga, gb] =
          first.members.length > second.members.length
            ? [first, second]
            : second.members.length > first.members.length
              ? [second, first]
              : [first, second];
        // The same VRID twice on one node and interface is duplicate-vrid's (keepalived refuses to start).
        if (
          ga.members.some((a) =>
            gb.members.some(
              (b) => a.node === b.node && a.vrid?.value === b.vrid?.value && a.iface?.text === b.iface?.text,
            ),
          )
        )
          continue;
        for (const b of gb.members) {
          const hits = ga.members.filter((a) => collide(a, b));
          if (!hits.length) continue;
          const a = hits[0]!;
          const vmac = a.useVmac || b.useVmac;
          const mac = `00:00:5e:00:0${b.family === 'ipv4' ? 1 : 2}:${b.vrid!.value.toString(16).padStart(2, '0')}`;
          ctx.report({
            messageId: 'collision',
            node: b.node,
            at: b.vrid!.at,
            data: {
              vrid: b.vrid!.value,
              family: familyName(b.family),
              iface: b.iface!.text,
              name: b.name,
              here: b.node.label,
              otherName: a.name,
              others: nodeList(hits.map((h) => h.node)),
              log: dropLog(b, a),
              vmac: vmac
                ? `, and with use_vmac both MASTERs send from the virtual ` +
                  `MAC ${mac}: the switch moves it between them and traffic ` +
                  `for one group's VIPs reaches the other group's MASTER`
                : '',
            },
            related: hits.map((h) => ({
              node: h.node,
              at: h.vrid!.at,
              message:
                `vrrp_instance ${h.name} uses VRID ${h.vrid!.value} ` +
                `on ${h.iface!.text} with ${h.vips.map((v) => v.key).join(', ') || 'no VIPs'}`,
            })),
            ...(vmac ? {} : { severity: 'warning' as const }),
          });
        }
      }
    }
  },
});
