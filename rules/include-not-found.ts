import type { Rule } from '../src/engine/types.js';

/** An include line that reads nothing: a missing file, a glob matching nothing, a directory. */
export const rule: Rule = {
  meta: {
    id: 'include-not-found',
    description: 'include lines whose file is missing, whose glob matches nothing, or that name a directory or an unusable file.',
    severity: 'warning',
    messages: {
      missing:
        '{{kind}} "{{pattern}}": no such file (looked for {{resolved}}). keepalived prints "Config files missing" and starts without it, so everything defined there is silently absent{{exit}}. Fix the path, or set --root to the folder that stands for "/".',
      noMatch:
        '{{kind}} "{{pattern}}" matches no file (looked for {{resolved}}). keepalived silently reads nothing here{{exit}}.',
      partly: '{{kind}} "{{pattern}}": some alternatives name no file ({{missing}}). keepalived reports "Some config files missing" and reads the others.',
      directory: '{{kind}} "{{pattern}}" matches the directory {{file}}: keepalived skips it ("is a directory - skipping"). Add a file pattern such as {{pattern}}/*.conf.',
      unusable: '{{kind}} "{{pattern}}" matches {{file}}, which is {{reason}}: keepalived skips it ("is not a regular non-executable file").',
      unreadable: '{{kind}} "{{pattern}}": {{file}} cannot be read ({{reason}}).',
      computed:
        'This include line is built with $definitions or an @id prefix: keepalived\'s checker and VRRP processes would read the file twice, and its man page says this is unsupported. Write the include line literally.',
      tooMany: '{{kind}} "{{pattern}}" matches more than {{count}} files; only the first {{count}} were read.',
    },
  },
  create(ctx) {
    return {
      end() {
        for (const p of ctx.pre.problems) {
          const exitNote = p.data.kind === 'includea' ? ' (with includea, keepalived refuses to start: exit 6)' : '';
          const data = { ...p.data, exit: exitNote };
          const severity = p.data.kind === 'includea' ? undefined : ('warning' as const);
          const report = (messageId: string) => ctx.report({ messageId, at: p.origin, via: p.via, data, ...(severity ? { severity } : {}) });
          if (p.code === 'include-missing') report('missing');
          else if (p.code === 'include-no-match') report('noMatch');
          else if (p.code === 'include-partly-missing') report('partly');
          else if (p.code === 'include-directory') report('directory');
          else if (p.code === 'include-executable') report('unusable');
          else if (p.code === 'include-unreadable') report('unreadable');
          else if (p.code === 'include-computed') report('computed');
          else if (p.code === 'include-too-many') report('tooMany');
        }
      },
    };
  },
};
