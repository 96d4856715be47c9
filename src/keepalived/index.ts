/**
 * `--with-keepalived [PATH]`: after our lint, run the installed keepalived's config test on each
 * linted config and merge what it says into the report as findings of the pseudo-rule
 * `keepalived`. Example: `keepalived-lint --with-keepalived etc/keepalived/keepalived.conf` runs
 *   unshare -n sh -c NS_SCRIPT ... keepalived -t -f keepalived.conf   (in etc/keepalived/)
 * and adds "keepalived -t: Unknown keyword 'priorty' (also found by unknown-keyword)" at line 9.
 * The configs are those our lint reads as configs: not scripts (#!), not files another linted
 * config includes (keepalived reads those through the config that includes them).
 */
import * as path from 'node:path';
import { defaultRoot, resolveTarget } from '../engine/index.js';
import type { Diagnostic, LintReport } from '../engine/types.js';
import { preprocess, type Origin, type PreprocessResult, type SourceFile } from '../preprocess/index.js';
import type { FileHost } from '../source/host.js';
import { confineFor } from '../source/confine.js';
import { buildTree } from '../tree/index.js';
import { keywordTable } from '../versions/keywords.js';
import { keepalivedFindings, mergeFindings } from './merge.js';
import { checkVersion, configTest, probeSandbox, resolveBinary, type Env, type Sandbox } from './run.js';

export { KEEPALIVED_RULE } from './merge.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface KeepalivedSetup {
  /** The binary --with-keepalived names; null: `keepalived` from PATH. */
  binary: string | null;
  cwd: string;
  env: Env;
  timeoutMs?: number;
  platform?: string;
}

/** A keepalived that can run config tests, and how it runs. */
export interface PreparedKeepalived {
  binary: string;
  version: string;
  sandbox: Sandbox;
  timeoutMs: number;
  env: Env;
  /** For stderr: what the operator must know about how keepalived runs. */
  notes: string[];
}

/** Finds keepalived, checks it has -t, and finds out whether it can run in a namespace. Problems come back as { error } (exit code 2). */
export async function prepareKeepalived(o: KeepalivedSetup): Promise<PreparedKeepalived | { error: string }> {
  const binary = resolveBinary(o.binary, o.cwd, o.env);
  if ('error' in binary) return binary;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sandbox = await probeSandbox(o.env, o.platform);
  const version = await checkVersion(binary.path, sandbox, o.env, timeoutMs);
  if ('error' in version) return version;
  const notes: string[] = [];
  if (sandbox.missing) {
    notes.push(`keepalived -t runs without a private network namespace: ${sandbox.missing}. It sees this machine's interfaces, and may look up host names the config mentions on this machine's network.`);
  }
  return { binary: binary.path, version: version.version, sandbox, timeoutMs, env: o.env, notes };
}

export interface CheckOptions {
  cwd: string;
  host: FileHost;
  target: string;
  root?: string;
  configId?: string;
  /** Configs that exist only in memory (standard input): keepalived cannot read them. */
  inMemory?: ReadonlySet<string>;
  /** Before each keepalived run (progress); n counts from 1. */
  onConfig?: (file: string, n: number, total: number) => void;
}

export interface CheckOutcome {
  /** For stderr. */
  notes: string[];
  /** Configs keepalived could not check (a timeout, a failed start): exit code 2. */
  failures: { file: string; message: string }[];
  /** The configs keepalived checked. */
  checked: string[];
}

/** Runs `keepalived -t` on each config among `files` and merges its messages into the report. */
export async function checkWithKeepalived(report: LintReport, files: readonly string[], ka: PreparedKeepalived, o: CheckOptions): Promise<CheckOutcome> {
  const plans = configsToCheck(files, o);
  const notes: string[] = [];
  const failures: CheckOutcome['failures'] = [];
  const checked: string[] = [];
  const roots = [...new Set(plans.filter((p) => p.root !== '/' && !o.inMemory?.has(p.config)).map((p) => displayName(p.root, o.cwd)))];
  if (roots.length) {
    notes.push(`keepalived reads the absolute paths a config names (scripts, includes) on this machine, not under ${roots.join(', ')}: what it says about them is about this machine's files`);
  }
  const ours: Diagnostic[] = report.results.flatMap((r) => r.diagnostics);
  const found: Diagnostic[] = [];
  const allFiles = new Map<string, SourceFile>();
  for (const [i, plan] of plans.entries()) {
    if (o.inMemory?.has(plan.config)) {
      notes.push(`keepalived -t reads files only: ${displayName(plan.config, o.cwd)} (standard input) is not checked by keepalived`);
      continue;
    }
    o.onConfig?.(plan.config, i + 1, plans.length);
    const run = await configTest(ka.binary, plan.config, { sandbox: ka.sandbox, env: ka.env, timeoutMs: ka.timeoutMs, ...(o.configId !== undefined ? { configId: o.configId } : {}) });
    if (run.timedOut) {
      failures.push({ file: plan.config, message: `keepalived -t did not finish within ${ka.timeoutMs / 1000} s and was killed` });
      continue;
    }
    if (run.error !== undefined || run.exitCode === null) {
      failures.push({ file: plan.config, message: `keepalived -t could not be run: ${run.error ?? 'killed by a signal'}` });
      continue;
    }
    checked.push(plan.config);
    for (const [f, sf] of plan.pre.files) allFiles.set(f, sf);
    found.push(...keepalivedFindings({ config: plan.config, exitCode: run.exitCode, messages: run.messages, files: plan.pre.files, objects: plan.objects, root: plan.root }, ours));
  }
  mergeFindings(report, found, allFiles);
  return { notes, failures, checked };
}

interface Plan {
  config: string;
  root: string;
  pre: PreprocessResult;
  objects: Map<string, Origin>;
}

function configsToCheck(files: readonly string[], o: CheckOptions): Plan[] {
  const table = keywordTable(resolveTarget(o.target));
  const plans: Plan[] = [];
  for (const config of files) {
    const head = confineFor(o.host, config, { root: o.root ?? defaultRoot(config), rootGiven: o.root !== undefined }).readText(config);
    // Scripts are checked through the configs that call them; unreadable files are already reported.
    if (!head.ok || head.text.startsWith('#!')) continue;
    const root = o.root ?? defaultRoot(config);
    const pre = preprocess(config, { host: confineFor(o.host, config, { root, rootGiven: o.root !== undefined }), configId: o.configId ?? null, root });
    if ('error' in pre) continue;
    const objects = new Map<string, Origin>();
    for (const st of buildTree(pre.lines, table).top) {
      const name = st.args[0];
      const kind = st.keyword.text;
      if (!name || !['vrrp_instance', 'vrrp_sync_group', 'vrrp_script'].includes(kind) || objects.has(`${kind} ${name.text}`)) continue;
      const sameFile = name.origin.file === st.keyword.origin.file;
      objects.set(`${kind} ${name.text}`, { file: st.keyword.origin.file, start: st.keyword.origin.start, end: sameFile ? name.origin.end : st.keyword.origin.end });
    }
    plans.push({ config, root, pre, objects });
  }
  const included = new Set(plans.flatMap((p) => [...p.pre.files.keys()].filter((f) => f !== p.config)));
  return plans.filter((p) => !included.has(p.config));
}

function displayName(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
