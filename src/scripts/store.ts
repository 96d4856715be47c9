/**
 * The script files a config's references name, read once per lint run: what is on disk under the
 * root (missing, not executable, writable by others), the text, and the name analysis for every
 * place a reference passes the name. The shell parser is loaded only when some reference passes
 * the name to a shell script that exists. Example: two instances with
 * `notify /etc/keepalived/route.sh` -> one file read, one parse, one analysis with the name in $2.
 */
import * as path from 'node:path';
import type { SourceFile } from '../preprocess/types.js';
import { LineIndex } from '../source/line-index.js';
import type { FileHost, FileStat } from '../source/host.js';
import type { PathMap } from '../source/paths.js';
import {
  analyzeScript,
  notAnalysed,
  type Callee,
  type Entry,
  type Handoff,
  type NameSource,
  type ScriptAnalysis,
  type ScriptBudget,
} from './analyze.js';
import { loadShellParser, type ShellParser } from './shell.js';

export interface WritableBy {
  /** The file or directory (path on this machine) that others can write. */
  path: string;
  why: string;
}

export interface ScriptFile {
  /** Path on this machine (under the root). */
  path: string;
  /** Path as keepalived sees it on the target host. */
  deployed: string;
  /** How the path was found here: 'the root R stands for "/"', or the paths mapping used. */
  located: string;
  /** The root that placed the path here (no `paths:` mapping, root other than "/"); null otherwise. */
  rootPlacing: string | null;
  stat: FileStat;
  source: SourceFile | null;
  readError: string | null;
  /** The `#!` interpreter, or null without one (keepalived then runs it with /bin/sh). */
  interpreter: string | null;
  /** A shell script we can analyse (sh, bash, dash, ksh, ash, busybox sh, or no `#!`). */
  shell: boolean;
  /** The file or a directory above it that a non-root user can write (keepalived's check). */
  writable: WritableBy[];
  /** Not read or not analysed: a cap of the work budget (too large). */
  budget?: ScriptBudget;
}

/**
 * A script is kilobytes (the largest of the corpus is 3.2 KB, 80 times less); the shell parser
 * keeps a few hundred bytes per byte of script, so a 14 MB one took 4.7 GB, and this size about
 * 80 MB. Larger ones are reported and not read.
 */
export const MAX_SCRIPT_BYTES = 256 * 1024;

/**
 * How many scripts deep a name is followed from the script keepalived runs (notify.sh ->
 * role-change -> ...). Real chains are one or two calls; a chain that loops is stopped anyway.
 */
export const MAX_HANDOFF_DEPTH = 4;
/** Scripts reached from one script through every chain of handoffs (each chain counts). */
export const MAX_CALLEES = 256;

/**
 * What the store reads of a script reference: the command keepalived runs and where the
 * instance/group name reaches it. The model builds these (src/model/scripts.ts ScriptRef); shell
 * analysis knows no keepalived model.
 */
export interface ScriptCall {
  /** argv[0] as keepalived runs it (null for an empty command string). */
  command: { text: string } | null;
  /** Where the instance/group name reaches the script, when keepalived passes it. */
  nameSource: NameSource | null;
  /**
   * Where a `notify` line would pass the name, for a hook that passes none (`notify_master
   * /x.sh`): the script is analysed there too, to tell whether it waits for a name that never comes.
   */
  unpassedName?: NameSource;
}

export interface ScriptStore<R extends ScriptCall = ScriptCall> {
  file(ref: ScriptCall): ScriptFile | null;
  analysis(ref: ScriptCall): ScriptAnalysis | null;
  /**
   * Every reference, of every config-id pass, that runs the same file as `ref`: the callers whose
   * names (passed by keepalived, or written in their line) can reach a dispatch of that script.
   */
  callers(ref: ScriptCall): R[];
  /** The analysis of the script with the name at `ref.unpassedName` (a position that stays empty). */
  unpassedAnalysis(ref: ScriptCall): ScriptAnalysis | null;
}

const SHELLS = /^(sh|bash|dash|ksh|mksh|ash|zsh|busybox)$/;

