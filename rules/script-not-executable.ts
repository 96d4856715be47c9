import { defineRule } from '../src/rule-api/index.js';
import {
  describeRef,
  disabledEffect,
  fromNote,
  isRoot,
  NOT_EXECUTABLE_DISABLED,
  runAs,
  runsProgram,
  scriptSecurity,
} from '../src/model/script-security.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

export const rule = defineRule({
  meta: {
    id: 'script-not-executable',
    description:
      'A script file without an execute bit: keepalived disables it ("is not ' +
      'executable ... - disabling", in syslog only; keepalived -t says ' +
      'nothing).',
    severity: 'error',
    messages: {
      notExecutable: {
        message: 'Script "{{deployed}}" ({{ref}}) is not executable ({{mode}})',
        detail:
          'keepalived {{target}} {{logs}} and {{effect}}{{from}}. Fix: chmod +x ' +
          '{{local}} and commit the mode (git add --chmod=+x), or run it through ' +
          'its interpreter ("/bin/sh {{deployed}}").',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const sec = scriptSecurity(ctx.tree);
        const disables = compareVersions(ctx.target, NOT_EXECUTABLE_DISABLED) >= 0;
        for (const ref of ctx.scripts.refs) {
          const f = ctx.scripts.file(ref);
          if (!runsProgram(ref) || !f || f.stat.kind !== 'file' || f.stat.executable) continue;
          const ids = isRoot(runAs(ref, sec)) ? '0:0' : '<uid>:<gid>';
          const logs =
            compareVersions(ctx.target, '1.3.0') < 0
              ? 'does not check scripts'
              : `logs "WARNING - script '${f.deployed}' is not executable ` +
                `for uid:gid ${ids}${disables ? ' - disabling.' : '. Please fix.'}" ` +
                `to syslog`;
          ctx.report({
            messageId: 'notExecutable',
            at: ref.command.origin,
            via: ref.command.via,
            data: {
              deployed: f.deployed,
              ref: describeRef(ref),
              mode: f.stat.mode === undefined ? 'no execute bit' : `mode ${f.stat.mode.toString(8).padStart(4, '0')}`,
              target: formatVersion(ctx.target),
              logs,
              effect: disabledEffect(ref, ctx.tree, ctx.target, NOT_EXECUTABLE_DISABLED, null),
              from: fromNote(ctx.from, ctx.target, NOT_EXECUTABLE_DISABLED),
              local: f.path,
            },
          });
        }
      },
    };
  },
});
