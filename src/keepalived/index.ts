/**
 * `--with-keepalived [PATH]`: after our lint, run the installed keepalived's config test on each
 * linted config and merge what it says into the report as findings of the pseudo-rule
 * `keepalived`. Example: `keepalived-lint --with-keepalived etc/keepalived/keepalived.conf` runs
 *   unshare -m -n -p -f ... sh -c SANDBOX ... setpriv --reuid=65534 ... keepalived -t -f keepalived.conf
 * (in etc/keepalived/, the repository read-only) and adds "keepalived -t: Unknown keyword 'priorty'
 * (also found by unknown-keyword)" at line 9. A config with a keyword that acts under -t
 * (config_save_dir) is not run at all; what keepalived says about files outside the repository
 * (an include of /etc/shadow) is counted, never quoted.
 * The configs are those our lint reads as configs: not scripts (#!), not files another linted
 * config includes (keepalived reads those through the config that includes them).
 */
import * as path from 'node:path';
import { isLoadedConfig, loadConfig, MAX_CONFIG_IDS, type LoadResult } from '../load/index.js';
import type { Diagnostic, LintReport } from '../engine/types.js';
import type { Origin, PreprocessResult, SourceFile } from '../load/index.js';
import type { FileHost } from '../source/host.js';
import { keepalivedFindings, mergeFindings } from './merge.js';
import {
  checkVersion,
  configTest,
  probeSandbox,
  resolveBinary,
  type Env,
  type ProbeOptions,
  type Sandbox,
} from './run.js';
import { SIDE_EFFECT_KEYWORDS, sideEffects, type SideEffect } from './side-effects.js';

export { KEEPALIVED_RULE } from './merge.js';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** keepalived's verdicts on script security, which depend on the user keepalived runs as. */
const SANDBOX_USER_VERDICT =
  /due to insecure|SECURITY VIOLATION|insecure script|is not executable by|cannot access script/i;

export interface KeepalivedSetup {
  /** The binary --with-keepalived names; null: `keepalived` from PATH. */
  binary: string | null;
  cwd: string;
  env: Env;
  timeoutMs?: number;
  platform?: string;
  /** --unsafe-keepalived-sandbox: run keepalived even where the sandbox cannot be built. */
  unsafeSandbox?: boolean;
  /** Finds out how keepalived can run (default probeSandbox; tests pass their own). */
  probe?: (o: ProbeOptions) => Promise<Sandbox>;
}

/** A keepalived that can run config tests, and how it runs. */
export interface PreparedKeepalived {
  binary: string;
  version: string;
  sandbox: Sandbox;
  timeoutMs: number;
  /** For stderr: what the operator must know about how keepalived runs. */
  notes: string[];
}

/**
 * Finds keepalived, builds the sandbox (once per run), checks keepalived has -t. Problems come back
 * as { error } (exit code 2): no sandbox is one, unless --unsafe-keepalived-sandbox.
 */
export async function prepareKeepalived(o: KeepalivedSetup): Promise<PreparedKeepalived | { error: string }> {
  const binary = resolveBinary(o.binary, o.cwd, o.env);
  if ('error' in binary) return binary;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const unsafe = o.unsafeSandbox === true;
  const sandbox = await (o.probe ?? probeSandbox)({
    env: o.env,
    unsafe,
    ...(o.platform !== undefined ? { platform: o.platform } : {}),
  });
  const notes: string[] = [];
  if (sandbox.kind !== 'sandbox') {
    const why = sandbox.missing ?? 'no sandbox';
    if (!unsafe) {
      return {
        error:
          `Cannot run keepalived -t safely: ${why}. A config under ` +
          `review can make keepalived act on this machine (config_save_dir ` +
          `runs a shell). Allow unshare and setpriv (util-linux, ` +
          `user namespaces), or accept the risk with --unsafe-keepalived-sandbox`,
      };
    }
    const netns =
      sandbox.kind === 'netns' ? 'in a private network namespace only' : 'not even in a private network namespace';
    notes.push(
      `--unsafe-keepalived-sandbox: keepalived -t runs outside ` +
        `the sandbox (${why}), ${netns}: ` +
        `with your privileges, it can read and write what you ` +
        `can, and sees this machine's interfaces and network.`,
    );
  }
  const version = await checkVersion(binary.path, sandbox, timeoutMs);
  if ('error' in version) return version;
  return { binary: binary.path, version: version.version, sandbox, timeoutMs, notes };
}

