/**
 * Explanations for keywords a block does not accept: a misspelling, a keyword of another block,
 * one from another keepalived version, a definition written with spaces, a second `@` prefix.
 * Example: `priorty 100` in vrrp_instance -> hint ' Did you mean "priority"?'.
 */
import type { Statement } from '../tree/index.js';
import type { BlockScope, KeywordTable } from '../versions/keywords.js';
import { compareVersions, formatVersion, parseVersion } from '../versions/version.js';

export function explainUnknown(table: KeywordTable, scope: BlockScope, s: Statement): { why: string; hint: string } {
  const name = s.keyword.text;
  const target = table.version;
  const other = table.lookupAllVersions(scope.path, name);
  if (other.length) {
    const d = other[other.length - 1]!;
    const since = d.since === 'HEAD' ? null : parseVersion(d.since);
    if (since && compareVersions(since, target) > 0) {
      return { why: ` (it exists from keepalived ${d.since})`, hint: ` Upgrade keepalived, or remove the line for ${formatVersion(target)}.` };
    }
    if (d.until && compareVersions(parseVersion(d.until), target) < 0) {
      const repl = d.deprecated?.replacement ? ` Use ${d.deprecated.replacement} instead.` : '';
      return { why: ` (it was removed after keepalived ${d.until})`, hint: repl };
    }
    if (!d.in227) return { why: ' (Debian\'s keepalived 2.2.7 is built without it)', hint: ' Remove it, or target a build that has it.' };
  }
  if (name.startsWith('$')) {
    const next = s.args[0]?.text ?? '';
    if (next.startsWith('=')) {
      return { why: '', hint: ` A definition is written "${name}=value" with no space before "="; as written it is an ordinary line.` };
    }
    return { why: '', hint: ` ${name} is not defined above this line, so keepalived keeps it as literal text. Define it first with "${name}=value".` };
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
    const where = elsewhere.map((p) => (p === '' ? 'at the top level' : `in ${p.replace(/\//g, ' > ')}`)).slice(0, 3).join(', ');
    const topHint = elsewhere.includes('') && scope.path !== '' ? ' If this block should have ended above, a "}" is missing.' : '';
    return { why: '', hint: ` "${name}" is valid ${where}.${topHint}` };
  }
  return { why: '', hint: '' };
}
