// Where a script a config runs is looked for in a repository (issue 17, item 5): the hint of
// script-not-found for a repository that keeps /etc/keepalived/ in keepalived/ (a `paths:`
// mapping, which --root cannot give), and the router's own programs (/usr/bin/killall) not looked
// for there (`systemPaths:`).
import { describe, expect, it } from 'vitest';
import { lintJson, tempTree } from './helpers.js';

const CONF =
  'global_defs {\n    enable_script_security\n    script_user root\n}\n' +
  'vrrp_script chk_haproxy {\n    script "/usr/bin/killall -0 haproxy"\n    interval 2\n}\n' +
  'vrrp_script chk_local {\n    script "/etc/keepalived/check.sh"\n    interval 2\n}\n' +
  'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    priority 100\n' +
  '    virtual_ipaddress {\n        192.0.2.10/24\n    }\n' +
  '    track_script {\n        chk_haproxy\n        chk_local\n    }\n    notify_master /etc/keepalived/master.sh\n}\n';

/** A repository laid out as keepalived/keepalived.conf with its scripts beside it, no etc/. */
function layout(prefix: string, yaml?: string) {
  const t = tempTree(prefix);
  t.write('.git/HEAD', 'ref: refs/heads/main\n');
  t.write('keepalived/keepalived.conf', CONF);
  t.write('keepalived/check.sh', '#!/bin/sh\nexit 0\n', 0o755);
  t.write('keepalived/master.sh', '#!/bin/sh\nexit 0\n', 0o755);
  if (yaml !== undefined) t.write('.keepalived-lint.yaml', yaml);
  return t.dir;
}

const notFound = (r: Awaited<ReturnType<typeof lintJson>>) => r.all.filter((d) => d.ruleId === 'script-not-found');

describe('script lookup in a repository', () => {
  it('keepalived/ without etc/: --root finds nothing; the finding names the paths: mapping that would', async () => {
    const dir = layout('kl-lookup-root-');
    const r = await lintJson('keepalived/keepalived.conf', ['--root', '.'], dir);
    const found = notFound(r);
    expect(found.map((d) => d.message)).toEqual([
      'Script "/etc/keepalived/check.sh" (vrrp_script chk_local) does not exist',
      'Script "/etc/keepalived/master.sh" (notify_master of vrrp_instance VI_1) does not exist',
    ]);
    for (const d of found) {
      // Where it was looked for, and the mapping for this layout in the file's own syntax.
      expect(d.detail).toContain(`no file at ${dir}/etc/keepalived/`);
      expect(d.detail).toContain(
        `map it in a .keepalived-lint.yaml in ${dir}: paths: {"/etc/keepalived/": "keepalived/"}`,
      );
    }
    // The mapping it names does find them.
    const mapped = await lintJson(
      'keepalived/keepalived.conf',
      [],
      layout('kl-lookup-mapped-', 'root: .\npaths: {"/etc/keepalived/": "keepalived/"}\n'),
    );
    expect(mapped.stderr).toBe('');
    expect(notFound(mapped)).toEqual([]);
  });

  it("a repository that mirrors / gets no paths: hint (its layout is already the router's)", async () => {
    const t = tempTree('kl-lookup-mirror-');
    t.write('.git/HEAD', 'ref: refs/heads/main\n');
    t.write('etc/keepalived/keepalived.conf', CONF);
    const found = notFound(await lintJson('etc/keepalived/keepalived.conf', [], t.dir));
    expect(found).toHaveLength(2);
    for (const d of found) expect(d.detail).not.toContain('paths:');
  });

  it("/usr/bin/killall is the router's: not looked for in the repository, unless systemPaths: or paths:", async () => {
    const withRoot = await lintJson('keepalived/keepalived.conf', [], layout('kl-lookup-sys-', 'root: .\n'));
    expect(notFound(withRoot).map((d) => d.data?.deployed)).not.toContain('/usr/bin/killall');
    expect(notFound(withRoot).length).toBe(2);

    const none = await lintJson(
      'keepalived/keepalived.conf',
      [],
      layout('kl-lookup-sys0-', 'root: .\nsystemPaths: []\n'),
    );
    expect(none.stderr).toBe('');
    expect(notFound(none).map((d) => d.message)).toContain(
      'Script "/usr/bin/killall" (vrrp_script chk_haproxy) does not exist',
    );

    // Mapped by paths:, /usr/bin/ is the repository's: looked for there.
    const mapped = await lintJson(
      'keepalived/keepalived.conf',
      [],
      layout('kl-lookup-sysmap-', 'root: .\npaths: {"/usr/bin/": "bin/"}\n'),
    );
    expect(notFound(mapped).map((d) => d.message)).toContain(
      'Script "/usr/bin/killall" (vrrp_script chk_haproxy) does not exist',
    );
  });

  it('systemPaths: must be a list of absolute folders', async () => {
    const r = await lintJson('keepalived/keepalived.conf', [], layout('kl-lookup-bad-', 'systemPaths: [usr/bin]\n'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\.keepalived-lint\.yaml:1:\d+: error: .*systemPaths/);
  });
});