export interface CheckOptions {
  cwd: string;
  host: FileHost;
  target: string;
  root?: string;
  configId?: string;
  /** Configs that exist only in memory (standard input): keepalived cannot read them. */
  inMemory?: ReadonlySet<string>;
  /** How a config is read (the run's loader, with each file's resolved options); default: loadConfig with target, root
   * and configId. */
  load?: (file: string) => Promise<LoadResult>;
  /** Before each keepalived run (progress); n counts from 1. */
  onConfig?: (file: string, n: number, total: number) => void;
}

export interface CheckFailure {
  file: string;
  /** Where the problem is (1-based); absent: the config's 1:1. */
  line?: number;
  column?: number;
  message: string;
}

export interface CheckOutcome {
  /** For stderr. */
  notes: string[];
  /** Configs keepalived could not check (a timeout, a failed start) or that we refused to run: exit code 2. */
  failures: CheckFailure[];
  /** The configs keepalived checked. */
  checked: string[];
}

/** Runs `keepalived -t` on each config among `files` and merges its messages into the report. */
export async function checkWithKeepalived(
  report: LintReport,
  files: readonly string[],
  ka: PreparedKeepalived,
  o: CheckOptions,
): Promise<CheckOutcome> {
  const plans = await configsToCheck(files, o);
  const notes: string[] = [];
  const failures: CheckOutcome['failures'] = [];
  const checked: string[] = [];
  const roots = [
    ...new Set(
      plans.filter((p) => p.root !== '/' && !o.inMemory?.has(p.config)).map((p) => displayName(p.root, o.cwd)),
    ),
  ];
  if (roots.length) {
    notes.push(
      `keepalived reads the absolute paths a config names ` +
        `(scripts, includes) on this machine, not under ${roots.join(', ')}: ` +
        `what it says about them is about this machine's files`,
    );
  }
  const ours: Diagnostic[] = report.results.flatMap((r) => r.diagnostics);
  const found: Diagnostic[] = [];
  const allFiles = new Map<string, SourceFile>();
  for (const [i, plan] of plans.entries()) {
    if (o.inMemory?.has(plan.config)) {
      notes.push(
        `keepalived -t reads files only: ${displayName(plan.config, o.cwd)} ` +
          `(standard input) is not checked by keepalived`,
      );
      continue;
    }
    if (plan.sideEffects.length || plan.unchecked.length) {
      failures.push(...plan.sideEffects.map((e) => refusal(e, plan)), ...plan.unchecked);
      continue;
    }
    o.onConfig?.(plan.config, i + 1, plans.length);
    const run = await configTest(ka.binary, plan.config, {
      sandbox: ka.sandbox,
      tree: plan.tree,
      timeoutMs: ka.timeoutMs,
      ...(o.configId !== undefined ? { configId: o.configId } : {}),
    });
    if (run.timedOut) {
      failures.push({
        file: plan.config,
        message: `keepalived -t did not finish within ${ka.timeoutMs / 1000} s and was killed`,
      });
      continue;
    }
    if (run.error !== undefined || run.exitCode === null) {
      failures.push({
        file: plan.config,
        message: `keepalived -t could not be run: ${run.error ?? 'killed by a signal'}`,
      });
      continue;
    }
    checked.push(plan.config);
    for (const [f, sf] of plan.pre.files) allFiles.set(f, sf);
    let messages = run.messages;
    let exitCode = run.exitCode;
    if (run.notRoot) {
      // Without root, keepalived judges the scripts' security for uid 65534, not for the root
      // keepalived of the router: those verdicts are about the sandbox, not the config.
      const kept = messages.filter((m) => !SANDBOX_USER_VERDICT.test(m.text));
      const left = messages.length - kept.length;
      if (left) {
        notes.push(
          `keepalived -t ran as uid 65534 for ${displayName(plan.config, o.cwd)} ` +
            `(nobody cannot enter its folder, so the sandbox has ` +
            `no user namespace): ${left} message${left === 1 ? '' : 's'} ` +
            `about script security left out, they judge that user, ` +
            `not the config`,
        );
        if (!kept.length) exitCode = 0;
      }
      messages = kept;
    }
    found.push(
      ...keepalivedFindings(
        {
          config: plan.config,
          exitCode,
          messages,
          files: plan.pre.files,
          objects: plan.objects,
          root: plan.root,
          tree: plan.tree,
          host: o.host,
        },
        ours,
      ),
    );
  }
  mergeFindings(report, found, allFiles);
  return { notes, failures, checked };
}

