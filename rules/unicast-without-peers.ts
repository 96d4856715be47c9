import { defineRule } from '../src/rule-api/index.js';
import { instanceBasics, instanceSettings } from '../src/model/instance-settings.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** From 2.2.5 keepalived reports the fallback (CONFIG_DEPRECATED); before, it was silent. */
const DEPRECATED = '2.2.5';

export const rule = defineRule({
  meta: {
    id: 'unicast-without-peers',
    description:
      'unicast_src_ip or another unicast keyword without any unicast_peer: ' +
      'keepalived falls back to multicast (deprecated from 2.2.5).',
    severity: 'warning',
    messages: {
      fallback: {
        message:
          'No unicast peer in vrrp_instance {{name}}, which uses unicast ' +
          'keywords: keepalived {{target}} sends its adverts by multicast',
        detail:
          'vrrp_instance {{name}} has {{keyword}}{{dropped}}, but no unicast ' +
          'peer: keepalived {{target}} {{does}}, so this node sends its adverts ' +
          'by multicast (224.0.0.18 / ff02::12); if the other nodes use unicast ' +
          'or multicast is filtered, no node hears the others and every node ' +
          'becomes MASTER with the same VIPs (split brain). Fix: list the other ' +
          'nodes in "unicast_peer { <address> }", or remove the unicast keywords ' +
          'if multicast is meant{{fault}}.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const reported = compareVersions(t, DEPRECATED) >= 0;
    return {
      end() {
        for (const s of instanceSettings(ctx.tree)) {
          const b = instanceBasics(s);
          const first = b.unicastKeywords[0];
          // unicast_fault_no_peer (2.2.5+) asks for FAULT instead of the fallback: intended.
          if (!first || b.peers > 0 || b.faultNoPeer) continue;
          const dropped = s.instance.addresses.some((a) => a.kind === 'peer')
            ? ' (its unicast_peer entries are of the other address family, so keepalived drops them)'
            : '';
          const change =
            ctx.from && compareVersions(ctx.from, DEPRECATED) < 0 && reported
              ? ` (${formatVersion(ctx.from)} did the same silently; the warning is new in ${DEPRECATED})`
              : '';
          const does = reported
            ? `defaults to multicast ("(${s.name}) A unicast keyword ` +
              `has been specified without any unicast peers. Defaulting ` +
              `to multicast. This usage is deprecated - please update ` +
              `your configuration.")${change}`
            : `silently uses multicast (unicast mode needs at least ` +
              `one unicast_peer; keepalived warns about this only ` +
              `from ${DEPRECATED})`;
          ctx.report({
            messageId: 'fallback',
            at: first.keyword,
            data: {
              name: s.name,
              keyword: b.unicastKeywords.map((k) => `${k.keyword.text} (at ${ctx.where(k.keyword.origin)})`).join(', '),
              dropped,
              target: formatVersion(t),
              does,
              fault: reported
                ? ', or add "unicast_fault_no_peer" to put the instance in FAULT rather than fall back'
                : '',
            },
          });
        }
      },
    };
  },
});
