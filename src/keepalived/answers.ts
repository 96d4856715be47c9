/**
 * Which of our rules answer which `keepalived -t` message: a finding of ours "also finds" what
 * keepalived says when it stands where keepalived points (same file and line; for a message
 * without a line, the instance it names or the file) and comes from a rule that answers the
 * message. Example: "(k.conf: Line 9) Unknown keyword 'priorty'" is answered by unknown-keyword
 * or syntax-error on k.conf line 9, not by a deprecated-keyword finding on that line.
 * Shared by the differential tests and `keepalived-lint --with-keepalived`.
 */
import type { KeepalivedMessage } from './messages.js';

/** Rules that judge one line; the others judge objects (instances, groups) and may answer a message without a line that
 * names one. */
export const LINE_RULES: ReadonlySet<string> = new Set([
  'syntax-error',
  'unknown-keyword',
  'invalid-value',
  'deprecated-keyword',
  'include-not-found',
  'include-loop',
]);

/** The rules that may answer a syntax message: a finding of another rule does not count. */
const MESSAGE_RULES: [RegExp, string[]][] = [
  [/~SEQ|~LST/, ['syntax-error']],
  [/deprecated|Please use/i, ['deprecated-keyword']],
  [/quote/i, ['syntax-error', 'invalid-value']],
  [/Unknown keyword|Unexpected '\{'|Extra '\}'|Missing '\{'/, ['unknown-keyword', 'syntax-error']],
  [
    new RegExp(
      [
        /missing a parameter|outside range|invalid number|not valid|[Ii]nvalid|malformed/.source,
        /unknown route keyword|Unknown rule option|Unknown configuration entry|extra parameters/.source,
        /unknown state|unknown .* type|routing method|missing - ignoring|must be/.source,
      ].join('|'),
    ),
    ['invalid-value'],
  ],
];

/** The same for semantic messages; one not listed may be matched by any finding on its line. */
const SEMANTIC_RULES: [RegExp, string[]][] = [
  [/address family must match|MUST be of the same family/, ['mixed-address-family']],
  [/both use VRID|is duplicated/, ['duplicate-vrid']],
  [/already defined|^Duplicate /, ['duplicate-name']],
  // A repeated single-valued keyword: only the rule that says so answers it, not another finding on
  // its line (a script-not-found of the ignored script).
  [
    new RegExp(
      [
        /(script|notify_deleted|notify_fifo|notify_fifo_script) already specified( - ignoring|$)/.source,
        /lvs_sync_daemon\S* has already/.source,
      ].join('|'),
    ),
    ['duplicate-keyword'],
  ],
  [/Truncating auth_pass/, ['auth-pass-truncated']],
  [/cannot track route .* with no interface specified/, ['route-without-interface']],
  [/empty notification_email block/, ['invalid-value']],
  [
    new RegExp(
      [
        /has no neighbor address set|No VIP specified|virtual router id must be set/.source,
        /Unknown interface!|Unicast instances must have|No script path has been specified for MISC/.source,
      ].join('|'),
    ),
    ['missing-required'],
  ],
  [/nopreempt is incompatible/, ['nopreempt-master']],
  [/does not support authentication/, ['vrrp3-authentication', 'strict-mode-conflict']],
  [/advertisement interval/, ['advert-int-version']],
  [/unicast keyword has been specified without any unicast peers/, ['unicast-without-peers']],
  [
    new RegExp(
      [
        /due to (address_owner|address owner|SYNC group)|since own interface$/.source,
        /Initial state master is incompatible with AH|has only 1 virtual router/.source,
        /protocol specified for fwmark|ports don't match - resetting$/.source,
      ].join('|'),
    ),
    ['ignored-setting'],
  ],
];

/** Messages about the machine that runs -t; the script ones are ours too, the others (interfaces, kernel) no rule
 * checks. */
const ENVIRONMENT_RULES: [RegExp, string[]][] = [
  [/^SECURITY VIOLATION - /, ['script-security-disabled', 'script-insecure']],
  [/^Disabling track script \S+ since not found\/accessible$/, ['script-not-found']],
  [/^Disabling track script \S+ due to insecure$/, ['script-insecure']],
];

export function rulesFor(text: string): string[] | null {
  return MESSAGE_RULES.find(([re]) => re.test(text))?.[1] ?? null;
}

export function semanticRulesFor(text: string): string[] | null {
  return SEMANTIC_RULES.find(([re]) => re.test(text))?.[1] ?? null;
}

/** The rules that answer a message; null: any rule on its line does. */
export function rulesAnswering(m: KeepalivedMessage): string[] | null {
  switch (m.cls) {
    case 'syntax':
      return rulesFor(m.text);
    case 'semantic':
      return semanticRulesFor(m.text);
    case 'environment':
      return ENVIRONMENT_RULES.find(([re]) => re.test(m.text))?.[1] ?? [];
    default:
      return null;
  }
}

/** Instance names a message without a line names: "(VI_1) ...", "VI_1 and VI_2 both use VRID ...", "Disabling track
 * script chk ...". */
export function namesIn(text: string): string[] {
  const paren = /^\(([^)\s]+)\)/.exec(text);
  const both = /^(\S+) and (\S+) both use VRID/.exec(text);
  return paren ? [paren[1]!] : both ? [both[1]!, both[2]!] : [];
}

/** The vrrp_script a "Disabling track script X ..." message names. */
export function trackScriptIn(text: string): string | null {
  return /^Disabling track script (\S+) /.exec(text)?.[1] ?? null;
}

/** `name` appears in `message` as a whole word (quoted, in parentheses or bare). */
export function mentions(message: string, name: string): boolean {
  return new RegExp(`(^|[\\s"'(])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s"',.:)]|$)`).test(message);
}

/** A finding as far as matching needs it: its file (as the caller names files), line, rule and text. */
export interface FindingRef {
  file: string;
  line: number;
  ruleId: string;
  message: string;
}

/**
 * Our findings that also find what keepalived says. `file` is the message's file in the caller's
 * naming (null: a message without a prefix), `mainFile` the config keepalived was run on.
 */
export function findingsAnswering<F extends FindingRef>(
  m: KeepalivedMessage,
  file: string | null,
  mainFile: string,
  ours: readonly F[],
): F[] {
  const rules = rulesAnswering(m);
  const byRule = (d: F) => !rules || rules.includes(d.ruleId);
  if (m.line !== null) return ours.filter((d) => d.file === (file ?? mainFile) && d.line === m.line && byRule(d));
  if (/missing '\}'s/.test(m.text)) return ours.filter((d) => d.file === mainFile && d.ruleId === 'syntax-error');
  if (/^SECURITY VIOLATION - /.test(m.text)) {
    const said = m.text.replace(/ There are insecure scripts\.$/, '');
    return ours.filter(
      (d) =>
        byRule(d) &&
        (d.message.includes(said) || (d.ruleId === 'script-insecure' && / There are insecure scripts\.$/.test(m.text))),
    );
  }
  const script = trackScriptIn(m.text);
  if (script !== null) return ours.filter((d) => byRule(d) && d.message.includes(`(vrrp_script ${script})`));
  // A finding that quotes the message word for word answers it (virtual servers have no name to match).
  const quoting = ours.filter((d) => !LINE_RULES.has(d.ruleId) && byRule(d) && d.message.includes(m.text));
  if (quoting.length) return quoting;
  const names = namesIn(m.text);
  if (!names.length) return [];
  return ours.filter((d) => !LINE_RULES.has(d.ruleId) && byRule(d) && names.some((n) => mentions(d.message, n)));
}
