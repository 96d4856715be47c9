import * as path from 'node:path';
import { defineRule } from '../src/rule-api/index.js';
import { describeRef, disabledEffect, fromNote, runsProgram, SCRIPT_CHECKS } from '../src/model/script-security.js';
import { formatVersion } from '../src/versions/version.js';
import type { ScriptFile } from '../src/scripts/store.js';

const WHAT = {
  missing: 'does not exist',
  directory: 'is a directory, not a script',
  other: 'is not a regular file',
} as const;

export const rule = defineRule({
  meta: {
    id: 'script-not-found',
    description:
      'A script path (notify*, vrrp_script, misc_path, FIFO, start-up ' +
      'scripts) with no file under the root, or naming a directory: ' +
      'keepalived disables the script without a word.',
    severity: 'error',
    messages: {
      missing: {
        message: 'Script "{{deployed}}" ({{ref}}) {{what}}',
        detail: '"{{deployed}}" {{what}}: {{checked}}. keepalived {{target}} {{effect}}{{from}}. Fix: {{fix}}.',
      },
      outside: {
        message: 'Script "{{deployed}}" ({{ref}}) is outside the root; not checked',
        detail:
          '{{path}} resolves outside the folders being linted ({{located}}). ' +
          'Keep the script in the repository, or point --root at the folder that ' +
          'stands for "/".',
      },
      refused: {
        message: 'Script "{{deployed}}" ({{ref}}) is {{why}}; not read',
        detail: '{{path}} is not a script keepalived can run from there. Name the script file itself.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        // A script outside the boundary cannot be checked, which is not an error: a program of the
        // router (/bin/true, /usr/bin/killall, root "/") is not in the repository and is no
        // finding; another one (under a --root, through a paths: mapping or a link out) is said
        // once, as information, not at each of its thousand notify lines. /proc, /dev, .git are
        // refused outright: no script keepalived runs lives there.
        const outside = new Set<string>();
        for (const ref of ctx.scripts.refs) {
          const f = ctx.scripts.file(ref);
          if (!runsProgram(ref) || !f || f.stat.kind === 'file') continue;
          const kind = f.stat.kind;
          if (kind === 'outside') {
            const why = f.stat.why ?? 'outside the root';
            if (outside.has(f.path) || (why === 'outside the root' && f.path === f.deployed)) continue;
            outside.add(f.path);
            const data = { deployed: f.deployed, ref: describeRef(ref), why, path: f.path, located: f.located };
            if (why === 'outside the root')
              ctx.report({
                messageId: 'outside',
                at: ref.command.origin,
                via: ref.command.via,
                data,
                severity: 'info',
              });
            else ctx.report({ messageId: 'refused', at: ref.command.origin, via: ref.command.via, data });
            continue;
          }
          const local = f.path;
          const here = local === f.deployed;
          const checked = here ? 'checked on this machine (root "/")' : `no file at ${local} (${f.located})`;
          // `fix` is data, so part of the finding's identity (baselines): the words stay as they
          // were unless the paths: hint applies.
          const hint = kind === 'missing' && !here ? mappingHint(f, ref.command.origin.file) : '';
          const fix =
            kind !== 'missing'
              ? 'name the script file itself'
              : here
                ? 'correct the path, or, for a config kept in a repository with its ' +
                  'scripts, lint it with --root pointing at the folder that stands for ' +
                  '"/"'
                : hint
                  ? `add the script to the repository at that path, or correct the path${hint}`
                  : 'add the script to the repository at that path, correct the path, or ' +
                    'point --root at the folder that stands for "/"';
          const track =
            kind === 'missing' ? 'since not found/accessible' : kind === 'directory' ? 'due to insecure' : null;
          ctx.report({
            messageId: 'missing',
            at: ref.command.origin,
            via: ref.command.via,
            data: {
              deployed: f.deployed,
              ref: describeRef(ref),
              what: WHAT[kind],
              checked,
              fix,
              target: formatVersion(ctx.target),
              effect: disabledEffect(ref, ctx.tree, ctx.target, SCRIPT_CHECKS, track),
              from: fromNote(ctx.from, ctx.target, SCRIPT_CHECKS),
            },
          });
        }
      },
    };
  },
});

/**
 * A repository that keeps the router's folders elsewhere than under its root (keepalived/ for
 * /etc/keepalived/): --root cannot say so, a `paths:` mapping can. Example: /etc/keepalived/x.sh
 * looked for at R/etc/keepalived/x.sh, named in R/keepalived/keepalived.conf ->
 * '; if the repository keeps /etc/keepalived/ in keepalived/, map it in a .keepalived-lint.yaml in R:
 * paths: {"/etc/keepalived/": "keepalived/"} (--root maps "/" only)'.
 */
function mappingHint(f: ScriptFile, namedIn: string): string {
  const root = f.rootPlacing;
  if (root === null) return '';
  const configDir = path.posix.dirname(namedIn);
  const rel = path.posix.relative(root, configDir);
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) return '';
  // The config keepalived reads from /etc/keepalived/ sits in `rel`: the scripts beside it there
  // are most likely beside it here. Elsewhere, the script's own folder.
  const from = f.deployed.startsWith('/etc/keepalived/') ? '/etc/keepalived/' : path.posix.dirname(f.deployed) + '/';
  const to = from === '/etc/keepalived/' ? (rel ? `${rel}/` : './') : '<that folder>/';
  // A repository that mirrors / (the config under etc/keepalived/): the script belongs at that path.
  if (rel === 'etc/keepalived' || rel.startsWith('etc/keepalived/')) return '';
  const where = to === './' ? 'its top folder' : to === '<that folder>/' ? 'a folder of its own' : to;
  return (
    `; if the repository keeps ${from} in ${where}, map it in a ` +
    `.keepalived-lint.yaml in ${root}: paths: {"${from}": "${to}"} (--root maps "/" only)`
  );
}
