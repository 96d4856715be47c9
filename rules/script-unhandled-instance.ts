import { defineRule } from '../src/rule-api/index.js';
import { handles, quoteList, testMatches, transformed } from '../src/scripts/names.js';
import type { Dispatch, Handoff, ScriptAnalysis } from '../src/scripts/analyze.js';
import { hookLabel } from '../src/model/scripts.js';

interface Reached {
  /** The script the dispatches are in (undefined: the one keepalived runs), and its deployed path. */
  file?: string;
  deployed?: string;
  dispatches: Dispatch[];
  /** The name as it reaches them. */
  pass: (name: string) => string;
}

/**
 * The dispatches the name reaches in the script and in every script it is handed to, or null when
 * that cannot be told: a handoff to a program outside the repository, a script that does not parse,
 * that uses the name in a way the analysis cannot follow, or acts on it with no dispatch at all
 * (it then does something for every name).
 */
function followed(a: ScriptAnalysis): Reached[] | null {
  const out: Reached[] = [{ dispatches: a.dispatches, pass: (n) => n }];
  const callees = a.callees ?? [];
  // A program called twice the same way is followed once: a handoff counts as followed by its shape.
  const shape = (h: Handoff) => JSON.stringify([h.program, h.position, h.function, h.fold, h.strip, h.quoted]);
  const reached = new Set(callees.flatMap((c) => c.calls.map((k) => shape(k.handoff))));
  if (a.handoffs.some((h) => !reached.has(shape(h)))) return null;
  for (const c of callees) {
    const b = c.analysis;
    if (!b.parsed || b.opaque.length) return null;
    if (b.handoffs.some((h) => !reached.has(shape(h)))) return null;
    if (b.nameUsed && !b.dispatches.length && !b.handoffs.length) return null;
    out.push({
      file: c.file.path,
      deployed: c.file.deployed,
      dispatches: b.dispatches,
      pass: (n) => c.calls.reduce((m, { handoff }) => transformed(handoff, m), n),
    });
  }
  return out;
}

/** " (with /usr/local/bin/role-switch, which it hands the name to)", or nothing. */
function handedTo(reached: Reached[]): string {
  const names = [...new Set(reached.flatMap((r) => (r.deployed ? [r.deployed] : [])))];
  return names.length ? ` (with ${names.join(', ')}, which it hands the name to)` : '';
}

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
          'The script{{through}} dispatches on the {{what}} name ({{dispatches}}) and ' +
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
          if (!a || !f || !a.parsed || a.opaque.length) continue;
          // A check script told the name in its line runs on a timer, not on a state change.
          if (ref.nameWritten && (ref.hook === 'script' || ref.hook === 'misc_path')) continue;
          // The scripts it hands the name to dispatch too: every dispatch the name reaches, each
          // seeing the name as the calls on the way pass it (folded, a prefix cut off).
          const reached = followed(a);
          if (!reached) continue;
          const all = reached.flatMap((r) => r.dispatches.map((d) => ({ d, file: r.file, pass: r.pass })));
          if (!all.length) continue;
          for (const name of ref.names) {
            if (all.some(({ d, pass }) => handles(d, pass(name)))) continue;
            // A test meant for it that misses the FIFO quotes: script-unknown-name says that.
            if (all.some(({ d, pass }) => d.tests.some((t) => t.missingQuotes && testMatches(t, pass(name))))) continue;
            const owner = ctx.scripts.named.instances.get(name) ?? ctx.scripts.named.groups.get(name);
            const key = `${f.path}\0${name}\0${ref.statement.keyword.origin.start}`;
            if (done.has(key)) continue;
            done.add(key);
            const isGroup = !ctx.scripts.named.instances.has(name);
            const fifo = ref.nameSource?.kind === 'fifo';
            const literals = [...new Set(all.flatMap(({ d }) => d.tests.map((t) => t.literal.text)))];
            ctx.report({
              messageId: 'unhandled',
              // A FIFO script serves every instance: point at the instance; a notify line otherwise.
              at: fifo && owner?.args[0] ? owner.args[0] : ref.statement.keyword,
              data: {
                kind: isGroup ? 'vrrp_sync_group' : 'vrrp_instance',
                name,
                script: f.deployed,
                what: isGroup ? 'group' : 'instance',
                dispatches: all
                  .map(
                    ({ d, file }) =>
                      `${d.kind === 'lookup' ? 'array lookup' : d.kind} at ` +
                      `${ctx.where({ file: file ?? f.path, start: d.start, end: d.end })}`,
                  )
                  .join(', '),
                listed: quoteList(literals),
                through: handedTo(reached),
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
                ...all.map(({ d, file }) => ({
                  origin: { file: file ?? f.path, start: d.start, end: d.start },
                  message: file ? 'the dispatch on the name, in a script it is handed to' : 'the dispatch on the name',
                })),
              ],
            });
          }
        }
      },
    };
  },
});
