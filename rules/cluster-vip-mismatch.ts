import { defineClusterRule } from '../src/cluster/types.js';
import { nodeList, outliers } from '../src/cluster/groups.js';

const list = (keys: string[]) => (keys.length ? nodeWords(keys) : 'no address');
/** a, b and c */
const nodeWords = (w: string[]) => (w.length <= 1 ? w.join('') : `${w.slice(0, -1).join(', ')} and ${w.at(-1)}`);

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-vip-mismatch',
    description:
      'The nodes of one VRRP group advertise different virtual_ipaddress ' +
      "sets: each rejects the others' adverts, so every node becomes MASTER " +
      '(split brain).',
    severity: 'error',
    messages: {
      differ: {
        message: 'Virtual addresses of vrrp_instance {{name}} (VRID {{vrid}}) on {{here}} differ: {{where}}',
        detail:
          'The nodes list different virtual_ipaddress sets: {{lists}}. A node ' +
          'drops every advert whose address list is not its own (keepalived logs ' +
          '"{{log}}"), so {{split}} never accept each other\'s adverts: {{here}} ' +
          'becomes MASTER while another node is MASTER too, both claim the ' +
          'shared VIPs and they flap between the nodes (split brain). Fix: list ' +
          'the same addresses in virtual_ipaddress on every node of the group ' +
          '(use virtual_ipaddress_excluded for addresses that only one node ' +
          'should hold).',
      },
    },
  },
  check(ctx) {
    for (const g of ctx.cluster.groups) {
      if (g.members.length < 2) continue;
      const set = (i: (typeof g.members)[number]) => i.vips.map((v) => v.key).sort();
      for (const i of outliers(g.members, set)) {
        const mine = set(i);
        const differing = g.members.filter((o) => o !== i && JSON.stringify(set(o)) !== JSON.stringify(mine));
        const involved = [i, ...differing];
        const lists = involved.map((o) => `${o.node.label} has ${list(set(o))}`).join('; ');
        // Each address not on every node involved: where it is (or is not).
        const where = [...new Set(involved.flatMap(set))].flatMap((k) => {
          const has = involved.filter((o) => set(o).includes(k)).map((o) => o.node);
          if (has.length === involved.length) return [];
          const lacks = involved.filter((o) => !set(o).includes(k)).map((o) => o.node);
          return [has.length <= lacks.length ? `${k} only on ${nodeList(has)}` : `${k} missing on ${nodeList(lacks)}`];
        });
        // vrrp_check_packet(): a different count fails first; the same count with another address fails on that
        // address.
        const o = differing[0]!;
        const missing = set(i).find((k) => !set(o).includes(k));
        const log =
          set(o).length !== mine.length
            ? `(${i.name}) received an unexpected ip number count ${set(o).length}, expected ${mine.length}!`
            : `(${i.name}) ip address associated with VRID ${i.vrid?.value ?? '?'} ` +
              `not present in MASTER advert: ${missing ?? ''}`;
        ctx.report({
          messageId: 'differ',
          node: i.node,
          at: i.vipStatement?.keyword ?? i.statement.args[0] ?? i.statement.keyword,
          data: {
            name: i.name,
            vrid: i.vrid?.value ?? 'unset',
            here: i.node.label,
            lists,
            where: where.join(', '),
            log,
            split: nodeList([i.node, ...differing.map((m) => m.node)]),
          },
          related: differing.map((x) => ({
            node: x.node,
            at: x.vipStatement?.keyword ?? x.statement.keyword,
            message: `virtual_ipaddress of ${x.name}: ${list(set(x))}`,
          })),
        });
      }
    }
  },
});
