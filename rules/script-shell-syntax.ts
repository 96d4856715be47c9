import { defineRule } from '../src/rule-api/index.js';
import { hookLabel } from '../src/model/scripts.js';
import { readCommand, shellConstructs, type ShellConstruct } from '../src/model/script-command.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** Hooks that get arguments appended (TYPE NAME STATE PRIORITY, or the FIFO path): `sh -c` would take them as $0, $1...
 * */
const APPENDS = new Set(['notify', 'notify_fifo_script', 'vrrp_notify_fifo_script', 'lvs_notify_fifo_script']);

export const rule = defineRule({
  meta: {
    id: 'script-shell-syntax',
    description:
      'Pipes, &&, ;, redirections, $(...), $VAR or globs in a script ' +
      'command: keepalived 2.0.0+ runs no shell, so they reach the program ' +
      'as plain arguments.',
    severity: 'error',
    messages: {
      shell: {
        message: 'Shell syntax ({{found}}) in the command of {{hook}}: keepalived {{target}} runs no shell here',
        detail:
          'keepalived {{target}} runs no shell here (since 2.0.0 it splits the ' +
          'string into words and execve()s the first{{system}}), so it {{runs}}: ' +
          '{{effects}}.{{change}} Fix: {{fix}}.',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    if (compareVersions(t, '2.0.0') < 0) return {};
    return {
      end() {
        for (const ref of ctx.scripts.refs) {
          const cmd = readCommand(ref, ctx.target);
          const found = shellConstructs(cmd, compareVersions(t, '2.0.17') >= 0);
          const first = found[0];
          const program = cmd.argv[0];
          if (!first || !program) continue;
          // 2.0.0-2.0.5 gave a file libmagic does not call executable (no #! line) to system() as written.
          const file = ctx.scripts.file(ref);
          if (compareVersions(t, '2.0.6') < 0 && file?.source && file.interpreter === null) continue;
          const effects = [...new Set(found.map(constructEffect))];
          const runs =
            first.kind === 'assignment'
              ? `looks for a program named "${program.text}" (a command ` +
                `without "/" is searched in PATH), finds none and disables ` +
                `the script (logged only; keepalived -t says nothing)`
              : `runs ${JSON.stringify(program.text)} with the arguments ${quoteWords(cmd.argv.slice(1)) || '(none)'}`;
          const text = ref.commandString.text;
          const wrap =
            !APPENDS.has(ref.hook) && !text.includes("'")
              ? `, or let a shell run it: ${ref.hook} "/bin/sh -c '${text}'"`
              : '';
          ctx.report({
            messageId: 'shell',
            at: first.origin,
            via: first.via,
            data: {
              hook: hookLabel(ref),
              found: [...new Set(found.map((c) => JSON.stringify(c.text)))].slice(0, 6).join(', '),
              target: formatVersion(t),
              system:
                compareVersions(t, '2.0.6') >= 0
                  ? '; a script without a #! line goes to /bin/sh with each word in single quotes'
                  : '',
              runs,
              effects: effects.slice(0, 4).join('; ') + (effects.length > 4 ? '; ...' : ''),
              change:
                ctx.from && compareVersions(ctx.from, '2.0.0') < 0
                  ? ` keepalived ${formatVersion(ctx.from)} ran the string ` +
                    `with /bin/sh -c, where this worked: it stops working ` +
                    `with the upgrade (2.0.0 changed it).`
                  : '',
              fix: `put the commands in a script file with a #! line and call that${wrap}`,
            },
          });
        }
      },
    };
  },
});

/** `"9.1" "main" "&&" …` for a message: the words a program receives, as they are. */
function quoteWords(words: readonly { text: string }[], max = 8): string {
  const q = words.slice(0, max).map((w) => JSON.stringify(w.text));
  return words.length > max ? `${q.join(' ')} and ${words.length - max} more` : q.join(' ');
}

/** What the construct does now that no shell reads it, for a message. */
function constructEffect(c: ShellConstruct): string {
  const q = JSON.stringify(c.text);
  switch (c.kind) {
    case 'list':
      return `the command after ${q} never runs`;
    case 'pipe':
      return `nothing is piped: the command after ${q} never runs`;
    case 'background':
      return `${q} puts nothing in the background`;
    case 'redirect':
      return `${q} redirects nothing`;
    case 'substitution':
      return `${q} is not replaced by a command's output`;
    case 'variable':
      return `${q} is not replaced by a variable's value (keepalived substitutes only its own $NAME definitions)`;
    case 'glob':
      return `${q} is not matched against file names`;
    case 'tilde':
      return `the "~" in ${q} is not replaced by a home directory`;
    case 'assignment':
      return `${q} sets no environment variable`;
  }
}
