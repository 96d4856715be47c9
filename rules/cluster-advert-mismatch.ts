import { defineClusterRule, type ClusterContext, type ClusterInstance } from '../src/cluster/types.js';
import { nodeList, outliers } from '../src/cluster/groups.js';
import { versionReason } from '../src/model/instance-settings.js';

const SPLIT = "so {{split}} never accept each other's adverts: each becomes MASTER and claims the VIPs (split brain).";
/** VRRP auth type codes as adverts carry them (vrrp.h). */
const AUTH_CODE = { none: 0, PASS: 1, AH: 2 } as const;
const seconds = (micros: number) => `${micros / 1e6} s`;

type Id = 'vrid' | 'version' | 'authType' | 'password' | 'advert' | 'advertV3';
type Check = {
  messageId: Exclude<Id, 'advertV3'>;
  value: (i: ClusterInstance) => string | number | undefined;
  at: (i: ClusterInstance) => ClusterInstance['statement']['keyword'] | undefined;
  data: (i: ClusterInstance, other: ClusterInstance, ctx: ClusterContext<Id>) => Record<string, string | number>;
  severity?: (i: ClusterInstance) => 'warning' | undefined;
  /** The value on another node, for its related line. */
  describe: (i: ClusterInstance) => string;
};

/** Why a node receiving `from`'s advert drops it, in keepalived's words (vrrp_check_packet()). */
function authLog(i: ClusterInstance, from: ClusterInstance): string {
  if (i.family === 'ipv4' && (i.auth.type === 'AH') !== (from.auth.type === 'AH')) {
    return from.auth.type === 'AH'
      ? `(${i.name}) Received AH header but auth type not AH`
      : `(${i.name}) No AH header but auth type is AH`;
  }
  return `(${i.name}) received a ${AUTH_CODE[from.auth.type]} auth, expecting ${AUTH_CODE[i.auth.type]}!`;
}

const CHECKS: Check[] = [
  {
    messageId: 'vrid',
    value: (i) => i.vrid?.value,
    at: (i) => i.vrid?.at,
    data: (i, o) => ({ mine: i.vrid!.value, theirs: o.vrid?.value ?? 'unset' }),
    describe: (i) => `virtual_router_id ${i.vrid?.value ?? 'unset'}`,
  },
  {
    messageId: 'version',
    value: (i) => i.settings.version,
    at: (i) =>
      i.settings.versionFrom.kind === 'instance' || i.settings.versionFrom.kind === 'global'
        ? i.settings.versionFrom.at.keyword
        : undefined,
    data: (i, o, ctx) => ({
      mine: i.settings.version,
      theirs: o.settings.version,
      why: versionReason(i.settings, (at) => ctx.where(i.node, at)),
    }),
    describe: (i) => `VRRPv${i.settings.version}`,
  },
  {
    messageId: 'authType',
    value: (i) => i.auth.type,
    at: (i) => i.auth.at?.args[0] ?? i.settings.authentication?.keyword,
    data: (i, o) => ({
      mine: i.auth.type === 'none' ? 'no authentication' : `auth_type ${i.auth.type}`,
      theirs: o.auth.type === 'none' ? 'no authentication' : `auth_type ${o.auth.type}`,
      log: authLog(i, o),
    }),
    describe: (i) => (i.auth.type === 'none' ? 'no authentication' : `auth_type ${i.auth.type}`),
  },
  {
    messageId: 'password',
    value: (i) => i.auth.password,
    at: (i) => i.auth.passwordAt,
    data: (i) => ({
      log:
        i.auth.type === 'AH'
          ? `(${i.name}) IPSEC-AH : invalid IPSEC HMAC-MD5 value. Due to fields mutation or bad password !`
          : `(${i.name}) received an invalid passwd!`,
    }),
    describe: () => 'another auth_pass',
  },
  {
    messageId: 'advert',
    value: (i) => i.advertMicros,
    at: (i) => i.advertAt?.args[0],
    data: (i, o) => ({
      mine: seconds(i.advertMicros),
      theirs: seconds(o.advertMicros),
      mineWhole: i.advertMicros / 1e6,
      theirsWhole: o.advertMicros / 1e6,
    }),
    severity: (i) => (i.settings.version === 3 ? 'warning' : undefined),
    describe: (i) => `advert_int ${seconds(i.advertMicros)}`,
  },
];

