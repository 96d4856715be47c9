import { defineClusterRule } from '../src/cluster/types.js';
import { nodeList, outliers } from '../src/cluster/groups.js';
import { formatVersion } from '../src/versions/version.js';

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-unicast-peers',
    description:
      'Unicast peers that are not reciprocal across the nodes of a VRRP ' +
      "group (a node's unicast_peer list lacks another node's " +
      'unicast_src_ip, or names the node itself), or a group where some ' +
      'nodes use unicast and others multicast.',
    severity: 'error',
    messages: {
      missing: {
        message: 'Missing unicast peer {{peer}} ({{other}}) in vrrp_instance {{name}} (VRID {{vrid}}) on {{here}}',
        detail:
          'unicast_peer on {{here}} does not list the unicast_src_ip of ' +
          '{{other}}, so {{here}} never sends its adverts there: whenever ' +
          '{{here}} is MASTER, {{other}} hears nothing, declares the MASTER dead ' +
          'after 3 advert intervals and becomes MASTER too: both hold the VIPs ' +
          '(split brain). Fix: add {{peer}} to unicast_peer on {{here}}{{self}}.',
      },
      self: {
        message: 'Own address {{peer}} in unicast_peer of vrrp_instance {{name}} (VRID {{vrid}}) on {{here}}',
        detail:
          "{{peer}} is the node's own unicast_src_ip; keepalived {{target}} does " +
          'not skip it and sends adverts to itself instead of to a peer; usually ' +
          'the config was copied from another node without swapping ' +
          'unicast_src_ip and the peer. Fix: remove {{peer}} from unicast_peer ' +
          "and list the other nodes' addresses.",
      },
      mixed: {
        message:
          'Mixed unicast/multicast in vrrp_instance {{name}} (VRID {{vrid}}): ' +
          '{{mine}} on {{here}} but {{theirs}} on {{others}}',
        detail:
          'keepalived drops adverts sent the other way ("({{name}}) Expected ' +
          '{{expect}}icast packet but received {{got}}icast packet"), so ' +
          '{{split}} never hear each other and each becomes MASTER with the VIPs ' +
          '(split brain). Fix: give every node of the group unicast_src_ip and ' +
          'unicast_peer entries for all the others, or none of them.',
      },
    },
  },
  check(ctx) {
    for (const g of ctx.cluster.groups) {
      if (g.members.length < 2) continue;
      const mode = (i: (typeof g.members)[number]) => (i.unicast ? 'unicast' : 'multicast');
      const odd = outliers(g.members, mode);
      for (const i of odd) {
        const differing = g.members.filter((o) => mode(o) !== mode(i));
        ctx.report({
          messageId: 'mixed',
          node: i.node,
          at: i.peerStatement?.keyword ?? i.statement.args[0] ?? i.statement.keyword,
          data: {
            name: i.name,
            vrid: i.vrid?.value ?? 'unset',
            here: i.node.label,
            mine: i.unicast ? 'unicast peers' : 'multicast (no unicast_peer)',
            theirs: i.unicast ? 'multicast (no unicast_peer)' : 'unicast peers',
            others: nodeList(differing.map((o) => o.node)),
            split: nodeList([i.node, ...differing.map((o) => o.node)]),
            expect: i.unicast ? 'un' : 'mult',
            got: i.unicast ? 'mult' : 'un',
          },
          related: differing.map((o) => ({
            node: o.node,
            at: o.peerStatement?.keyword ?? o.statement.args[0] ?? o.statement.keyword,
            message: `${o.name} uses ${mode(o)}`,
          })),
        });
      }
      if (odd.length) continue;
      const unicast = g.members.filter((m) => m.unicast);
      for (const i of unicast) {
        const data = {
          name: i.name,
          vrid: i.vrid?.value ?? 'unset',
          here: i.node.label,
          target: formatVersion(i.node.target),
        };
        const own = i.unicastSrc ? i.peers.find((p) => p.key === i.unicastSrc!.key) : undefined;
        if (own)
          ctx.report({
            messageId: 'self',
            node: i.node,
            at: own.token,
            data: { ...data, peer: own.token.text },
            related: [{ node: i.node, at: i.unicastSrc!.token, message: 'its unicast_src_ip' }],
          });
        for (const o of unicast) {
          // Without unicast_src_ip a node sends from its interface's first address, which no config shows.
          if (o === i || !o.unicastSrc || i.peers.some((p) => p.key === o.unicastSrc!.key)) continue;
          ctx.report({
            messageId: 'missing',
            node: i.node,
            at: i.peerStatement?.keyword ?? i.statement.keyword,
            data: {
              ...data,
              peer: o.unicastSrc.token.text,
              other: o.node.label,
              self: own ? ` (in place of its own address ${own.token.text})` : '',
            },
            related: [{ node: o.node, at: o.unicastSrc.token, message: `unicast_src_ip of ${o.name}` }],
          });
        }
      }
    }
  },
});
