import { defineRule, type Statement } from '../src/rule-api/index.js';
import { basePriority, instanceData, instanceSettings, type InstanceSettings } from '../src/model/instance-settings.js';
import { atLeast } from '../src/versions/version.js';

const num = (s: Statement) => (/^\d+(\.\d+)?$/.test(s.args[0]?.text ?? '') ? Number(s.args[0]!.text) : NaN);
const truthy = (s: Statement) => s.args[0] === undefined || /^(true|on|yes)$/i.test(s.args[0].text);
/** Settings strict mode resets (vrrp_complete_instance), the version that resets them, keepalived's words, the effect.
 * */
const RESETS: [string, string, (s: Statement) => boolean, string, string][] = [
  [
    'preempt_delay',
    '1.2.22',
    (s) => num(s) > 0,
    'preempt_delay is incompatible with strict mode - resetting',
    'a returning higher-priority node preempts at once, without the delay',
  ],
  [
    'down_timer_adverts',
    '2.2.3',
    (s) => num(s) >= 1 && num(s) !== 3,
    'down_timer_adverts is incompatible with strict mode - resetting',
    'backups declare the master dead after 3 missed adverts',
  ],
  [
    'garp_lower_prio_repeat',
    '2.0.0',
    (s) => num(s) > 0,
    'Strict mode requires no repeat garps. resetting',
    'no gratuitous ARPs are sent on a lower-priority advert',
  ],
  [
    'garp_lower_prio_delay',
    '2.0.0',
    (s) => num(s) > 0,
    'Strict mode requires no repeat garp delay. resetting',
    'no gratuitous ARPs are sent on a lower-priority advert',
  ],
  [
    'lower_prio_no_advert',
    '2.0.0',
    (s) => !truthy(s),
    'Strict mode requires no lower priority advert. resetting',
    'the master does not answer a lower-priority advert',
  ],
  [
    'higher_prio_send_advert',
    '2.1.0',
    truthy,
    'strict mode requires higher_prio_send_advert to be clear. resetting',
    'the master does not send an advert before yielding to a higher priority',
  ],
];
const FIX = 'remove it from this instance, or turn strict mode off';

export const rule = defineRule({
  meta: {
    id: 'strict-mode-conflict',
    description:
      'Settings that vrrp_strict / strict_mode refuses or overrides: unicast ' +
      'peers, state MASTER below priority 255 (or BACKUP at 255), accept on ' +
      'VRRPv2, preempt_delay and other advert/garp tweaks.',
    severity: 'error',
    messages: {
      unicast: {
        message: 'Unicast peers in strict-mode vrrp_instance {{name}}: keepalived {{target}} refuses the instance',
        detail:
          'The instance is in strict mode ({{why}}): keepalived {{target}} ' +
          'refuses it ("({{name}}) Unicast peers are not supported in strict ' +
          'mode"){{visibility}}, so it never runs and no node holds its VIPs. ' +
          'Fix: remove unicast_peer and use multicast, or turn strict mode off.',
      },
      state: {
        message:
          'Overridden state {{state}} in strict-mode vrrp_instance {{name}} with ' +
          'priority {{prio}}: keepalived {{target}} starts it as {{actual}}',
        detail:
          'The instance has priority {{prio}} and is in strict mode ({{why}}): ' +
          'keepalived {{target}} starts it as {{actual}} instead of {{state}} ' +
          '("{{says}}"){{visibility}}, because in strict mode only the address ' +
          'owner (priority 255) starts as MASTER. Fix: state {{actual}}, or turn ' +
          'strict mode off.',
      },
      accept: {
        message:
          'Ignored accept in VRRPv2 strict-mode vrrp_instance {{name}} (priority ' +
          '{{prio}}): keepalived {{target}} turns accept mode off',
        detail:
          'The instance is VRRPv2 with priority {{prio}} in strict mode ' +
          '({{why}}): keepalived {{target}} turns accept mode off ("({{name}}) ' +
          'warning - accept mode for VRRP version 2 does not comply with RFC3768 ' +
          '- resetting"){{visibility}}, so as master this node drops traffic ' +
          'addressed to the VIPs (firewall rules) and services bound to them are ' +
          'unreachable. Fix: version 3 on every node of this VRID (accept mode ' +
          'is allowed there), or turn strict mode off.',
      },
      reset: {
        message: '{{keyword}} in strict-mode vrrp_instance {{name}}: keepalived {{target}} resets it',
        detail:
          'The instance is in strict mode ({{why}}): keepalived {{target}} ' +
          'resets {{keyword}} ("({{name}}) {{says}}"){{visibility}}, so ' +
          '{{effect}}. Fix: {{fix}}.',
      },
    },
  },
  create(ctx) {
    const at = atLeast(ctx.target);
    return {
      end() {
        if (!at('1.2.20')) return;
        for (const s of instanceSettings(ctx.tree)) {
          if (!s.strict) continue;
          const kids = s.instance.statement.children.filter((c) => c.def);
          const data = { ...instanceData(s, ctx.target), why: strictReason(s, (o) => ctx.where(o)) };
          const related = [{ origin: s.strict.keyword.origin, message: 'strict mode is turned on here' }];
          const prio = basePriority(s, ctx.target);
          const peer = s.instance.addresses.find((a) => a.kind === 'peer');
          // 2.2.5 moved the unicast flag after this check: from then on keepalived accepts unicast peers.
          if (peer && !at('2.2.5') && kids.some((c) => c.keyword.text === 'interface'))
            ctx.report({ messageId: 'unicast', at: peer.keyword.keyword, data, related });
          const backup = kids.filter((c) => c.keyword.text === 'state' && c.args[0]?.text === 'BACKUP').at(-1);
          const state =
            s.master && prio !== 255 ? s.master : !s.master && prio === 255 && at('2.0.0') ? backup : undefined;
          if (state) {
            const actual = prio === 255 ? 'MASTER' : 'BACKUP';
            const says = at('2.0.0')
              ? `(${s.name}) State MASTER must match being address owner`
              : `(${s.name}): Cannot start in MASTER state if not address owner`;
            ctx.report({
              messageId: 'state',
              at: state.args[0]!,
              data: { ...data, state: state.args[0]!.text, prio, actual, says },
              related,
            });
          }
          const acc = kids.filter((c) => c.keyword.text === 'accept' || c.keyword.text === 'no_accept').at(-1);
          if (acc?.keyword.text === 'accept' && s.version === 2 && prio !== 255 && at('1.3.0'))
            ctx.report({ messageId: 'accept', at: acc.keyword, data: { ...data, prio }, related });
          for (const [keyword, since, bad, says, effect] of RESETS) {
            const st = kids.filter((c) => c.keyword.text === keyword).at(-1);
            // An owner starting as MASTER loses preempt_delay to another check first.
            if (!st || !at(since) || !bad(st) || (keyword === 'preempt_delay' && prio === 255)) continue;
            ctx.report({
              messageId: 'reset',
              at: st.keyword,
              data: { ...data, keyword, says, effect, fix: FIX },
              related,
              severity: 'warning',
            });
          }
        }
      },
    };
  },
});

/** Why the instance is in strict mode, for a message: `vrrp_strict in global_defs at f:3:5`. */
function strictReason(s: InstanceSettings, where: (o: Statement['keyword']['origin']) => string): string {
  const st = s.strict;
  if (!st) return 'strict mode is off';
  return st.keyword.text === 'vrrp_strict'
    ? `vrrp_strict in global_defs at ${where(st.keyword.origin)}`
    : `strict_mode at ${where(st.keyword.origin)}`;
}
