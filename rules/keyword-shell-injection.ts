import { defineRule, type Statement } from '../src/rule-api/index.js';

/**
 * Keywords whose value keepalived puts into a command line run by /bin/sh (system()):
 * config_save_dir, in `cp /proc/PID/fd/N VALUE/keepalived.conf.PID.N` (lib/parser.c
 * read_config_file(), 2.2.3 and later), at every start and reload and under -t.
 */
const SHELL_KEYWORDS = ['config_save_dir'];

/** What sh reads as more than a path: separators, substitutions, redirections, quotes, globs, blanks. */
const META = /[;&|`$()<>\\'"*?[\]\s]|^~/;
const MAX_SHOWN = 60;

export const rule = defineRule({
  meta: {
    id: 'keyword-shell-injection',
    description:
      'A config_save_dir holding shell metacharacters: keepalived runs a ' +
      'shell command built from it as root, at start and under -t.',
    severity: 'error',
    messages: {
      meta: {
        message: 'Shell metacharacter {{char}} in {{keyword}} "{{value}}": keepalived hands it to a root shell',
        detail:
          'keepalived runs a shell command built from it as root, at start and ' +
          'under -t: it puts the value into a command line run by /bin/sh ' +
          '(system()), "cp /proc/PID/fd/N VALUE/keepalived.conf.PID.N" ' +
          '(keepalived 2.2.3 and later, at every start and reload). Fix: use a ' +
          'plain directory path, without shell metacharacters or blanks.',
      },
    },
  },
  create(ctx) {
    const keywords: Record<string, (st: Statement) => void> = {};
    for (const keyword of SHELL_KEYWORDS) {
      keywords[keyword] = (st) => {
        const tok = st.args[0];
        const m = tok ? META.exec(tok.text) : null;
        if (!tok || !m) return;
        const ch = m[0];
        const char = /\s/.test(ch) ? (ch === '\n' ? 'newline' : 'blank') : `"${ch}"`;
        const value = tok.text.length > MAX_SHOWN ? `${tok.text.slice(0, MAX_SHOWN - 3)}...` : tok.text;
        ctx.report({ messageId: 'meta', at: tok, data: { keyword, char, value } });
      };
    }
    return { keywords };
  },
});
