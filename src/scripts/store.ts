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
import { scriptFile, type ScriptRef } from '../model/scripts.js';
import type { PathMap } from '../source/paths.js';
import { analyzeScript, type NameSource, type ScriptAnalysis } from './analyze.js';
import { loadShellParser } from './shell.js';

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
  stat: FileStat;
  source: SourceFile | null;
  readError: string | null;
  /** The `#!` interpreter, or null without one (keepalived then runs it with /bin/sh). */
  interpreter: string | null;
  /** A shell script we can analyse (sh, bash, dash, ksh, ash, busybox sh, or no `#!`). */
  shell: boolean;
  /** The file or a directory above it that a non-root user can write (keepalived's check). */
  writable: WritableBy[];
}

export interface ScriptStore {
  file(ref: ScriptRef): ScriptFile | null;
  analysis(ref: ScriptRef): ScriptAnalysis | null;
}

const SHELLS = /^(sh|bash|dash|ksh|mksh|ash|zsh|busybox)$/;

export async function loadScripts(refs: ScriptRef[], paths: PathMap, host: FileHost, files: Map<string, SourceFile>): Promise<ScriptStore> {
  const byPath = new Map<string, ScriptFile>();
  const fileOf = (ref: ScriptRef): ScriptFile | null => {
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
  for (const ref of refs) {
    const f = fileOf(ref);
    if (f?.source && f.shell && ref.nameSource) wanted.set(key(f.path, ref.nameSource), { file: f, source: ref.nameSource });
  }
  const analyses = new Map<string, ScriptAnalysis>();
  if (wanted.size) {
    const parser = await loadShellParser();
    const byFile = new Map<ScriptFile, NameSource[]>();
    for (const w of wanted.values()) byFile.set(w.file, [...(byFile.get(w.file) ?? []), w.source]);
    for (const [f, sources] of byFile) {
      const tree = parser.parse(f.source!.text);
      try {
        for (const s of sources) analyses.set(key(f.path, s), analyzeScript(tree, s));
      } finally {
        tree.delete();
      }
    }
  }
  return {
    file: fileOf,
    analysis(ref) {
      const f = fileOf(ref);
      return f && ref.nameSource ? (analyses.get(key(f.path, ref.nameSource)) ?? null) : null;
    },
  };
}

function readScript(p: string, deployed: string, paths: PathMap, host: FileHost): ScriptFile {
  const stat = host.stat(p);
  const f: ScriptFile = { path: p, deployed, located: paths.explain(deployed), stat, source: null, readError: null, interpreter: null, shell: false, writable: [] };
  if (stat.kind !== 'file') return f;
  const r = host.readText(p);
  if (!r.ok) {
    f.readError = r.reason;
    return f;
  }
  f.source = { path: p, text: r.text, index: new LineIndex(r.text), encoding: r.encoding };
  const shebang = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(r.text);
  if (shebang) {
    const prog = path.posix.basename(shebang[1]!);
    f.interpreter = prog === 'env' && shebang[2] ? shebang[2] : prog;
  }
  f.shell = f.interpreter === null ? !r.text.includes('\0') : SHELLS.test(f.interpreter);
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
