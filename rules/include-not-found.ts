import { defineRule } from '../src/rule-api/index.js';
import { includePatternAt } from '../src/model/includes.js';

/** An include line that reads nothing: a missing file, a glob matching nothing, a directory. */
export const rule = defineRule({
  meta: {
    id: 'include-not-found',
    description:
      'include lines whose file is missing, whose glob matches nothing, or ' +
      'that name a directory, an unusable file or a file outside the root.',
    severity: 'warning',
    messages: {
      missing: {
        message: '{{kind}} "{{pattern}}": no such file (looked for {{resolved}})',
        detail: 'keepalived prints "Config files missing" and {{effect}} {{fix}}',
      },
      noMatch: {
        message: '{{kind}} "{{pattern}}" matches no file (looked for {{resolved}})',
        detail: '{{effect}} {{fix}}',
      },
      partly: {
        message: '{{kind}} "{{pattern}}": some alternatives name no file',
        detail:
          'Some alternatives name no file ({{missing}}). keepalived reports ' +
          '"Some config files missing" and reads the others. Fix the ' +
          'alternatives that name no file, or remove them.',
      },
      directory: {
        message: '{{kind}} "{{pattern}}" matches the directory {{file}}: keepalived skips it',
        detail:
          'keepalived skips it ("is a directory - skipping"). Fix: add a file pattern such as {{pattern}}/*.conf.',
      },
      unusable: {
        message: '{{kind}} "{{pattern}}" matches {{file}}, which is {{reason}}: keepalived skips it',
        detail: 'keepalived skips it ("is not a regular non-executable file"), so nothing in it is read.',
      },
      unreadable: '{{kind}} "{{pattern}}": {{file}} cannot be read ({{reason}})',
      outside: {
        message: '{{kind}} "{{pattern}}": {{file}} is {{why}}; not read',
        detail:
          'The linter does not read it. Fix: keep included files in the ' +
          'repository (a symbolic link or "../" out of it is not followed), or ' +
          'point --root at the folder that stands for "/".',
      },
      executable: {
        message: 'This configuration file is executable: keepalived refuses to read it',
        detail:
          'keepalived refuses to read it ("is not a regular non-executable file ' +
          '- skipping") and starts with no configuration at all. Fix: remove the ' +
          'execute bit (chmod a-x).',
      },
      computed: {
        message: 'This include line is built with $definitions or an @id prefix, which keepalived does not support',
        detail:
          "keepalived's checker and VRRP processes would read the file twice, " +
          'and its man page says this is unsupported. Fix: write the include ' +
          'line literally.',
      },
      tooMany: '{{kind}} "{{pattern}}" matches more than {{count}} files; only the first {{count}} were read.',
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.problems) {
          // includea insists on a match: keepalived exits 6 (even under -t) instead of starting.
          const strict = p.data.kind === 'includea';
          const refuse = 'refuses to start (exit 6, even under -t).';
          const effect =
            p.code === 'include-missing'
              ? strict
                ? refuse
                : 'starts without it, so everything defined there is silently absent.'
              : strict
                ? `keepalived prints "No config files matched" and ${refuse}`
                : 'keepalived reads nothing here: it prints "Config files missing" only ' +
                  'when the folder does not exist, and otherwise says nothing, even ' +
                  'under -t.';
          const fix = String(p.data.pattern ?? '').startsWith('/')
            ? 'Fix the path, or set --root to the folder that stands for "/".'
            : 'Fix the path: a relative one is read from the folder of the file that contains the include.';
          const data = { ...p.data, effect, fix };
          const at = includePatternAt(ctx.file(p.origin.file)?.text, p.origin, p.data.pattern);
          const report = (
            messageId:
              | 'missing'
              | 'noMatch'
              | 'partly'
              | 'directory'
              | 'unusable'
              | 'unreadable'
              | 'outside'
              | 'computed'
              | 'tooMany',
          ) => ctx.report({ messageId, at, via: p.via, data, severity: strict ? 'error' : 'warning' });
          if (p.code === 'include-missing') report('missing');
          else if (p.code === 'include-no-match') report('noMatch');
          else if (p.code === 'include-partly-missing') report('partly');
          else if (p.code === 'include-directory') report('directory');
          else if (p.code === 'include-executable') report('unusable');
          else if (p.code === 'include-unreadable') report('unreadable');
          else if (p.code === 'include-outside') report('outside');
          else if (p.code === 'include-computed') report('computed');
          else if (p.code === 'config-executable')
            ctx.report({ messageId: 'executable', at: p.origin, severity: 'error' });
          else if (p.code === 'include-too-many') report('tooMany');
        }
      },
    };
  },
});