export async function loadScripts<R extends ScriptCall>(
  refs: R[],
  paths: PathMap,
  host: FileHost,
  files: Map<string, SourceFile>,
): Promise<ScriptStore<R>> {
  const byPath = new Map<string, ScriptFile>();
  const fileOf = (ref: ScriptCall): ScriptFile | null => {
    const p = ref.command ? scriptFile(ref.command.text, paths) : null;
    if (!p) return null;
    let f = byPath.get(p);
    if (!f) {
      f = readScript(p, path.posix.resolve('/', ref.command!.text), paths, host);
      byPath.set(p, f);
      if (f.source && !files.has(p)) files.set(p, f.source);
    }
    return f;
  };
  const key = (p: string, s: NameSource) => `${p}\0${s.kind === 'fifo' ? 'fifo' : s.position}`;
  const wanted = new Map<string, { file: ScriptFile; source: NameSource }>();
  const callersOf = new Map<string, R[]>();
  for (const ref of refs) {
    const f = fileOf(ref);
    if (f) {
      const list = callersOf.get(f.path);
      if (list) list.push(ref);
      else callersOf.set(f.path, [ref]);
    }
    if (!f?.source || !f.shell) continue;
    if (ref.nameSource) wanted.set(key(f.path, ref.nameSource), { file: f, source: ref.nameSource });
    if (ref.unpassedName) wanted.set(key(f.path, ref.unpassedName), { file: f, source: ref.unpassedName });
  }
  const analyses = new Map<string, ScriptAnalysis>();
  if (wanted.size) {
    const parser = await loadShellParser();
    const byFile = new Map<ScriptFile, NameSource[]>();
    for (const w of wanted.values()) {
      const list = byFile.get(w.file);
      if (list) list.push(w.source);
      else byFile.set(w.file, [w.source]);
    }
    for (const [f, sources] of byFile) {
      for (const [s, a] of analyseAll(parser, f.source!.text, sources)) analyses.set(key(f.path, s), a);
    }
    // The programs the scripts hand the name to, read through the same host (confined to the
    // root, same size cap), each (file, position) analysed once however many scripts call it.
    const calleeAnalysis = (f: ScriptFile, position: number, entry: Entry): ScriptAnalysis => {
      const s: NameSource = { kind: 'argv', position };
      const k = `${key(f.path, s)}\0${entry.function ?? ''}\0${entry.quoted ? 'q' : ''}`;
      let a = analyses.get(k);
      if (!a) {
        a = analyseAll(parser, f.source!.text, [s], entry)[0]![1];
        analyses.set(k, a);
      }
      return a;
    };
    const resolve = (from: ScriptFile, h: Handoff): ScriptFile | null => {
      const deployed = path.posix.resolve(
        '/',
        'path' in h.program
          ? h.program.path
          : path.posix.join(path.posix.dirname(from.deployed), h.program.besideScript),
      );
      const f = fileOf({ command: { text: deployed }, nameSource: null });
      // A callee over a cap (too large to read) is kept, to be reported as not analysed.
      return (f?.source && f.shell) || f?.budget ? f : null;
    };
    const analysed = (g: ScriptFile, h: Handoff): ScriptAnalysis =>
      g.budget
        ? notAnalysed(g.budget)
        : calleeAnalysis(g, h.position, { ...(h.function ? { function: h.function } : {}), quoted: h.quoted === true });
    /**
     * A call of a function no sourced file defines is a program in PATH (`logger "$NAME"`), and a
     * file sourced with the script's own parameters that is not ours or never reads the name is no
     * handoff: both are dropped, once per analysis, so the rules see only the real handoffs.
     */
    const pruned = new WeakSet<ScriptAnalysis>();
    const prune = (f: ScriptFile, a: ScriptAnalysis) => {
      if (pruned.has(a)) return;
      pruned.add(a);
      a.handoffs = a.handoffs.filter((h) => {
        if (!h.function && h.sourced !== 'inherited') return true;
        const g = resolve(f, h);
        if (!g) return false;
        const b = analysed(g, h);
        return !b.parsed || (!b.entryMissing && b.nameUsed);
      });
    };
    for (const w of wanted.values()) {
      const top = analyses.get(key(w.file.path, w.source));
      if (top?.handoffs.length) prune(w.file, top);
      if (!top?.handoffs.length || top.callees) continue;
      const callees: Callee[] = [];
      const visit = (f: ScriptFile, a: ScriptAnalysis, calls: Callee['calls'], chain: Set<string>) => {
        if (calls.length >= MAX_HANDOFF_DEPTH) return;
        prune(f, a);
        const seen = new Set<string>();
        for (const h of a.handoffs) {
          const g = resolve(f, h);
          const k = g ? `${key(g.path, { kind: 'argv', position: h.position })}\0${h.function ?? ''}\0${h.quoted}` : '';
          // A script calling itself, or a cycle (a -> b -> a), stops where it closes; the same
          // program called twice the same way is followed once (the first call is shown).
          const same = `${k}\0${JSON.stringify([h.fold ?? null, h.strip ?? null])}`;
          if (!g || chain.has(k) || seen.has(same) || callees.length >= MAX_CALLEES) continue;
          seen.add(same);
          const b = analysed(g, h);
          const through = [...calls, { file: { path: f.path, deployed: f.deployed }, handoff: h }];
          callees.push({ file: { path: g.path, deployed: g.deployed }, analysis: b, calls: through });
          if (b.parsed) visit(g, b, through, new Set([...chain, k]));
        }
      };
      visit(w.file, top, [], new Set([key(w.file.path, w.source)]));
      if (callees.length) top.callees = callees;
    }
  }
  return {
    file: fileOf,
    analysis(ref) {
      const f = fileOf(ref);
      return f && ref.nameSource ? (analyses.get(key(f.path, ref.nameSource)) ?? null) : null;
    },
    unpassedAnalysis(ref) {
      const f = fileOf(ref);
      return f && ref.unpassedName ? (analyses.get(key(f.path, ref.unpassedName)) ?? null) : null;
    },
    callers(ref) {
      const f = fileOf(ref);
      return f ? (callersOf.get(f.path) ?? []) : [];
    },
  };
}

