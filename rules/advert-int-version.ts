import { defineRule } from '../src/rule-api/index.js';
import { advertInt, instanceSettings, syslogOnly, versionReason } from '../src/model/instance-settings.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** 1.2.21 added the per-version advert_int checks (vrrp_complete_instance). */
const SINCE = '1.2.21';
const SECOND = 1_000_000;
const CENTI = 10_000;

/** keepalived's rounding: to the nearest step, halves up, never 0. */
const round = (micros: number, step: number) => Math.max(step, micros + step / 2 - ((micros + step / 2) % step));
const secs = (micros: number) => String(micros / SECOND);

export const rule = defineRule({
  meta: {
    id: 'advert-int-version',
    description:
      "advert_int that the instance's VRRP version cannot carry: not whole " +
      'seconds on VRRPv2, 40.96 s or more (or not 10 ms steps) on VRRPv3; ' +
      'keepalived rounds or clamps it.',
    severity: 'warning',
    messages: {
      v2Integer: {
        message:
          'Rounded advert_int {{value}} in VRRPv2 vrrp_instance {{name}}: keepalived {{target}} uses {{actual}} s',
        detail:
          'The instance is VRRPv2 ({{why}}). VRRPv2 adverts carry whole seconds, ' +
          'so keepalived {{target}} rounds it to {{actual}} s ("({{name}}) ' +
          'VRRPv2 advertisement interval {{shown}}s must be an integer. ' +
          'rounding"){{visibility}}: adverts go out every {{actual}} s and the ' +
          'backups declare the master dead after about 3 x {{actual}} s, not the ' +
          'timing you configured. Fix: use advert_int {{actual}} (whole ' +
          'seconds), or version 3 on every node of this VRID for sub-second ' +
          'adverts.',
      },
      v3Range: {
        message: 'Clamped advert_int {{value}} in VRRPv3 vrrp_instance {{name}}: keepalived {{target}} uses 40.95 s',
        detail:
          'The instance is VRRPv3 ({{why}}). VRRPv3 adverts carry at most 40.95 ' +
          's (12 bits of centiseconds), so keepalived {{target}} clamps it to ' +
          '40.95 s ("({{name}}) VRRPv3 advertisement interval {{shown}}s is out ' +
          'of range. Must be less than 40.96s. Setting to ' +
          '40.95s"){{visibility}}, and a peer that still uses {{value}} s sees ' +
          'an interval mismatch. Fix: use advert_int 40.95 or less on every node ' +
          'of this VRID, or version 2 for longer intervals.',
      },
      v3Units: {
        message:
          'Rounded advert_int {{value}} in VRRPv3 vrrp_instance {{name}}: keepalived {{target}} uses {{actual}} s',
        detail:
          'The instance is VRRPv3 ({{why}}). VRRPv3 adverts carry centiseconds, ' +
          'so keepalived {{target}} rounds it to {{actual}} s ("({{name}}) ' +
          'VRRPv3 advertisement interval {{shown}}s must be in units of 10ms - ' +
          'rounding"){{visibility}}. Fix: use advert_int {{actual}} (a multiple ' +
          'of 0.01 s).',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        if (compareVersions(ctx.target, SINCE) < 0) return;
        for (const s of instanceSettings(ctx.tree)) {
          const adv = advertInt(s);
          if (!adv) continue;
          const { micros } = adv;
          let messageId: 'v2Integer' | 'v3Range' | 'v3Units', actual: number, shown: string;
          if (s.version === 2 && micros % SECOND)
            [messageId, actual, shown] = ['v2Integer', round(micros, SECOND), (micros / SECOND).toFixed(6)];
          else if (s.version === 3 && micros >= 4096 * CENTI)
            [messageId, actual, shown] = ['v3Range', 4095 * CENTI, (micros / SECOND).toFixed(2)];
          else if (s.version === 3 && micros % CENTI)
            [messageId, actual, shown] = ['v3Units', round(micros, CENTI), (micros / SECOND).toFixed(6)];
          else continue;
          ctx.report({
            messageId,
            at: adv.at.args[0]!,
            data: {
              name: s.name,
              value: adv.at.args[0]!.text,
              why: versionReason(s, (o) => ctx.where(o)),
              actual: secs(actual),
              shown,
              target: formatVersion(ctx.target),
              visibility: syslogOnly(ctx.target),
            },
          });
        }
      },
    };
  },
});
