import { defineRule } from '../src/rule-api/index.js';
import { describeScope, scopeOf, type Statement } from '../src/tree/index.js';
import { compareVersions, formatVersion, parseVersion } from '../src/versions/version.js';
import { isValidIn, type BlockScope, type KeywordTable } from '../src/versions/keyword-table.js';
import { fromRecursiveDefinition, ignoredBlocks } from '../src/model/unknown-keywords.js';

/** A keyword that keepalived does not know in this block, for the target version. */
export const rule = defineRule({
  meta: {
    id: 'unknown-keyword',
    description: 'Keyword not valid in this block for the target keepalived version; suggests the likely intended one.',
    severity: 'error',
    messages: {
      unknown: {
        message: 'Unknown keyword "{{name}}" {{scope}}: keepalived {{version}} ignores the line',
        detail:
          'keepalived {{version}} does not know "{{name}}" {{scope}}{{why}} and ' +
          'ignores the line ("Unknown keyword \'{{name}}\'").{{hint}}',
      },
    },
  },
  create(ctx) {
    const ignored = ignoredBlocks(ctx.tree, () => ctx.lines);
    return {
      statement(s) {
        if (s.def || fromRecursiveDefinition(ctx.problems, s.keyword)) return;
        const scope = scopeOf(ctx.table, s.parent);
        const ex = explainUnknown(ctx.table, scope, s, ctx.file(s.keyword.origin.file)?.text);
        let hint = ex.hint;
        // --from: the keyword works on the version the config runs on today; the upgrade breaks it.
        if (ctx.from && ctx.table.lookupAllVersions(scope.path, s.keyword.text).some((d) => isValidIn(d, ctx.from!))) {
          hint +=
            ` It is valid in keepalived ${formatVersion(ctx.from)} ` +
            `(--from), so this line stops working with the upgrade.`;
        }
        const header = ignored.headerOf(s);
        // NAME in an undefined ${NAME}: explained with the "$" before it.
        if (header?.keyword.text === '$' && s.keyword.origin.start === header.keyword.origin.start + 2) return;
        if (header)
          hint +=
            ` keepalived reads it ${s.parent ? 'here' : 'at the top level'} ` +
            `because the "{" after "${header.keyword.text}" at ${ctx.where(header.keyword.origin)} ` +
            `opens nothing.`;
        const close = ignored.closeOf.get(s);
        if (close !== undefined) {
          const upTo = close ? `up to its "}" at ${ctx.where(close.origin)}` : 'after it';
          const where = s.parent ? `as part of ${describeScope(s.parent)}` : 'as top-level keywords';
          hint += ` Its "{" opens nothing: keepalived reads the lines ${upTo} ${where} and ignores the unknown ones`;
          hint +=
            s.parent && close
              ? `, and that "}" closes ${describeScope(s.parent)} early, so the lines after it are read one level up.`
              : '.';
        }
        ctx.report({
          messageId: 'unknown',
          at: ex.length
            ? { file: s.keyword.origin.file, start: s.keyword.origin.start, end: s.keyword.origin.start + ex.length }
            : s.keyword,
          via: s.keyword.via,
          data: {
            name: s.keyword.text,
            scope: s.parent ? `in ${describeScope(s.parent)}` : 'at the top level',
            why: ex.why,
            version: formatVersion(ctx.target),
            hint,
          },
        });
      },
    };
  },
});

/** `source`: the text of the file the keyword was written in, to recognise an undefined `${NAME}`. */
function explainUnknown(
  table: KeywordTable,
  scope: BlockScope,
  s: Statement,
  source?: string,
): { why: string; hint: string; length?: number } {
  const name = s.keyword.text;
  const braced =
    name === '$' ? /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(source?.slice(s.keyword.origin.start) ?? '') : null;
  if (braced) {
    return {
      why: '',
      length: braced[0].length,
      hint:
        ` "\${${braced[1]}}" is not defined above this line, ` +
        `so keepalived keeps the text and its braces split the ` +
        `line into "$", "{", "${braced[1]}", "}". Define ${braced[1]} ` +
        `first ("$${braced[1]}=value"), or include the file ` +
        `that defines it.`,
    };
  }
  const target = table.version;
  const other = table.lookupAllVersions(scope.path, name);
  if (other.length) {
    const d = other[other.length - 1]!;
    const since = d.since === 'HEAD' ? null : parseVersion(d.since);
    if (since && compareVersions(since, target) > 0) {
      const older = olderName(table, scope, name);
      const hint = older
        ? ` keepalived ${formatVersion(target)} knows it by its older name: write "${older}" (or upgrade keepalived).`
        : ` Upgrade keepalived, or remove the line for ${formatVersion(target)}.`;
      return { why: ` (it exists from keepalived ${d.since})`, hint };
    }
    if (d.until && compareVersions(parseVersion(d.until), target) < 0) {
      const repl = d.deprecated?.replacement ? ` Use ${d.deprecated.replacement} instead.` : '';
      return { why: ` (it was removed after keepalived ${d.until})`, hint: repl };
    }
    if (!d.in227)
      return {
        why: " (Debian's keepalived 2.2.7 is built without it)",
        hint: ' Remove it, or target a build that has it.',
      };
  }
  if (name.startsWith('$')) {
    const next = s.args[0]?.text ?? '';
    if (next.startsWith('=')) {
      return {
        why: '',
        hint: ` A definition is written "${name}=value" with no space before "="; as written it is an ordinary line.`,
      };
    }
    return {
      why: '',
      hint:
        ` keepalived did not expand it and keeps it as literal text: a name is expanded only when it is ` +
        `defined above this line and written as \${NAME}, or as $NAME followed by a space, "," or ")" ` +
        `(so "$Ay" looks up "Ay", not "A"). A multi-line definition is expanded only at the end of a line.`,
    };
  }
  if (name.startsWith('@')) {
    return { why: '', hint: ' Only one @id prefix is read per line; the second one is taken as the keyword.' };
  }
  const lower = table.lookup(scope, name.toLowerCase());
  if (lower) return { why: '', hint: ` Keywords are case-sensitive: "${lower.name}".` };
  const suggestion = table.suggest(scope, name);
  if (suggestion) return { why: '', hint: ` Did you mean "${suggestion}"?` };
  const elsewhere = table.findElsewhere(name).filter((p) => p !== scope.path);
  if (elsewhere.length) {
    const where = elsewhere
      .map((p) => (p === '' ? 'at the top level' : `in ${p.replace(/\//g, ' > ')}`))
      .slice(0, 3)
      .join(', ');
    const topHint =
      elsewhere.includes('') && scope.path !== '' ? ' If this block should have ended above, a "}" is missing.' : '';
    return { why: '', hint: ` "${name}" is valid ${where}.${topHint}` };
  }
  return { why: '', hint: '' };
}

/**
 * The name this block knew the keyword by in the target version, when it was renamed: an alias
 * sharing its handler (vmac_garp_intvl for garp_extra_if), or a keyword deprecated in its favour
 * (vrrp_track_file for track_file).
 */
function olderName(table: KeywordTable, scope: BlockScope, name: string): string | undefined {
  for (const def of table.lookupAllVersions(scope.path, name)) {
    const alias = def.aliases?.find((a) => table.lookup(scope, a));
    if (alias) return alias;
  }
  for (const def of scope.keywords.values()) if (def.deprecated?.replacement === name) return def.name;
  return undefined;
}
