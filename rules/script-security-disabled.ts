import { defineRule } from '../src/rule-api/index.js';
import {
  describeRef,
  runAs,
  runsProgram,
  SCRIPT_CHECKS,
  scriptFamilies,
  scriptSecurity,
  TEST_SHOWS_SECURITY,
  type ScriptFamily,
} from '../src/model/script-security.js';
import { compareVersions, formatVersion } from '../src/versions/version.js';

/** What keepalived prints for each family of script run without script_security. */
const SECURITY_VIOLATION: Record<ScriptFamily, string> = {
  vrrp: 'SECURITY VIOLATION - scripts are being executed but script_security not enabled.',
  check: 'SECURITY VIOLATION - check scripts are being executed but script_security not enabled.',
  startup: 'SECURITY VIOLATION - start/shutdown scripts are being executed but script_security not enabled.',
};

/** From 1.3.6 a script without any user is removed when keepalived_script does not exist (commit 1c5bfa29). */
const REMOVED = '1.3.6';

export const rule = defineRule({
  meta: {
    id: 'script-security-disabled',
    description:
      'Scripts configured without enable_script_security in global_defs ' +
      '(keepalived -t fails from 2.0.7: exit 6 on 2.2.x); with it but no ' +
      'script_user, scripts that need the keepalived_script account.',
    severity: 'error',
    messages: {
      disabled: {
        message: 'No enable_script_security in global_defs, but {{count}} configured (the first: {{first}})',
        detail:
          'Scripts are configured but global_defs has no enable_script_security: ' +
          'keepalived {{target}} {{does}}{{from}}. Fix: add ' +
          '"enable_script_security" to global_defs, with "script_user <user>" ' +
          '(or a user on each script line), and keep each script writable by ' +
          'root only.',
      },
      noDefaultUser: {
        message:
          'No script_user beside enable_script_security: keepalived runs {{count}} as the account keepalived_script',
        detail:
          'keepalived runs {{count}} ({{list}}) as the account ' +
          'keepalived_script, which must exist on every node; {{does}}{{from}}. ' +
          'Fix: add "script_user <user>" to global_defs, give each script line ' +
          'its user, or create the account keepalived_script.',
      },
    },
  },
  create(ctx) {
    return {
      end() {
        const t = ctx.target;
        // Scripts no process checks (a vrrp_script without any vrrp_instance) run never and say nothing.
        const refs = ctx.scripts.refs.filter((r) => runsProgram(r) && scriptFamilies(r, ctx.tree).length);
        const first = refs[0];
        if (!first || compareVersions(t, SCRIPT_CHECKS) < 0) return;
        const sec = scriptSecurity(ctx.tree);
        const at = (v: string) => compareVersions(t, v) >= 0;
        const related = (rs: typeof refs) =>
          rs.map((r) => ({ origin: r.statement.keyword.origin, message: `${describeRef(r)} is configured here` }));
        if (!sec.enabled) {
          const families = [...new Set(refs.flatMap((r) => scriptFamilies(r, ctx.tree)))]
            .map((f) => `"${SECURITY_VIOLATION[f]}"`)
            .join(' and ');
          const code = at('2.2.0') ? 6 : 5;
          const does = at(TEST_SHOWS_SECURITY)
            ? `reports ${families} at start-up and under keepalived ` +
              `-t, which then exits ${code} (a failed config test) ` +
              `as soon as one of the scripts exists on the host; keepalived ` +
              `still runs them, as root unless an account keepalived_script ` +
              `exists`
            : `logs ${families} at start-up (keepalived -t does not ` +
              `fail on it before ${TEST_SHOWS_SECURITY}) and runs ` +
              `the scripts, as root unless an account keepalived_script ` +
              `exists`;
          const from =
            ctx.from && compareVersions(ctx.from, TEST_SHOWS_SECURITY) < 0 && at(TEST_SHOWS_SECURITY)
              ? compareVersions(ctx.from, '2.0.4') < 0
                ? ` (keepalived ${formatVersion(ctx.from)} only logged it, and had no -t)`
                : ` (keepalived -t on ${formatVersion(ctx.from)} passed this config)`
              : '';
          ctx.report({
            messageId: 'disabled',
            at: first.statement.keyword,
            severity: at(TEST_SHOWS_SECURITY) ? 'error' : 'warning',
            related: related(refs.slice(1)),
            data: {
              count: refs.length === 1 ? '1 script' : `${refs.length} scripts`,
              first: `${describeRef(first)} at ${ctx.where(first.statement.keyword.origin)}`,
              target: formatVersion(t),
              does,
              from,
            },
          });
          return;
        }
        const bare = refs.filter((r) => runAs(r, sec).source === 'default');
        if (!bare.length) return;
        const removes = at(REMOVED);
        const vrrp = bare.find((r) => r.owner.kind === 'vrrp_script');
        const vrrpRemoved = vrrp
          ? `, "Unable to set default user for vrrp script ${vrrp.owner.name} - removing", ` +
            `then "track script ${vrrp.owner.name} not found" in each instance tracking it`
          : '';
        const does = removes
          ? `where it does not, keepalived ${formatVersion(t)} removes ` +
            `such scripts ("Unable to set default user keepalived_script ` +
            `for script"${vrrpRemoved}) ` +
            `and they never run`
          : `where it does not, keepalived ${formatVersion(t)} logs ` +
            `"WARNING - default user 'keepalived_script' for script ` +
            `execution does not exist - please create." and runs ` +
            `such scripts as root`;
        const from =
          ctx.from && compareVersions(ctx.from, REMOVED) < 0 && removes
            ? ` (${formatVersion(ctx.from)} ran them as root instead: ` +
              `the upgrade removes them on nodes without the account)`
            : '';
        ctx.report({
          messageId: 'noDefaultUser',
          at: sec.enabled.keyword,
          severity: 'info',
          related: related(bare),
          data: {
            count:
              bare.length === 1
                ? '1 script without a user of its own'
                : `${bare.length} scripts without a user of their own`,
            list: bare.map(describeRef).join(', '),
            does,
            from,
          },
        });
      },
    };
  },
});
