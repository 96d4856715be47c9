import { defineRule } from '../src/rule-api/index.js';
import { braceProblems, commentProblems } from '../src/model/old-lexing.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** Braces split lines and words from 1.4.2 (5332be8c); "#"/"!" end a word and start a comment from 1.2.20 (79693dcf).
 * */
const BRACES_ANYWHERE = '1.4.2';
const COMMENT_IN_WORD = '1.2.20';

const FIX_BRACES = ' Fix: put "{" last on the block\'s line and every keyword and "}" on a line of its own.';

export const rule = defineRule({
  meta: {
    id: 'lexing-version',
    description:
      'Lines that keepalived before 1.4.2 (braces in mid-line) or before ' +
      '1.2.20 ("#"/"!" inside a word) reads differently from later releases.',
    severity: 'error',
    messages: {
      'open-then-words': {
        message: 'Block opened in mid-line: keepalived {{target}} ignores "{{rest}}" after "{{keyword}}"',
        detail:
          `keepalived {{target}} splits lines at braces only from ` +
          `${BRACES_ANYWHERE}, so it ignores "{{rest}}" after ` +
          `"{{keyword}}" and takes the lines after this one, up ` +
          `to {{close}}, as the block's content.${FIX_BRACES}`,
      },
      glued: {
        message: 'Brace glued to a word: keepalived {{target}} reads "{{rest}}" as one word',
        detail:
          `keepalived {{target}} splits words at braces only from ` +
          `${BRACES_ANYWHERE}, so it reads "{{rest}}" as one word: ` +
          `a block name then ends in "{" (and names that refer ` +
          `to it no longer match), a keyword is unknown, and the ` +
          `block has no "{". Fix: put a space before "{".`,
      },
      'close-after-words': {
        message:
          'Block closed in mid-line: keepalived {{target}} reads this "}" as one more word of the "{{keyword}}" line',
        detail:
          `keepalived {{target}} ends a block only at a line that ` +
          `begins with "}" (braces go anywhere from ${BRACES_ANYWHERE}), ` +
          `so this "}" is one more word of the "{{keyword}}" line ` +
          `and the block goes on up to {{close}}.${FIX_BRACES}`,
      },
      'close-then-words': {
        message: 'Words after "}": keepalived {{target}} ignores "{{rest}}"',
        detail:
          `keepalived {{target}} ends the block at this line and ` +
          `ignores "{{rest}}" (from ${BRACES_ANYWHERE} they are ` +
          `read as a line of the enclosing block). Fix: put them ` +
          `on a line of their own.`,
      },
      'in-word': {
        message: 'Comment character inside a word: keepalived {{target}} reads "{{old}}", later releases "{{now}}"',
        detail:
          `keepalived {{target}} starts a comment only at the ` +
          `start of a word (inside one from ${COMMENT_IN_WORD}), ` +
          `so it reads "{{old}}" here where later releases read ` +
          `"{{now}}". Fix: put a space before the comment, or ` +
          `quote the value if "{{old}}" is meant.`,
      },
      'in-quotes': {
        message: 'Comment character in a quoted string: keepalived {{target}} reads "{{old}}", not "{{now}}"',
        detail:
          `keepalived {{target}} does not protect "#" and "!" ` +
          `with double quotes (it does from ${COMMENT_IN_WORD}) ` +
          `and stops reading the line at the word that starts ` +
          `with one, so it reads "{{old}}" instead of "{{now}}".`,
      },
      upgrade: {
        message: 'Comment character inside a word: keepalived {{target}} reads "{{now}}" where {{from}} read "{{old}}"',
        detail:
          `keepalived {{from}} (--from) reads "{{old}}" here, ` +
          `but from ${COMMENT_IN_WORD} "#" and "!" start a comment ` +
          `inside a word too, so keepalived {{target}} reads "{{now}}". ` +
          `Fix: write "{{old}}" in double quotes to keep it.`,
      },
    },
  },
  create(ctx) {
    const target = formatVersion(ctx.target);
    const before = (v: string) => compareVersions(ctx.target, v) < 0;
    const fromOld = ctx.from !== null && compareVersions(ctx.from, COMMENT_IN_WORD) < 0 && !before(COMMENT_IN_WORD);
    const file = (p: string) => ctx.file(p);
    return {
      end() {
        if (before(BRACES_ANYWHERE)) {
          for (const p of braceProblems(ctx.lines, file)) {
            const close =
              p.closeLine === null
                ? 'the end of the file (no later line begins with "}")'
                : `the next line that begins with "}" (line ${p.closeLine})`;
            ctx.report({ messageId: p.kind, at: p.at, data: { target, keyword: p.keyword, rest: p.rest, close } });
          }
        }
        if (!before(COMMENT_IN_WORD) && !fromOld) return;
        for (const p of commentProblems(ctx.lines, file)) {
          if (fromOld && p.kind === 'in-quotes') continue; // the upgrade stops cutting it: nothing breaks
          const data = { target, old: p.old, now: p.now, from: ctx.from ? formatVersion(ctx.from) : '' };
          ctx.report({ messageId: fromOld ? 'upgrade' : p.kind, at: p.at, data, severity: 'warning' });
        }
      },
    };
  },
});
