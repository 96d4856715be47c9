// The package as users install it, into a prefix of its own (npm install -g --prefix DIR):
// - from the packed tarball (`npm pack`; what pre-commit's `language: node` installs, and the
//   GitHub Action): offline, as the dependencies are bundled in it; no npm warning at all;
// - from a git URL (`git+file://` of a bare clone of this working tree; docs/ci.md's GitLab recipe
//   and `npm install -g github:...`): npm runs `prepare` in the clone, which installs the build
//   tools from the registry first (scripts/prepare.mjs). Skipped, with the reason, when the registry
//   cannot be reached.
// Each installed command then runs from another folder: --version, and a lint that reads a ~SEQ
// line (the grammar), a configuration file (yaml, ajv) and a script (tree-sitter-bash's .wasm from
// dist/, as the package has no tree-sitter-bash). Slow (a minute or two): real npm installs.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers.js';

const PKG = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
/**
 * What an install may take: 14.8 MB before the build's compiled shell parser (dist/src/scripts/*.v8cache,
 * 1.1 MB: V8's machine code for tree-sitter-bash and its runtime, ~20 ms off each run that reads a
 * script), 15.9 MB with it.
 */
const MAX_INSTALLED_BYTES = 16_500_000;

/** npm's environment without what an outer `npm test` passes down (npm_config_*, lifecycle variables). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  env.npm_config_update_notifier = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_audit = 'false';
  return env;
}

function run(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, { cwd, env: npmEnv(), encoding: 'utf8', timeout });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function registryUnreachable(): string | null {
  const r = run('npm', ['ping'], os.tmpdir(), 30_000);
  if (r.status === 0) return null;
  return (r.error?.message ?? r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`).slice(0, 200);
}

const unreachable = registryUnreachable();
if (unreachable)
  console.log(`test/install: the git URL install is skipped: the npm registry is unreachable (${unreachable})`);

/** Apparent size of a folder, in bytes (links not followed). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) total += folderBytes(p);
    else if (e.isFile()) total += fs.statSync(p).size;
  }
  return total;
}

/** What every install must give: a command that runs from elsewhere, complete and small. */
function checkInstalled(prefix: string): void {
  const bin = path.join(prefix, 'bin', 'keepalived-lint');
  const elsewhere = path.join(prefix, '..', 'elsewhere');
  fs.mkdirSync(elsewhere);
  const version = run(bin, ['--version'], elsewhere, 60_000);
  expect(version.stderr).toBe('');
  expect(version.stdout.trim()).toBe(PKG.version);

  const write = (rel: string, text: string, mode = 0o644) => {
    fs.mkdirSync(path.dirname(path.join(elsewhere, rel)), { recursive: true });
    fs.writeFileSync(path.join(elsewhere, rel), text, { mode });
  };
  write('.keepalived-lint.yaml', 'target: bookworm\n');
  write('etc/keepalived/notify.sh', '#!/bin/sh\ncase "$2" in\n  VI_OLD) exit 0 ;;\nesac\n', 0o755);
  write(
    'etc/keepalived/keepalived.conf',
    'global_defs {\n    enable_script_security\n}\n~SEQ(N,1,2) $X=VI_$N\nvrrp_instance VI_1 {\n' +
      '    interface eth0\n    virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n' +
      '        192.0.2.1\n    }\n    notify /etc/keepalived/notify.sh\n}\n',
  );
  const lint = run(bin, ['etc/keepalived/keepalived.conf', '--format', 'json'], elsewhere, 60_000);
  expect(lint.stderr).toBe('');
  const ids = (JSON.parse(lint.stdout) as { results: { diagnostics: { ruleId: string }[] }[] }).results.flatMap((x) =>
    x.diagnostics.map((d) => d.ruleId),
  );
  expect(ids).toContain('script-unknown-name');

  const installed = path.join(prefix, 'lib', 'node_modules', PKG.name);
  expect(fs.existsSync(path.join(installed, 'node_modules', 'tree-sitter-bash'))).toBe(false);
  const bytes = folderBytes(installed);
  console.log(`test/install: ${installed}: ${(bytes / 1e6).toFixed(1)} MB`);
  expect(bytes).toBeLessThanOrEqual(MAX_INSTALLED_BYTES);
  // The bundled dependencies are all there.
  const ls = run('npm', ['ls', '--global', '--prefix', prefix, '--all'], elsewhere, 60_000);
  expect(ls.stderr).toBe('');
  expect(ls.status).toBe(0);
}

