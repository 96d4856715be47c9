import { defineRule, type Related } from '../src/rule-api/index.js';
import { hookLabel } from '../src/model/scripts.js';
import { readCommand } from '../src/model/script-command.js';
import { configInterfaces, definitionOrigin, list, notAName, ownerNames } from '../src/model/script-names.js';
import { editDistance } from '../src/versions/keyword-table.js';

/**
 * The calls a "foreign" finding points to (each passes its own name at the same place): the message
 * names two; an operator needs a few, not the 10,000 a generated config has (they made hundreds of
 * megabytes of JSON).
 */
const MAX_RELATED = 10;

export const rule = defineRule({
  meta: {
    id: 'script-name-argument',
    description:
      'A script line passes an instance/group name that the config does not ' +
      'define (a typo, or the name before a rename or split), or another ' +
      "instance's name where every other call passes its own.",
    severity: 'error',
    messages: {
      unknown: {
        message: 'Unknown instance or group name "{{word}}" passed to {{program}} by {{hook}}',
        detail:
          'No vrrp_instance or vrrp_sync_group is named "{{word}}", and it is ' +
          'meant as one ({{why}}). keepalived passes the word as it is, so ' +
          'whatever the script does by that name (check a state file, move a ' +
          'floating IP, set routes) finds nothing. Fix: pass the name the config ' +
          'defines{{suggest}}.',
      },
      foreign: {
        message: 'Name of another block "{{word}}" passed to {{program}} by {{hook}}',
        detail:
          "The other calls pass their own instance's or group's name at this " +
          'position ({{other}}), so this one acts for {{word}} instead of ' +
          '{{own}} (copied from another block?). Fix: pass "{{own}}" unless ' +
          '{{word}} is really meant.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const all = ctx.scripts.allNames;
        // Walks every statement: only when some argument could be a name.
        let ifs: Set<string> | undefined;
        const interfaces = () => (ifs ??= configInterfaces(ctx.tree));
        const calls = ctx.scripts.refs.map((ref) => ({
          ref,
          cmd: readCommand(ref, ctx.target),
          owners: ownerNames(ref, ctx.tree),
        }));
        const key = (c: (typeof calls)[number], i: number) => `${c.cmd.argv[0]?.text}\0${i}`;
        // Every defined name some call passes, by program and argument position.
        const passing = new Map<string, { call: (typeof calls)[number]; i: number }[]>();
        for (const call of calls) {
          call.cmd.argv.forEach((w, i) => {
            if (i === 0 || !all.has(w.text)) return;
            const k = key(call, i);
            const list = passing.get(k);
            if (list) list.push({ call, i });
            else passing.set(k, [{ call, i }]);
          });
        }
        type Passing = { call: (typeof calls)[number]; i: number };
        /** The first `n` of `list` that are not `call`'s. */
        const firstOthers = (list: readonly Passing[], call: (typeof calls)[number], n: number): Passing[] => {
          const out: Passing[] = [];
          for (const o of list) {
            if (o.call === call) continue;
            out.push(o);
            if (out.length === n) break;
          }
          return out;
        };
        // The calls at each program and position that pass their own block's name, once per key.
        const ownAt = new Map<string, Passing[]>();
        const ownPassing = (k: string): Passing[] => {
          let own = ownAt.get(k);
          if (!own) {
            own = (passing.get(k) ?? []).filter((o) => o.call.owners.includes(o.call.cmd.argv[o.i]!.text));
            ownAt.set(k, own);
          }
          return own;
        };
        const related = (name: string, message: string): Related[] => {
          const o = definitionOrigin(ctx.scripts.named, name);
          return o ? [{ origin: o, message }] : [];
        };
        for (const call of calls) {
          const { ref, cmd, owners } = call;
          const program = cmd.argv[0]?.text ?? '';
          cmd.argv.forEach((w, i) => {
            if (i === 0 || notAName(w.text, interfaces)) return;
            // Other calls are looked at up to what a finding shows of them: all of them, for each call
            // (the same program at the same place in 10,000 instances), was quadratic.
            const k = key(call, i);
            const where = (o: Passing) =>
              `${hookLabel(o.call.ref)} at ${ctx.where(o.call.ref.statement.keyword.origin)} ` +
              `passes "${o.call.cmd.argv[o.i]!.text}"`;
            if (all.has(w.text)) {
              if (owners.length !== 1 || owners.includes(w.text)) return;
              const own = firstOthers(ownPassing(k), call, MAX_RELATED);
              if (!own.length) return;
              const at = cmd.wordOrigin(w);
              const data = { word: w.text, program, hook: hookLabel(ref) };
              const other = own.map(where).slice(0, 2).join('; ');
              const rel = own.map((o) => ({
                origin: o.call.cmd.wordOrigin(o.call.cmd.argv[o.i]!).origin,
                message: `${hookLabel(o.call.ref)} passes its own name here`,
              }));
              ctx.report({
                messageId: 'foreign',
                severity: 'warning',
                at: at.origin,
                via: at.via,
                related: rel,
                data: { ...data, other, own: owners[0]! },
              });
              return;
            }
            const at = cmd.wordOrigin(w);
            const data = { word: w.text, program, hook: hookLabel(ref) };
            const others = firstOthers(passing.get(k) ?? [], call, 2);
            const evidence = others.length
              ? {
                  why:
                    `the same program gets a defined name at this position ` +
                    `elsewhere: ${others.map(where).slice(0, 2).join('; ')}`,
                  names: owners,
                }
              : nameEvidence(w.text, [...all], owners);
            if (!evidence) return;
            const best = evidence.names.filter((n) => owners.includes(n))[0] ?? evidence.names[0];
            const suggested = best ? [best, ...evidence.names.filter((n) => n !== best)] : evidence.names;
            ctx.report({
              messageId: 'unknown',
              at: at.origin,
              via: at.via,
              related: [
                ...(best ? related(best, `"${best}" is defined here`) : []),
                ...others.slice(0, 2).map((o) => ({
                  origin: o.call.cmd.wordOrigin(o.call.cmd.argv[o.i]!).origin,
                  message: 'a defined name at the same position',
                })),
              ],
              data: {
                ...data,
                why: evidence.why,
                suggest: evidence.names.length ? ` (did you mean ${list(suggested)}?)` : '',
              },
            });
          });
        }
      },
    };
  },
});