/**
 * The file a command names, on this machine: absolute paths under `root`, relative paths with a
 * `/` from `/` (keepalived runs with `/` as its working directory). A bare name (`killall`) is
 * found in PATH on the target host: not a file we can read, so null; so is a program under a
 * system folder (/usr/bin/killall) in a repository layout (PathMap.systemProgram).
 */
export function scriptFile(command: string, paths: PathMap): string | null {
  if (!command.includes('/') || paths.systemProgram(command)) return null;
  return paths.toLocal(command);
}

/**
 * Every name source of one script. A failure of the parser or of the analysis (a stack overflow on
 * input no cap foresaw) costs this script its analysis, never the config its findings.
 */
function analyseAll(
  parser: ShellParser,
  text: string,
  sources: NameSource[],
  entry: Entry = {},
): [NameSource, ScriptAnalysis][] {
  let tree: ReturnType<ShellParser['parse']> | null = null;
  try {
    tree = parser.parse(text);
    const t = tree;
    return sources.map((s) => [s, analyzeScript(t, s, entry)]);
  } catch (e) {
    const failed = notAnalysed({
      cap: 'script-parser',
      limit: 0,
      reason: `could not be analysed (${e instanceof Error ? e.message : String(e)})`,
      effect: 'check it with shellcheck',
    });
    return sources.map((s) => [s, failed]);
  } finally {
    tree?.delete();
  }
}

function readScript(p: string, deployed: string, paths: PathMap, host: FileHost): ScriptFile {
  const stat = host.stat(p);
  const f: ScriptFile = {
    path: p,
    deployed,
    located: paths.explain(deployed),
    rootPlacing: paths.rootPlacing(deployed),
    stat,
    source: null,
    readError: null,
    interpreter: null,
    shell: false,
    writable: [],
  };
  if (stat.kind !== 'file') return f;
  const r = host.readText(p);
  if (!r.ok) {
    f.readError = r.reason;
    return f;
  }
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(r.text);
  if (shebang) {
    const prog = path.posix.basename(shebang[1]!);
    f.interpreter = prog === 'env' && shebang[2] ? shebang[2] : prog;
  }
  f.shell = f.interpreter === null ? !r.text.includes('\0') : SHELLS.test(f.interpreter);
  // A program (/usr/sbin/ip) is kept as it is, never parsed; a shell script this large is neither.
  if (f.shell && r.text.length > MAX_SCRIPT_BYTES) {
    f.shell = false;
    f.budget = {
      cap: 'script-bytes',
      limit: MAX_SCRIPT_BYTES,
      reason: `is ${r.text.length} bytes, more than ${MAX_SCRIPT_BYTES}`,
      effect: 'a shell script of this size is probably generated or not a script',
    };
    return f;
  }
  f.source = { path: p, text: r.text, index: new LineIndex(r.text), encoding: r.encoding };
  f.writable = paths.onHost ? writableBy(p, stat, host) : [];
  return f;
}

/**
 * keepalived's check_script_secure, for a script that runs as root: the file and every directory
 * above it must be owned by root and writable by root only. Only meaningful on the host itself
 * (root `/`): a git checkout records neither owners nor group bits.
 */
function writableBy(p: string, stat: FileStat, host: FileHost): WritableBy[] {
  const out: WritableBy[] = [];
  const check = (q: string, st: FileStat) => {
    if (st.mode === undefined) return;
    if (st.mode & 0o002) out.push({ path: q, why: 'writable by every user' });
    else if (st.mode & 0o020 && st.gid !== 0) out.push({ path: q, why: `writable by group ${st.gid}` });
    else if (st.uid !== undefined && st.uid !== 0) out.push({ path: q, why: `owned by uid ${st.uid}, not root` });
  };
  check(p, stat);
  for (let d = path.dirname(p); ; d = path.dirname(d)) {
    const st = host.stat(d);
    // keepalived accepts a sticky directory (/tmp, mode 1777): others cannot replace its files.
    if (st.kind === 'directory' && !(st.mode !== undefined && st.mode & 0o1000)) check(d, st);
    if (d === path.dirname(d)) break;
  }
  return out;
}
