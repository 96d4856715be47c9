import { defineRule } from '../src/rule-api/index.js';
import { collectReferences, type DefinitionKind } from '../src/model/references.js';

/** The definitions that do something only when tracked, with what keepalived does when nothing does. */
const UNUSED: Partial<Record<DefinitionKind, { users: string; effect: string; fix: string }>> = {
  vrrp_script: {
    users: 'no track_script block of a vrrp_instance or vrrp_sync_group',
    effect: 'logs "Warning - script {{name}} is not used" at start-up (keepalived -t says nothing) and never runs it',
    fix: 'list it in the track_script block of the instance (or sync group) it should guard, or delete it',
  },
  track_file: {
    users: 'no track_file block of a vrrp_instance or vrrp_sync_group, and no FILE_CHECK',
    effect: 'watches the file, but its value changes no priority and no real server',
    fix: 'list it in the track_file block of the instance it should guard (or a FILE_CHECK), or delete it',
  },
  track_process: {
    users: 'no track_process block of a vrrp_instance or vrrp_sync_group',
    effect: 'watches the process, but its state changes no priority and triggers no failover',
    fix: 'list it in the track_process block of the instance it should guard, or delete it',
  },
  bfd_instance: {
    users: 'no track_bfd block of a vrrp_instance or vrrp_sync_group, and no BFD_CHECK',
    effect: 'runs the BFD session, but its state changes no priority and no real server',
    fix: 'list it in the track_bfd block of the instance it should guard (or a BFD_CHECK name), or delete it',
  },
};

export const rule = defineRule({
  meta: {
    id: 'unused-definition',
    description:
      'A vrrp_script, track_file, vrrp_track_process or bfd_instance that ' +
      'nothing tracks: keepalived runs nothing useful for it (often a ' +
      'renamed or forgotten check).',
    severity: 'warning',
    messages: {
      unused: {
        message: '{{keyword}} "{{name}}" is tracked by {{users}}',
        detail: 'keepalived {{effect}}, so no failover follows it. A renamed or forgotten check? Fix: {{fix}}.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const refs = collectReferences(ctx.tree);
        const used = new Set(refs.references.map((r) => `${r.kind}\0${r.name}`));
        for (const d of refs.definitions) {
          const u = UNUSED[d.kind];
          if (!u || !d.name || used.has(`${d.kind}\0${d.name}`)) continue;
          ctx.report({
            messageId: 'unused',
            at: d.token,
            data: {
              keyword: d.statement.keyword.text,
              name: d.name,
              users: u.users,
              effect: u.effect.replace('{{name}}', d.name),
              fix: u.fix,
            },
          });
        }
      },
    };
  },
});
