import { defineRule } from '../src/rule-api/index.js';
import { scopeOf } from '../src/tree/index.js';
import { isValidIn, type Deprecation, type KeywordTable } from '../src/versions/keyword-table.js';
import { compareVersions, formatVersion, tryParseVersion, type Version } from '../src/versions/version.js';

/** Keywords keepalived still accepts but has deprecated, with their replacement. */
export const rule = defineRule({
  meta: {
    id: 'deprecated-keyword',
    description: 'Keywords that are deprecated or old aliases in the target version, with the replacement.',
    severity: 'warning',
    statementLocal: true,
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
              const says = shown
                ? `warns under -t: ${quoted}`
                : `only logs ${quoted} to syslog (keepalived -t does not show it)`;
              const upgrade = routeWordUpgradeNote(w, ctx.from);
              // gw and via are one word to the route parser, and default6 installs the route ::/0
              // does (seen with keepalived 2.2.7 as a daemon: "default via ... proto keepalived" both
              // ways); "or" and "nexthop" take other syntax, so that edit is offered, not made.
              const edit = {
                message: `replace "${t.text}" with "${w.replacement}"`,
                edits: [{ at: t, text: w.replacement }],
              };
              const safe =
                t.text === 'default6' || (t.text === 'gw' && (!ctx.from || compareVersions(ctx.from, '1.2.24') >= 0));
              ctx.report({
                messageId: 'routeWord',
                at: t,
                ...(safe ? { fix: edit } : { suggestions: [edit] }),
                data: {
                  word: t.text,
                  replacement: w.replacement,
                  since: w.since,
                  version,
                  says,
                  note: w.note ?? '',
                  upgrade,
                },
              });
            }
          }
        }
        const dep = s.def?.deprecated;
        if (!dep) return;
        const since = dep.since ? (tryParseVersion(dep.since) ?? null) : null;
        if (since && compareVersions(since, ctx.target) > 0) return;
        const scopePath = scopeOf(ctx.table, s.parent).path;
        const rename = renameFix(ctx.table, scopePath, s.keyword.text, dep, ctx.target, ctx.from);
        const edit = rename && {
          message: `rename "${s.keyword.text}" to "${rename.name}"`,
          edits: [{ at: s.keyword, text: rename.name }],
        };
        ctx.report({
          messageId: 'deprecated',
          at: s.keyword,
          ...(edit ? (rename.safe ? { fix: edit } : { suggestions: [edit] }) : {}),
          data: {
            name: s.keyword.text,
            since: since ? ` since keepalived ${dep.since}` : '',
            replacement: dep.replacement ? `: use ${dep.replacement} instead` : '',
            version,
            warns: warning(dep.note),
            upgrade: dep.since
              ? deprecationUpgradeNote(ctx.table, scopePath, s.keyword.text, dep, dep.since, ctx.from)
              : '',
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

/**
 * Deprecations as an upgrade sees them: route words keepalived still reads but deprecates, and
 * what `--from` adds to a deprecated keyword (when the change came, whether the version running
 * today already knows the replacement). Example, `--from 2.0.10 --target 2.2.7`, vrrp_track_file:
 *   -> ' keepalived 2.0.10 (--from) accepts it without complaint: the deprecation came in 2.1.0.
 *        2.0.10 does not know "track_file" (it exists from 2.1.0), so rename it with the upgrade.'
 */
interface RouteWordDeprecation {
  replacement: string;
  /** The release that deprecated it. */
  since: string;
  /** From this release keepalived -t shows the warning (report_config_error); null: syslog only. */
  shownByT: string | null;
  /** What keepalived says, where it says anything. */
  says: string;
  note?: string;
}

/**
 * Words of route lines (virtual_routes, static_routes), from vrrp_iproute.c / vrrp_ipaddress.c: gw and or were
 * deprecated by the route parser rewrite of 1.2.24 (log_message, report_config_error from 2.0.7);
 * default6 in 2.0.8 (log_message only, up to HEAD).
 */
const ROUTE_WORDS: Readonly<Record<string, RouteWordDeprecation>> = {
  gw: {
    replacement: 'via',
    since: '1.2.24',
    shownByT: '2.0.7',
    says: '"gw" for routes is deprecated. Please use "via"',
  },
  or: {
    replacement: 'nexthop',
    since: '1.2.24',
    shownByT: '2.0.7',
    says: '"or" for routes is deprecated. Please use "nexthop"',
  },
  default6: {
    replacement: '::/0',
    since: '2.0.8',
    shownByT: null,
    says: "'default6' is deprecated - please replace with 'inet6 default'",
    // alloc_route() steps over the word after "inet6" (2.0.8 to HEAD), so its own advice fails.
    note:
      ' Do not follow the log\'s advice: keepalived reads "inet6 default" as ' +
      'a route without a destination ("Route must have a destination") and ' +
      'drops it.',
  },
};

/**
 * The keyword a deprecation's free-text replacement names ("retry", "global_defs lvs_sync_daemon",
 * "top-level linkbeat_interfaces block", "track_interface/... on the sync group"), looked up in the
 * deprecated keyword's block, in global_defs or at the top level; undefined for prose.
 */
function replacementName(
  table: KeywordTable,
  scopePath: string,
  replacement: string,
): { name: string; path: string } | undefined {
  const m = /^(?:(global_defs|top-level) )?([a-z][a-z0-9_]*)\b/.exec(replacement);
  if (!m) return undefined;
  const name = m[2]!;
  const paths = m[1] === 'global_defs' ? ['global_defs'] : m[1] === 'top-level' ? [''] : [scopePath, 'global_defs', ''];
  const path = paths.find((p) => table.lookupAllVersions(p, name).length > 0);
  return path === undefined ? undefined : { name, path };
}

/**
 * A deprecated keyword whose replacement is another keyword of the same block that the target
 * knows (nb_get_retry -> retry, vrrp_track_file -> track_file, *_rlimit_rtime -> *_rlimit_rttime):
 * renaming it is safe, keepalived reads both alike. When the version running today (--from) does not
 * know the new name yet, the rename waits for the upgrade: offered, not made. A replacement in
 * another block or prose (lvs_sync_daemon_interface -> global_defs lvs_sync_daemon) is no rename.
 */
function renameFix(
  table: KeywordTable,
  scopePath: string,
  name: string,
  dep: Deprecation,
  target: Version,
  from: Version | null,
): { name: string; safe: boolean } | null {
  const r = dep.replacement ? replacementName(table, scopePath, dep.replacement) : undefined;
  if (!r || r.path !== scopePath || r.name === name) return null;
  const defs = table.lookupAllVersions(r.path, r.name);
  if (!defs.some((d) => isValidIn(d, target))) return null;
  return { name: r.name, safe: !from || defs.some((d) => isValidIn(d, from)) };
}

/** What --from adds to a deprecation the target has: when it came and when the rename can happen. */
function deprecationUpgradeNote(
  table: KeywordTable,
  scopePath: string,
  name: string,
  dep: Deprecation,
  since: string,
  from: Version | null,
): string {
  if (!from) return '';
  const f = formatVersion(from);
  if (compareVersions(since, from) <= 0) return ` It is already deprecated in keepalived ${f} (--from).`;
  // The old name must exist today for this to be an upgrade concern at all.
  if (!table.lookupAllVersions(scopePath, name).some((d) => isValidIn(d, from))) return '';
  let note = ` keepalived ${f} (--from) accepts it without complaint: the deprecation came in ${since}.`;
  const r = dep.replacement ? replacementName(table, scopePath, dep.replacement) : undefined;
  if (!r) return note;
  const defs = table.lookupAllVersions(r.path, r.name);
  if (defs.some((d) => isValidIn(d, from)))
    note += ` ${f} already knows "${r.name}", so you can rename it before upgrading.`;
  else
    note +=
      ` ${f} does not know "${r.name}" (it exists from keepalived ` +
      `${defs[0]!.since}), so rename it in the same change ` +
      `as the upgrade.`;
  return note;
}

/** The same for a route word: deprecated after --from, and whether --from already reads the replacement. */
function routeWordUpgradeNote(word: RouteWordDeprecation, from: Version | null): string {
  if (!from) return '';
  const f = formatVersion(from);
  if (compareVersions(word.since, from) <= 0) return ` It is already deprecated in keepalived ${f} (--from).`;
  // nexthop came with the 1.2.24 rewrite; via and ::/0 were read before.
  const knows = word.replacement !== 'nexthop' || compareVersions(from, '1.2.24') >= 0;
  const when = knows
    ? ` ${f} already reads "${word.replacement}", so you can change it before upgrading.`
    : ` ${f} does not know "nexthop" (it exists from keepalived 1.2.24), ` +
      `so change it in the same change as the upgrade.`;
  return ` keepalived ${f} (--from) reads it without complaint: the deprecation came in ${word.since}.${when}`;
}
