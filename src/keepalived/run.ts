/**
 * Runs the installed keepalived for `--with-keepalived`: only ever `keepalived -v` and
 * `keepalived -t -f FILE [-i ID]` (config test: keepalived parses the config and exits; it never
 * starts as a daemon and never runs the config's scripts), with a time limit after which its
 * whole process group is killed, and on Linux inside a throw-away network namespace when this
 * machine allows one. Example:
 *   await configTest(ka, '/repo/etc/keepalived/keepalived.conf', { sandbox, interfaces: ['eth0'] })
 *   -> { exitCode: 0, raw: '', messages: [], timedOut: false }
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseKeepalivedOutput, type KeepalivedMessage } from './messages.js';
import { findOnPath, isValidInterfaceName, namespaceArgv, searchPath } from './namespace.js';

export type Env = Record<string, string | undefined>;

/** How keepalived is started: in a namespace (`unshare FLAGS ...`) or, when none can be made, directly. */
export interface Sandbox {
  unshare: string | null;
  flags: string[];
  /** Why there is no namespace (null when there is one). */
  missing: string | null;
}

export interface ProcessResult {
  exitCode: number | null;
  output: string;
  timedOut: boolean;
  /** spawn failed (ENOENT, EACCES ...). */
  error?: string;
}

/** Run a program with an argument array (never a shell string), both output streams in one string. */
export function runProcess(file: string, args: readonly string[], o: { cwd: string; env: Env; timeoutMs: number }): Promise<ProcessResult> {
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
    const child = spawn(file, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

/** The environment keepalived runs with: C messages, and a PATH that has the sbin folders. */
export function keepalivedEnv(env: Env): Env {
  return { ...env, PATH: searchPath(env.PATH), LC_ALL: 'C' };
}

/**
 * A namespace if this machine allows one: `unshare -n` (root), else `unshare -r -n` (a user
 * namespace too, where unprivileged user namespaces are enabled).
 */
export async function probeSandbox(env: Env, platform: string = process.platform): Promise<Sandbox> {
  if (platform !== 'linux') return { unshare: null, flags: [], missing: `network namespaces exist only on Linux (this is ${platform})` };
  const unshare = findOnPath('unshare', env.PATH);
  if (!unshare) return { unshare: null, flags: [], missing: 'unshare (util-linux) is not installed' };
  let last = '';
  for (const flags of [['-n'], ['-r', '-n']]) {
    const r = await runProcess(unshare, [...flags, 'true'], { cwd: '/', env: keepalivedEnv(env), timeoutMs: 10_000 });
    if (r.exitCode === 0) return { unshare, flags, missing: null };
    last = (r.error ?? r.output.trim().split('\n').pop() ?? '').trim();
  }
  return { unshare: null, flags: [], missing: `unshare -n is not permitted here${last ? ` (${last})` : ''}` };
}

function sandboxed(sandbox: Sandbox, command: string[], interfaces: readonly string[]): [string, string[]] {
  if (!sandbox.unshare) return [command[0]!, command.slice(1)];
  return [sandbox.unshare, namespaceArgv(sandbox.flags, command, { interfaces })];
}

/** The binary --with-keepalived names (PATH) or, without one, `keepalived` found on PATH and in the sbin folders. */
export function resolveBinary(given: string | null, cwd: string, env: Env): { path: string } | { error: string } {
  if (given === null) {
    const found = findOnPath('keepalived', env.PATH);
    return found
      ? { path: found }
      : { error: 'keepalived is not installed here (not found in PATH, /usr/local/sbin, /usr/sbin or /sbin): install it (Debian/Ubuntu: apt-get install keepalived) or name the binary, --with-keepalived=/path/to/keepalived' };
  }
  const abs = path.resolve(cwd, given);
  try {
    if (!fs.statSync(abs).isFile()) return { error: `--with-keepalived ${given}: not a file` };
    fs.accessSync(abs, fs.constants.X_OK);
  } catch (e) {
    const code = (e as { code?: string }).code;
    return { error: `--with-keepalived ${given}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'not executable' : `cannot be used (${code ?? String(e)})`}` };
  }
  return { path: abs };
}

export type VersionCheck = { version: string } | { error: string };

/** `keepalived -v`; -t (config test) exists from 2.0.4. */
export async function checkVersion(binary: string, sandbox: Sandbox, env: Env, timeoutMs: number): Promise<VersionCheck> {
  const [file, args] = sandboxed(sandbox, [binary, '-v'], []);
  const r = await runProcess(file, args, { cwd: '/', env: keepalivedEnv(env), timeoutMs });
  if (r.error) return { error: `${binary} cannot be run: ${r.error}` };
  if (r.timedOut) return { error: `${binary} -v did not finish within ${timeoutMs / 1000} s` };
  const m = /Keepalived v(\d+)\.(\d+)\.(\d+)/.exec(r.output);
  if (!m) return { error: `${binary} -v printed no keepalived version: is it keepalived? (${r.output.trim().split('\n')[0] ?? 'no output'})` };
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const version = `${major}.${minor}.${patch}`;
  if (major < 2 || (major === 2 && minor === 0 && patch < 4)) {
    return { error: `${binary} is keepalived ${version}, which has no config test (-t came in 2.0.4): install 2.0.4 or later, or lint with --target ${version} alone` };
  }
  return { version };
}

export interface ConfigTestResult {
  exitCode: number | null;
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

/** `keepalived -t -f BASENAME [-i ID]` in the config's folder (keepalived resolves relative includes from -f). */
export async function configTest(binary: string, config: string, o: { sandbox: Sandbox; env: Env; configId?: string; timeoutMs: number }): Promise<ConfigTestResult> {
  const fArg = path.basename(config);
  const command = [binary, '-t', '-f', fArg, ...(o.configId !== undefined ? ['-i', o.configId] : [])];
  const once = async (interfaces: string[]): Promise<ConfigTestResult> => {
    const [file, args] = sandboxed(o.sandbox, command, interfaces);
    const r = await runProcess(file, args, { cwd: path.dirname(config), env: keepalivedEnv(o.env), timeoutMs: o.timeoutMs });
    return {
      exitCode: r.exitCode,
      raw: r.output,
      messages: parseKeepalivedOutput(r.output, fArg),
      interfaces,
      timedOut: r.timedOut,
      ...(r.error !== undefined ? { error: r.error } : {}),
    };
  };
  const first = await once([]);
  if (!o.sandbox.unshare || first.timedOut || first.error !== undefined) return first;
  const wanted = missingInterfaces(first.messages);
  return wanted.length ? once(wanted) : first;
}
