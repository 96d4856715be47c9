/**
 * Which of our rules answer which `keepalived -t` message: a finding of ours "also finds" what
 * keepalived says when it stands where keepalived points (same file and line; for a message
 * without a line, the instance it names or the file) and comes from a rule that answers the
 * message. Example: "(k.conf: Line 9) Unknown keyword 'priorty'" is answered by unknown-keyword
 * or syntax-error on k.conf line 9, not by a deprecated-keyword finding on that line.
 * Shared by the differential tests and `keepalived-lint --with-keepalived`.
 */

/** Rules that judge one line; the others judge objects (instances, groups) and may answer a message without a line that names one. */
export const LINE_RULES: ReadonlySet<string> = new Set(['syntax-error', 'unknown-keyword', 'invalid-value', 'deprecated-keyword', 'include-not-found', 'include-loop']);

/** The rules that may answer a syntax message: a finding of another rule does not count. */
const MESSAGE_RULES: [RegExp, string[]][] = [
  [/~SEQ|~LST/, ['syntax-error']],
  [/deprecated|Please use/i, ['deprecated-keyword']],
  [/quote/i, ['syntax-error', 'invalid-value']],
  [/Unknown keyword|Unexpected '\{'|Extra '\}'|Missing '\{'/, ['unknown-keyword', 'syntax-error']],
  [/missing a parameter|outside range|invalid number|not valid|[Ii]nvalid|malformed|unknown route keyword|Unknown rule option|Unknown configuration entry|extra parameters|unknown state|unknown .* type|routing method|missing - ignoring|must be/, ['invalid-value']],
];

/** The same for semantic messages; one not listed may be matched by any finding on its line. */
const SEMANTIC_RULES: [RegExp, string[]][] = [
  [/address family must match|MUST be of the same family/, ['mixed-address-family']],
  [/both use VRID|is duplicated/, ['duplicate-vrid']],
  [/already defined|^Duplicate /, ['duplicate-name']],
  [/Truncating auth_pass/, ['auth-pass-truncated']],
  [/cannot track route .* with no interface specified/, ['route-without-interface']],
  [/empty notification_email block/, ['invalid-value']],
  [/has no neighbor address set|No VIP specified|virtual router id must be set|Unknown interface!|Unicast instances must have/, ['missing-required']],
  [/nopreempt is incompatible/, ['nopreempt-master']],
  [/does not support authentication/, ['vrrp3-authentication', 'strict-mode-conflict']],
  [/advertisement interval/, ['advert-int-version']],
  [/unicast keyword has been specified without any unicast peers/, ['unicast-without-peers']],
];

export function rulesFor(text: string): string[] | null {
  return MESSAGE_RULES.find(([re]) => re.test(text))?.[1] ?? null;
}

export function semanticRulesFor(text: string): string[] | null {
  return SEMANTIC_RULES.find(([re]) => re.test(text))?.[1] ?? null;
}

/** Instance names a message without a line names: "(VI_1) ...", "VI_1 and VI_2 both use VRID ...", "Disabling track script chk ...". */
export function namesIn(text: string): string[] {
  const paren = /^\(([^)\s]+)\)/.exec(text);
  const both = /^(\S+) and (\S+) both use VRID/.exec(text);
  return paren ? [paren[1]!] : both ? [both[1]!, both[2]!] : [];
}

/** `name` appears in `message` as a whole word (quoted, in parentheses or bare). */
export function mentions(message: string, name: string): boolean {
  return new RegExp(`(^|[\\s"'(])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([\\s"',.:)]|$)`).test(message);
}
