/**
 * Test-only oracle: runs the real `keepalived -t` (Debian 2.2.7) inside a
 * throw-away network namespace and parses what it prints, plus loaders for the
 * recorded oracle outputs in ../shared (corpus TSVs and reference oracle cases).
 *
 * Safety: keepalived is always started as `unshare -n [-u] sh -c SCRIPT sh ARGS...`
 * with argument arrays (no shell string is ever built from file or interface
 * names); the namespace only has `lo` plus the fake interfaces we create, so a
 * host-name lookup cannot leave the machine. `keepalived -t` only parses the
 * configuration; it never runs the scripts a configuration names.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type OracleClass = 'syntax' | 'semantic' | 'environment' | 'unclassified';

export interface OracleMessage {
  /** Main file: base name of the -f path. Included files: as printed. null: no prefix. */
  file: string | null;
  line: number | null;
  text: string;
  cls: OracleClass;
}

export interface OracleRun {
  exitCode: number;
  raw: string;
  messages: OracleMessage[];
}

export interface RunOptions {
  /** Interfaces that must exist in the namespace (invalid names are skipped). */
  interfaces?: string[];
  /** Working directory; when given, configPath is passed to -f unchanged. */
  cwd?: string;
  /** `-i ID` (config-id used by `@ID` conditional lines). */
  configId?: string;
  /** Host name inside the namespace (default config-id); requires a UTS namespace. */
  hostname?: string;
  timeoutMs?: number;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const CORPUS_DIR = path.join(SHARED_DIR, 'corpus');
export const CORPUS_CONFIGS_DIR = path.join(CORPUS_DIR, 'configs');
export const ORACLE_CASES_DIR = path.join(SHARED_DIR, 'reference', 'keepalived', 'oracle-cases');
/** The directory the corpus TSVs use in place of the real configs directory. */
export const CORPUS_TSV_CONFIGS_DIR = '/srv/corpus/configs';

// ---------------------------------------------------------------------------
// Locating binaries

const SBIN_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function searchPath(): string {
  const parts = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const d of [...SBIN_DIRS, '/usr/local/bin', '/usr/bin', '/bin']) if (!parts.includes(d)) parts.push(d);
  return parts.join(path.delimiter);
}

