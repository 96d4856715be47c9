import { defineRule, type Statement } from '../src/rule-api/index.js';
import { instanceBasics, instanceData, instanceSettings, syslogOnly } from '../src/model/instance-settings.js';
import { atLeast, formatVersion } from '../src/versions/version.js';

const STOPS =
  'keepalived {{target}} refuses the configuration ' +
  '("{{says}}"){{visibility}}: the VRRP process exits and no ' +
  'vrrp_instance of this node runs';

/** The health checkers of a real_server. */
const CHECKERS =
  /^(TCP_CHECK|HTTP_GET|SSL_GET|MISC_CHECK|SMTP_CHECK|DNS_CHECK|BFD_CHECK|UDP_CHECK|PING_CHECK|FILE_CHECK)$/;

function hasMiscPath(s: Statement): boolean {
  return s.children.some((c) => c.keyword.text === 'misc_path' && (c.args[0]?.text ?? '') !== '');
}

export const rule = defineRule({
  meta: {
    id: 'missing-required',
    description:
      'A vrrp_instance without virtual_router_id, without interface (or ' +
      'unicast_src_ip), or without VIPs: keepalived refuses to start VRRP ' +
      '(or, for VIPs under VRRPv2, starts an instance that moves nothing); a ' +
      'bfd_instance without neighbor_ip, which keepalived disables; a MISC_CHECK without misc_path, ' +
      'which keepalived drops.',
    severity: 'error',
    messages: {
      vrid: {
        message: 'Missing virtual_router_id in vrrp_instance {{name}}: keepalived {{target}} refuses the configuration',
        detail:
          `vrrp_instance {{name}} has no valid virtual_router_id{{what}}: ` +
          `${STOPS}, and it checks no further instance. Fix: add ` +
          `"virtual_router_id N" (1-255), the same on every node ` +
          `that shares these VIPs and unique among the instances ` +
          `on this network.`,
      },
      interface: {
        message: 'Missing interface in vrrp_instance {{name}}: keepalived {{target}} refuses the configuration',
        detail:
          `vrrp_instance {{name}} has no interface{{note}}: ${STOPS}. ` +
          `Fix: add "interface <nic>", the interface that carries ` +
          `the VIPs and the adverts (e.g. interface eth0).`,
      },
      unicastSrc: {
        message:
          'Missing interface and unicast_src_ip in unicast vrrp_instance ' +
          '{{name}}: keepalived {{target}} refuses the configuration',
        detail:
          `vrrp_instance {{name}} is a unicast instance with neither ` +
          `interface nor unicast_src_ip: ${STOPS}. Fix: add "interface ` +
          `<nic>", or "unicast_src_ip <this node's address>".`,
      },
      vipRequired: {
        message: 'No virtual_ipaddress in vrrp_instance {{name}}: keepalived {{target}} refuses the configuration',
        detail:
          `vrrp_instance {{name}} {{why}} and has no virtual_ipaddress: ` +
          `${STOPS}. Fix: add a virtual_ipaddress block with the ` +
          `address(es) this instance moves.`,
      },
      bfdNeighbor: {
        message: 'Missing neighbor_ip in bfd_instance {{name}}: keepalived {{target}} disables the instance',
        detail:
          'keepalived {{target}} disables the instance ("Configuration error: ' +
          'BFD instance {{name}} has no neighbor address set, disabling ' +
          'instance"){{visibility}}, so no BFD session runs for it. Fix: add ' +
          '"neighbor_ip <the peer\'s address>".',
      },
      miscPath: {
        message: 'MISC_CHECK without misc_path in real_server {{server}}: keepalived {{target}} drops the check',
        detail:
          'keepalived {{target}} drops this MISC_CHECK ("No script path has been specified for ' +
          'MISC_CHECKER - skipping"){{visibility}}{{alone}}. Fix: add "misc_path <script>" (the ' +
          'program whose exit code says whether the server is up), or remove the block.',
      },
      vipSensible: {
        message: 'No virtual_ipaddress in vrrp_instance {{name}}: a failover moves no address',
        detail:
          'keepalived {{target}} {{does}}; it elects a master, but a failover ' +
          'moves no address. Fix: add a virtual_ipaddress block with the ' +
          'address(es) this instance moves{{alt}}.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const at = atLeast(t);
    return {
      keywords: {
        MISC_CHECK(s) {
          // misc_end_handler(), at the block's "}" (1.3.7+, aeb99635): no misc_path, or an empty one.
          if (!s.def || !s.open || !at('1.3.7') || hasMiscPath(s)) return;
          const others = (s.parent?.children ?? []).filter(
            (c) =>
              c !== s && CHECKERS.test(c.keyword.text) && c.def && (c.keyword.text !== 'MISC_CHECK' || hasMiscPath(c)),
          );
          const server = s.parent?.args.map((a) => a.text).join(' ') ?? '';
          // init_service_rs() (ipwrapper.c) adds a real server with no failed checker to the pool:
          // with no checker at all it is never removed (read in the source, not run).
          const alone = others.length
            ? ''
            : `, and real_server ${server} has no other health check: keepalived puts it in the ` +
              'pool and never takes it out, whether it answers or not';
          ctx.report({
            messageId: 'miscPath',
            at: s.close ?? s.keyword,
            data: { server, alone, target: formatVersion(t), visibility: syslogOnly(t) },
            related: [{ origin: s.keyword.origin, message: 'the MISC_CHECK keepalived drops' }],
          });
        },
        bfd_instance(s) {
          // bfd_end_handler(), at the block's "}" (2.0.0+); a config-id may hide the neighbor_ip line.
          if (
            !s.def ||
            !s.open ||
            s.children.some((c) => c.keyword.text === 'neighbor_ip' || c.keyword.text === 'neighbour_ip')
          )
            return;
          const data = { name: s.args[0]?.text ?? '', target: formatVersion(t), visibility: syslogOnly(t) };
          ctx.report({ messageId: 'bfdNeighbor', at: s.close ?? s.args[0] ?? s.keyword, data });
        },
      },
      end() {
        for (const s of instanceSettings(ctx.tree)) {
          const b = instanceBasics(s);
          const n = s.name;
          const where = s.instance.statement.args[0] ?? s.instance.statement.keyword;
          const data = instanceData(s, t);
          const report = (
            messageId: 'vrid' | 'interface' | 'unicastSrc' | 'vipRequired' | 'vipSensible',
            more: Record<string, string>,
            severity?: 'warning',
          ) => ctx.report({ messageId, at: where, data: { ...data, ...more }, ...(severity ? { severity } : {}) });
          if (!b.vrid) {
            const bad = b.vridStatement;
            const what = bad
              ? ` (${bad.args[0]?.text ?? 'nothing'} at ${ctx.where(bad.keyword.origin)} ` +
                `is not in 1-255, so keepalived leaves it unset)`
              : '';
            const says = at('2.0.7')
              ? `(${n}) the virtual router id must be set`
              : at('2.0.0')
                ? `(${n}) the virtual id must be set!`
                : `VRRP_Instance(${n}) the virtual id must be set!`;
            report('vrid', { what, says });
          }
          if (!b.interface) {
            // 2.1.0-2.2.4: unicast means peers; 2.2.5-2.2.7 test a flag not yet set, so every
            // instance needs an interface; 2.2.8+: any unicast keyword.
            const unicast = at('2.2.8')
              ? b.unicastKeywords.length > 0
              : at('2.2.5')
                ? false
                : at('2.1.0')
                  ? b.peers > 0
                  : false;
            if (unicast) {
              if (!b.unicastSrc)
                report('unicastSrc', { says: `(${n}): Unicast instances must have unicast_src_ip or interface` });
            } else {
              const says = at('2.0.0') ? `(${n}) Unknown interface!` : `VRRP_Instance(${n}) Unknown interface !`;
              const note =
                at('2.2.5') && !at('2.2.8') && b.unicastKeywords.length > 0
                  ? ` (keepalived 2.2.5-2.2.7 need one even for unicast; 2.1.0-2.2.4 and ` +
                    `2.2.8+ accept unicast_src_ip instead)`
                  : '';
              report('interface', { says, note });
            }
          }
          if (b.vips > 0 || (b.noVirtualIpaddress && !s.strict && at('2.2.8'))) continue;
          if ((s.strict || s.version === 3) && at('1.2.20')) {
            const vf = s.versionFrom;
            const why = s.strict
              ? `is in strict mode (${s.strict.keyword.text} at ${ctx.where(s.strict.keyword.origin)})`
              : vf.kind === 'instance' || vf.kind === 'global'
                ? `runs VRRP version 3 (${vf.at.keyword.text} at ${ctx.where(vf.at.keyword.origin)})`
                : 'runs VRRP version 3 (an IPv6 instance)';
            report('vipRequired', {
              why,
              says: `(${n})${at('2.0.0') ? '' : ':'} No VIP specified; at least one is required`,
            });
          } else {
            const does = at('2.1.0')
              ? `warns ("(${n}) No VIP specified; at least one is sensible") and starts it anyway`
              : 'starts it without a word';
            const alt = at('2.2.8')
              ? ', or "no_virtual_ipaddress" if an instance without addresses is ' +
                'intended (e.g. one that only drives notify scripts)'
              : '';
            report('vipSensible', { does, alt }, 'warning');
          }
        }
      },
    };
  },
});
