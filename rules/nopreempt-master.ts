import { defineRule } from '../src/rule-api/index.js';
import { basePriority, instanceData, instanceSettings } from '../src/model/instance-settings.js';
import { atLeast } from '../src/versions/version.js';

export const rule = defineRule({
  meta: {
    id: 'nopreempt-master',
    description:
      'nopreempt with state MASTER or priority 255: keepalived clears ' +
      'nopreempt, so the node takes the VIPs back whenever it returns.',
    severity: 'warning',
    messages: {
      master: {
        message:
          'Ineffective nopreempt in vrrp_instance {{name}} with state MASTER (at ' +
          '{{stateAt}}): this node takes the VIPs back as soon as it returns',
        detail:
          'keepalived {{target}} {{does}}, so this node takes the VIPs back as ' +
          'soon as it returns: the failback nopreempt was meant to prevent. Fix: ' +
          'use state BACKUP on every node (nopreempt needs it) and let priority ' +
          'pick the first master.',
      },
      owner: {
        message:
          'Ineffective nopreempt in vrrp_instance {{name}} with priority 255: ' +
          'keepalived {{target}} resets it, as the address owner always preempts',
        detail:
          'vrrp_instance {{name}} has priority 255 ({{why}}). keepalived ' +
          '{{target}} resets nopreempt ("{{says}}"){{visibility}}: the address ' +
          'owner always preempts, so this node takes the VIPs back as soon as it ' +
          'returns. Fix: give every node a priority below 255 and state BACKUP, ' +
          'or remove nopreempt.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const at = atLeast(t);
    return {
      end() {
        for (const s of instanceSettings(ctx.tree)) {
          if (!s.nopreempt) continue;
          const priority = basePriority(s, t);
          const data = instanceData(s, t);
          if (priority === 255 && at('1.4.0')) {
            const why = s.priority
              ? `priority 255 at ${ctx.where(s.priority.at.keyword.origin)}`
              : `no priority is set, and state MASTER at ${ctx.where(s.master!.keyword.origin)} makes it 255`;
            const says = at('2.1.0')
              ? `(${s.name}) nopreempt is incompatible with priority 255. resetting nopreempt`
              : 'nopreempt is incompatible with priority 255 - resetting nopreempt';
            ctx.report({ messageId: 'owner', at: s.nopreempt.keyword, data: { ...data, why, says } });
            continue;
          }
          if (!s.master) continue;
          // Strict mode turns a non-owner MASTER into BACKUP first ("State MASTER must match being
          // address owner"); nopreempt then works.
          if (s.strict && at('1.4.0')) continue;
          const does = at('2.0.0')
            ? `clears nopreempt ("(${s.name}) Warning - nopreempt ` +
              `will not work with initial state MASTER - clearing")${data.visibility}`
            : at('1.2.20')
              ? `starts the instance as MASTER regardless ("Warning - nopreempt will ` +
                `not work with initial state MASTER", syslog only)`
              : 'starts the instance as MASTER regardless, without a word';
          ctx.report({
            messageId: 'master',
            at: s.nopreempt.keyword,
            data: { ...data, stateAt: ctx.where(s.master.keyword.origin), does },
            related: [{ origin: s.master.keyword.origin, message: 'state MASTER is set here' }],
          });
        }
      },
    };
  },
});
