import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll } from 'vitest';
import { fileURLToPath } from 'node:url';
import { main, type CliIO } from '../src/cli/index.js';
import type { FileHost } from '../src/source/host.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = path.resolve(REPO, '..', 'shared');
/**
 * Whether ../shared (the corpus, keepalived's recorded verdicts, the reference) is beside the
 * repository. A clone alone runs without it: the tests that read it skip (describe.skipIf /
 * it.skipIf), and vitest.config.ts says which, in one line; .ci/run requires it.
 */
export const HAVE_SHARED = fs.existsSync(path.join(SHARED, 'corpus', 'configs'));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  argv: string[],
  opts: { cwd?: string; host?: FileHost; env?: Record<string, string>; isTTY?: boolean; stdin?: string } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    cwd: opts.cwd ?? REPO,
    env: opts.env ?? {},
    isTTY: opts.isTTY ?? false,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.stdin !== undefined ? { stdin: async () => opts.stdin! } : {}),
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export interface JsonDiagnostic {
  ruleId: string;
  severity: string;
  message: string;
  detail?: string;
  messageId?: string;
  data?: Record<string, string | number>;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  configIds?: string[];
  fix?: { message: string; edits: { file: string; line: number; column: number; text: string }[] };
  suggestions?: { message: string; edits: { file: string; line: number; column: number; text: string }[] }[];
}

export async function lintJson(
  file: string,
  extra: string[] = [],
  cwd = REPO,
): Promise<{ code: number; files: Map<string, JsonDiagnostic[]>; all: JsonDiagnostic[]; stderr: string }> {
  const r = await runCli(['lint', file, '--format', 'json', ...extra], { cwd });
  const files = new Map<string, JsonDiagnostic[]>();
  const all: JsonDiagnostic[] = [];
  if (r.stdout.trim()) {
    const parsed = JSON.parse(r.stdout) as { results: { file: string; diagnostics: JsonDiagnostic[] }[] };
    for (const res of parsed.results) {
      files.set(res.file, res.diagnostics);
      all.push(...res.diagnostics);
    }
  }
  return { code: r.code, files, all, stderr: r.stderr };
}

/**
 * A temporary folder (its real path), removed after the test file, and a writer for files in it
 * that creates their folders. Example: const { dir, write } = tempTree('kl-x-'); write('a/k.conf', '...').
 */
export function tempTree(prefix: string): {
  dir: string;
  write: (rel: string, text: string | Buffer, mode?: number) => string;
} {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(rel, text, mode = 0o644) {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, text, { mode });
      return p;
    },
  };
}

/** git in `dir`, quiet, with a fixed author (for tests that commit). Example: gitIn(tmp)('commit', '-qam', 'x'). */
export function gitIn(dir: string): (...args: string[]) => void {
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 't',
    GIT_AUTHOR_EMAIL: 't@example.org',
    GIT_COMMITTER_NAME: 't',
    GIT_COMMITTER_EMAIL: 't@example.org',
  };
  return (...args) => void execFileSync('git', ['-C', dir, ...args], { stdio: 'ignore', env });
}

/** The .conf files of a folder, sorted, as full paths; [] when there is no such folder. */
export function confFiles(dir: string): string[] {
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.conf'))
        .sort()
        .map((f) => path.join(dir, f))
    : [];
}

/**
 * A module for `node -r` (which worker threads run too) that writes a line to standard error for
 * each WebAssembly module compiled and instantiated ("wasm compile T", "wasm instantiate T"), each
 * V8 flag set ("v8flag T FLAG") and each open of the build's compiled shell parser ("v8cache T
 * FILE"); T is the thread's id (0: the main thread).
 */
export function wasmProbe(): string {
  const { write } = tempTree('kl-bin-wasm-probe-');
  return write(
    'probe.cjs',
    "const fs = require('node:fs'); const { threadId } = require('node:worker_threads');\n" +
      'const line = (s) => fs.writeSync(2, `${s}\\n`);\n' +
      'const count = (C, what) => new Proxy(C, {\n' +
      '  construct(t, a) { line(`wasm ${what} ${threadId}`); return new t(...a); } });\n' +
      "WebAssembly.Module = count(WebAssembly.Module, 'compile');\n" +
      "WebAssembly.Instance = count(WebAssembly.Instance, 'instantiate');\n" +
      "const v8 = require('node:v8'); const set = v8.setFlagsFromString;\n" +
      'v8.setFlagsFromString = (f) => { line(`v8flag ${threadId} ${f}`); set(f); };\n' +
      'const open = fs.openSync;\n' +
      'fs.openSync = (p, ...a) => {\n' +
      "  const name = require('node:path').basename(String(p));\n" +
      "  if (name.endsWith('.v8cache')) line(`v8cache ${threadId} ${name}`);\n" +
      '  return open(p, ...a); };\n',
  );
}

/** The probe's lines of a kind, sorted (threads write them in any order). */
export const probeLines = (stderr: string, kind: 'wasm' | 'v8flag' | 'v8cache') =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith(`${kind} `))
    .sort();

/** Whether this Node.js has the V8 intrinsic the build's compiled shell parser needs (scripts/wasm-cache.mjs). */
export const HAS_WASM_SERIALIZER =
  spawnSync(process.execPath, ['--allow-natives-syntax', '-e', "new Function('m', 'return %SerializeWasmModule(m)')"])
    .status === 0;
