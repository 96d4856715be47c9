import { defineClusterRule, type ClusterContext, type ClusterInstance, type Tracker } from '../src/cluster/types.js';
import { nodeList } from '../src/cluster/groups.js';
import { priorityRange } from '../src/cluster/model.js';

const KIND: Record<Tracker['kind'], string> = {
  script: 'track_script',
  interface: 'track_interface',
  process: 'track_process',
  bfd: 'track_bfd',
  file: 'track_file',
};
const describe = (t: Tracker, value: number) => `${value > 0 ? '+' : ''}${value} from ${KIND[t.kind]} ${t.name}`;
/** "priority 100 +30 from track_script chk_web" */
const healthyHow = (i: ClusterInstance) =>
  [`priority ${i.priority}`, ...i.trackers.filter((t) => t.whenUp !== 0).map((t) => describe(t, t.whenUp))].join(' ');
const related = (i: ClusterInstance, message: string) => ({
  node: i.node,
  at: i.priorityAt?.args[0] ?? i.master?.keyword ?? i.statement.keyword,
  message,
});

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-priority',
    description:
      'Priorities that do not elect one MASTER across the nodes of a VRRP ' +
      'group: two state MASTER nodes with the same priority, a state MASTER ' +
      'node outranked by another, or tracking weights that can never move ' +
      'the VIPs (or move them while everything is healthy).',
    severity: 'warning',
    messages: {
      bothMaster: {
        message:
          'Two MASTERs with one priority: vrrp_instance {{name}} (VRID {{vrid}}) ' +
          'is state MASTER with priority {{prio}} on {{here}} and on {{others}}',
        detail:
          'With equal priorities keepalived breaks the tie by the higher primary ' +
          'IP address, so addressing, not this config, decides who holds the ' +
          'VIPs, and when the nodes start together both become MASTER and send ' +
          'gratuitous ARPs for the VIPs until the lower address yields. Fix: ' +
          'state MASTER with a higher priority (e.g. 150) on one node only, ' +
          'state BACKUP with lower priorities on the others.',
      },
      bothOwner: {
        message:
          'Two address owners: vrrp_instance {{name}} (VRID {{vrid}}) has priority 255 on {{here}} and on {{others}}',
        detail:
          'vrrp_instance {{name}} has priority 255 (address owner{{how}}) on ' +
          '{{here}} and on {{others}}: both take the VIPs at once at start-up, ' +
          'then keepalived logs "({{name}}) CONFIGURATION ERROR: local instance ' +
          'and a remote instance are both configured as address owner, please ' +
          'fix - reducing local priority", and timing decides who keeps them. ' +
          'Fix: priority 255 only on the node that owns the addresses; state ' +
          'BACKUP and a lower priority on the others.',
      },
      masterOutranked: {
        message:
          'Outranked MASTER: vrrp_instance {{name}} (VRID {{vrid}}) is state ' +
          'MASTER on {{here}} with priority {{prio}}, but {{other}} has the ' +
          'higher priority {{otherPrio}}',
        detail:
          'The node named MASTER holds the VIPs only while {{other}} is down ' +
          '(when both start together it takes them first and {{other}} preempts ' +
          'it moments later: an extra failover). Fix: give {{here}} the highest ' +
          'priority, or make it state BACKUP if {{other}} is meant to be MASTER.',
      },
      weightsAlways: {
        message:
          'Tracking weights put {{here}} above the intended MASTER {{master}} in ' +
          'vrrp_instance {{name}} (VRID {{vrid}}): priority {{prio}} vs ' +
          '{{masterPrio}}',
        detail:
          'With every tracked check passing, vrrp_instance {{name}} has priority ' +
          '{{prio}} on {{here}} ({{how}}) but {{masterPrio}} on {{master}}, the ' +
          'intended MASTER ({{why}}): {{here}} outranks it all the time, so the ' +
          'tracking weights, not the priorities, make {{here}} MASTER, and ' +
          '{{master}} takes over only when a check on {{here}} fails. Fix: keep ' +
          'the priority plus positive weights of {{here}} below {{masterPrio}}, ' +
          'or raise the priority of {{master}}.',
      },
      weightsNever: {
        message:
          'Tracking can never move vrrp_instance {{name}} (VRID {{vrid}}) off ' +
          '{{here}}: its priority never drops below {{worst}}, {{backup}} ' +
          'reaches at most {{best}}',
        detail:
          'The priority of {{name}} on {{here}} is {{healthy}} with every check ' +
          'passing and still {{worst}} with {{failing}} failing, while ' +
          '{{backup}} reaches at most {{best}}, and a BACKUP takes over only ' +
          'from a MASTER with a lower priority: when a tracked check fails on ' +
          '{{here}}, it stays MASTER and keeps the VIPs on the broken service ' +
          '(no failover). Fix: make the weights drop the priority by more than ' +
          '{{need}} in total (below {{best}}), or use weight 0 so a failure puts ' +
          'the instance in FAULT.',
      },
      weightsNoPreempt: {
        message:
          'Tracking can never move vrrp_instance {{name}} (VRID {{vrid}}) off ' +
          '{{here}}: every other node ({{others}}) has nopreempt',
        detail:
          'A nopreempt BACKUP accepts adverts of any priority, so a lower ' +
          'priority on {{here}} never hands over the VIPs; only a FAULT or a ' +
          'stop does (no failover when {{failing}} fails). Fix: weight 0 for the ' +
          'checks that must move the VIPs (the instance goes to FAULT), or ' +
          'remove nopreempt from the backups.',
      },
    },
  },
  check(ctx) {
    for (const g of ctx.cluster.groups) {
      if (g.members.length < 2 || new Set(g.members.map((m) => m.vrid?.value)).size > 1) continue;
      checkGroup(ctx, g.members);
    }
  },
});

