import { defineRule } from '../src/rule-api/index.js';
import { matches, quoteList, similarNames } from '../src/scripts/names.js';
import { hookLabel } from '../src/model/scripts.js';

export const rule = defineRule({
  meta: {
    id: 'script-unknown-name',
    description:
      'A notify or FIFO script compares the instance/group name with a name ' +
      'no vrrp_instance or vrrp_sync_group of the config has: that branch ' +
      'never runs.',
    severity: 'error',
    messages: {
      unknown: {
        message: 'Unknown instance or group name "{{literal}}" in {{script}}: this branch never runs',
        detail:
          'No vrrp_instance or vrrp_sync_group of this config is named {{what}}, ' +
          'so this branch never runs ({{callers}}).{{hint}} Fix: change the ' +
          'script to match the names the config defines{{fix}}.',
      },
      fifoQuotes: {
        message: 'FIFO name field compared with {{literal}} without quotes in {{script}}: this test never matches',
        detail:
          'keepalived writes the name in double quotes (INSTANCE "{{bare}}" ' +
          'MASTER 100), so this test never matches. Fix: compare with ' +
          '\'"{{bare}}"\', or strip the quotes first (NAME=${NAME//\\"/}).',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const seen = new Map<
          string,
          {
            at: { file: string; start: number; end: number };
            data: Record<string, string>;
            messageId: 'unknown' | 'fifoQuotes';
            callers: string[];
            related: { origin: { file: string; start: number; end: number }; message: string }[];
          }
        >();
        for (const ref of ctx.scripts.refs) {
          const a = ctx.scripts.analysis(ref);
          const f = ctx.scripts.file(ref);
          if (!a || !f || !a.parsed) continue;
          for (const d of a.dispatches) {
            for (const t of d.tests) {
              const l = t.literal;
              const known = [...ctx.scripts.allNames].some((n) => matches(l, n));
              if (known && !t.missingQuotes) continue;
              // VS/RS address fields, defaults
              if (!t.missingQuotes && (/^[0-9a-f.:[\]/]+$/i.test(l.text) || /^\*+$/.test(l.text))) continue;
              const key = `${f.path}\0${l.start}`;
              const caller = `${hookLabel(ref)} at ${ctx.where(ref.statement.keyword.origin)}`;
              const hit = seen.get(key);
              const related = {
                origin: ref.statement.keyword.origin,
                message: `the script is called here (${hookLabel(ref)})`,
              };
              if (hit) {
                if (!hit.callers.includes(caller)) {
                  hit.callers.push(caller);
                  hit.related.push(related);
                }
                continue;
              }
              const similar = l.glob ? [] : similarNames(l.text, ctx.scripts.allNames);
              const entry = {
                at: { file: f.path, start: l.start, end: l.end },
                messageId: t.missingQuotes ? ('fifoQuotes' as const) : ('unknown' as const),
                callers: [caller],
                related: [related],
                data: {
                  literal: l.text,
                  bare: l.text,
                  script: f.deployed,
                  what: l.glob ? `anything matching "${l.text}"` : `"${l.text}"`,
                  hint: similar.length
                    ? ` The config has ${quoteList(similar)}: if "${l.text}" ` +
                      `was renamed or split, the script was not updated.`
                    : ctx.scripts.allNames.size
                      ? ` The config defines ${quoteList([...ctx.scripts.allNames].sort())}.`
                      : '',
                  fix: similar.length ? ` (e.g. "${similar.join('|')})")` : '',
                },
              };
              seen.set(key, entry);
            }
          }
        }
        for (const e of seen.values()) {
          const more = e.callers.length > 3 ? ` and ${e.callers.length - 3} more` : '';
          ctx.report({
            messageId: e.messageId,
            at: e.at,
            related: e.related,
            data: {
              ...e.data,
              callers: `called by ${e.callers.slice(0, 3).join(', ')}${more}`,
            },
          });
        }
      },
    };
  },
});