/** A copy of the working tree (what a commit would hold: tracked and untracked files, not the ignored). */
function copyOfWorkingTree(work: string): string {
  const files = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], REPO).stdout.split('\0');
  for (const f of files) {
    if (!f || !fs.existsSync(path.join(REPO, f))) continue;
    fs.mkdirSync(path.dirname(path.join(work, f)), { recursive: true });
    fs.copyFileSync(path.join(REPO, f), path.join(work, f));
  }
  return work;
}

/** The working tree as the one commit of a bare repository (what a push would publish). */
function bareCloneOfWorkingTree(tmp: string): string {
  const work = copyOfWorkingTree(path.join(tmp, 'work'));
  const git = (args: string[], cwd = work) => {
    const r = run('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args], cwd);
    expect(r.status, r.stderr).toBe(0);
  };
  git(['init', '-q']);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'working tree']);
  git(['clone', '-q', '--bare', work, path.join(tmp, 'bare.git')], tmp);
  return path.join(tmp, 'bare.git');
}

describe('installing the package', () => {
  it('from the packed tarball: offline, without a warning', { timeout: 300_000 }, () => {
    // `npm pack` (prepack builds dist/ and leaves "scripts" out of the packed package.json) in a copy
    // of the working tree, so this tree is left as it is. Its node_modules is this one's, hard-linked
    // (a symbolic link would hide the bundled dependencies' own dependencies from npm pack).
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-install-tgz-'));
    const work = copyOfWorkingTree(path.join(tmp, 'work'));
    const modules = [path.join(REPO, 'node_modules'), path.join(work, 'node_modules')];
    if (run('cp', ['-al', ...modules], tmp).status !== 0) expect(run('cp', ['-R', ...modules], tmp).status).toBe(0);
    const pack = run('npm', ['pack', '--pack-destination', tmp], work);
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = path.join(tmp, pack.stdout.trim().split('\n').pop() ?? '');
    const prefix = path.join(tmp, 'prefix');
    const started = Date.now();
    const install = run('npm', ['install', '--global', '--prefix', prefix, '--offline', tgz], tmp);
    console.log(`test/install: tarball install: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    checkInstalled(prefix);
    fs.rmSync(tmp, { recursive: true, force: true }); // kept when a check failed, to look at
  });

  it.skipIf(unreachable !== null)(
    'from a git URL (a bare clone): prepare builds it in the clone',
    { timeout: 420_000 },
    () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-install-git-'));
      const bare = bareCloneOfWorkingTree(tmp);
      const prefix = path.join(tmp, 'prefix');
      const started = Date.now();
      // As docs/ci.md says: with npm 11.16 or later, --allow-scripts=<the git URL> approves its prepare
      // (npm matches a git package by its URL, not by the name its notice suggests).
      const url = `git+file://${bare}`;
      const [major = 0, minor = 0] = run('npm', ['--version'], tmp).stdout.trim().split('.').map(Number);
      const approve = major > 11 || (major === 11 && minor >= 16) ? [`--allow-scripts=${url}`] : [];
      const args = ['install', '--global', ...approve, '--prefix', prefix, url];
      const install = run('npm', args, tmp, 400_000);
      console.log(`test/install: git URL install: ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(install.stderr).not.toMatch(/npm error/);
      expect(install.status).toBe(0);
      // npm 11.16 and later list the install scripts of packages not approved: none here.
      expect(install.stderr).not.toMatch(/npm warn install-scripts/);
      checkInstalled(prefix);
      fs.rmSync(tmp, { recursive: true, force: true });
    },
  );
});
