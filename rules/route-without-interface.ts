import { defineRule, type Statement } from '../src/rule-api/index.js';
import { readRoute } from '../src/model/routes.js';
import { compareVersions, formatVersion, type Version } from '../src/versions/version.js';

/** Route tracking came in 2.0.1 (syslog only until 2.0.6); from 2.3.2 a route needs no interface to be tracked. */
const TRACKING = '2.0.1';
const SHOWN_BY_T = '2.0.7';
const NO_INTERFACE_NEEDED = '2.3.2';

const untracked = (v: Version) => compareVersions(v, TRACKING) >= 0 && compareVersions(v, NO_INTERFACE_NEEDED) < 0;

export const rule = defineRule({
  meta: {
    id: 'route-without-interface',
    description:
      'A virtual or static route without "dev": keepalived 2.0.1 - 2.3.1 ' +
      'cannot track it, so a deleted route stays deleted while the instance ' +
      'stays MASTER.',
    severity: 'warning',
    messages: {
      untracked: {
        message: 'Route {{dest}} has no "dev": keepalived {{target}} cannot track it',
        detail:
          'keepalived {{target}} cannot track it ("Warning - cannot track route ' +
          '{{dest}} with no interface specified, not tracking"){{visibility}}. ' +
          '{{effect}} Fix: add "dev <interface>" (the interface the route leaves ' +
          'by), or "{{noTrack}}" if an untracked route is intended (that also ' +
          'silences the warning).',
      },
      nowTracked: {
        message:
          'Route {{dest}} has no "dev": keepalived {{target}} tracks it, so its ' +
          'deletion while {{inst}} is MASTER sends {{inst}} to BACKUP',
        detail:
          'keepalived {{from}} (--from) does not track it, but from {{since}} ' +
          'keepalived tracks routes without an interface, so with {{target}} its ' +
          'deletion while {{inst}} is MASTER sends {{inst}} to BACKUP (the route ' +
          'comes back when {{inst}} is MASTER again). Add "no_track" to keep the ' +
          'old behaviour.',
      },
    },
  },
  create(ctx) {
    const fromUntracked = ctx.from !== null && untracked(ctx.from);
    const now = untracked(ctx.target);
    if (!now && !(fromUntracked && compareVersions(ctx.target, NO_INTERFACE_NEEDED) >= 0)) return {};
    const check = (s: Statement) => {
      if (s.def?.kind !== 'value_block') return;
      const inst = s.parent?.keyword.text === 'vrrp_instance' ? s.parent.args[0]?.text : undefined;
      for (const line of s.values) {
        const r = readRoute(line, s.keyword.text === 'static_routes');
        // Dropped routes are invalid-value's; after "encap" the reading stops, so a later "dev" is unknown.
        if (!r.dest || r.dropped || r.oif || r.noTrack || r.opaqueFrom?.text === 'encap') continue;
        const data = {
          dest: r.dest.text,
          target: formatVersion(ctx.target),
          from: ctx.from ? formatVersion(ctx.from) : '',
          since: NO_INTERFACE_NEEDED,
        };
        if (now) {
          const effect = inst
            ? `If the route disappears while ${inst} is MASTER (an ` +
              `interface flap, another tool), ${inst} stays MASTER ` +
              `without it and keepalived re-adds it only at the next ` +
              `transition to MASTER; a tracked route would send ${inst} ` +
              `to BACKUP instead.`
            : 'keepalived adds the static route at start-up but never watches it: if it is deleted, it stays deleted.';
          const visibility = compareVersions(ctx.target, SHOWN_BY_T) < 0 ? ' and only logs this to syslog' : '';
          const noTrack = compareVersions(ctx.target, '2.0.3') < 0 ? 'no-track' : 'no_track';
          ctx.report({ messageId: 'untracked', at: r.dest, data: { ...data, effect, visibility, noTrack } });
        } else if (inst) {
          // Static routes are only watched when something turns route monitoring on: say nothing of them.
          ctx.report({ messageId: 'nowTracked', at: r.dest, severity: 'info', data: { ...data, inst } });
        }
      }
    };
    return { keywords: { virtual_routes: check, static_routes: check } };
  },
});
