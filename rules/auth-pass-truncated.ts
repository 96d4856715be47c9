import { defineRule } from '../src/rule-api/index.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** sizeof(vrrp->auth_data): keepalived keeps the first 8 bytes of the password. */
const MAX = 8;
/** From 1.2.20 a `#`/`!` inside a word starts a comment (alloc_strvec(), commit 79693dcf); before, only at a word
 * start. */
const CUT_INSIDE_WORD = '1.2.20';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const first8 = (s: string) => Buffer.from(s, 'utf8').subarray(0, MAX).toString('utf8');

export const rule = defineRule({
  meta: {
    id: 'auth-pass-truncated',
    description:
      'auth_pass longer than 8 characters, or cut short by an unquoted # or ' +
      '!: keepalived authenticates with another password than the one ' +
      'written.',
    severity: 'warning',
    messages: {
      long: {
        message:
          'Truncated auth_pass "{{written}}" in vrrp_instance {{name}}: it is ' +
          '{{length}} characters long, and keepalived {{target}} keeps only the ' +
          'first {{max}}, "{{used}}"',
        detail:
          'keepalived {{target}} says "Truncating auth_pass to {{max}} ' +
          'characters" and authenticates with "{{used}}". A peer configured with ' +
          'the full string by another VRRP implementation will not match and ' +
          'drops the adverts. Fix: use a password of at most {{max}} characters, ' +
          'the same on every peer.',
      },
      cut: {
        message:
          'Cut auth_pass "{{written}}" in vrrp_instance {{name}}: the unquoted ' +
          '"{{char}}" starts a comment, so keepalived {{target}} authenticates ' +
          'with "{{used}}"',
        detail:
          'keepalived {{target}} drops the rest of the word after the unquoted ' +
          '"{{char}}" and silently authenticates with "{{used}}". A peer that ' +
          'sends the written password (another implementation, or keepalived ' +
          'before 1.2.20) will not match. Fix: {{fix}}.',
      },
    },
  },
  create(ctx) {
    const cuts = compareVersions(ctx.target, CUT_INSIDE_WORD) >= 0;
    return {
      keywords: {
        auth_pass(st) {
          const tok = st.args[0];
          if (!st.def || !tok) return;
          const name = st.parent?.parent?.args[0]?.text ?? '';
          const data = { name, target: formatVersion(ctx.target), max: MAX };
          // The word as written: the token, plus what a glued comment character cut off it.
          const src = ctx.file(tok.origin.file)?.text ?? '';
          const literal =
            !tok.quoted && tok.via.length === 0 && src.slice(tok.origin.start, tok.origin.end) === tok.text;
          const rest = literal ? /^[#!]\S*/.exec(src.slice(tok.origin.end))?.[0] : undefined;
          const written = tok.text + (rest ?? '');
          const at = { file: tok.origin.file, start: tok.origin.start, end: tok.origin.start + written.length };
          if (rest && cuts) {
            const fix =
              bytes(written) <= MAX
                ? `put it in double quotes (auth_pass "${written}"), the same on every peer`
                : `use a password of at most ${MAX} characters without ` +
                  `"#" or "!" (keepalived would keep only "${first8(written)}" ` +
                  `of the quoted string)`;
            ctx.report({ messageId: 'cut', at, data: { ...data, written, char: rest[0]!, used: tok.text, fix } });
            return;
          }
          // Before 1.2.20 the whole word is the password, comment characters included.
          const used = rest ? written : tok.text;
          if (bytes(used) <= MAX) return;
          // Cut to what keepalived uses: the same password on this node, but every peer must be cut
          // alike (a peer that sends the long one is read the same way; a tool that reads the file is not).
          const cutTo = first8(used);
          ctx.report({
            messageId: 'long',
            at: rest ? at : tok,
            data: { ...data, written: used, length: bytes(used), used: cutTo },
            ...(/^[\x21-\x7e]*$/.test(cutTo) && !/[#!"]/.test(cutTo)
              ? {
                  suggestions: [
                    {
                      message: `cut it to "${cutTo}", what keepalived uses`,
                      edits: [{ at: rest ? at : tok, text: cutTo }],
                    },
                  ],
                }
              : {}),
          });
        },
      },
    };
  },
});
