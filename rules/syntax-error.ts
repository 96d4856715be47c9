import { defineRule, type Origin, type Statement, type Token } from '../src/rule-api/index.js';
import { describeScope } from '../src/tree/index.js';
import { formatVersion } from '../src/versions/version.js';
import { fromRecursiveDefinition } from '../src/model/unknown-keywords.js';
import { suspectsFor, swallowedBy } from '../src/model/braces.js';

const MAX_UNCLOSED_REPORTS = 20;

/** What keepalived cannot read: quotes, braces, blocks without their `{`, broken sequences. */
export const rule = defineRule({
  meta: {
    id: 'syntax-error',
    description:
      'Text keepalived cannot read as intended: unterminated quotes, unbalanced braces, blocks without their "{".',
    severity: 'error',
    messages: {
      unterminatedQuote: {
        message: 'Unterminated quote: this " is never closed, so keepalived drops the rest of the line',
        detail:
          'keepalived reports "Unterminated quote" and drops everything from it ' +
          'to the end of the line, so the value it starts is lost. Fix: add the ' +
          'closing ".',
      },
      unclosed: {
        message: 'Unclosed block: the "{" of {{block}} is never closed',
        detail:
          'The "{" of {{block}} is never closed{{hint}}. keepalived reports only ' +
          "\"There are {{count}} missing '}'s or extra '{'s\", without a line " +
          'number. Fix: add the missing "}".',
      },
      extraClose: {
        message: 'Extra "}": there is no open block to close here',
        detail: 'keepalived reports "Extra \'}\' found" and ignores it; a block above was probably closed too early.',
      },
      ignoredClose: {
        message: 'Stray "}": it closes the "{" after {{what}}, which opens nothing',
        detail:
          'keepalived reads this "}" as a keyword ("Unknown keyword \'}\'"). It goes away with the "{" it closes.',
      },
      strayClose: {
        message: 'Stray "}": it was meant to close {{block}}, but an earlier "}" already closed it',
        detail:
          'keepalived pairs that earlier "}" with a "{" it ignored, so it reads ' +
          'this "}" as a keyword ("Unknown keyword \'}\'"), and the lines before ' +
          'it were read outside {{block}}.',
      },
      unexpectedOpen: {
        message: 'Unexpected "{": {{what}} opens no block here, so keepalived ignores this "{"',
        detail: 'keepalived ignores this "{" ("Unexpected \'{\' - ignoring"){{effect}}.',
      },
      missingOpen: {
        message: 'Missing "{": {{block}} must be followed by "{"',
        detail:
          "keepalived reports \"Missing '{' at beginning of configuration " +
          'block" at the next line and reads that line as the first line inside ' +
          'it; its other processes lose track of the block, so keepalived -t ' +
          'also reports each line of it as an unknown keyword and its "}" as ' +
          'extra. Fix: add the "{" after {{block}}.',
      },
      valueBlockMissingOpen: {
        message: 'Missing "{": {{block}} must be followed by "{"',
        detail:
          'keepalived\'s VRRP process takes the lines up to the next "}" as its ' +
          'values (it only logs "\'{\' missing from beginning of block"), but ' +
          'its other processes count braces and take that "}" as the end of ' +
          '{{outer}}, so keepalived -t reports the lines after it as unknown ' +
          'keywords and an extra "}". Fix: add the "{" after {{block}}.',
      },
      unnamedBlock: {
        message:
          'Wrong number of names: {{keyword}} takes exactly one ({{count}} given), so keepalived skips this block',
        detail:
          'keepalived {{target}} reports "{{keyword}} must have a name" and skips the whole block ' +
          'unread, up to its "}": none of its settings apply. Fix: give the block one name, ' +
          'without blanks.',
      },
      sequence: { message: 'Invalid {{head}}: {{reason}}', detail: '{{effect}}.' },
      escapedComment: {
        message:
          '"\\{{char}}" keeps a literal "{{char}}" only in global_defs: ' +
          "keepalived's VRRP and checker processes cut the value here",
        detail:
          "keepalived's VRRP and checker processes read the line again and see a " +
          'comment there, so the value is cut at this point. Fix: put the value ' +
          'in double quotes instead.',
      },
      unmatchedQuote: {
        message: 'Unmatched quote: this " is never closed, so keepalived drops the word',
        detail:
          'keepalived splits words at double quotes and this " is never closed, ' +
          'so it reports "Unmatched quote" and drops the word. A backslash does ' +
          "not escape a quote in keepalived's words; use single quotes inside a " +
          'double-quoted value.',
      },
      nul: {
        message: 'This line contains NUL bytes: keepalived {{target}} ignores the whole line',
        detail:
          'keepalived 2.4.0 and later ignore a line with a NUL byte ("configuration appears to have ' +
          'embedded NULs - ignoring line"), so nothing on it applies; before 2.4.0 they cut the line ' +
          'at the first NUL. Is this a binary file? Fix: remove the NUL bytes.',
      },
      nulCut: {
        message: 'NUL bytes: keepalived {{target}} cuts the line at the first one and ignores the rest of it',
        detail:
          'keepalived before 2.4.0 reads the line as a C string, which ends at the first NUL ' +
          'byte: it reads "{{kept}}" and drops the rest silently (keepalived -t says nothing). ' +
          '2.4.0 and later ignore the whole line ("embedded NULs"). Is this a binary file? Fix: ' +
          'remove the NUL bytes.',
      },
      tooLong: {
        message: 'Line too long: {{bytes}} bytes, keepalived reads at most 1023',
        detail:
          'keepalived up to 2.3 splits it and reads the rest as a new line, 2.4+ ' +
          'ignores it ("line too long"). Fix: shorten it, e.g. with a ' +
          '$DEFINITION.',
      },
      recursive: {
        message: 'The definition ${{name}} refers to itself: keepalived expands it until the line is too long',
        detail:
          'keepalived expands it again and again until the line reaches its ' +
          'length limit, then gives up and leaves "${{{name}}}" in the text, ' +
          'whose braces split the line into stray blocks. Fix: remove the ' +
          'self-reference.',
      },
      recursiveCycle: {
        message: 'The definitions behind ${{name}} refer to each other in a cycle: keepalived hangs at start-up',
        detail:
          'keepalived expands them forever and never finishes reading the ' +
          'configuration (it hangs at 100% CPU at start-up, and keepalived -t ' +
          'hangs too). Fix: break the cycle.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.problems) {
          if (p.code === 'unterminated-quote') ctx.report({ messageId: 'unterminatedQuote', at: p.origin, via: p.via });
          if (p.code === 'sequence-invalid') {
            // The parser's head span includes the blanks after ")"; point at the head alone.
            const { file, start, end } = p.origin;
            const at = { file, start, end: Math.min(end, start + String(p.data.head).length) };
            ctx.report({ messageId: 'sequence', at, via: p.via, data: p.data });
          }
          if (p.code === 'escaped-comment-char')
            ctx.report({ messageId: 'escapedComment', at: p.origin, data: p.data, severity: 'warning' });
          if (p.code === 'nul-bytes') {
            const data = { target: formatVersion(ctx.target), kept: String(p.data.kept ?? '') };
            // Before 2.4.0 keepalived accepts the line, cut: a warning (what is lost may be junk).
            if (p.data.cut === 'yes') ctx.report({ messageId: 'nulCut', at: p.origin, data, severity: 'warning' });
            else ctx.report({ messageId: 'nul', at: p.origin, data });
          }
          if (p.code === 'line-too-long') {
            const text = ctx.file(p.origin.file)?.text ?? '';
            const indent = /^[ \t]*/.exec(text.slice(p.origin.start, p.origin.end))![0].length;
            const { file, start, end } = p.origin;
            ctx.report({ messageId: 'tooLong', at: { file, start: start + indent, end }, data: p.data });
          }
          if (p.code === 'definition-recursive') {
            ctx.report({
              messageId: p.data.self === 'yes' ? 'recursive' : 'recursiveCycle',
              at: p.origin,
              via: p.via,
              data: p.data,
            });
          }
        }
        // The tokenizer's own unclosed quote (after an escaped one), unless decomment saw it too.
        const lineOf = (o: Origin) => `${o.file}\0${ctx.file(o.file)?.index.position(o.start).line ?? 0}`;
        const quoteLines = new Set(
          ctx.problems.filter((p) => p.code === 'unterminated-quote').map((p) => lineOf(p.origin)),
        );
        const unmatched = (t: Token) => {
          if (!quoteLines.has(lineOf(t.origin))) ctx.report({ messageId: 'unmatchedQuote', at: t });
        };
        // A brace is never a quoted word: only lines of words are looked at, word by word.
        for (const line of ctx.unterminated) {
          if (line.keyword.unterminated) {
            unmatched(line.keyword);
            continue;
          }
          for (let k = 0; k < line.args.length; k++) {
            if (!line.args[k]!.unterminated) continue;
            unmatched(line.args[k]!);
            break;
          }
        }
        const balance = ctx.tree.braces;
        // Which statement each "{" opens, and which "{" each "}" closes: built only when a brace
        // is out of place (a big config has hundreds of thousands of braces, all in place).
        const owner = new Map<Token, Statement>();
        let openerOf: Map<Token, Token> | undefined;
        const needsOwner = balance.unclosed.length > 0 || ctx.tree.issues.some((i) => i.code === 'extra-close');
        if (needsOwner) {
          for (const s of ctx.tree.all) if (s.open) owner.set(s.open, s);
          for (const { statement: s } of ctx.tree.skipped) if (s.open) owner.set(s.open, s);
        }
        const ignoredAfter = new Map<Token, Statement | null>();
        for (const issue of ctx.tree.issues)
          if (issue.code === 'unexpected-open') ignoredAfter.set(issue.token, issue.after);
        // A pass the work budget stopped leaves its open blocks open: budget-exceeded says why.
        const stopped = ctx.problems.some((p) => p.code === 'budget-exceeded' && p.data.stops === 'yes');
        // Every unclosed "{" is worth a look, but a thousand identical findings are not.
        for (const open of stopped ? [] : suspectsFor(balance, owner, ctx.file).slice(0, MAX_UNCLOSED_REPORTS)) {
          const st = owner.get(open);
          const block = st ? describeScope(st) : 'this block';
          const close = balance.pairs.get(open);
          // The "}" keepalived pairs with this "{" was written for the enclosing block.
          // The nearest enclosing block that keepalived's reading fills with statements written outside it.
          let outer = '';
          for (let up = st?.parent; up && !outer; up = up.parent) outer = swallowHint(up);
          const hint = close
            ? ` (the "}" at ${ctx.where(close.origin)} that keepalived ` +
              `pairs with it is indented like the end of ${describeScope(st?.parent ?? null)}, ` +
              `so that block stays open${outer || ' and swallows the lines after it'})`
            : st
              ? swallowHint(st)
              : '';
          ctx.report({ messageId: 'unclosed', at: open, data: { block, hint, count: balance.unclosed.length } });
        }
        /** What keepalived's own reading of the block takes in that was written for an outer level. */
        function swallowHint(st: Statement): string {
          const swallowed = swallowedBy(st, ctx.file);
          const shown = swallowed.slice(0, 3).map((c) => `${describeScope(c)} (${ctx.where(c.keyword.origin)})`);
          if (swallowed.length > 3) shown.push(`${swallowed.length - 3} more`);
          const until = st.close ? `up to the "}" at ${ctx.where(st.close.origin)}` : 'to the end of the file';
          if (!shown.length) return st.close ? '' : `: keepalived reads everything after it, ${until}, as part of it`;
          return (
            `: keepalived reads ${shown.join(', ')}, written for an outer level, ` +
            `inside ${describeScope(st)}, ${until}`
          );
        }
        const extra = new Set(balance.extra);
        for (const issue of ctx.tree.issues) {
          if (issue.code === 'unexpected-open' && fromRecursiveDefinition(ctx.problems, issue.token)) continue;
          if (issue.code === 'extra-close' && extra.has(issue.token))
            ctx.report({ messageId: 'extraClose', at: issue.token });
          if (issue.code === 'extra-close' && !extra.has(issue.token)) {
            // Balanced by count: the "}" of a block closed early, or of a "{" keepalived ignored.
            openerOf ??= new Map([...balance.pairs].map(([open, close]) => [close, open]));
            const opener = openerOf.get(issue.token)!;
            const st = owner.get(opener);
            if (st) ctx.report({ messageId: 'strayClose', at: issue.token, data: { block: describeScope(st) } });
            else {
              const after = ignoredAfter.get(opener);
              ctx.report({
                messageId: 'ignoredClose',
                at: issue.token,
                data: { what: after ? `"${after.keyword.text}"` : 'nothing' },
              });
            }
          }
          if (issue.code === 'unexpected-open' && issue.after?.def) {
            const what = issue.after.def.kind === 'keyword' ? `"${issue.after.keyword.text}"` : `the previous line`;
            const effect = balance.pairs.has(issue.token)
              ? ` and the "}" written for it closes ${describeScope(issue.after.parent)} early`
              : '';
            ctx.report({ messageId: 'unexpectedOpen', at: issue.token, data: { what, effect } });
          }
          if (issue.code === 'unexpected-open' && !issue.after) {
            const effect = balance.pairs.has(issue.token)
              ? ' and the "}" written for it closes the enclosing block early'
              : '';
            ctx.report({ messageId: 'unexpectedOpen', at: issue.token, data: { what: 'no keyword', effect } });
          }
          if (issue.code === 'skipped-block' && issue.reason === 'unnamed') {
            const st = issue.statement;
            const data = { keyword: st.keyword.text, count: st.args.length, target: formatVersion(ctx.target) };
            ctx.report({ messageId: 'unnamedBlock', at: st.args[1] ?? st.keyword, data });
          }
          if (issue.code === 'missing-open')
            ctx.report({
              messageId: 'missingOpen',
              at: issue.statement.keyword,
              data: { block: describeScope(issue.statement) },
            });
          if (issue.code === 'value-block-missing-open') {
            const data = { block: describeScope(issue.statement), outer: describeScope(issue.statement.parent) };
            ctx.report({ messageId: 'valueBlockMissingOpen', at: issue.statement.keyword, data });
          }
        }
      },
    };
  },
});
