import type { Rule } from '../src/engine/types.js';
import { compareVersions, formatVersion, tryParseVersion } from '../src/versions/version.js';

/** Route words keepalived 2.x still reads but deprecates (vrrp_iproute.c). */
const ROUTE_WORDS: Record<string, string> = { gw: 'via', or: 'nexthop' };

/** Keywords keepalived still accepts but has deprecated, with their replacement. */
export const rule: Rule = {
  meta: {
    id: 'deprecated-keyword',
    description: 'Keywords that are deprecated or old aliases in the target version, with the replacement.',
    severity: 'warning',
    messages: {
      routeWord: '"{{word}}" in a route is deprecated: use "{{replacement}}" instead. keepalived warns that "{{word}}" for routes is deprecated.',
      deprecated: '"{{name}}" is deprecated{{since}}{{replacement}}. keepalived {{version}} still accepts it{{warns}}, but a later release may drop it.',
    },
  },
  create(ctx) {
    return {
      statement(s) {
        if (s.def?.kind === 'value_block' && /_routes$/.test(s.keyword.text)) {
          for (const line of s.values) {
            for (const t of line.tokens) {
              const replacement = ROUTE_WORDS[t.text];
              if (replacement) ctx.report({ messageId: 'routeWord', at: t, data: { word: t.text, replacement } });
            }
          }
        }
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
            version: formatVersion(ctx.target),
            warns: warning(dep.note),
          },
        });
      },
    };
  },
};

/** What keepalived itself says about it, from the reference note (written for maintainers, not shown). */
function warning(note: string | null | undefined): string {
  if (!note) return '';
  if (/no warning printed|log_message|not shown by -t/i.test(note)) return ' without any warning under -t';
  if (/message|CONFIG_DEPRECATED|printed by/i.test(note)) return ' with a deprecation warning';
  return '';
}
