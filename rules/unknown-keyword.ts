import type { Rule } from '../src/engine/types.js';
import { braceBalance, describeScope, scopeOf, type Statement } from '../src/tree/index.js';
import { formatVersion } from '../src/versions/version.js';
import { explainUnknown } from '../src/model/keywords.js';

/** A keyword that keepalived does not know in this block, for the target version. */
export const rule: Rule = {
  meta: {
    id: 'unknown-keyword',
    description: 'Keyword not valid in this block for the target keepalived version; suggests the likely intended one.',
    severity: 'error',
    messages: {
      unknown: 'Unknown keyword "{{name}}" {{scope}}{{why}}: keepalived {{version}} ignores the line ("Unknown keyword \'{{name}}\'").{{hint}}',
    },
  },
  create(ctx) {
    const balance = braceBalance(ctx.pre.lines);
    const openAfter = new Map<Statement, number>();
    for (const issue of ctx.tree.issues) {
      if (issue.code !== 'unexpected-open' || !issue.after || issue.after.def) continue;
      const close = balance.pairs.get(issue.token);
      if (close) openAfter.set(issue.after, close.origin.start);
      else openAfter.set(issue.after, -1);
    }
    return {
      statement(s) {
        if (s.def) return;
        const scope = scopeOf(ctx.table, s.parent);
        const ex = explainUnknown(ctx.table, scope, s);
        let hint = ex.hint;
        const closeAt = openAfter.get(s);
        if (closeAt !== undefined && s.parent) {
          const where = closeAt >= 0 ? ` at ${ctx.where({ file: s.keyword.origin.file, start: closeAt, end: closeAt })}` : '';
          hint += ` Its "{" opens nothing, so its "}"${where} closes ${describeScope(s.parent)} instead, and the lines after that are read one level up.`;
        }
        ctx.report({
          messageId: 'unknown',
          at: s.keyword,
          data: { name: s.keyword.text, scope: s.parent ? `in ${describeScope(s.parent)}` : 'at the top level', why: ex.why, version: formatVersion(ctx.target), hint },
        });
      },
    };
  },
};
