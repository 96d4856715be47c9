import { defineRule, type Statement } from '../src/rule-api/index.js';
import { syslogOnly } from '../src/model/instance-settings.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';
import { singleValued, type SingleValued } from '../src/model/single-valued.js';

/**
 * What keepalived says about a repeat of each single-valued keyword (src/model/single-valued.ts
 * lists them, with the release from which the first one wins) and what the ignored line would have
 * done. `says` is keepalived's message without its "(instance)" prefix; {{value}} is the repeat's
 * first word.
 */
const NOTIFY = 'so "{{value}}" never runs';
const SAYS: Record<SingleValued['id'], { says: string; lost: string }> = {
  instanceNotify: { says: '{{name}} script already specified - ignoring {{value}}', lost: NOTIFY },
  instanceDeleted: { says: 'notify_deleted already specified - ignoring {{value}}', lost: NOTIFY },
  groupNotify: { says: 'vrrp group {{block}}: {{name}} script already specified - ignoring {{value}}', lost: NOTIFY },
  serverNotify: { says: '{{name}} script already specified - ignoring {{value}}', lost: NOTIFY },
  fifo: { says: '{{name}} already specified - ignoring {{value}}', lost: 'so nothing is written to "{{value}}"' },
  fifoScript: { says: '{{name}} already specified - ignoring {{value}}', lost: NOTIFY },
  startup: { says: '{{what}} script already specified', lost: NOTIFY },
};

/**
 * The LVS sync daemon interface is one global setting that both `lvs_sync_daemon` (global_defs)
 * and the deprecated `lvs_sync_daemon_interface` (any vrrp_instance) set: the first one read in
 * the whole configuration wins (df408d81, 1.2.20). A value of 16 characters or more is refused
 * and sets nothing (IP_VS_IFNAME_MAXLEN; lvs_sync_daemon_interface does not check it).
 */
const SYNC_DAEMON = ['global_defs/lvs_sync_daemon', 'vrrp_instance/lvs_sync_daemon_interface'];
const SYNC_DAEMON_SINCE = '1.2.20';

export const rule = defineRule({
  meta: {
    id: 'duplicate-keyword',
    description:
      'A single-valued keyword given twice (notify scripts, notify FIFOs, lvs_sync_daemon): keepalived ' +
      'keeps the first and ignores the others.',
    severity: 'error',
    messages: {
      repeated: {
        message: '"{{name}}" is already set at {{first}}: keepalived ignores this one ("{{value}}")',
        detail:
          'keepalived {{target}} keeps the first {{name}} ("{{kept}}" at {{first}}) and ignores this ' +
          'line ("{{says}}"){{visibility}}, {{lost}}. Fix: keep one {{name}} line; to run two ' +
          'programs, call both from one script.',
      },
      syncDaemon: {
        message:
          'The LVS sync daemon interface is already set at {{first}} ("{{kept}}"): keepalived ignores ' +
          'this {{name}}',
        detail:
          'lvs_sync_daemon and lvs_sync_daemon_interface set one global setting, and the first one ' +
          'read wins: keepalived {{target}} ignores this line ("{{says}}"){{visibility}}, so the ' +
          'IPVS connection sync daemon runs on "{{kept}}"{{lost}}. Fix: keep one ' +
          '"lvs_sync_daemon <interface> [inst <vrrp_instance>]" in global_defs and remove the others.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const visibility = syslogOnly(t);
    const target = formatVersion(t);
    const report = (
      messageId: 'repeated' | 'syncDaemon',
      s: Statement,
      first: Statement,
      more: Record<string, string>,
    ) =>
      ctx.report({
        messageId,
        at: s.keyword,
        data: {
          name: s.keyword.text,
          value: s.args[0]?.text ?? '',
          kept: first.args[0]?.text ?? '',
          first: ctx.where(first.keyword.origin),
          target,
          visibility,
          ...more,
        },
        related: [{ origin: first.keyword.origin, message: `the ${first.keyword.text} keepalived keeps` }],
      });
    /** First statement per block and keyword path; global_defs blocks share one global_data. */
    const firsts = new Map<Statement | null, Map<string, Statement>>();
    let syncDaemon: Statement | undefined;
    return {
      statement(s) {
        const def = s.def;
        if (def?.kind !== 'keyword') return;
        if (SYNC_DAEMON.includes(def.path) && compareVersions(t, SYNC_DAEMON_SINCE) >= 0) {
          if (!syncDaemon) {
            const name = s.args[0]?.text;
            if (name && (def.path !== SYNC_DAEMON[0] || name.length < 16)) syncDaemon = s;
            return;
          }
          const kept = syncDaemon.args[0]!.text;
          const inst = syncDaemon.args.findIndex((a) => a.text === 'inst');
          const instName = inst > 0 ? (syncDaemon.args[inst + 1]?.text ?? '') : '';
          const says =
            def.path === SYNC_DAEMON[0]
              ? `lvs_sync_daemon has already been specified as ${kept} ${instName} - ignoring`
              : `lvs_sync_daemon_interface has already been specified as ${kept} - ignoring`;
          const value = s.args[0]?.text ?? '';
          const lost = value === kept ? ' (the same interface: the line only repeats it)' : `, not on "${value}"`;
          report('syncDaemon', s, syncDaemon, { says, lost });
          return;
        }
        const single = singleValued(def.path);
        if (!single || compareVersions(t, single.since) < 0) return;
        const block = def.path.startsWith('global_defs/') ? null : s.parent;
        let seen = firsts.get(block);
        if (!seen) firsts.set(block, (seen = new Map()));
        const first = seen.get(def.path);
        if (!first) {
          seen.set(def.path, s);
          return;
        }
        const { says, lost } = SAYS[single.id];
        report('repeated', s, first, { says: fill(says, s), lost: fill(lost, s) });
      },
    };
  },
});

/**
 * SAYS text for statement `s`. A function of its own, not a closure in the visitor: a closure that
 * holds `s` makes V8 allocate a context on every call of the visitor (every statement of every pass).
 */
function fill(x: string, s: Statement): string {
  return x
    .replaceAll('{{name}}', s.keyword.text)
    .replaceAll('{{what}}', s.keyword.text.replace(/_script$/, ''))
    .replaceAll('{{block}}', s.parent?.args[0]?.text ?? '')
    .replaceAll('{{value}}', s.args[0]?.text ?? '');
}
