import { defineRule } from '../src/rule-api/index.js';
import { scopeOf } from '../src/tree/index.js';
import { ROUTE_WORDS, deprecationUpgradeNote, routeWordUpgradeNote } from '../src/model/deprecations.js';
import { compareVersions, formatVersion, tryParseVersion } from '../src/versions/version.js';

/** Keywords keepalived still accepts but has deprecated, with their replacement. */
export const rule = defineRule({
  meta: {
    id: 'deprecated-keyword',
    description: 'Keywords that are deprecated or old aliases in the target version, with the replacement.',
    severity: 'warning',
    messages: {
      routeWord: {
        message: '"{{word}}" in a route is deprecated since keepalived {{since}}: use "{{replacement}}" instead',
        detail: 'keepalived {{version}} still reads it and {{says}}.{{note}}{{upgrade}}',
      },
      deprecated: {
        message: '"{{name}}" is deprecated{{since}}{{replacement}}',
        detail: 'keepalived {{version}} still accepts it{{warns}}, but a later release may drop it.{{upgrade}}',
      },
    },
  },
  create(ctx) {
    const version = formatVersion(ctx.target);
    return {
      statement(s) {
        if (s.def?.kind === 'value_block' && /_routes$/.test(s.keyword.text)) {
          for (const line of s.values) {
            for (const t of line.tokens) {
              const w = Object.hasOwn(ROUTE_WORDS, t.text) ? ROUTE_WORDS[t.text] : undefined;
              if (!w || compareVersions(w.since, ctx.target) > 0) continue;
              const shown = w.shownByT !== null && compareVersions(ctx.target, w.shownByT) >= 0;
              const quoted = w.says.includes('"') ? `'${w.says}'` : `"${w.says}"`;
              const says = shown ? `warns under -t: ${quoted}` : `only logs ${quoted} to syslog (keepalived -t does not show it)`;
              const upgrade = routeWordUpgradeNote(w, ctx.from);
              ctx.report({ messageId: 'routeWord', at: t, data: { word: t.text, replacement: w.replacement, since: w.since, version, says, note: w.note ?? '', upgrade } });
            }
          }
        }
        const dep = s.def?.deprecated;
        if (!dep) return;
        const since = dep.since ? (tryParseVersion(dep.since) ?? null) : null;
        if (since && compareVersions(since, ctx.target) > 0) return;
        const scopePath = scopeOf(ctx.table, s.parent).path;
        ctx.report({
          messageId: 'deprecated',
          at: s.keyword,
          data: {
            name: s.keyword.text,
            since: since ? ` since keepalived ${dep.since}` : '',
            replacement: dep.replacement ? `: use ${dep.replacement} instead` : '',
            version,
            warns: warning(dep.note),
            upgrade: dep.since ? deprecationUpgradeNote(ctx.table, scopePath, s.keyword.text, dep, dep.since, ctx.from) : '',
          },
        });
      },
    };
  },
});

/** What keepalived itself says about it, from the reference note (written for maintainers, not shown). */
function warning(note: string | null | undefined): string {
  if (!note) return '';
  if (/no warning printed|log_message|not shown by -t/i.test(note)) return ' without any warning under -t';
  if (/message|CONFIG_DEPRECATED|printed by/i.test(note)) return ' with a deprecation warning';
  return '';
}