interface Plan {
  config: string;
  root: string;
  /** The config's repository (or root, or folder): read-only in the sandbox; keepalived's messages about files outside
   * it are not shown. */
  tree: string;
  pre: PreprocessResult;
  objects: Map<string, Origin>;
  /** Keywords that act under -t, in any pass keepalived could take (each @id, and none). */
  sideEffects: SideEffect[];
  /**
   * Why keepalived must not run although no pass showed a side-effect keyword: an include that
   * resolves outside the tree (keepalived would read it), a work-budget cap (what our lint did not
   * read could hold config_save_dir), a side-effect keyword in the raw text of a file we read.
   */
  unchecked: CheckFailure[];
}

/** A side-effect keyword as a word outside a comment, in the text of a file (whatever a pass made of it). */
const RAW_SIDE_EFFECT = new RegExp(
  `(?<![A-Za-z0-9_])(${Object.keys(SIDE_EFFECT_KEYWORDS).join('|')})(?![A-Za-z0-9_])`,
  'g',
);

/**
 * Where a side-effect keyword appears in the raw text, outside comments: a comment starts at `#`
 * or `!` at the start of a line or after a blank, outside double quotes (the narrowest reading, so
 * that no text keepalived could take as a keyword is skipped). Example:
 *   'global_defs { ~SEQ(...) }\nconfig_save_dir "/tmp/x;id"' -> [{ keyword: 'config_save_dir', start: 26 }]
 */
export function rawSideEffects(text: string): { keyword: string; start: number }[] {
  const out: { keyword: string; start: number }[] = [];
  let lineStart = 0;
  for (const line of text.split('\n')) {
    let end = line.length;
    let quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!;
      if (c === '"') quoted = !quoted;
      else if (!quoted && (c === '#' || c === '!') && (i === 0 || /\s/.test(line[i - 1]!))) {
        end = i;
        break;
      }
    }
    for (const m of line.slice(0, end).matchAll(RAW_SIDE_EFFECT))
      out.push({ keyword: m[1]!, start: lineStart + m.index });
    lineStart += line.length + 1;
  }
  return out;
}

