import { defineRule, type RuleContext } from '../src/rule-api/index.js';
import { instanceSettings, syslogOnly, type InstanceSettings } from '../src/model/instance-settings.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** 1.2.20 started ignoring authentication on VRRPv3 instances; strict mode ignores it from 2.0.0. */
const V3_IGNORES = '1.2.20';
const STRICT_IGNORES = '2.0.0';

function versionWhy(s: InstanceSettings, ctx: Pick<RuleContext, 'where'>): string {
  const f = s.versionFrom;
  if (f.kind === 'instance') return `version 3 at ${ctx.where(f.at.keyword.origin)}`;
  if (f.kind === 'global') return `vrrp_version 3 in global_defs at ${ctx.where(f.at.keyword.origin)}`;
  if (f.kind === 'ipv6' && f.instance.nativeIpv6)
    return (
      `native_ipv6 at ${ctx.where(f.instance.nativeIpv6.keyword.origin)} ` +
      `makes it IPv6, and IPv6 instances use VRRPv3`
    );
  const first = f.kind === 'ipv6' ? f.instance.addresses[0] : undefined;
  if (first)
    return (
      `its first address, ${first.token.text} at ${ctx.where(first.token.origin)}, ` +
      `makes it IPv6, and IPv6 instances use VRRPv3`
    );
  return 'default';
}

export const rule = defineRule({
  meta: {
    id: 'vrrp3-authentication',
    description:
      'An authentication block in a VRRPv3 (version 3, vrrp_version 3, IPv6) ' +
      'or strict-mode instance: keepalived ignores it and sends adverts ' +
      'without authentication.',
    severity: 'error',
    messages: {
      version3: {
        message:
          'Ignored authentication (auth_type {{type}}) in VRRPv3 vrrp_instance ' +
          '{{name}}: keepalived {{target}} sends adverts without it',
        detail:
          'The instance is VRRP version 3 ({{why}}): keepalived {{target}} ' +
          'ignores the authentication block ("({{name}}) VRRP version 3 does not ' +
          'support authentication. Ignoring."){{visibility}} and sends adverts ' +
          'without authentication, so a peer that still uses auth_type {{type}} ' +
          'drops them (auth type mismatch) and both nodes become MASTER. Fix: ' +
          'remove the authentication block from this instance and its peers ' +
          '(VRRPv3 has no authentication).',
      },
      strict: {
        message:
          'Ignored authentication (auth_type {{type}}) in strict-mode ' +
          'vrrp_instance {{name}}: keepalived {{target}} sends adverts without it',
        detail:
          'The instance is in strict mode ({{why}}): keepalived {{target}} ' +
          'ignores the authentication block ("({{name}}) Strict mode does not ' +
          'support authentication. Ignoring."){{visibility}} and sends adverts ' +
          'without authentication, so a peer that still uses auth_type {{type}} ' +
          'drops them (auth type mismatch) and both nodes become MASTER. Fix: ' +
          'remove the authentication block from this instance and its peers, or ' +
          'turn strict mode off.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        for (const s of instanceSettings(ctx.tree)) {
          if (!s.authentication || !s.authType) continue;
          // keepalived checks strict mode first: a strict VRRPv3 instance gets only the strict message.
          const strict = s.strict && compareVersions(ctx.target, STRICT_IGNORES) >= 0;
          if (!strict && (s.version !== 3 || compareVersions(ctx.target, V3_IGNORES) < 0)) continue;
          const why = strict
            ? s.strict!.keyword.text === 'vrrp_strict'
              ? `vrrp_strict in global_defs at ${ctx.where(s.strict!.keyword.origin)}`
              : `strict_mode at ${ctx.where(s.strict!.keyword.origin)}`
            : versionWhy(s, ctx);
          ctx.report({
            messageId: strict ? 'strict' : 'version3',
            at: s.authentication.keyword,
            data: {
              name: s.name,
              why,
              type: s.authType.args[0]!.text,
              target: formatVersion(ctx.target),
              visibility: syslogOnly(ctx.target),
            },
            related: [
              {
                origin: (strict ? s.strict! : s.authType).keyword.origin,
                message: strict ? 'strict mode is turned on here' : 'authentication is turned on here',
              },
            ],
          });
        }
      },
    };
  },
});
