import { defineRule } from '../src/rule-api/index.js';
import { includePatternAt } from '../src/model/includes.js';

/** The linter's work budget (src/preprocess/budget.ts): an input that would make it, or keepalived, work without bound.
 * */
export const rule = defineRule({
  meta: {
    id: 'budget-exceeded',
    description:
      'Inputs that expand without bound (include fan-out, ~SEQ, brace ' +
      'nesting, huge or deeply nested scripts): the linter stops at a cap ' +
      'and says where.',
    severity: 'error',
    messages: {
      stopped: {
        message: 'Budget cap "{{cap}}" exceeded: more than {{limit}} {{what}}; the rest of this config is not checked',
        detail:
          "The linter's work budget is spent: it stops reading this config here, " +
          'so what follows is not checked; {{effect}}.',
      },
      skipped: {
        message: 'Budget cap "{{cap}}" exceeded: more than {{limit}} {{what}}',
        detail:
          "The linter's work budget is spent: it reads no more of them, so what " +
          'they would add is not checked; {{effect}}.',
      },
      // Also reported by `cluster` for its nodes (src/cluster/index.ts uses this rule's meta), so
      // that `lint --cluster` shows it once.
      configIds: {
        message:
          'Budget cap "config-ids" exceeded: more than {{limit}} config-ids; ' +
          '"{{id}}" and the ids after it are not linted',
        detail:
          'The linter lints at most {{limit}} config-ids of one config (its work ' +
          'budget); "{{id}}" and the ids after it are not checked. keepalived ' +
          'reads the whole config once per process for its one id.',
      },
      script: {
        message: 'Script not analysed (cap "{{cap}}"): {{script}} {{reason}}',
        detail: 'The linter does not check its handling of the name. keepalived runs it anyway; {{effect}}.',
      },
      findings:
        'Too many findings of {{rule}} in this file: only the first {{limit}} ' +
        'are shown (cap "findings-per-rule-and-file").',
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.problems) {
          if (p.code !== 'budget-exceeded') continue;
          const at =
            p.data.cap === 'included-files' || p.data.cap === 'brace-alternatives' || p.data.cap === 'include-lookups'
              ? includePatternAt(ctx.file(p.origin.file)?.text, p.origin, p.data.pattern)
              : p.origin;
          if (p.data.cap === 'config-ids') ctx.report({ messageId: 'configIds', at, data: p.data });
          else ctx.report({ messageId: p.data.stops === 'yes' ? 'stopped' : 'skipped', at, via: p.via, data: p.data });
        }
        const seen = new Set<string>();
        for (const ref of ctx.scripts.refs) {
          const b = ctx.scripts.analysis(ref)?.budget ?? ctx.scripts.file(ref)?.budget;
          if (!b || !ref.command) continue;
          const key = `${ref.command.origin.file}\0${ref.command.origin.start}`;
          if (seen.has(key)) continue;
          seen.add(key);
          ctx.report({
            messageId: 'script',
            at: ref.command.origin,
            via: ref.command.via,
            data: { ...b, script: ref.command.text },
          });
        }
        // A script the name is handed on to (`/usr/local/bin/role-change "$NAME"`) over a cap: said
        // at the call that hands it on, once per call.
        for (const ref of ctx.scripts.refs) {
          for (const c of ctx.scripts.analysis(ref)?.callees ?? []) {
            const b = c.analysis.budget;
            const last = c.calls[c.calls.length - 1];
            if (!b || !last) continue;
            const at = { file: last.file.path, start: last.handoff.start, end: last.handoff.end };
            const key = `${at.file}\0${at.start}`;
            if (seen.has(key)) continue;
            seen.add(key);
            ctx.report({ messageId: 'script', at, data: { ...b, script: c.file.deployed } });
          }
        }
      },
    };
  },
});