/** The refusals for what our lint could not check (Plan.unchecked), at file:line:col, once per place. */
function uncheckedParts(
  config: string,
  passes: readonly PreprocessResult[],
  files: ReadonlyMap<string, SourceFile>,
  capped: boolean,
  anySideEffect: boolean,
): CheckFailure[] {
  const name = path.basename(config);
  const out: CheckFailure[] = [];
  const seen = new Set<string>();
  const at = (o: Origin, message: string): void => {
    const key = `${o.file}\0${o.start}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    const pos = files.get(o.file)?.index.position(o.start);
    out.push({ file: o.file, ...(pos ? { line: pos.line, column: pos.column } : {}), message });
  };
  for (const pre of passes) {
    for (const p of pre.problems) {
      if (p.code === 'include-outside') {
        at(
          p.origin,
          `Refused to run keepalived -t on ${name}: the include ` +
            `"${String(p.data.pattern ?? '')}" resolves outside ` +
            `the tree (${String(p.data.why ?? 'outside the root')}); ` +
            `keepalived would read files outside the tree, which ` +
            `this lint did not check and must not quote`,
        );
      } else if (p.code === 'budget-exceeded') {
        at(
          p.origin,
          `Refused to run keepalived -t on ${name}: this lint ` +
            `stopped at its work budget (${String(p.data.cap)}); ` +
            `what it could not check could hold config_save_dir, ` +
            `which makes keepalived -t run a shell command`,
        );
      }
    }
  }
  if (capped) {
    at(
      { file: config, start: 0, end: 0 },
      `Refused to run keepalived -t on ${name}: it names more ` +
        `than ${MAX_CONFIG_IDS} @ids and this lint read only ` +
        `that many; what it could not check could hold config_save_dir, ` +
        `which makes keepalived -t run a shell command`,
    );
  }
  if (!anySideEffect) {
    for (const [file, sf] of files) {
      for (const hit of rawSideEffects(sf.text)) {
        at(
          { file, start: hit.start, end: hit.start },
          `Refused to run keepalived -t on ${name}: the text has ` +
            `the word ${hit.keyword}, which has side effects under ` +
            `-t: ${SIDE_EFFECT_KEYWORDS[hit.keyword]}. Remove it ` +
            `to check this config with keepalived`,
        );
      }
    }
  }
  return out;
}

function refusal(e: SideEffect, plan: Plan): CheckFailure {
  const pos = plan.pre.files.get(e.origin.file)?.index.position(e.origin.start);
  const value = e.value.length > 60 ? `${e.value.slice(0, 57)}...` : e.value;
  return {
    file: e.origin.file,
    ...(pos ? { line: pos.line, column: pos.column } : {}),
    message:
      `Refused to run keepalived -t on ${path.basename(plan.config)}: ` +
      `${e.keyword} "${value}" has side effects: ${e.why}. ` +
      `Remove it to check this config with keepalived`,
  };
}

/** The nearest folder above the config with a .git, else the config's folder; widened to hold the root. */
export function treeOf(config: string, root: string, host: FileHost): string {
  let tree = path.dirname(config);
  for (let d = tree; ; d = path.dirname(d)) {
    if (host.stat(path.join(d, '.git')).kind !== 'missing') {
      tree = d;
      break;
    }
    if (d === path.dirname(d)) break;
  }
  if (root === '/') return tree;
  while (tree !== path.dirname(tree) && path.relative(tree, root).startsWith('..')) tree = path.dirname(tree);
  return tree;
}

async function configsToCheck(files: readonly string[], o: CheckOptions): Promise<Plan[]> {
  const plans: Plan[] = [];
  const load =
    o.load ??
    ((file: string) =>
      loadConfig(
        file,
        {
          target: o.target,
          ...(o.root !== undefined ? { root: o.root } : {}),
          ...(o.configId !== undefined ? { configId: o.configId } : {}),
        },
        o.host,
      ));
  for (const config of files) {
    // Scripts are checked through the configs that call them; unreadable files are already reported.
    const loaded = await load(config);
    if (!isLoadedConfig(loaded)) continue;
    // Every pass keepalived could take: each @id, and none (keepalived without -i takes the host name as its id).
    const passes = loaded.passes.map((p) => p.pre);
    const [first, ...rest] = loaded.passes;
    const pre: PreprocessResult = { ...first!.pre, files: loaded.files };
    const objects = new Map<string, Origin>();
    const top = first!.tree.top;
    const others = rest.map((p) => p.tree.top);
    for (const st of top) {
      const name = st.args[0];
      const kind = st.keyword.text;
      if (
        !name ||
        !['vrrp_instance', 'vrrp_sync_group', 'vrrp_script'].includes(kind) ||
        objects.has(`${kind} ${name.text}`)
      )
        continue;
      const sameFile = name.origin.file === st.keyword.origin.file;
      objects.set(`${kind} ${name.text}`, {
        file: st.keyword.origin.file,
        start: st.keyword.origin.start,
        end: sameFile ? name.origin.end : st.keyword.origin.end,
      });
    }
    const effects = sideEffects([top, ...others]);
    const configFiles = new Map([...loaded.files].filter(([f]) => !loaded.scriptFiles.has(f)));
    const unchecked = uncheckedParts(config, passes, configFiles, loaded.capped !== null, effects.length > 0);
    plans.push({
      config,
      root: loaded.root,
      tree: treeOf(config, loaded.root, o.host),
      pre,
      objects,
      sideEffects: effects,
      unchecked,
    });
  }
  const included = new Set(plans.flatMap((p) => [...p.pre.files.keys()].filter((f) => f !== p.config)));
  return plans.filter((p) => !included.has(p.config));
}

function displayName(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') ? rel : file;
}
