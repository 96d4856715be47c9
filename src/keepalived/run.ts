/**
 * Runs the installed keepalived for `--with-keepalived`: only ever `keepalived -v` and
 * `keepalived -t -f FILE [-i ID]` (config test: keepalived parses the config and exits; it never
 * starts as a daemon and never runs the config's scripts, but a config can still make it act:
 * config_save_dir runs a shell), with a time limit after which its whole process group is killed,
 * inside a sandbox (sandboxCandidates). Example:
 *   await configTest(ka, '/repo/etc/keepalived/keepalived.conf', { sandbox, tree: '/repo', timeoutMs })
 *   -> { exitCode: 0, raw: '', messages: [], timedOut: false }
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseKeepalivedOutput, type KeepalivedMessage } from './messages.js';
import {
  findOnPath,
  isValidInterfaceName,
  namespaceArgv,
  sandboxArgv,
  SANDBOX_EXIT,
  SANDBOX_FAILED,
  searchPath,
  type SandboxLayout,
} from './namespace.js';

// Loaded on first use: node:child_process brings ~20 ms of Node's own modules, which a plain lint does
// not need (issue 16, start-up).
const childProcess = (): typeof import('node:child_process') =>
  createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');

export type Env = Record<string, string | undefined>;

/** The uid and gid keepalived runs as in the sandbox (nobody / nogroup on Debian and Ubuntu). */
export const SANDBOX_UID = 65534;

/**
 * How keepalived is started.
 * - 'sandbox': private mount, network, PID and (where allowed) user namespaces, the tree
 *   read-only, a private tmpfs on the world-writable folders, uid 65534 (or the caller's own uid,
 *   for a caller that is not root), no capabilities, no_new_privs, only PATH and LC_ALL.
 * - 'netns' / 'none': --unsafe-keepalived-sandbox where the sandbox cannot be built: only a network
 *   namespace (`unshare -n`), or nothing at all (keepalived runs with the caller's privileges).
 */
export interface Sandbox {
  kind: 'sandbox' | 'netns' | 'none';
  /** argv up to and with unshare's flags (empty for 'none'). */
  launcher: string[];
  /** argv before keepalived inside the namespaces: setpriv dropping the last privileges (sandbox only). */
  drop: string[];
  /** Why there is no sandbox (null when there is one). */
  missing: string | null;
  /** The next way to build it, for a config this one cannot show (a tree under /root for nobody). */
  fallback?: Sandbox;
}

export interface ProcessResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  /** spawn failed (ENOENT, EACCES ...). */
  error?: string;
}

/** Run a program with an argument array (never a shell string), both output streams in one string. */
export function runProcess(
  file: string,
  args: readonly string[],
  o: { cwd: string; env: Env; timeoutMs: number },
): Promise<ProcessResult> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    let done = false;
    const finish = (r: ProcessResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(r);
    };
    // Its own process group, so that a timeout kills keepalived's child passes too.
    const child = childProcess().spawn(file, args, {
      cwd: o.cwd,
      env: o.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdout.setEncoding('utf8').on('data', (s: string) => void (output += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => void (output += s));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, o.timeoutMs);
    child.on('error', (e) => finish({ exitCode: null, output, timedOut, error: e.message }));
    child.on('close', (code) => finish({ exitCode: code, output, timedOut }));
  });
}

/**
 * The whole environment keepalived runs with: C messages and a fixed system PATH, nothing of the
 * caller's (a CI job's tokens and secrets stay out of reach of what the config makes keepalived do).
 */
export const SANDBOX_ENV: Readonly<Record<string, string>> = { PATH: searchPath(undefined), LC_ALL: 'C' };

export function keepalivedEnv(): Env {
  return { ...SANDBOX_ENV };
}

const NAMESPACES = ['-m', '-n', '-p', '-f', '--mount-proc', '--kill-child'];
const DROP_CAPS = ['--inh-caps=-all', '--bounding-set=-all', '--no-new-privs'];
const AS_NOBODY = [`--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_UID}`, '--clear-groups'];

