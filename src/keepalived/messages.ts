/**
 * What `keepalived -t` prints, as data: one message per line on stderr, `(Line N) text` for the
 * main file's lines in the parent pass, `(FILE: Line N) text` for included files and for the other
 * passes, and no prefix for checks after parsing. keepalived parses the config in four passes
 * (parent, checker, VRRP, BFD), so a message can appear up to four times: they are de-duplicated
 * on (file, line, text). Example:
 *   "(keepalived.conf: Line 9) Unknown keyword 'priorty'"
 *     -> { file: 'keepalived.conf', line: 9, text: "Unknown keyword 'priorty'", cls: 'syntax' }
 * Shared by `--with-keepalived` and the differential tests (../shared/reference/keepalived/ERRORS.md).
 */
import * as path from 'node:path';

export type MessageClass = 'syntax' | 'semantic' | 'environment' | 'unclassified';

export interface KeepalivedMessage {
  /** Main file: base name of the -f path. Included files: as printed. null: no prefix. */
  file: string | null;
  line: number | null;
  text: string;
  cls: MessageClass;
  /**
   * With { asPrinted: true } (--with-keepalived): the file name exactly as keepalived printed it.
   * Absent on a `(Line N)` message (the main file, parent pass). keepalived prints an included
   * file's name as the include line wrote it, relative to the including file's folder, so a printed
   * name equal to the main file's base name may be another file (sub/keepalived.conf included from
   * sub/a.conf as `include keepalived.conf`): only src/keepalived/merge.ts may say which file it is.
   */
  printed?: string;
}

const PREFIX_RE = /^\((?:(.*?): )?Line (\d+)\) ?(.*)$/;

/**
 * Parse keepalived's config-test output: `(Line N) msg` (main file, parent pass),
 * `(FILE: Line N) msg` or an unprefixed message. Texts are trimmed; messages are
 * de-duplicated on (file, line, text), keeping the first occurrence's order.
 */
export function parseKeepalivedOutput(raw: string, fArg: string, o: { asPrinted?: boolean } = {}): KeepalivedMessage[] {
  const mainFile = path.basename(fArg);
  const seen = new Set<string>();
  const out: KeepalivedMessage[] = [];
  for (const rawLine of raw.split('\n')) {
    const lineText = rawLine.replace(/\r$/, '');
    if (lineText.trim() === '') continue;
    let file: string | null = null;
    let line: number | null = null;
    let text: string;
    let shown: string | undefined;
    const m = PREFIX_RE.exec(lineText);
    if (m) {
      const printed = m[1];
      // The differential harness runs -f with a path and reads keepalived's own output: a printed
      // -f path is the main file there. --with-keepalived keeps every printed name as printed.
      file = printed === undefined || (!o.asPrinted && printed === fArg) ? mainFile : printed;
      line = Number(m[2]);
      text = (m[3] ?? '').trim();
      if (o.asPrinted && printed !== undefined) shown = printed;
    } else {
      text = lineText.trim();
    }
    const key = `${shown === undefined ? '' : 'printed:'}${file ?? ''}\u0000${line ?? ''}\u0000${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file, line, text, cls: classifyMessage(text), ...(shown !== undefined ? { printed: shown } : {}) });
  }
  return out;
}

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
  /\balready (been )?(specified|defined)\b/,
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
  /^No script path has been specified for MISC_CHECKER\b/,
  /\bhas no track_file specified\b/,
  /\badvertisement interval .* (must be an integer|is out of range)\b/,
  /\bis incompatible with\b/,
  /^Sync group \S+ has no virtual router/,
  /\bprotocol specified for fwmark\b/,
  /^Rule has no preference specified\b/,
  /\bignoring (tracked script \S+ with weights|\S+ tracked interface (weight )?|(weight from )?tracked file \S+ )/,
  /\bIgnoring track_interface \S+ since own interface$/,
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

export function classifyMessage(text: string): MessageClass {
  const t = text.trim();
  for (const re of ENVIRONMENT) if (re.test(t)) return 'environment';
  for (const re of SEMANTIC) if (re.test(t)) return 'semantic';
  for (const re of SYNTAX) if (re.test(t)) return 'syntax';
  return 'unclassified';
}
