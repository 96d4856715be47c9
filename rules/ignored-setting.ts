import { defineRule } from '../src/rule-api/index.js';
import {
  basePriority,
  instanceBasics,
  instanceData,
  instanceSettings,
  syslogOnly,
} from '../src/model/instance-settings.js';
import { syncGroups, trackers, type Tracker } from '../src/model/tracking.js';
import { virtualServers } from '../src/model/virtual-servers.js';
import { atLeast, formatVersion } from '../src/versions/version.js';

// keepalived overrides what these lines say after parsing, with a message that has no line number
// (2.2.7 -t prints each; before 2.0.7 they went to syslog only). First versions from keepalived's
// git history: weights dropped for owners and sync members, own track_interface, AH clearing state
// MASTER 2.0.0; one-member sync group kept (not removed) 1.4.0; fwmark protocol 1.3.7; DR/TUN port
// reset 2.0.15. Not verified: what 1.x did with an owner's weighted trackers (not reported there).

/** Checkers that connect to the real server's address and port unless connect_port says otherwise. */
const PORT_CHECKERS = new Set(['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'UDP_CHECK', 'DNS_CHECK']);

const KIND_WORD = { script: 'track_script', interface: 'track_interface', file: 'track_file' } as const;

/** A weighted tracker keepalived stops tracking, and what it prints for it (2.0.8+ wording). */
function dropped(t: Tracker, name: string, why: 'address owner' | 'SYNC group'): string | undefined {
  const cause = why === 'SYNC group' ? why : 'address_owner';
  if (t.kind === 'script' && t.weight)
    return `(${name}) ignoring tracked script ${t.name} with weights due to ${cause}`;
  if (t.kind === 'file' && t.weight !== 0 && t.weight !== 1)
    return `(${name}) ignoring tracked file ${t.name} with weight ${t.weight} due to ${cause}`;
  // A sync group member keeps a weighted interface without its weight: down still means FAULT.
  if (t.kind === 'interface' && t.weight && why === 'address owner')
    return `(${name}) ignoring ${t.name} tracked interface due to address owner`;
  return undefined;
}

export const rule = defineRule({
  meta: {
    id: 'ignored-setting',
    description:
      'A setting keepalived overrides after parsing, with a message that has no line number: weighted ' +
      'tracking of an address owner or sync group member, state MASTER with AH, a one-instance sync group, ' +
      'protocol on a fwmark virtual server, a DR/TUN real server port, tracking the own interface.',
    severity: 'error',
    messages: {
      ownerTracking: {
        message:
          'Ignored weighted tracking in vrrp_instance {{name}} with priority 255: keepalived {{target}} ' +
          'stops tracking {{names}}',
        detail:
          'vrrp_instance {{name}} is the address owner ({{why}}). keepalived {{target}} never lowers an ' +
          "owner's priority, so it drops every weighted tracker ({{says}}){{visibility}}: when {{list}} " +
          'fails, this node keeps the VIPs and no backup takes over. Fix: give this node a priority below ' +
          '255 (e.g. 254) so the weights work, or track with weight 0, which puts the instance in FAULT ' +
          'on a failure.',
      },
      syncTracking: {
        message:
          'Ignored weighted tracking of vrrp_instance {{name}} in vrrp_sync_group {{group}}: keepalived ' +
          '{{target}} stops tracking {{names}}',
        detail:
          'vrrp_sync_group {{group}} has no sync_group_tracking_weight, so keepalived {{target}} drops ' +
          'the weighted track_script and track_file of its members ({{says}}){{visibility}}: when {{list}} ' +
          'fails, the priority of {{name}} does not change and the group never fails over on it. Fix: add ' +
          'sync_group_tracking_weight to vrrp_sync_group {{group}} (on every node), or track with weight ' +
          '0, which puts the whole group in FAULT on a failure.',
      },
      masterAh: {
        message:
          'Ignored state MASTER in vrrp_instance {{name}} with auth_type AH: keepalived {{target}} starts ' +
          'it as BACKUP',
        detail:
          'keepalived {{target}} clears the initial state ("({{name}}) Initial state master is incompatible ' +
          'with AH authentication - clearing"){{visibility}}: with AH it must hear an advert first to learn ' +
          'the sequence number, so the instance starts as BACKUP and becomes MASTER only when no advert ' +
          'arrives for the master down interval (about 3 x advert_int). Fix: write state BACKUP and let ' +
          'priority pick the master.',
      },
      syncGroupSingle: {
        message: 'Only one vrrp_instance ({{member}}) in vrrp_sync_group {{group}}: the group synchronises nothing',
        detail:
          'keepalived {{target}} keeps the group ("Sync group {{group}} has only 1 virtual router(s) - this ' +
          'probably isn\'t what you want"){{visibility}}: its notify scripts and tracking still run for ' +
          '{{member}}, and {{member}} runs as a sync group member{{weights}}. Fix: remove the ' +
          'vrrp_sync_group and move its notify scripts and tracking into vrrp_instance {{member}}, or add ' +
          'the instances that must fail over with it.',
      },
      syncGroupRemoved: {
        message:
          'Only one vrrp_instance ({{member}}) in vrrp_sync_group {{group}}: keepalived {{target}} removes ' +
          'the group',
        detail:
          'keepalived {{target}} removes a sync group with one member ("Sync group {{group}} has only 1 ' +
          'virtual router(s) - removing", syslog only): its notify scripts and tracking never run. From ' +
          '1.4.0 the group is kept. Fix: move the notify scripts and tracking into vrrp_instance {{member}}.',
      },
      fwmarkProtocol: {
        message: 'Ignored protocol {{protocol}} in virtual_server fwmark {{mark}}: keepalived {{target}} clears it',
        detail:
          'A fwmark virtual server takes every packet with its firewall mark, whatever the protocol: ' +
          'keepalived {{target}} ignores the protocol ("Warning: Virtual server FWM {{mark}}: protocol ' +
          'specified for fwmark - protocol will be ignored"){{visibility}}. Fix: remove the protocol line ' +
          'and match the protocol in the firewall rule that sets mark {{mark}}.',
      },
      portReset: {
        message:
          'Ignored port {{port}} of {{server}} {{address}} in lb_kind {{method}} virtual_server {{vs}}: ' +
          'keepalived {{target}} uses port {{vsPort}}',
        detail:
          'With {{method}} forwarding IPVS cannot change the destination port, so keepalived {{target}} ' +
          'resets it to the virtual server\'s ("{{says}}"){{visibility}}: traffic goes to port {{vsPort}}' +
          '{{checks}}. Fix: write port {{vsPort}} (or none) and make the service listen on it, or use ' +
          'lb_kind NAT to map to another port.',
      },
      ownInterface: {
        message: "Ignored track_interface {{interface}} in vrrp_instance {{name}}: it is the instance's own interface",
        detail:
          'keepalived {{target}} drops it ("({{name}}) Ignoring track_interface {{interface}} since own ' +
          'interface"){{visibility}}: the instance already tracks its own interface and goes to FAULT when ' +
          'it is down{{weight}}. Fix: remove {{interface}} from track_interface.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const at = atLeast(t);
    return {
      end() {
        const settings = instanceSettings(ctx.tree);
        const data0 = { target: formatVersion(t), visibility: syslogOnly(t) };
        const groups = syncGroups(
          ctx.tree,
          settings.map((s) => s.instance),
        );
        // Each instance's sync group and its member entry there (one map, not a search per instance).
        type Group = (typeof groups)[number];
        const memberOf = new Map<
          Group['members'][number]['instance'],
          { group: Group; token: Group['members'][number]['token'] }
        >();
        for (const g of groups)
          for (const m of g.members)
            if (!memberOf.has(m.instance)) memberOf.set(m.instance, { group: g, token: m.token });
        for (const s of settings) {
          const data = instanceData(s, t);
          const own = instanceBasics(s).interface?.args[0]?.text;
          const tracked = trackers(ctx.tree, s.instance);
          if (!at('2.0.0')) continue;
          for (const tr of tracked.filter((x) => x.kind === 'interface' && x.name === own)) {
            const weight = tr.weight ? `, without the weight ${tr.weight} written here` : '';
            ctx.report({
              messageId: 'ownInterface',
              at: tr.token,
              data: { ...data, interface: own!, weight },
              severity: 'warning',
            });
          }
          const others = tracked.filter((x) => !(x.kind === 'interface' && x.name === own));
          const membership = memberOf.get(s.instance);
          const group = membership?.group;
          const priority = basePriority(s, t);
          const sync = group && !group.keepsWeights;
          const why = sync ? 'SYNC group' : priority === 255 ? 'address owner' : undefined;
          const lost = why ? others.filter((x) => dropped(x, s.name, why)) : [];
          if (lost.length) {
            const list = lost.map((x) => `${KIND_WORD[x.kind]} ${x.name} (weight ${x.weight})`).join(', ');
            const names = lost.map((x) => x.name).join(', ');
            const says = lost.map((x) => dropped(x, s.name, why!)).join('"; "');
            const related = lost.map((x) => ({ origin: x.token.origin, message: `${x.name} is tracked here` }));
            if (sync) {
              const token = membership!.token;
              const g = { group: group.name, list, names, says: `"${says}"` };
              ctx.report({ messageId: 'syncTracking', at: token, data: { ...data, ...g }, related });
            } else {
              const place = s.priority?.at ?? s.master!;
              const because = s.priority
                ? `priority 255 at ${ctx.where(s.priority.at.keyword.origin)}`
                : `no priority is set, and state MASTER at ${ctx.where(s.master!.keyword.origin)} makes it 255`;
              const d = { ...data, list, names, says: `"${says}"`, why: because };
              ctx.report({ messageId: 'ownerTracking', at: place.keyword, data: d, related });
            }
          }
          // keepalived clears AH before this check in strict mode, VRRPv3 and IPv6, or without auth_pass.
          const ipv6 = s.instance.nativeIpv6 || s.instance.addresses[0]?.family === 'ipv6';
          const ah = s.authType?.args[0]?.text === 'AH' && !s.strict && s.version === 2 && !ipv6;
          const pass = s.authentication?.children.some((c) => c.def && c.keyword.text === 'auth_pass' && c.args[0]);
          if (s.master && ah && pass && priority !== 255)
            ctx.report({ messageId: 'masterAh', at: s.master.keyword, data, severity: 'warning' });
        }
        for (const g of groups) {
          const member = g.members[0];
          if (g.members.length !== 1 || !member || !at('1.2.1')) continue;
          const name = g.statement.args[0] ?? g.statement.keyword;
          const d = { group: g.name, member: member.instance.name, target: data0.target };
          if (!at('1.4.0')) {
            ctx.report({ messageId: 'syncGroupRemoved', at: name, data: d, severity: 'warning' });
            continue;
          }
          const weights =
            at('2.0.0') && !g.keepsWeights
              ? ' (without sync_group_tracking_weight keepalived ignores its weighted track_script and ' +
                'track_file, and a weighted track_interface puts it in FAULT instead of lowering its priority)'
              : '';
          const visibility = data0.visibility;
          ctx.report({
            messageId: 'syncGroupSingle',
            at: name,
            data: { ...d, weights, visibility },
            severity: 'warning',
          });
        }
        for (const vs of virtualServers(ctx.tree)) {
          if (vs.fwmark && vs.protocol && at('1.3.7')) {
            const d = { ...data0, protocol: vs.protocol.args[0]!.text, mark: vs.statement.args[1]?.text ?? '' };
            ctx.report({ messageId: 'fwmarkProtocol', at: vs.protocol.keyword, data: d, severity: 'warning' });
          }
          if (vs.port === undefined || !vs.address || !at('2.0.15')) continue;
          // 2.2.7 without protocol: "no protocol set - defaulting to UDP", and prints udp.
          const proto = vs.protocol ? vs.protocol.args[0]!.text.toLowerCase() : 'udp';
          const fmt = (a: string, p: number) => `[${a}]:${proto}:${p}`;
          const vsName = fmt(vs.address.text, vs.port);
          for (const b of vs.servers) {
            if (b.method === 'NAT' || !b.port || b.port.value === vs.port) continue;
            const says =
              b.kind === 'real_server'
                ? `WARNING - virtual server ${vsName} and real server ${fmt(b.address.text, b.port.value)} ` +
                  "ports don't match - resetting"
                : `WARNING - virtual server ${vsName} and sorry server ports don't match - resetting`;
            // A checker copies the real server's address when its block is read (queue_checker), before
            // the reset: it keeps probing the port written here (check_api.c, read, not run: no IPVS here).
            const checks = b.statement.children.some(
              (c) =>
                c.def &&
                PORT_CHECKERS.has(c.keyword.text) &&
                !c.children.some((k) => k.keyword.text === 'connect_port'),
            )
              ? `, but the health checks of this real_server keep probing port ${b.port.value} as written (they ` +
                'copy the address before the reset), so they test a port that gets no traffic'
              : '';
            ctx.report({
              messageId: 'portReset',
              at: b.port.token,
              data: {
                ...data0,
                port: b.port.value,
                server: b.kind,
                address: b.address.text,
                method: b.method,
                vs: `${vs.address.text} ${vs.port}`,
                vsPort: vs.port,
                says,
                checks,
              },
              ...(checks ? {} : { severity: 'warning' as const }),
            });
          }
        }
      },
    };
  },
});