type Id = 'bothMaster' | 'bothOwner' | 'masterOutranked' | 'weightsAlways' | 'weightsNever' | 'weightsNoPreempt';

function checkGroup(ctx: ClusterContext<Id>, members: ClusterInstance[]): void {
  const range = new Map(members.map((m) => [m, priorityRange(m)] as const));
  // A tracked file adds its content times the weight: its priority has no bound to reason with.
  if ([...range.values()].some((r) => r === null)) return;
  const healthy = (i: ClusterInstance) => range.get(i)!.healthy;
  const base = { vrid: members[0]!.vrid?.value ?? 'unset' };

  // state MASTER, or priority 255: keepalived derives one from the other (vrrp_complete_instance()).
  const masters = members.filter((m) => m.master || m.priority === 255);
  for (const i of masters) {
    const same = masters.filter((o) => o !== i && healthy(o) === healthy(i));
    if (!same.length) continue;
    const owner = healthy(i) === 255;
    ctx.report({
      messageId: owner ? 'bothOwner' : 'bothMaster',
      node: i.node,
      at: owner && i.priorityAt ? i.priorityAt.args[0]! : (i.master?.args[0] ?? i.statement.keyword),
      data: {
        ...base,
        name: i.name,
        here: i.node.label,
        others: nodeList(same.map((o) => o.node)),
        prio: healthy(i),
        how: i.priorityAt ? '' : ', from state MASTER without a priority',
      },
      related: same.map((o) =>
        related(o, `${o.name} ${o.master ? 'is state MASTER with' : 'has'} priority ${healthy(o)}`),
      ),
    });
  }

  // The intended MASTER: the only state MASTER node, else the only node with the highest priority.
  const top = Math.max(...members.map((m) => m.priority));
  const intended =
    masters.length === 1
      ? masters[0]
      : masters.length === 0 && members.filter((m) => m.priority === top).length === 1
        ? members.find((m) => m.priority === top)
        : undefined;
  if (!intended) return;
  const why = intended.master ? 'state MASTER' : `the highest priority, ${intended.priority}`;
  const others = members.filter((m) => m !== intended);
  const above = others.filter((o) => healthy(o) > healthy(intended));
  for (const o of above) {
    if (o.priority > intended.priority) {
      ctx.report({
        messageId: 'masterOutranked',
        node: intended.node,
        at: intended.master?.args[0] ?? intended.statement.keyword,
        data: {
          ...base,
          name: intended.name,
          here: intended.node.label,
          prio: healthy(intended),
          other: o.node.label,
          otherPrio: healthy(o),
        },
        related: [related(o, `${o.name} has priority ${healthy(o)}`)],
      });
    } else {
      const boost = o.trackers.find((t) => t.whenUp > 0);
      ctx.report({
        messageId: 'weightsAlways',
        node: o.node,
        at: boost?.at ?? o.priorityAt?.args[0] ?? o.statement.keyword,
        data: {
          ...base,
          name: o.name,
          here: o.node.label,
          prio: healthy(o),
          how: healthyHow(o),
          master: intended.node.label,
          masterPrio: healthy(intended),
          why,
        },
        related: [related(intended, `${intended.name} has priority ${healthy(intended)} (${healthyHow(intended)})`)],
      });
    }
  }
  if (above.length) return;

  const r = range.get(intended)!;
  const lowering = intended.trackers.filter((t) => t.whenDown < t.whenUp);
  if (!lowering.length || r.worst >= r.healthy) return;
  const failing = lowering.map((t) => `${KIND[t.kind]} ${t.name}`).join(', ');
  const data = { ...base, name: intended.name, here: intended.node.label, failing };
  const preempting = others.filter((o) => !o.nopreempt);
  if (!preempting.length) {
    ctx.report({
      messageId: 'weightsNoPreempt',
      node: intended.node,
      at: lowering[0]!.at,
      data: { ...data, others: nodeList(others.map((o) => o.node)) },
      related: others.map((o) => ({ node: o.node, at: o.nopreempt!.keyword, message: `${o.name} has nopreempt` })),
    });
    return;
  }
  const best = Math.max(...preempting.map((o) => range.get(o)!.best));
  if (r.worst < best) return;
  const strongest = preempting.filter((o) => range.get(o)!.best === best);
  ctx.report({
    messageId: 'weightsNever',
    node: intended.node,
    at: lowering[0]!.at,
    data: {
      ...data,
      healthy: r.healthy,
      worst: r.worst,
      best,
      backup: nodeList(strongest.map((o) => o.node)),
      need: r.healthy - best,
    },
    related: preempting.map((o) => related(o, `${o.name} reaches at most ${range.get(o)!.best}`)),
  });
}
