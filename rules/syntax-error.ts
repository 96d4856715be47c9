import type { Rule } from '../src/engine/types.js';
import { braceBalance, describeScope, indentationAt, type Statement } from '../src/tree/index.js';
import type { Token } from '../src/preprocess/types.js';

/** What keepalived cannot read: quotes, braces, blocks without their `{`, broken sequences. */
export const rule: Rule = {
  meta: {
    id: 'syntax-error',
    description: 'Text keepalived cannot read as intended: unterminated quotes, unbalanced braces, blocks without their "{".',
    severity: 'error',
    messages: {
      unterminatedQuote:
        'Unterminated quote: this " is never closed, so keepalived reads the rest of the line, comments included, as one word ("Unterminated quote"). Add the closing ".',
      unclosed:
        'Unclosed block: the "{" of {{block}} is never closed{{hint}}. keepalived reads every line after it as part of this block and reports "There are {{count}} missing \'}\'s or extra \'{\'s" without a line number. Add the missing "}".',
      extraClose:
        'Extra "}": there is no open block to close here. keepalived reports "Extra \'}\' found" and ignores it; a block above was probably closed too early.',
      unexpectedOpen:
        'Unexpected "{": {{what}} does not open a block, so keepalived ignores this "{" ("Unexpected \'{\' - ignoring") and its matching "}" closes {{outer}} early.',
      missingOpen:
        'Missing "{": {{block}} must be followed by "{". keepalived reports "Missing \'{\' at beginning of configuration block" and reads the next line as the first line inside it.',
      valueBlockMissingOpen:
        'Missing "{": {{block}} must be followed by "{". keepalived logs "\'{\' missing from beginning of block" (not shown by keepalived -t) and reads the following lines as its values up to the next "}".',
      sequence: 'Invalid {{head}}: {{reason}}. keepalived reports "Invalid ~SEQ values" and drops the line.',
      nul: 'This line contains NUL bytes: keepalived 2.4+ ignores the whole line ("embedded NULs"), older versions cut it at the first NUL. Is this a binary file?',
      tooLong:
        'Line too long ({{bytes}} bytes; keepalived reads at most 1023): keepalived up to 2.3 splits it and reads the rest as a new line, 2.4+ ignores it ("line too long"). Shorten it, e.g. with a $DEFINITION.',
      recursive: 'The definition ${{name}} expands to itself without end: keepalived never finishes reading this line. Remove the self-reference.',
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.pre.problems) {
          if (p.code === 'unterminated-quote') ctx.report({ messageId: 'unterminatedQuote', at: p.origin, via: p.via });
          if (p.code === 'sequence-invalid') ctx.report({ messageId: 'sequence', at: p.origin, via: p.via, data: p.data });
          if (p.code === 'nul-bytes') ctx.report({ messageId: 'nul', at: p.origin });
          if (p.code === 'line-too-long') ctx.report({ messageId: 'tooLong', at: p.origin, data: p.data });
          if (p.code === 'definition-recursive') ctx.report({ messageId: 'recursive', at: p.origin, via: p.via, data: p.data });
        }
        const owner = new Map<Token, Statement>();
        for (const s of ctx.tree.all) if (s.open) owner.set(s.open, s);
        const balance = braceBalance(ctx.pre.lines);
        for (const open of suspectsFor(balance, owner, ctx.file)) {
          const st = owner.get(open);
          const block = st ? describeScope(st) : 'this block';
          const hint = balance.unclosed.includes(open) ? '' : ' (its "}" seems to be missing: the "}" that keepalived matches with it is indented like an outer block)';
          ctx.report({ messageId: 'unclosed', at: open, data: { block, hint, count: balance.unclosed.length } });
        }
        for (const issue of ctx.tree.issues) {
          if (issue.code === 'extra-close') ctx.report({ messageId: 'extraClose', at: issue.token });
          if (issue.code === 'unexpected-open' && issue.after?.def) {
            const what = issue.after.def.kind === 'keyword' ? `"${issue.after.keyword.text}"` : `the previous line`;
            ctx.report({ messageId: 'unexpectedOpen', at: issue.token, data: { what, outer: describeScope(issue.after.parent) } });
          }
          if (issue.code === 'unexpected-open' && !issue.after) {
            ctx.report({ messageId: 'unexpectedOpen', at: issue.token, data: { what: 'nothing before it', outer: 'the enclosing block' } });
          }
          if (issue.code === 'missing-open') ctx.report({ messageId: 'missingOpen', at: issue.statement.keyword, data: { block: describeScope(issue.statement) } });
          if (issue.code === 'value-block-missing-open') ctx.report({ messageId: 'valueBlockMissingOpen', at: issue.statement.keyword, data: { block: describeScope(issue.statement) } });
        }
      },
    };
  },
};

/**
 * keepalived only counts braces. To point at the "{" really left open, prefer blocks whose matched
 * "}" is indented less than the block's own keyword line (that "}" belongs to an outer block).
 */
function suspectsFor(
  balance: ReturnType<typeof braceBalance>,
  owner: Map<Token, Statement>,
  file: (p: string) => { text: string } | undefined,
): Token[] {
  if (balance.unclosed.length === 0) return [];
  const suspects: Token[] = [];
  for (const [open, close] of balance.pairs) {
    const st = owner.get(open);
    const text = file(open.origin.file)?.text;
    if (!st || !text || open.via.length || close.via.length || close.origin.file !== st.keyword.origin.file) continue;
    if (indentationAt(text, close.origin.start) < indentationAt(text, st.keyword.origin.start)) suspects.push(open);
  }
  const literalUnclosed = balance.unclosed.filter((t) => !t.via.length);
  if (suspects.length > 0 && suspects.length <= balance.unclosed.length) {
    suspects.sort((a, b) => a.origin.start - b.origin.start);
    return [...suspects, ...literalUnclosed.slice(0, balance.unclosed.length - suspects.length)];
  }
  return balance.unclosed;
}