export const rule = defineClusterRule({
  meta: {
    id: 'cluster-advert-mismatch',
    description:
      'The nodes of one VRRP group disagree on what their adverts carry ' +
      '(VRID, VRRP version, authentication type or password, advert_int): ' +
      "they drop each other's adverts and all become MASTER.",
    severity: 'error',
    messages: {
      vrid: {
        message:
          'Different virtual_router_id for vrrp_instance {{name}}: {{mine}} on {{here}} but {{theirs}} on {{others}}',
        detail:
          'The VRID identifies the virtual router in every advert, so these are ' +
          'different routers that never hear each other; each node is MASTER of ' +
          'its own and holds the VIPs (split brain). Fix: the same ' +
          'virtual_router_id on every node of the instance.',
      },
      version: {
        message:
          'VRRP version of vrrp_instance {{name}} (VRID {{vrid}}) differs: ' +
          'VRRPv{{mine}} on {{here}}, VRRPv{{theirs}} on {{others}}',
        detail:
          `VRRPv{{mine}} on {{here}} ({{why}}), VRRPv{{theirs}} ` +
          `on {{others}}: keepalived drops adverts of the other ` +
          `version ("({{name}}) wrong version. Received {{theirs}} ` +
          `and expect {{mine}}"), ${SPLIT} Fix: the same version ` +
          `on every node (vrrp_version in global_defs, or version ` +
          `in the instance).`,
      },
      authType: {
        message:
          'Authentication of vrrp_instance {{name}} (VRID {{vrid}}) differs: ' +
          '{{mine}} on {{here}}, {{theirs}} on {{others}}',
        detail:
          `keepalived drops adverts with another authentication ` +
          `("{{log}}"), ${SPLIT} Fix: the same authentication ` +
          `block (auth_type and auth_pass) on every node, or none ` +
          `anywhere (VRRPv3 and strict mode ignore it).`,
      },
      password: {
        message: 'Different auth_pass for vrrp_instance {{name}} (VRID {{vrid}}) on {{here}} and {{others}}',
        detail:
          `The passwords differ (keepalived compares the first ` +
          `8 characters): each node drops the other's adverts ` +
          `("{{log}}"), ${SPLIT} Fix: the same auth_pass on every ` +
          `node.`,
      },
      advert: {
        message:
          'Different advert_int for VRRPv2 vrrp_instance {{name}} (VRID ' +
          '{{vrid}}): {{mine}} on {{here}} but {{theirs}} on {{others}}',
        detail:
          `VRRPv2 drops adverts with another interval ("({{name}}) ` +
          `advertisement interval mismatch mine={{mineWhole}} ` +
          `sec rcv'd={{theirsWhole}} sec"), ${SPLIT} Fix: the ` +
          `same advert_int on every node.`,
      },
      advertV3: {
        message:
          'Different advert_int for VRRPv3 vrrp_instance {{name}} (VRID ' +
          '{{vrid}}): {{mine}} on {{here}} but {{theirs}} on {{others}}',
        detail:
          'Under VRRPv3 a BACKUP adopts the interval the MASTER advertises, so ' +
          'the time to declare a dead MASTER (3 intervals and a skew) changes ' +
          'with which node is MASTER, and preemption and sync groups run at ' +
          'different paces. Fix: the same advert_int on every node.',
      },
    },
  },
  check(ctx) {
    for (const g of ctx.cluster.groups) {
      if (g.members.length < 2) continue;
      for (const c of CHECKS) {
        if (c.messageId === 'vrid' && g.matchedBy !== 'name') continue;
        const members = g.members.filter((m) => m.vrid !== undefined || c.messageId !== 'vrid');
        if (reportDifferences(ctx, members, c)) break; // later checks would only repeat the consequence
      }
    }
  },
});

function reportDifferences(ctx: ClusterContext<Id>, members: ClusterInstance[], c: Check): boolean {
  // A password only matters between nodes that use the same authentication type.
  if (c.messageId === 'password' && new Set(members.map((m) => m.auth.type)).size > 1) return false;
  const odd = outliers(members, c.value);
  for (const i of odd) {
    const differing = members.filter((o) => o !== i && c.value(o) !== c.value(i));
    const first = differing[0]!;
    const v3 = c.messageId === 'advert' && i.settings.version === 3;
    const severity = c.severity?.(i);
    ctx.report({
      messageId: v3 ? 'advertV3' : c.messageId,
      node: i.node,
      at: c.at(i) ?? i.statement.args[0] ?? i.statement.keyword,
      data: {
        name: i.name,
        vrid: i.vrid?.value ?? 'unset',
        here: i.node.label,
        others: nodeList(differing.map((o) => o.node)),
        split: nodeList([i.node, ...differing.map((o) => o.node)]),
        ...c.data(i, first, ctx),
      },
      related: differing.map((o) => ({
        node: o.node,
        at: c.at(o) ?? o.statement.args[0] ?? o.statement.keyword,
        message: `${c.describe(o)} in vrrp_instance ${o.name}`,
      })),
      ...(severity ? { severity } : {}),
    });
  }
  return odd.length > 0 && !(c.messageId === 'advert' && odd.every((i) => i.settings.version === 3));
}