/** Defined names the word probably meant: split stems, slips, the owner's naming scheme. */
function nameEvidence(
  word: string,
  names: readonly string[],
  owners: readonly string[],
): { why: string; names: string[] } | null {
  const esc = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const split = names.filter((n) => new RegExp(`^${esc}[-_.]|[-_.]${esc}$`).test(n));
  if (split.length >= 2) return { why: `the names ${list(split)} look like "${word}" split in parts`, names: split };
  // A slip: one or two letters (by length), not a different number in a series (VI_3 vs VI_1).
  const limit = word.length < 4 ? 0 : word.length <= 6 ? 1 : 2;
  const slips = names
    .filter((n) => editDistance(word, n) <= limit && word.replace(/\d+/g, '#') !== n.replace(/\d+/g, '#'))
    .sort((a, b) => editDistance(word, a) - editDistance(word, b));
  const closest = slips.filter((n) => editDistance(word, n) === editDistance(word, slips[0]!));
  if (slips.length)
    return {
      why:
        `it is ${editDistance(word, slips[0]!) === 1 ? 'one character' : 'two characters'} ` +
        `away from ${list(closest)}`,
      names: slips,
    };
  // A naming scheme: a short prefix up to a separator (VI_, vip-, gw.) that the owner's name has.
  for (const o of owners) {
    const m = /^([A-Za-z][A-Za-z0-9]{0,3}[-_.])./.exec(o);
    if (m && word.startsWith(m[1]!) && word.length > m[1]!.length)
      return { why: `it follows the naming scheme of ${JSON.stringify(o)} ("${m[1]}...")`, names: [o] };
  }
  return null;
}
