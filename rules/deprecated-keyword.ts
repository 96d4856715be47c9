import type { Rule } from '../src/engine/types.js';
import { compareVersions, formatVersion, tryParseVersion } from '../src/versions/version.js';

/** Keywords keepalived still accepts but has deprecated, with their replacement. */
export const rule: Rule = {
  meta: {
    id: 'deprecated-keyword',
    description: 'Keywords that are deprecated or old aliases in the target version, with the replacement.',
    severity: 'warning',
    messages: {
      deprecated: '"{{name}}" is deprecated{{since}}{{replacement}}. It still works in {{version}} but may be removed; {{note}}',
    },
  },
  create(ctx) {
    return {
      statement(s) {
        const dep = s.def?.deprecated;
        if (!dep) return;
        const since = dep.since ? (tryParseVersion(dep.since) ?? null) : null;
        if (since && compareVersions(since, ctx.target) > 0) return;
        ctx.report({
          messageId: 'deprecated',
          at: s.keyword,
          data: {
            name: s.keyword.text,
            since: since ? ` since keepalived ${dep.since}` : '',
            replacement: dep.replacement ? `: use ${dep.replacement} instead` : '',
            version: `keepalived ${formatVersion(ctx.target)}`,
            note: dep.note ? `keepalived says: ${dep.note}` : 'switch to the replacement.',
          },
        });
      },
    };
  },
};
