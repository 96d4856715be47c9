import { defineRule } from '../src/rule-api/index.js';
import { hookLabel } from '../src/model/scripts.js';
import { readCommand } from '../src/model/script-command.js';
import { configUsers, isState, list, userShaped } from '../src/model/script-names.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** Per-script users and groups arrived in 1.3.0; before, every hook used word 1 only. */
const USERS = '1.3.0';

export const rule = defineRule({
  meta: {
    id: 'script-unquoted-arguments',
    description:
      'Arguments written after a script path without quotes: keepalived ' +
      'takes them as the user and group to run it as (and drops the script ' +
      'when no such user exists), or ignores them.',
    severity: 'error',
    messages: {
      ignored: {
        message:
          'Ignored words {{words}} after the command of {{hook}}: keepalived {{target}} runs the command without them',
        detail:
          'keepalived {{target}} takes only the first word as the ' +
          'command{{userLine}}, so it runs {{program}} without them. Fix: quote ' +
          'the command with its arguments: {{quoted}}{{asUser}}.',
      },
      user: {
        message: 'Arguments {{words}} after the command of {{hook}} are read as {{roles}}',
        detail:
          'keepalived {{target}} runs {{program}} as user "{{user}}" with no ' +
          'arguments{{dropped}}.{{change}} Fix: quote the command with its ' +
          'arguments: {{quoted}} (a user, if one is meant, goes after the ' +
          'closing quote).',
      },
      maybeUser: {
        message:
          'Words {{words}} after the command of {{hook}} are taken as the user ' +
          '(and group) to run it as, not as arguments',
        detail:
          '{{hook}} runs {{program}} as user "{{user}}"{{group}}: unquoted words ' +
          'after the command are the user and group, not arguments. If they are ' +
          'arguments, quote them with the command: {{quoted}}; if "{{user}}" is ' +
          'the user, make sure the account exists on every node: otherwise ' +
          'keepalived drops the script, logging only to syslog (keepalived -t ' +
          'says nothing).{{change}}',
      },
    },
  },
  create(ctx) {
    const t = ctx.target;
    const users = compareVersions(t, USERS) >= 0;
    return {
      end() {
        // Walks every statement: only for a line with words after its command.
        let accounts: Set<string> | undefined;
        const known = () => (accounts ??= configUsers(ctx.tree));
        for (const ref of ctx.scripts.refs) {
          const cmd = readCommand(ref, t);
          const words = cmd.words.slice(1);
          const program = cmd.argv[0]?.text;
          if (!words.length || !program) continue;
          const commandOnly = ref.owner.kind === 'vrrp_script' || ref.hook === 'misc_path';
          const { origin, via } = cmd.origin(words.flatMap((w) => w.chars));
          const text = `${cmd.words[0]!.text} ${words.map((w) => w.text).join(' ')}`;
          const q = text.includes('"') ? `'` : '"';
          // The command and its words as one quoted word: they become its arguments (a change of what
          // keepalived runs, so a suggestion). Only where the whole line is written as it is.
          const whole = cmd.origin(cmd.words.flatMap((w) => w.chars));
          const written = ctx.file(whole.origin.file)?.text.slice(whole.origin.start, whole.origin.end);
          const quote =
            !whole.via.length && written !== undefined && !/["'\\]/.test(written) && !text.includes("'")
              ? {
                  suggestions: [
                    {
                      message: `quote the command with its arguments`,
                      edits: [{ at: whole.origin, text: `${q}${text}${q}` }],
                    },
                  ],
                }
              : {};
          const data = {
            hook: hookLabel(ref),
            program,
            target: formatVersion(t),
            words: list(
              words.map((w) => w.text),
              6,
            ),
            quoted: `${ref.hook} ${q}${text}${q}`,
          };
          const change =
            ctx.from && compareVersions(ctx.from, USERS) < 0 && users
              ? ` keepalived ${formatVersion(ctx.from)} ignored these ` +
                `words; from ${USERS} they name the user and group.`
              : '';
          if (commandOnly || !users) {
            const userLine = commandOnly && users ? ' (the user comes from a separate "user" line)' : '';
            const asUser =
              commandOnly && users && words.length <= 2 && known().has(words[0]!.text)
                ? `, or, if "${words[0]!.text}" is meant as the user, ` +
                  `write "user ${words.map((w) => w.text).join(' ')}" ` +
                  `on a line of its own`
                : '';
            ctx.report({ messageId: 'ignored', at: origin, via, data: { ...data, userLine, asUser }, ...quote });
            continue;
          }
          const user = words[0]!.text;
          const group = words[1]?.text;
          const ignored = words.slice(2);
          const notUser = !userShaped(user)
            ? `no account can be named "${user}"`
            : ctx.scripts.allNames.has(user)
              ? `"${user}" is the name of an instance or group, not an account`
              : isState(user)
                ? `"${user}" is a VRRP state, not an account`
                : null;
          const notGroup = group !== undefined && !/^:?$|^:?[A-Za-z_][A-Za-z0-9_.-]{0,31}$/.test(group);
          if (notUser || notGroup || ignored.length) {
            const dropped = notUser
              ? `; ${notUser}, so keepalived drops the script without ` +
                `a word (syslog only: "Invalid user/group for ... script ` +
                `${program} - ignoring"; keepalived -t says nothing)`
              : `, and drops the script if user "${user}"${group ? ` or group "${group}"` : ''} does not exist`;
            const roles = ignored.length ? 'user, group and ignored words' : group ? 'user and group' : 'the user';
            ctx.report({
              messageId: 'user',
              at: origin,
              via,
              data: { ...data, user, roles, dropped, change },
              ...quote,
            });
          } else if (!known().has(user)) {
            ctx.report({
              messageId: 'maybeUser',
              severity: 'warning',
              at: origin,
              via,
              data: { ...data, user, group: group ? ` and group "${group}"` : '', change },
            });
          }
        }
      },
    };
  },
});
