import { defineRule, type Statement } from '../src/rule-api/index.js';
import { syslogOnly } from '../src/model/instance-settings.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/**
 * Single-valued keywords whose handler keeps the first value and refuses a repeat with a message
 * (keepalived 2.2.7 source, each message seen with keepalived -t 2.2.7). Before `since` the
 * handler overwrote the value (the last one won, leaking the first): no finding there.
 * `says` is keepalived's message without its "(instance)" prefix; {{value}} is the repeat's first
 * word, {{kept}} the first one's.
 */
interface Single {
  paths: string[];
  since: string;
  says: string;
  /** What the ignored line would have done. */
  lost: string;
}

const NOTIFY = 'so "{{value}}" never runs';
const SINGLES: Single[] = [
  {
    // b338a863 (1.3.6) "Fix memory leak if notify scripts specified multiple times".
    paths: [
      'notify_backup',
      'notify_master',
      'notify_fault',
      'notify_stop',
      'notify',
      'notify_master_rx_lower_pri',
    ].map((k) => `vrrp_instance/${k}`),
    since: '1.3.6',
    says: '{{name}} script already specified - ignoring {{value}}',
    lost: NOTIFY,
  },
  {
    paths: ['vrrp_instance/notify_deleted'],
    since: '2.1.0',
    says: 'notify_deleted already specified - ignoring {{value}}',
    lost: 'so "{{value}}" never runs',
  },
  {
    paths: ['notify_backup', 'notify_master', 'notify_fault', 'notify_stop', 'notify'].map(
      (k) => `vrrp_sync_group/${k}`,
    ),
    since: '1.3.6',
    says: 'vrrp group {{block}}: {{name}} script already specified - ignoring {{value}}',
    lost: NOTIFY,
  },
  {
    // b338a863 and ecd0ab23 (1.3.6).
    paths: [
      'virtual_server/real_server/notify_up',
      'virtual_server/real_server/notify_down',
      'virtual_server/quorum_up',
      'virtual_server/quorum_down',
    ],
    since: '1.3.6',
    says: '{{name}} script already specified - ignoring {{value}}',
    lost: NOTIFY,
  },
  {
    // 04905cdc (1.3.6) added the FIFOs with this check.
    paths: ['notify_fifo', 'vrrp_notify_fifo', 'lvs_notify_fifo'].map((k) => `global_defs/${k}`),
    since: '1.3.6',
    says: '{{name}} already specified - ignoring {{value}}',
    lost: 'so nothing is written to "{{value}}"',
  },
  {
    paths: ['notify_fifo_script', 'vrrp_notify_fifo_script', 'lvs_notify_fifo_script'].map((k) => `global_defs/${k}`),
    since: '1.3.6',
    says: '{{name}} already specified - ignoring {{value}}',
    lost: NOTIFY,
  },
  {
    paths: ['global_defs/startup_script', 'global_defs/shutdown_script'],
    since: '2.1.0',
    says: '{{what}} script already specified',
    lost: NOTIFY,
  },
];

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
        const single = SINGLES.find((x) => x.paths.includes(def.path));
        if (!single || compareVersions(t, single.since) < 0) return;
        const block = def.path.startsWith('global_defs/') ? null : s.parent;
        let seen = firsts.get(block);
        if (!seen) firsts.set(block, (seen = new Map()));
        const first = seen.get(def.path);
        if (!first) {
          seen.set(def.path, s);
          return;
        }
        const fill = (x: string) =>
          x
            .replaceAll('{{name}}', s.keyword.text)
            .replaceAll('{{what}}', s.keyword.text.replace(/_script$/, ''))
            .replaceAll('{{block}}', s.parent?.args[0]?.text ?? '')
            .replaceAll('{{value}}', s.args[0]?.text ?? '');
        report('repeated', s, first, { says: fill(single.says), lost: fill(single.lost) });
      },
    };
  },
});