/**
 * The ways to build the sandbox on this machine, best first.
 * - Nobody in a user namespace: `setpriv --reuid=65534 ... unshare -r -m -n -p -f` (a caller that
 *   is not root: `unshare -r ...` as itself). Root in that namespace has capabilities over the new
 *   namespaces only, prepares the mounts and interfaces, and `setpriv` drops every capability
 *   before keepalived starts. keepalived is uid 0 in its namespace, so its verdicts on scripts
 *   (script_user, script security) are those of a keepalived started as root.
 * - A root caller where unprivileged user namespaces are refused (Ubuntu 24.04's AppArmor) or the
 *   tree is in a folder nobody may enter (/root): `unshare -m -n -p -f` without a user namespace,
 *   root prepares the namespaces, then `setpriv` drops to uid 65534 with no capabilities and
 *   no_new_privs. keepalived, not root, then calls scripts of script_user root "insecure".
 */
export function sandboxCandidates(unshare: string, setpriv: string, uid: number): Sandbox[] {
  const drop = [setpriv, ...DROP_CAPS, '--'];
  const userns: Sandbox = { kind: 'sandbox', launcher: [unshare, '-r', ...NAMESPACES], drop, missing: null };
  if (uid !== 0) return [userns];
  return [
    { ...userns, launcher: [setpriv, ...AS_NOBODY, '--inh-caps=-all', '--no-new-privs', '--', ...userns.launcher] },
    {
      kind: 'sandbox',
      launcher: [unshare, ...NAMESPACES],
      drop: [setpriv, ...AS_NOBODY, ...DROP_CAPS, '--'],
      missing: null,
    },
  ];
}

/** argv of a sandboxed command (the namespaces, the mounts, the interfaces, the privilege drop). */
export function sandboxCommand(
  sandbox: Sandbox,
  command: readonly string[],
  layout: SandboxLayout,
): [string, string[]] {
  if (sandbox.kind === 'none') return [command[0]!, command.slice(1)];
  const [file, ...flags] = sandbox.launcher;
  const args =
    sandbox.kind === 'sandbox'
      ? sandboxArgv(flags, [...sandbox.drop, ...command], layout)
      : namespaceArgv(flags, command, { interfaces: layout.interfaces ?? [] });
  return [file!, args];
}

export interface ProbeOptions {
  env: Env;
  platform?: string;
  /** The caller's uid (root first drops to 65534, and may fall back to no user namespace). */
  uid?: number;
  /** --unsafe-keepalived-sandbox: where the sandbox cannot be built, today's network namespace, or nothing. */
  unsafe?: boolean;
}

/**
 * Builds the sandbox once (running `true` in it, about 20 ms) and returns the first way that
 * works; without one, { kind: 'none', missing } (or, with `unsafe`, a bare network namespace when
 * that works).
 */
export async function probeSandbox(o: ProbeOptions): Promise<Sandbox> {
  const platform = o.platform ?? process.platform;
  const none = (missing: string): Sandbox => ({ kind: 'none', launcher: [], drop: [], missing });
  if (platform !== 'linux') return none(`namespaces exist only on Linux (this is ${platform})`);
  const unshare = findOnPath('unshare', o.env.PATH);
  if (!unshare) return none('unshare (util-linux) is not installed');
  const setpriv = findOnPath('setpriv', o.env.PATH);
  // The last way's reason: for root, the one without a user namespace, which needs the least.
  let why = setpriv ? '' : 'setpriv (util-linux) is not installed';
  if (setpriv) {
    const candidates = sandboxCandidates(unshare, setpriv, o.uid ?? process.getuid?.() ?? -1);
    for (const [i, candidate] of candidates.entries()) {
      // A folder every system has and everyone may read stands for the tree.
      const [file, args] = sandboxCommand(candidate, ['true'], { tree: '/usr', binDir: '/usr', cwd: '/' });
      const r = await runProcess(file, args, { cwd: '/', env: keepalivedEnv(), timeoutMs: 10_000 });
      const next = candidates[i + 1];
      if (r.exitCode === 0) return next ? { ...candidate, fallback: next } : candidate;
      why = lastLine(r);
    }
  }
  const missing =
    `the sandbox (private mount, network, PID namespaces, ` +
    `uid ${SANDBOX_UID}) cannot be built here${why ? `: ${why}` : ''}`;
  if (!o.unsafe) return none(missing);
  for (const flags of [['-n'], ['-r', '-n']]) {
    const r = await runProcess(unshare, [...flags, 'true'], { cwd: '/', env: keepalivedEnv(), timeoutMs: 10_000 });
    if (r.exitCode === 0) return { kind: 'netns', launcher: [unshare, ...flags], drop: [], missing };
  }
  return none(missing);
}

