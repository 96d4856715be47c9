import { defineRule } from '../src/rule-api/index.js';
import { handles, quoteList } from '../src/scripts/names.js';
import { hookLabel } from '../src/model/scripts.js';

export const rule = defineRule({
  meta: {
    id: 'script-unhandled-instance',
    description:
      'An instance or sync group calls a script that dispatches on the name, ' +
      'and no branch matches its name and there is no default branch: the ' +
      'script does nothing for it.',
    severity: 'warning',
    messages: {
      unhandled: {
        message:
          '{{kind}} {{name}} is not handled by {{script}}: no branch matches its name and there is no default branch',
        detail:
          'The script dispatches on the {{what}} name ({{dispatches}}) and ' +
          'matches only {{listed}}, with no default branch, so on every state ' +
          'change of {{name}} it does nothing. If {{name}} replaced an old name ' +
          '(a rename, or a split into IPv4 and IPv6 instances), the script still ' +
          'waits for the old one. Fix: add "{{name}}" to the script\'s dispatch, ' +
          'or give it a default branch (*) / else).',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const done = new Set<string>();
        for (const ref of ctx.scripts.refs) {
          const a = ctx.scripts.analysis(ref);
          const f = ctx.scripts.file(ref);
          // Opaque uses (a regex, grep, eval of the name): cannot tell, so say nothing.
          // A script that hands the name on to another program (`/usr/local/bin/role-change "$NAME"`)
          // may act for the other names there: say nothing either.
          if (!a || !f || !a.parsed || !a.dispatches.length || a.opaque.length || a.handoffs.length) continue;
          // A check script told the name in its line runs on a timer, not on a state change.
          if (ref.nameWritten && (ref.hook === 'script' || ref.hook === 'misc_path')) continue;
          for (const name of ref.names) {
            if (a.dispatches.some((d) => handles(d, name))) continue;
            const owner = ctx.scripts.named.instances.get(name) ?? ctx.scripts.named.groups.get(name);
            const key = `${f.path}\0${name}\0${ref.statement.keyword.origin.start}`;
            if (done.has(key)) continue;
            done.add(key);
            const isGroup = !ctx.scripts.named.instances.has(name);
            const fifo = ref.nameSource?.kind === 'fifo';
            const literals = [...new Set(a.dispatches.flatMap((d) => d.tests.map((t) => t.literal.text)))];
            ctx.report({
              messageId: 'unhandled',
              // A FIFO script serves every instance: point at the instance; a notify line otherwise.
              at: fifo && owner?.args[0] ? owner.args[0] : ref.statement.keyword,
              data: {
                kind: isGroup ? 'vrrp_sync_group' : 'vrrp_instance',
                name,
                script: f.deployed,
                what: isGroup ? 'group' : 'instance',
                dispatches: a.dispatches
                  .map(
                    (d) =>
                      `${d.kind === 'lookup' ? 'array lookup' : d.kind} at ` +
                      `${ctx.where({ file: f.path, start: d.start, end: d.end })}`,
                  )
                  .join(', '),
                listed: quoteList(literals),
              },
              related: [
                ...(fifo
                  ? [
                      {
                        origin: ref.statement.keyword.origin,
                        message: `the FIFO script is set here (${hookLabel(ref)})`,
                      },
                    ]
                  : []),
                ...a.dispatches.map((d) => ({
                  origin: { file: f.path, start: d.start, end: d.start },
                  message: 'the dispatch on the name',
                })),
              ],
            });
          }
        }
      },
    };
  },
});
