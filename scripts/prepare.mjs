// npm's `prepare`: builds dist/ (npm run build). It runs after `npm ci` / `npm install` in a clone,
// before `npm pack`, and when npm installs this package from a git URL (github:..., git+https://...,
// git+file://...). In that last case npm prepares the clone with a nested `npm install` that, for a
// global install (`npm install -g git+...`), inherits --global and --prefix from the outer one: it
// installs nothing into the clone (neither dependencies nor devDependencies) and runs this script
// there (npm/cli#8440, npm 10 and 11). The build tools are then missing, so this script installs
// them first, from the lockfile, into the clone only: the installed package gets dist/ and the
// runtime dependencies, never the build tools.
// That nested global install also links the global package folder (and its bin) to the clone, a
// temporary folder: the outer install then extracts the package through that link into the clone,
// which npm deletes next, and the command is left dangling (npm/cli#3692). So, when the global
// folder links to this clone, the link is replaced by an empty folder (the outer install made one
// there before), which the outer install then fills. The package bundles its dependencies
// (bundleDependencies), so they arrive in that same tarball: dependencies the outer install
// extracted beside it would have gone with the folder the nested install moved away.
// Plain Node with no dependencies, so that it runs in a bare clone.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, realpathSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';

const BUILD_TOOLS = ['esbuild', '@ohm-js/cli', 'tree-sitter-bash'];

// What the outer install passes down and must not steer the install into the clone.
const INHERITED = [
  'global',
  'location',
  'prefix',
  'omit',
  'include',
  'production',
  'only',
  'dry_run',
  'package_lock_only',
  'ignore_scripts',
  'install_strategy',
  'global_style',
  // npm refuses --allow-scripts in a project install (EALLOWSCRIPTS); this one runs no script anyway.
  'allow_scripts',
  'allow_scripts_pin',
  'strict_script_builds',
  'dangerously_allow_all_scripts',
];

function npm(args, env = process.env) {
  // npm_execpath: the npm running this script (npm puts it in the environment of every script).
  const execPath = process.env.npm_execpath;
  const r = execPath
    ? spawnSync(process.execPath, [execPath, ...args], { stdio: 'inherit', env })
    : spawnSync('npm', args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) {
    console.error(`keepalived-lint prepare: npm ${args.join(' ')} failed${r.error ? `: ${r.error.message}` : ''}`);
    process.exit(r.status || 1);
  }
}

/** The link a nested global install made from the global prefix to this clone, undone. */
function unlinkFromGlobalPrefix() {
  const prefix = process.env.npm_config_prefix;
  if (process.env.npm_config_global !== 'true' || !prefix) return;
  const { name } = JSON.parse(readFileSync('package.json', 'utf8'));
  const globalDir = path.join(prefix, process.platform === 'win32' ? '' : 'lib', 'node_modules', name);
  try {
    if (!lstatSync(globalDir).isSymbolicLink() || realpathSync(globalDir) !== realpathSync('.')) return;
  } catch {
    return;
  }
  unlinkSync(globalDir);
  mkdirSync(globalDir);
}

unlinkFromGlobalPrefix();

const missing = BUILD_TOOLS.filter((p) => !existsSync(`node_modules/${p}/package.json`));
if (missing.length > 0) {
  console.error(`keepalived-lint prepare: installing the build tools (${missing.join(', ')} missing) into this clone`);
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const name = /^npm_config_(.+)$/i.exec(key)?.[1].toLowerCase().replace(/-/g, '_');
    if (name && INHERITED.includes(name)) delete env[key];
  }
  npm(
    ['ci', '--global=false', '--location=project', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'],
    env,
  );
  npm(['run', 'build', '--global=false', '--location=project'], env);
} else {
  npm(['run', 'build']);
}
