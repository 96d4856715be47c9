import { defineRule, type Statement } from '../src/rule-api/index.js';
import { describeScope } from '../src/tree/index.js';
import { editDistance } from '../src/versions/keyword-table.js';
import { collectReferences, KIND_LABEL, topBlock, type Definition, type Reference } from '../src/model/references.js';

/** What keepalived 2.2.7 does with a name it cannot resolve (verified with keepalived -t). */
function effect(r: Reference, owner: string): string {
  const ownerName = r.owner?.args[0]?.text ?? '';
  if (r.kind === 'vrrp_instance')
    return (
      `prints "Virtual router ${r.name} specified in sync ` +
      `group ${ownerName} doesn't exist - ignoring" (no line ` +
      `number) and the group fails over without it.`
    );
  if (r.kind === 'virtual_server_group')
    return (
      `-t says nothing; at start-up the checker logs "Virtual ` +
      `server group ${r.name} specified but not configured ` +
      `- ignoring virtual server" and sets up no IPVS service ` +
      `for it.`
    );
  if (r.kind === 'track_group')
    return (
      `prints "track_group ${r.name} not found" and keeps ` +
      `the entry tied to no group, so it stays configured ` +
      `when the group's instances fail.`
    );
  if (r.owner?.keyword.text === 'FILE_CHECK')
    return (
      `prints "track_file ${r.name} not found" and "FILE_CHECK ` +
      `has no track_file specified - ignoring": the real server ` +
      `loses this check.`
    );
  return (
    `prints "(${ownerName}) ${r.keyword.keyword.text.replace('_', ' ')} ` +
    `${r.name} not found, ignoring..." and runs ${owner} ` +
    `without it: failover does not follow that check.`
  );
}

/** A block with all its header words: `virtual_server group vsg_web`, `static_routes`. */
const blockName = (st: Statement): string => [st.keyword, ...st.args].map((t) => t.text).join(' ');

/** Undefined names that get a "did you mean", and names compared for them in all (see end()). */
const MAX_SUGGESTED = 2_000;
const MAX_COMPARED = 200_000;

export const rule = defineRule({
  meta: {
    id: 'undefined-reference',
    description:
      'A track_script, track_file, track_process, track_bfd, sync-group ' +
      'member, virtual_server group or track_group names nothing defined ' +
      '(before it, where keepalived resolves names while parsing).',
    severity: 'error',
    messages: {
      undefined: {
        message: '{{what}} names no {{kind}}',
        detail: 'keepalived {{effect}} Fix: define {{kind}} {{name}}{{placement}}, or correct the name{{suggestion}}.',
      },
      later: {
        message: '{{what}} names a {{kind}} that is defined only later',
        detail:
          '{{kind}} {{name}} is defined only at {{later}}, after {{top}}. ' +
          'keepalived looks the name up while it reads the file, so it ' +
          '{{effect}} Fix: move {{kind}} {{name}} above {{top}}.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const refs = collectReferences(ctx.tree);
        // Definitions by kind and name (one lookup per reference) and by kind (the suggestions), in
        // file order. (Added to in place: a copy per definition was quadratic in a name defined over
        // and over.)
        const byName = new Map<string, Definition[]>();
        const byKind = new Map<string, Definition[]>();
        const add = (m: Map<string, Definition[]>, key: string, d: Definition) => {
          const list = m.get(key);
          if (list) list.push(d);
          else m.set(key, [d]);
        };
        for (const d of refs.definitions) {
          add(byName, `${d.kind}\0${d.name}`, d);
          add(byKind, d.kind, d);
        }
        // Each suggestion compares the name with the definitions of its kind: the first
        // MAX_SUGGESTED undefined names get one, within MAX_COMPARED comparisons in all (every
        // undefined name against every definition was quadratic: 2,000 took 30 s). A config with
        // that many is not one a typo made, and past 1,000 findings of a rule in a file the rest are
        // counted, not shown.
        let suggested = 0;
        let compared = 0;
        for (const r of refs.references) {
          // keepalived reports an unknown BFD_CHECK name at the block's end; not checked here yet.
          if (r.owner?.keyword.text === 'BFD_CHECK') continue;
          const named = byName.get(`${r.kind}\0${r.name}`) ?? [];
          // (In file order: the first definition is the earliest.)
          if (named.length && (!r.ordered || named[0]!.index < r.index)) continue;
          const later = named[0];
          const owner = r.owner ? describeScope(r.owner) : blockName(r.keyword);
          const top = blockName(topBlock(r.keyword));
          const what =
            r.kind === 'virtual_server_group'
              ? `virtual_server group "${r.name}"`
              : r.owner?.keyword.text === 'FILE_CHECK'
                ? `track_file "${r.name}" in FILE_CHECK of ${describeScope(r.owner.parent)}`
                : `${r.kind === 'track_group' ? 'track_group' : r.keyword.keyword.text} "${r.name}" in ${owner}`;
          const data = { what, name: r.name, kind: KIND_LABEL[r.kind], top, effect: effect(r, owner) };
          if (later) {
            ctx.report({
              messageId: 'later',
              at: r.token,
              data: { ...data, later: ctx.where(later.token.origin) },
              related: [
                {
                  origin: later.token.origin,
                  message: `${KIND_LABEL[r.kind]} ${r.name} is defined here, after ${top}`,
                },
              ],
            });
            continue;
          }
          const limit = Math.max(1, Math.floor(r.name.length / 4));
          const usable =
            suggested++ < MAX_SUGGESTED && compared < MAX_COMPARED
              ? byKind
                  .get(r.kind)
                  ?.find(
                    (d) =>
                      (!r.ordered || d.index < r.index) &&
                      d.name &&
                      compared++ < MAX_COMPARED &&
                      editDistance(d.name, r.name, limit) <= limit,
                  )
              : undefined;
          const suggestion = usable ? ` (did you mean "${usable.name}", at ${ctx.where(usable.token.origin)}?)` : '';
          ctx.report({
            messageId: 'undefined',
            at: r.token,
            data: { ...data, placement: r.ordered ? ` above ${top}` : '', suggestion },
          });
        }
      },
    };
  },
});
