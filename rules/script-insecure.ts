import { defineRule } from '../src/rule-api/index.js';
import {
  describeRef,
  disabledEffect,
  isRoot,
  runAs,
  runsProgram,
  SCRIPT_CHECKS,
  scriptSecurity,
  TEST_SHOWS_SECURITY,
} from '../src/model/script-security.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** From 1.3.6, enable_script_security without any user removes the script instead of running it as root. */
const DEFAULT_USER_REQUIRED = '1.3.6';

export const rule = defineRule({
  meta: {
    id: 'script-insecure',
    description:
      'A script that runs as root while a non-root user can write it or a ' +
      'folder above it: keepalived disables it under enable_script_security, ' +
      'and runs it as root otherwise.',
    severity: 'warning',
    messages: {
      insecure: {
        message: 'Script "{{deployed}}" ({{ref}}) runs as root, but non-root users can change it',
        detail:
          'The script runs as root{{who}}, but {{writable}}: {{does}}. Fix: make ' +
          'the script and every folder above it owned by root and writable by ' +
          'root only (chown root:root, chmod go-w), or run it as an unprivileged ' +
          'user.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const sec = scriptSecurity(ctx.tree);
        const t = ctx.target;
        const checks = compareVersions(t, SCRIPT_CHECKS) >= 0;
        for (const ref of ctx.scripts.refs) {
          const f = ctx.scripts.file(ref);
          if (!runsProgram(ref) || !f?.writable.length || f.stat.kind !== 'file' || !f.stat.executable) continue;
          const as = runAs(ref, sec);
          // With security on and no user anywhere, 1.3.6+ runs it as keepalived_script or removes it.
          if (as.source === 'default' && sec.enabled && checks && compareVersions(t, DEFAULT_USER_REQUIRED) >= 0)
            continue;
          if (as.source !== 'default' && !isRoot(as)) continue;
          const who = as.at
            ? ` (${as.source === 'script_user' ? 'script_user' : 'user'} at ${ctx.where(as.at)})`
            : ' (no user is set: keepalived uses root unless the host has an account keepalived_script)';
          const unsafe = `"Unsafe permissions found for script '${f.deployed}'`;
          const does = !checks
            ? `keepalived ${formatVersion(t)} has no script security ` +
              `and runs it as root, so anyone who can write it gets ` +
              `root on this node`
            : sec.enabled
              ? `keepalived ${formatVersion(t)} (enable_script_security ` +
                `at ${ctx.where(sec.enabled.keyword.origin)}) logs ${unsafe} ` +
                `- disabling." to syslog and ${disabledEffect(ref, ctx.tree, t, SCRIPT_CHECKS, 'due to insecure')}`
              : `without enable_script_security keepalived ${formatVersion(t)} only logs ${unsafe}."${
                  compareVersions(t, TEST_SHOWS_SECURITY) >= 0
                    ? ' (and keepalived -t adds " There are insecure scripts." to its ' + 'SECURITY VIOLATION)'
                    : ''
                } and runs it as root anyway, so anyone who can write it gets root on this node`;
          ctx.report({
            messageId: 'insecure',
            at: ref.command.origin,
            via: ref.command.via,
            data: {
              deployed: f.deployed,
              ref: describeRef(ref),
              who,
              writable: f.writable.map((w) => `${w.path} is ${w.why}`).join(', '),
              does,
            },
          });
        }
      },
    };
  },
});
