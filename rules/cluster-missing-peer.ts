import { defineClusterRule } from '../src/cluster/types.js';
import { nodeList } from '../src/cluster/groups.js';
import { familyName } from '../src/model/vrrp.js';

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-missing-peer',
    description:
      'A vrrp_instance defined on one node of a cluster only (no other node ' +
      'has that name, nor the same VRID on that interface): nothing takes ' +
      'over its VIPs when that node fails.',
    severity: 'error',
    messages: {
      alone: {
        message:
          'Only {{here}} has vrrp_instance {{name}} (VRID {{vrid}}, {{family}} ' +
          'on {{iface}}): {{others}} {{have}} no peer for it',
        detail:
          '{{others}} {{have}} no instance with that name, nor VRID {{vrid}} on ' +
          '{{iface}} with any of its VIPs, so nothing takes over {{vips}} when ' +
          '{{here}} fails or stops keepalived (no failover). Fix: add the ' +
          'instance to {{others}} (same virtual_router_id and virtual_ipaddress, ' +
          'state BACKUP, a lower priority), or remove it from {{here}} if the ' +
          'group moved elsewhere.',
      },
    },
  },
  check(ctx) {
    // A node without any vrrp_instance (an LVS-only config) is no VRRP peer.
    const vrrpNodes = ctx.cluster.nodes.filter((n) => n.instances.length > 0);
    if (vrrpNodes.length < 2) return;
    for (const g of ctx.cluster.groups) {
      if (g.members.length !== 1) continue;
      const i = g.members[0]!;
      const others = vrrpNodes.filter((n) => n !== i.node && n.cluster === i.node.cluster);
      if (!others.length) continue;
      ctx.report({
        messageId: 'alone',
        node: i.node,
        at: i.statement.args[0] ?? i.statement.keyword,
        data: {
          name: i.name,
          vrid: i.vrid?.value ?? 'unset',
          family: familyName(i.family),
          iface: i.iface?.text ?? 'no interface',
          here: i.node.label,
          others: nodeList(others),
          have: others.length === 1 ? 'has' : 'have',
          vips: i.vips.length ? `its VIPs ${i.vips.map((v) => v.key).join(', ')}` : 'its routes and scripts',
        },
      });
    }
  },
});
