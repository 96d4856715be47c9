import { defineRule } from '../src/rule-api/index.js';
import { describeScope, scopeOf } from '../src/tree/index.js';
import { formatVersion } from '../src/versions/version.js';
import { isValidIn } from '../src/versions/keyword-table.js';
import { explainUnknown, fromRecursiveDefinition, ignoredBlocks } from '../src/model/unknown-keywords.js';

/** A keyword that keepalived does not know in this block, for the target version. */
export const rule = defineRule({
  meta: {
    id: 'unknown-keyword',
    description: 'Keyword not valid in this block for the target keepalived version; suggests the likely intended one.',
    severity: 'error',
    messages: {
      unknown: {
        message: 'Unknown keyword "{{name}}" {{scope}}: keepalived {{version}} ignores the line',
        detail: 'keepalived {{version}} does not know "{{name}}" {{scope}}{{why}} and ignores the line ("Unknown keyword \'{{name}}\'").{{hint}}',
      },
    },
  },
  create(ctx) {
    const ignored = ignoredBlocks(ctx.tree, ctx.lines);
    return {
      statement(s) {
        if (s.def || fromRecursiveDefinition(ctx.problems, s.keyword)) return;
        const scope = scopeOf(ctx.table, s.parent);
        const ex = explainUnknown(ctx.table, scope, s, ctx.file(s.keyword.origin.file)?.text);
        let hint = ex.hint;
        // --from: the keyword works on the version the config runs on today; the upgrade breaks it.
        if (ctx.from && ctx.table.lookupAllVersions(scope.path, s.keyword.text).some((d) => isValidIn(d, ctx.from!))) {
          hint += ` It is valid in keepalived ${formatVersion(ctx.from)} (--from), so this line stops working with the upgrade.`;
        }
        const header = ignored.headerOf(s);
        // NAME in an undefined ${NAME}: explained with the "$" before it.
        if (header?.keyword.text === '$' && s.keyword.origin.start === header.keyword.origin.start + 2) return;
        if (header) hint += ` keepalived reads it ${s.parent ? 'here' : 'at the top level'} because the "{" after "${header.keyword.text}" at ${ctx.where(header.keyword.origin)} opens nothing.`;
        const close = ignored.closeOf.get(s);
        if (close !== undefined) {
          const upTo = close ? `up to its "}" at ${ctx.where(close.origin)}` : 'after it';
          const where = s.parent ? `as part of ${describeScope(s.parent)}` : 'as top-level keywords';
          hint += ` Its "{" opens nothing: keepalived reads the lines ${upTo} ${where} and ignores the unknown ones`;
          hint += s.parent && close ? `, and that "}" closes ${describeScope(s.parent)} early, so the lines after it are read one level up.` : '.';
        }
        ctx.report({
          messageId: 'unknown',
          at: ex.length ? { ...s.keyword.origin, end: s.keyword.origin.start + ex.length } : s.keyword,
          via: s.keyword.via,
          data: { name: s.keyword.text, scope: s.parent ? `in ${describeScope(s.parent)}` : 'at the top level', why: ex.why, version: formatVersion(ctx.target), hint },
        });
      },
    };
  },
});
