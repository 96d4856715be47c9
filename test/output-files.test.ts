// The files the operator names (--output, --write-baseline, --baseline) often live in the linted
// checkout, which a pull request wrote (issue 13): a committed link at the output's name must be
// replaced, never written through, and a baseline linked out of the repository must not be read
// (a JSON error would quote the file). Each assertion fails with a plain writeFileSync/readFile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';

const CONFIG =
  'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 1\n   ' +
  ' priority 100\n    virtual_ipaddress {\n        192.0.2.1/24\n    }\n ' +
  '   priorty 1\n}\n';
const SECRET = 'https://user:TOKEN_OUTSIDE@example.invalid/x';

function repo() {
  const t = tempTree('kl-outfiles-');
  fs.mkdirSync(path.join(t.dir, 'repo', '.git'), { recursive: true });
  t.write('repo/etc/keepalived/keepalived.conf', CONFIG);
  const victim = t.write('victim.txt', SECRET + '\n');
  return { ...t, root: path.join(t.dir, 'repo'), victim };
}

describe('files the operator names, in a hostile checkout', () => {
  it('--output replaces a committed link at its name instead of writing where it points', async () => {
    const { root, victim } = repo();
    fs.symlinkSync(victim, path.join(root, 'report.sarif'));
    const r = await runCli(['.', '--format', 'sarif', '--output', 'report.sarif'], { cwd: root });
    expect(r.code).toBe(1);
    expect(fs.readFileSync(victim, 'utf8')).toBe(SECRET + '\n');
    expect(fs.lstatSync(path.join(root, 'report.sarif')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(root, 'report.sarif'), 'utf8')).toContain('"version": "2.1.0"');
  });

  it('--write-baseline replaces a committed link at its name', async () => {
    const { root, victim } = repo();
    fs.symlinkSync(victim, path.join(root, 'baseline.json'));
    const r = await runCli(['.', '--write-baseline', 'baseline.json'], { cwd: root });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(victim, 'utf8')).toBe(SECRET + '\n');
    expect(JSON.parse(fs.readFileSync(path.join(root, 'baseline.json'), 'utf8'))).toMatchObject({ version: 2 });
  });

  it('--baseline linked out of the repository is not read, and nothing of it reaches stderr', async () => {
    const { root, victim } = repo();
    fs.symlinkSync(victim, path.join(root, 'baseline.json'));
    const r = await runCli(['.', '--baseline', 'baseline.json'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read the baseline file baseline\.json: it links outside .*; not read/);
    expect(r.stderr + r.stdout).not.toContain('TOKEN_OUTSIDE');
  });

  it('a baseline that is not JSON is reported without quoting it', async () => {
    const { root, write } = repo();
    write('repo/baseline.json', `{"version": 1,\n "findings": ${SECRET}}\n`);
    const r = await runCli(['.', '--baseline', 'baseline.json'], { cwd: root });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a keepalived-lint baseline: it is not valid JSON \(an unexpected character\)/);
    expect(r.stderr).not.toContain('TOKEN_OUTSIDE');
    expect(r.stderr).not.toContain('https');
  });
});
