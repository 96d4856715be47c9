import { defineRule } from '../src/rule-api/index.js';
import { quoteList } from '../src/scripts/names.js';

/**
 * `notify_master /etc/keepalived/to-master.sh` calling a script that dispatches on $2: keepalived
 * runs that line as written (only `notify` appends TYPE NAME STATE PRIORITY), so $2 is empty.
 */
export const rule = defineRule({
  meta: {
    id: 'script-name-not-passed',
    description:
      'A notify_master/backup/fault/stop line passes no name, and the script ' +
      'it runs compares $2 (where notify passes the name) with names: $2 is ' +
      'empty there, so no branch ever matches.',
    severity: 'error',
    messages: {
      empty: {
        message: '{{hook}} of {{owner}} passes no name, but {{script}} compares $2 with {{literals}}',
        detail:
          'keepalived runs a {{hook}} line as written: only `notify` appends ' +
          'TYPE NAME STATE PRIORITY, so $2 is empty here and the dispatch on it ' +
          '({{dispatch}}) never matches {{literals}}: on this transition the script ' +
          'does not act for {{name}}{{otherwise}}. Fix: run the script from `notify` ' +
          '(it gets "{{type}}" "{{name}}" and the state), or write the words into ' +
          'the line so that $2 is the name: {{hook}} "{{line}}".',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        for (const ref of ctx.scripts.refs) {
          const a = ctx.scripts.unpassedAnalysis(ref);
          const f = ctx.scripts.file(ref);
          // NAME=${2:-VI_1}: run without a name, the script acts for its default on purpose.
          if (!a?.parsed || a.defaulted || !f || !ref.command) continue;
          const dispatches = a.dispatches.filter((d) => d.tests.some((t) => !t.negated));
          const first = dispatches[0];
          if (!first) continue;
          const literals = [...new Set(dispatches.flatMap((d) => d.tests.map((t) => t.literal.text)))];
          const group = ref.owner.kind === 'vrrp_sync_group';
          ctx.report({
            messageId: 'empty',
            at: ref.command.origin,
            via: ref.command.via,
            related: [
              { origin: { file: f.path, start: first.start, end: first.start }, message: 'the dispatch on $2' },
            ],
            data: {
              hook: ref.hook,
              owner: `${ref.owner.kind} ${ref.owner.name}`,
              name: ref.owner.name,
              type: group ? 'GROUP' : 'INSTANCE',
              script: f.deployed,
              line: [
                ref.command.text,
                ...ref.args.map((w) => w.text),
                ...(ref.args.length ? [] : [group ? 'GROUP' : 'INSTANCE']),
                ref.owner.name,
              ].join(' '),
              literals: quoteList(literals, 3),
              dispatch: `${first.kind} at ${ctx.where({ file: f.path, start: first.start, end: first.end })}`,
              otherwise: dispatches.some((d) => d.hasDefault) ? ' (only its default branch runs)' : '',
            },
          });
        }
      },
    };
  },
});