/** A command in the sandbox, in layout.cwd; where this way cannot show the tree, the next way. */
async function runSandboxed(
  sandbox: Sandbox,
  command: readonly string[],
  layout: SandboxLayout,
  timeoutMs: number,
): Promise<ProcessResult & { sandboxError?: string; notRoot?: boolean }> {
  const [file, args] = sandboxCommand(sandbox, command, layout);
  const r = await runProcess(file, args, { cwd: layout.cwd, env: keepalivedEnv(), timeoutMs });
  // The way without a user namespace drops keepalived itself to uid 65534: it is not root there.
  if (r.exitCode !== SANDBOX_EXIT || !r.output.includes(SANDBOX_FAILED))
    return sandbox.kind === 'sandbox' && sandbox.drop.some((a) => a.startsWith('--reuid='))
      ? { ...r, notRoot: true }
      : r;
  return sandbox.fallback
    ? runSandboxed(sandbox.fallback, command, layout, timeoutMs)
    : { ...r, sandboxError: lastLine(r) };
}

function lastLine(r: ProcessResult): string {
  return (r.error ?? r.output.trim().split('\n').pop() ?? '').replace(SANDBOX_FAILED, '').trim();
}

/** The binary --with-keepalived names (PATH) or, without one, `keepalived` found on PATH and in the sbin folders. */
export function resolveBinary(given: string | null, cwd: string, env: Env): { path: string } | { error: string } {
  if (given === null) {
    const found = findOnPath('keepalived', env.PATH);
    return found
      ? { path: found }
      : {
          error:
            'keepalived is not installed here (not found in PATH, /usr/local/sbin, ' +
            '/usr/sbin or /sbin): install it (Debian/Ubuntu: apt-get install ' +
            'keepalived) or name the binary, --with-keepalived=/path/to/keepalived',
        };
  }
  const abs = path.resolve(cwd, given);
  try {
    if (!fs.statSync(abs).isFile()) return { error: `--with-keepalived ${given}: not a file` };
    fs.accessSync(abs, fs.constants.X_OK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'not executable'
          : `cannot be used (${code ?? String(e)})`;
    return { error: `--with-keepalived ${given}: ${why}` };
  }
  return { path: abs };
}

/** The least time `keepalived -v` gets, whatever --keepalived-timeout says. */
const MIN_VERSION_TIMEOUT_MS = 10_000;

export type VersionCheck = { version: string } | { error: string };

/** `keepalived -v`; -t (config test) exists from 2.0.4. */
export async function checkVersion(binary: string, sandbox: Sandbox, timeout: number): Promise<VersionCheck> {
  // `-v` is a fixed question whose answer takes no config: a short --keepalived-timeout (meant for
  // -t on a big config) must not fail it on a busy machine, where building the sandbox alone can
  // take a second.
  const timeoutMs = Math.max(timeout, MIN_VERSION_TIMEOUT_MS);
  const r = await runSandboxed(
    sandbox,
    [binary, '-v'],
    { tree: path.dirname(binary), binDir: path.dirname(binary), cwd: '/' },
    timeoutMs,
  );
  if (r.sandboxError !== undefined)
    return { error: `the sandbox for ${binary} -v could not be built: ${r.sandboxError}` };
  if (r.error) return { error: `${binary} cannot be run: ${r.error}` };
  if (r.timedOut) return { error: `${binary} -v did not finish within ${timeoutMs / 1000} s` };
  const m = /Keepalived v(\d+)\.(\d+)\.(\d+)/.exec(r.output);
  if (!m)
    return {
      error:
        `${binary} -v printed no keepalived version: is it keepalived? ` +
        `(${r.output.trim().split('\n')[0] ?? 'no output'})`,
    };
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const version = `${major}.${minor}.${patch}`;
  if (major < 2 || (major === 2 && minor === 0 && patch < 4)) {
    return {
      error:
        `${binary} is keepalived ${version}, which has no config ` +
        `test (-t came in 2.0.4): install 2.0.4 or later, or ` +
        `lint with --target ${version} alone`,
    };
  }
  return { version };
}

export interface ConfigTestResult {
  exitCode: number | null;
  /** keepalived ran as uid 65534, not as root (the sandbox's way without a user namespace). */
  notRoot?: boolean;
  raw: string;
  messages: KeepalivedMessage[];
  /** The interfaces created in the namespace for the final run. */
  interfaces: string[];
  timedOut: boolean;
  error?: string;
}

/**
 * Interfaces keepalived says are missing: in a namespace they are created and keepalived is run
 * again, so that its verdict is about the config and not about this machine's network cards.
 */
const MISSING_INTERFACE: RegExp[] = [
  /^WARNING - interface (\S+) for .* doesn't exist$/,
  /^WARNING - interface (\S+) specified for garp_group doesn't exist$/,
  /\btracked interface (\S+) doesn't exist$/,
  /^unknown interface (\S+) specified for /,
];

export function missingInterfaces(messages: readonly KeepalivedMessage[]): string[] {
  const names = new Set<string>();
  for (const m of messages) {
    for (const re of MISSING_INTERFACE) {
      const name = re.exec(m.text)?.[1];
      if (name && isValidInterfaceName(name)) names.add(name);
    }
  }
  return [...names].sort();
}

/**
 * `keepalived -t -f BASENAME [-i ID]` in the config's folder (keepalived resolves relative includes
 * from -f), `tree` (the config's repository) read-only in the sandbox.
 */
export async function configTest(
  binary: string,
  config: string,
  o: { sandbox: Sandbox; tree: string; configId?: string; timeoutMs: number },
): Promise<ConfigTestResult> {
  const fArg = path.basename(config);
  const command = [binary, '-t', '-f', fArg, ...(o.configId !== undefined ? ['-i', o.configId] : [])];
  const layout = { tree: o.tree, binDir: path.dirname(binary), cwd: path.dirname(config) };
  const once = async (interfaces: string[]): Promise<ConfigTestResult> => {
    const r = await runSandboxed(o.sandbox, command, { ...layout, interfaces }, o.timeoutMs);
    if (r.sandboxError !== undefined)
      return {
        exitCode: null,
        raw: r.output,
        messages: [],
        interfaces,
        timedOut: false,
        error: `the sandbox could not be built: ${r.sandboxError}`,
      };
    return {
      exitCode: r.exitCode,
      raw: r.output,
      messages: parseKeepalivedOutput(r.output, fArg, { asPrinted: true }),
      interfaces,
      timedOut: r.timedOut,
      ...(r.error !== undefined ? { error: r.error } : {}),
      ...(r.notRoot ? { notRoot: true } : {}),
    };
  };
  const first = await once([]);
  if (o.sandbox.kind === 'none' || first.timedOut || first.error !== undefined) return first;
  const wanted = missingInterfaces(first.messages);
  return wanted.length ? once(wanted) : first;
}