function findOnPath(bin: string): string | null {
  for (const dir of searchPath().split(path.delimiter)) {
    const candidate = path.join(dir, bin);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

let availableCache: boolean | undefined;

/** keepalived is installed and we may create a network namespace (`unshare -n true`). */
export function keepalivedAvailable(): boolean {
  if (availableCache !== undefined) return availableCache;
  const keepalived = findOnPath('keepalived');
  const unshare = findOnPath('unshare');
  if (!keepalived || !unshare || !findOnPath('ip')) return (availableCache = false);
  const r = spawnSync(unshare, ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 });
  return (availableCache = r.status === 0);
}

// ---------------------------------------------------------------------------
// Running keepalived -t

/**
 * Linux interface names: 1-15 bytes, no '/', ':' or white space (dev_valid_name);
 * we also insist on a leading letter so IP addresses such as 192.168.200.10 are skipped.
 * Only names matching this are ever written into an `ip -batch` script.
 */
const IFNAME_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;

export function isValidInterfaceName(name: string): boolean {
  return IFNAME_RE.test(name) && !name.endsWith('.') && !name.includes('..');
}

interface InterfacePlan {
  names: string[];
  /** `ip -batch` lines: dummy devices, then VLANs on requested base devices. */
  create: string;
  /** `ip -batch` lines bringing every requested device up, with MULTICAST and ARP (ifb has neither). */
  up: string;
}

/**
 * Plan fake interfaces. A dotted name (bond0.13) becomes a VLAN on its base device
 * when that base is itself requested and the kernel can do it; every other name
 * (and every failed VLAN) becomes a dummy device, else an empty bridge (the fallback
 * is done in the namespace script). Unrequested base devices are never created.
 */
export function planInterfaces(requested: readonly string[]): InterfacePlan {
  const names = [...new Set(requested.filter(isValidInterfaceName))];
  const wanted = new Set(names);
  const lines: string[] = [];
  const vlans: string[] = [];
  for (const n of names) {
    const dot = n.lastIndexOf('.');
    const base = n.slice(0, dot);
    const id = n.slice(dot + 1);
    if (dot > 0 && wanted.has(base) && /^\d+$/.test(id) && Number(id) >= 1 && Number(id) <= 4094) {
      vlans.push(`link add link ${base} name ${n} type vlan id ${Number(id)}`);
    } else {
      lines.push(`link add ${n} type dummy`);
    }
  }
  return {
    names,
    create: [...lines, ...vlans].map((l) => l + '\n').join(''),
    up: names.map((n) => `link set dev ${n} multicast on arp on up\n`).join(''),
  };
}

/*
 * Positional args: $1 = host name ('' = keep), $2 = ip batch creating devices,
 * $3 = ip batch bringing them up, $4 = number of interface names, then the names,
 * then keepalived's own argv (starting with the binary path). Names that the first
 * batch did not create (no dummy/8021q support) are added as ifb devices, else as
 * empty bridges. ifb comes first because a namespace full of bridges takes ~0.5 s to
 * tear down, which the next namespace then waits for.
 */
const NS_SCRIPT = `
ip link set dev lo up 2>/dev/null
if [ -n "$1" ]; then
  hostname "$1" 2>/dev/null || printf '%s\\n' "$1" > /proc/sys/kernel/hostname
fi
add_missing() {
  t=$1
  k=$2
  shift 2
  have=" $(ip -o link show 2>/dev/null | sed -n 's/^[0-9]*: \\([^:@]*\\)[:@].*/\\1/p' | tr '\\n' ' ') "
  b=
  while [ "$k" -gt 0 ]; do
    case "$have" in
      *" $1 "*) ;;
      *) b="\${b}link add $1 type $t
" ;;
    esac
    shift
    k=$((k - 1))
  done
  [ -z "$b" ] || printf '%s' "$b" | ip -force -batch - >/dev/null 2>&1
}
up=$3
n=$4
[ -z "$2" ] || printf '%s' "$2" | ip -force -batch - >/dev/null 2>&1
shift 4
if [ "$n" -gt 0 ]; then
  add_missing ifb "$n" "$@"
  add_missing bridge "$n" "$@"
  printf '%s' "$up" | ip -force -batch - >/dev/null 2>&1
fi
while [ "$n" -gt 0 ]; do
  shift
  n=$((n - 1))
done
exec "$@"
`;

/**
 * Run `keepalived -t -f FILE [-i ID]` in a private network namespace.
 * Without opts.cwd, runs in the config's folder with -f set to its base name
 * (keepalived resolves relative includes against -f and echoes -f in messages).
 */
export function runKeepalivedTest(configPath: string, opts: RunOptions = {}): OracleRun {
  const keepalived = findOnPath('keepalived');
  const unshare = findOnPath('unshare');
  if (!keepalived || !unshare) throw new Error('keepalived or unshare not found');

  const cwd = opts.cwd ?? path.dirname(path.resolve(configPath));
  const fArg = opts.cwd !== undefined ? configPath : path.basename(configPath);
  const plan = planInterfaces(opts.interfaces ?? []);
  const kaArgs = [keepalived, '-t', '-f', fArg];
  if (opts.configId !== undefined) kaArgs.push('-i', opts.configId);

  const unshareArgs = opts.hostname !== undefined ? ['-n', '-u'] : ['-n'];
  const argv = [
    ...unshareArgs,
    'sh', '-c', NS_SCRIPT, 'sh',
    opts.hostname ?? '', plan.create, plan.up, String(plan.names.length), ...plan.names,
    ...kaArgs,
  ];
  const r = spawnSync(unshare, argv, {
    cwd,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 30_000,
    killSignal: 'SIGKILL',
    env: { ...process.env, PATH: searchPath(), LC_ALL: 'C' },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) throw new Error(`keepalived -t -f ${fArg}: ${r.error.message}`);
  if (r.status === null) throw new Error(`keepalived -t -f ${fArg}: killed by ${r.signal ?? 'signal'}`);
  const raw = (r.stdout ?? '') + (r.stderr ?? '');
  return { exitCode: r.status, raw, messages: parseKeepalivedOutput(raw, fArg) };
}

// ---------------------------------------------------------------------------
// Parsing keepalived -t output

const PREFIX_RE = /^\((?:(.*?): )?Line (\d+)\) ?(.*)$/;

/**
 * Parse keepalived's config-test output: `(Line N) msg` (main file, parent pass),
 * `(FILE: Line N) msg` or an unprefixed message. Texts are trimmed; messages are
 * de-duplicated on (file, line, text), keeping the first occurrence's order.
 */
export function parseKeepalivedOutput(raw: string, fArg: string): OracleMessage[] {
  const mainFile = path.basename(fArg);
  const seen = new Set<string>();
  const out: OracleMessage[] = [];
  for (const rawLine of raw.split('\n')) {
    const lineText = rawLine.replace(/\r$/, '');
    if (lineText.trim() === '') continue;
    let file: string | null = null;
    let line: number | null = null;
    let text: string;
    const m = PREFIX_RE.exec(lineText);
    if (m) {
      const printed = m[1];
      file = printed === undefined || printed === fArg ? mainFile : printed;
      line = Number(m[2]);
      text = (m[3] ?? '').trim();
    } else {
      text = lineText.trim();
    }
    const key = `${file ?? ''}\u0000${line ?? ''}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, line, text, cls: classifyMessage(text) });
  }
  return out;
}

// ---------------------------------------------------------------------------
// Classification
//
// Derived from the class column of ORACLE_messages.tsv / ORACLE_fakeif_messages.tsv
// (ground truth) and extended with ERRORS.md and the oracle cases. Order matters:
// environment first (host-dependent), then semantic, then syntax.

const ENVIRONMENT: RegExp[] = [
  /^SECURITY VIOLATION\b/,
  /^WARNING - interface \S+ for .* doesn't exist$/,
  /^Non-existent interface specified in configuration$/,
  /\btracked interface \S+ doesn't exist$/,
  /\bcannot use a loopback interface\b/,
  /\bdoes not support multicast, specify unicast peers\b/,
  /^Config files missing /,
  /^No config files matched /,
  /^Some config files missing: /,
  /^Configuration file '.*' (is a directory|is not a regular non-executable file|open problem \(.*\)) - skipping$/,
  /^Error reading config file\(s\)/,
  /^Unable to (read|find) configuration file /,
  /^Failed to open configuration file$/,
  /^chdir\(.*\) error /,
  /^Disabling track script .* since not found\/accessible$/,
  /^Error setting global script uid\/gid$/,
  /^Unable to set default user\b/,
  /\bscript user .* (does not exist|not found)/i,
  /^iptables not supported, using nftables instead\b/,
  /^kernel does not support /,
  /\bnot supported by (the )?kernel\b/,
];

const SEMANTIC: RegExp[] = [
  /\baddress family must match\b/,
  /\bMUST be of the same family\b/,
  /\bboth use VRID \d+/,
  /\btrack script \S+ not found, ignoring\.\.\.$/,
  /\btrack file \S+ not found, ignoring\.\.\.$/,
  /^track_file \S+ not found$/,
  /\bduplicate track_script\b/,
  /\bnopreempt is incompatible with\b/,
  /^Truncating auth_pass to \d+ characters$/,
  /^vrrp instance \S+ already defined$/,
  /^vrrp sync group \S+ already defined$/,
  /\balready (specified|defined)\b/,
  /^Duplicate .* - ignoring$/,
  /\bis duplicated\b/,
  /\bthe virtual router id must be set$/,
  /\) Unknown interface!$/,
  /\bdoes not support authentication\b/,
  /\bState MASTER must match being address owner$/,
  /\bNo VIP specified\b/,
  /\bunicast keyword has been specified without any unicast peers\b/,
  /\bUnicast peers are not supported in strict mode$/,
  /\bUnicast instances must have\b/,
  /\baccept mode for VRRP version 2\b/,
  /^Sync group \S+ has only \d+ virtual router/,
  /\bno forwarding method set\b/,
  /\bno (protocol|scheduler) set\b/,
  /\bports don't match\b/,
  /\bcannot track route .* with no interface specified\b/,
  /^Warning - empty notification_email block$/,
  /\bpromote_secondaries is automatically set for vmacs\b/,
  /\bBFD instance \S+ has no neighbor address set\b/,
  /^No script set for vrrp_script /,
  /\bhas no track_file specified\b/,
  /\badvertisement interval .* (must be an integer|is out of range)\b/,
  /\bis incompatible with\b/,
  /^Sync group \S+ has no virtual router/,
  /\bprotocol specified for fwmark\b/,
  /^Rule has no preference specified\b/,
];

const SYNTAX: RegExp[] = [
  // lexer / block structure (lib/parser.c)
  /^Unknown keyword '/,
  /^Unexpected '.*' - ignoring$/,
  /^Missing '.*' at beginning of configuration block$/,
  /^Extra '}' found$/,
  /^There are \d+ missing '}'s or extra '\{'s$/,
  /^Unterminated quote '/,
  /^Unmatched quote: '/,
  /^String '.*': missing terminating /,
  /^\*\*\* Configuration line starting .* is missing a parameter\b/,
  /^Block \S+ has extra parameters /,
  /~SEQ|~LST/,
  /^line too long - ignoring$/,
  /embedded NULs/,
  /^Definition \S+ requires /,
  /^Unknown include_check type /,
  /^include\S* not supported - treating as includer$/,
  // numbers and bad values
  /number '.*' outside (range \[|integer range|unsigned)/,
  /\binvalid number '/,
  /\bnegative number '/,
  /\bhas too many decimal places$/,
  /\binvalid (nftables|ipvs nftables) /,
  /\bnot valid\b/,
  /\binvalid\b/i,
  /\bmalformed (src|unicast peer) address\b/,
  /^VRRP parsed invalid IP /,
  /^Unknown configuration entry '.*' for ip address/,
  /^unknown route keyword /,
  /^Unknown rule option /,
  /\bunknown state '/,
  /\bunknown \[.*\] routing method\b/,
  /^Unknown .* option /,
  /\bmust be in \[/,
  /\b(name )?missing - ignoring$/,
  /^vrrp_instance must have a name$/,
  /\bmust be (between|greater than|either)\b/,
  /\bCan't parse\b/,
  /\bis not (IPv[46]|multicast)\b/,
  /\btoo long\b/,
  /\brequires (value|interface|at least)\b/,
  // deprecations (keyword-level)
  /\bdeprecated\b/,
  /^Please use /,
];

export function classifyMessage(text: string): OracleClass {
  const t = text.trim();
  for (const re of ENVIRONMENT) if (re.test(t)) return 'environment';
  for (const re of SEMANTIC) if (re.test(t)) return 'semantic';
  for (const re of SYNTAX) if (re.test(t)) return 'syntax';
  return 'unclassified';
}

// ---------------------------------------------------------------------------
// Recorded corpus oracle (../shared/corpus/ORACLE*.tsv)

export type CorpusOracleKind = 'plain' | 'fakeif';

/** One row of ORACLE_messages.tsv / ORACLE_fakeif_messages.tsv, with its recorded class. */
export interface CorpusOracleRow {
  corpusFile: string;
  inFile: string;
  line: number | null;
  cls: string;
  text: string;
}

function readTsv(file: string, hasHeader = true): string[][] {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  return (hasHeader ? lines.slice(1) : lines).map((l) => l.split('\t'));
}

export function corpusMessagesTsv(which: CorpusOracleKind): string {
  return path.join(CORPUS_DIR, which === 'plain' ? 'ORACLE_messages.tsv' : 'ORACLE_fakeif_messages.tsv');
}

function corpusSummaryTsv(which: CorpusOracleKind): string {
  return path.join(CORPUS_DIR, which === 'plain' ? 'ORACLE.tsv' : 'ORACLE_fakeif.tsv');
}

/** Raw rows (columns file, in_file, line, class, message). */
export function loadCorpusOracleRows(which: CorpusOracleKind): CorpusOracleRow[] {
  return readTsv(corpusMessagesTsv(which)).map(([corpusFile = '', inFile = '', line = '', cls = '', text = '']) => ({
    corpusFile,
    inFile,
    line: line === '' ? null : Number(line),
    cls,
    text,
  }));
}

/**
 * Messages keyed by corpus file name (every file of ORACLE[_fakeif].tsv is present,
 * possibly with []). `file` is the corpus file name for main-file lines, the
 * in_file column for included files, null for messages without a line.
 * `cls` is the recorded class from the TSV.
 */
export function loadCorpusOracle(which: CorpusOracleKind): Map<string, OracleMessage[]> {
  const map = new Map<string, OracleMessage[]>();
  for (const [file = ''] of readTsv(corpusSummaryTsv(which))) map.set(file, []);
  for (const row of loadCorpusOracleRows(which)) {
    const list = map.get(row.corpusFile) ?? [];
    list.push({
      file: row.inFile !== '' ? row.inFile : row.line === null ? null : row.corpusFile,
      line: row.line,
      text: row.text,
      cls: row.cls as OracleClass,
    });
    map.set(row.corpusFile, list);
  }
  return map;
}

/** Exit codes recorded in ORACLE.tsv / ORACLE_fakeif.tsv, keyed by corpus file. */
export function loadCorpusExitCodes(which: CorpusOracleKind): Map<string, number> {
  return new Map(readTsv(corpusSummaryTsv(which)).map(([file = '', rc = '']) => [file, Number(rc)]));
}

/** Interfaces that existed when ORACLE_fakeif*.tsv was recorded. */
export function loadFakeifInterfaces(): string[] {
  return readFileSync(path.join(CORPUS_DIR, 'oracle_fakeif_interfaces.txt'), 'utf8')
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Rewrite the real corpus configs directory to /srv/corpus/configs, as in the TSVs. */
export function normaliseCorpusPaths(text: string): string {
  let out = text;
  const dirs = new Set([CORPUS_CONFIGS_DIR]);
  try {
    dirs.add(realpathSync(CORPUS_CONFIGS_DIR));
  } catch {
    /* corpus absent */
  }
  for (const d of dirs) out = out.split(d + '/').join(CORPUS_TSV_CONFIGS_DIR + '/');
  return out;
}

// ---------------------------------------------------------------------------
// Recorded oracle cases (../shared/reference/keepalived/oracle-cases/results)

export interface OracleCaseResult {
  exitCode: number;
  messages: OracleMessage[];
  /** Working directory (absolute) and argv after `keepalived`, as recorded in summary.tsv. */
  cwd: string;
  args: string[];
  /** The -f argument and -i value (if any). */
  configArg: string | null;
  configId: string | null;
}

/** Parse results/summary.tsv + results/<case>.out; messages classified with classifyMessage. */
export function loadOracleCaseResults(): Map<string, OracleCaseResult> {
  const resultsDir = path.join(ORACLE_CASES_DIR, 'results');
  const map = new Map<string, OracleCaseResult>();
  for (const [name = '', rc = '', , command = ''] of readTsv(path.join(resultsDir, 'summary.tsv'), false)) {
    // Either `keepalived ARGS...` or `(cd DIR && keepalived ARGS...)`.
    let cwd = ORACLE_CASES_DIR;
    let cmd = command.trim();
    const sub = /^\(cd (\S+) && (.*)\)$/.exec(cmd);
    if (sub) {
      cwd = path.join(ORACLE_CASES_DIR, sub[1] ?? '');
      cmd = sub[2] ?? '';
    }
    const words = cmd.split(/\s+/);
    if (words[0] !== 'keepalived') throw new Error(`summary.tsv: unexpected command for ${name}: ${command}`);
    const args = words.slice(1);
    const fi = args.indexOf('-f');
    const ii = args.indexOf('-i');
    const configArg = fi >= 0 ? (args[fi + 1] ?? null) : null;
    const configId = ii >= 0 ? (args[ii + 1] ?? null) : null;
    const outFile = path.join(resultsDir, `${name}.out`);
    const raw = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
    map.set(name, {
      exitCode: Number(rc),
      messages: parseKeepalivedOutput(raw, configArg ?? ''),
      cwd,
      args,
      configArg,
      configId,
    });
  }
  return map;
}

/** Top-level oracle case configs (`NN-*.conf` directly in ORACLE_CASES_DIR). */
export function listOracleCaseConfigs(): string[] {
  return readdirSync(ORACLE_CASES_DIR)
    .filter((f) => f.endsWith('.conf'))
    .sort();
}
