/**
 * Checks of the words keepalived's handlers read: counts, numbers, enums, booleans, addresses, and
 * the data lines of address and route blocks. Returns findings for the invalid-value rule.
 * Example: `priority 300` in vrrp_instance -> [{messageId:'outOfRange', data:{value:'300',range:'1..255'}}].
 */
import type { LogicalLine, Origin, Token } from '../preprocess/types.js';
import type { Statement } from '../tree/index.js';
import type { KeywordDef, KeywordTable, BlockScope } from '../versions/keyword-table.js';
import { compareVersions, formatVersion, type Version } from '../versions/version.js';
import {
  ADDRESS_OPTIONS,
  BOOL_WORDS,
  RULE_FLAGS,
  RULE_OPTIONS_WITH_VALUE,
  checkNumber,
  parseAddress,
  parseHostAddress,
} from './values.js';
import { ROUTE_SPECIALS, readRoute } from './routes.js';

/** The ids these checks produce: invalid-value's messages (all but its blockExtraParams). */
export type ValueMessageId =
  | 'missingParam'
  | 'emptyValue'
  | 'badEnum'
  | 'badBool'
  | 'notNumber'
  | 'outOfRange'
  | 'decimals'
  | 'badAddress'
  | 'badPrefix'
  | 'badAddressOption'
  | 'badRouteWord'
  | 'routeNoDestination'
  | 'badRuleWord'
  | 'emptyEmailBlock'
  | 'badSmtpServer'
  | 'extraWords';

export interface ValueFinding {
  at: Token | Origin;
  messageId: ValueMessageId;
  data: Record<string, string | number>;
  severity?: 'warning';
  /**
   * An edit that makes the line say what it was meant to (`master` -> `MASTER`, `BACKUP;` ->
   * `BACKUP`, extra words moved to a line of their own): it changes what keepalived does, since
   * keepalived ignores or refuses the line as written, so it is offered as a suggestion.
   */
  suggestion?: { message: string; edits: { at: Token | Origin; text: string }[] };
}

/** Enums keepalived compares with strcasecmp (probed with keepalived -t 2.2.7; the others are case-sensitive). */
const CASE_INSENSITIVE = new Set(['virtual_server/protocol']);
const ADDRESS_KEYWORDS = new Set(['mcast_src_ip', 'unicast_src_ip']);
const ADDRESS_BLOCKS = new Set(['virtual_ipaddress', 'virtual_ipaddress_excluded', 'static_ipaddress']);
const ROUTE_BLOCKS = new Set(['virtual_routes', 'static_routes']);

function range(min: number, max: number): string {
  return `${min}..${max}`;
}

/**
 * Words found valid, per keyword definition and word count: a generated config repeats a few
 * hundred distinct lines (1173.conf: 240,000 statements per config-id), and the checks below
 * depend on the definition and the words only (the scope and table only when there are words too
 * many, which is a finding). Capped; a word with an unterminated quote is never kept.
 */
const valid = new WeakMap<KeywordDef, Map<number, Set<string>>>();
let validKept = 0;
const MAX_VALID_KEPT = 100_000;
const NO_FINDINGS: readonly ValueFinding[] = Object.freeze([]);

/**
 * The words as one key (joined by NUL, which no word holds: the reading drops or cuts a line at
 * one), or null when one is unterminated (the checks then read more than the text).
 */
function validKey(args: readonly Token[]): string | null {
  if (args.length === 1) return args[0]!.unterminated ? null : args[0]!.text;
  let key = '';
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!;
    if (t.unterminated) return null;
    key += `${t.text}\0`;
  }
  return key;
}

export function checkStatementValues(s: Statement, scope: BlockScope, table: KeywordTable): readonly ValueFinding[] {
  const def = s.def;
  if (!def) return NO_FINDINGS;
  // A statement's args may be made when asked (src/preprocess LiteralWordsLine): asked once here.
  const args = s.args;
  const key = validKey(args);
  const byCount = valid.get(def);
  if (key !== null && byCount?.get(args.length)?.has(key)) return NO_FINDINGS;
  const out = findValueProblems(s, def, scope, table);
  if (!out.length && key !== null && validKept < MAX_VALID_KEPT) {
    let m = byCount;
    if (!m) valid.set(def, (m = new Map()));
    let set = m.get(args.length);
    if (!set) m.set(args.length, (set = new Set()));
    set.add(key);
    validKept++;
  }
  return out;
}

function findValueProblems(s: Statement, def: KeywordDef, scope: BlockScope, table: KeywordTable): ValueFinding[] {
  const out: ValueFinding[] = [];
  const name = s.keyword.text;
  const args = s.args;
  // keepalived's tokenizer drops a word with an unterminated quote and all after it; script
  // keywords re-read the raw line instead.
  const cut = def.script ? -1 : args.findIndex((t) => t.unterminated);
  if ((cut >= 0 ? cut : args.length) < def.args.min && def.kind === 'keyword') {
    const why = cut >= 0 ? ' (keepalived drops the word with the unterminated quote)' : '';
    out.push({ at: s.keyword, messageId: 'missingParam', data: { name, count: def.args.min, why } });
    return out;
  }
  if (def.kind !== 'keyword') return out;
  if ((cut >= 0 ? cut : args.length) === 0 && def.emptyError) {
    out.push({ at: s.keyword, messageId: 'emptyValue', data: { name } });
    return out;
  }
  const first = args[0];
  if (
    first &&
    def.values &&
    !def.values.includes(first.text) &&
    !(CASE_INSENSITIVE.has(def.path) && def.values.some((v) => v.toLowerCase() === first.text.toLowerCase()))
  ) {
    const ci = def.values.find((v) => v.toLowerCase() === first.text.toLowerCase());
    const semi = first.text.endsWith(';') && def.values.includes(first.text.slice(0, -1));
    const hint = ci
      ? ` Write "${ci}": values are case-sensitive.`
      : semi
        ? ' Remove the ";": keepalived does not end statements with it, it reads it as part of the value.'
        : '';
    const meant = ci ?? (semi ? first.text.slice(0, -1) : undefined);
    out.push({
      at: first,
      messageId: 'badEnum',
      data: { name, value: first.text, expected: def.values.join(', '), hint },
      ...(meant ? { suggestion: { message: `write "${meant}"`, edits: [{ at: first, text: meant }] } } : {}),
    });
  }
  if (first && def.bool && !BOOL_WORDS.includes(first.text.toLowerCase())) {
    out.push({ at: first, messageId: 'badBool', data: { name, value: first.text } });
  }
  for (const n of def.numeric ?? []) {
    const tok = args[n.index - 1];
    if (!tok) continue;
    const min = n.min ?? Number.NEGATIVE_INFINITY;
    const max = n.max ?? Number.POSITIVE_INFINITY;
    const r = checkNumber(tok.text, { min, max, ...(n.decimals !== undefined ? { decimals: n.decimals } : {}) });
    if (r.ok) continue;
    const data = { name, value: tok.text, range: range(min, max), decimals: n.decimals ?? 0 };
    out.push({
      at: tok,
      messageId: r.reason === 'not-a-number' ? 'notNumber' : r.reason === 'out-of-range' ? 'outOfRange' : 'decimals',
      data,
    });
  }
  if (first && ADDRESS_KEYWORDS.has(name) && !parseHostAddress(first.text)) {
    out.push({
      at: first,
      messageId: 'badAddress',
      data: { value: first.text, what: ` for ${name}`, kmsg: `malformed src address[${first.text}]` },
    });
  }
  if (def.args.max !== null && args.length > def.args.max && !def.script) {
    const extra = args.slice(def.args.max);
    const keywordInside = extra.find((t) => table.lookup(scope, t.text));
    const hint = keywordInside
      ? `, so "${keywordInside.text}" here is never applied: put it on a line of its own`
      : extra.some((t) => t.text.includes(';'))
        ? '; ";" does not end a statement in keepalived'
        : '';
    const last = extra[extra.length - 1]!;
    const at =
      last.origin.file === extra[0]!.origin.file && !last.via.length
        ? { file: extra[0]!.origin.file, start: extra[0]!.origin.start, end: last.origin.end }
        : extra[0]!;
    out.push({
      at,
      messageId: 'extraWords',
      data: { name, words: extra.map((t) => t.text).join(' '), hint },
      severity: 'warning',
      ...(keywordInside ? splitLine(s, extra, keywordInside) : {}),
    });
  }
  return out;
}

/**
 * `virtual_router_id 51 ; priority 150`: the words from the keyword keepalived never reads onwards
 * go to a line of their own, indented like this one (a `;` before them is dropped). Only for words
 * written as they are on this one line.
 */
function splitLine(s: Statement, extra: Token[], keyword: Token): Pick<ValueFinding, 'suggestion'> {
  const from = extra.indexOf(keyword);
  const moved = extra.slice(from);
  const words = [s.keyword, ...s.args];
  if (words.some((t) => t.via.length || t.origin.file !== s.keyword.origin.file)) return {};
  const last = moved[moved.length - 1]!;
  const before = from > 0 ? extra[from - 1]! : null;
  // The kept words end at the last word before the moved ones (a lone ";" there goes too).
  const keepEnd = before && before.text === ';' ? extra.indexOf(before) : from;
  const kept = [s.keyword, ...s.args.slice(0, s.args.length - extra.length + keepEnd)];
  const end = kept[kept.length - 1]!.origin.end;
  // The rule indents the new line like the keyword's (it reads the file; the model does not).
  return {
    suggestion: {
      message: `move "${moved.map((t) => t.text).join(' ')}" to a line of its own`,
      edits: [
        {
          at: { file: s.keyword.origin.file, start: end, end: last.origin.end },
          text: `\n${moved.map((t) => t.text).join(' ')}`,
        },
      ],
    },
  };
}

/**
 * An empty notification_email block: from 1.4.4 keepalived warns ("Warning - empty
 * notification_email block", at the "}"); 1.4.2 and 1.4.3 crash on it (issue #847: their
 * read_value_block() returns NULL for an empty block, which email_handler() dereferences).
 */
export function emptyEmailBlock(s: Statement, target: Version): ValueFinding | undefined {
  if (s.keyword.text !== 'notification_email' || !s.def || !s.open || s.values.length > 0) return undefined;
  const at = s.close ?? s.keyword;
  const v = formatVersion(target);
  if (compareVersions(target, '1.4.2') >= 0 && compareVersions(target, '1.4.4') < 0) {
    return {
      at,
      messageId: 'emptyEmailBlock',
      data: { does: `keepalived ${v} crashes on it (a segfault while reading the configuration, fixed in 1.4.4)` },
    };
  }
  const does =
    compareVersions(target, '1.4.4') < 0
      ? `keepalived ${v} accepts it without a word`
      : `keepalived ${v} warns ("Warning - empty notification_email ` +
        `block")${compareVersions(target, '2.0.7') < 0 ? ' in syslog only' : ''}`;
  return {
    at,
    messageId: 'emptyEmailBlock',
    data: { does: `${does}, and smtp_alert mail goes to nobody` },
    severity: 'warning',
  };
}

/** A host name as a resolver could ever answer it: dot-separated labels of letters, digits, "-" and "_". */
const LABEL = /[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?/.source;
const HOST_NAME = new RegExp(`^(?=.{1,253}\\.?$)${LABEL}(?:\\.${LABEL})*\\.?$`);

/**
 * smtp_server as smtpserver_handler() reads it (2.0.7+, which reports "Invalid smtp server HOST
 * PORT"; older versions fail the same way in silence, not verified: no finding): an address
 * (inet_stosockaddr, tried only without "-" and "/"), else a name getaddrinfo() resolves, with a
 * port in 1..65535 (25 when none). Whether a well-formed name resolves depends on the DNS of the
 * machine that runs keepalived: only a value no resolver can answer is reported.
 */
export function checkSmtpServer(s: Statement, target: Version): ValueFinding | undefined {
  if (s.def?.path !== 'global_defs/smtp_server') return undefined;
  const [host, port] = s.args;
  if (!host || compareVersions(target, '2.0.7') < 0) return undefined;
  const kmsg = `Invalid smtp server ${host.text} ${port?.text ?? '25'}`;
  if (port && !checkNumber(port.text, { min: 1, max: 65535 }).ok)
    return { at: port, messageId: 'badSmtpServer', data: { value: port.text, what: 'port (1..65535)', kmsg } };
  const address = !/[-/]/.test(host.text) && parseAddress(host.text, { allowPrefix: false });
  if (address || HOST_NAME.test(host.text)) return undefined;
  return { at: host, messageId: 'badSmtpServer', data: { value: host.text, what: 'address or host name', kmsg } };
}

export function checkValueLines(s: Statement): ValueFinding[] {
  const name = s.keyword.text;
  const out: ValueFinding[] = [];
  for (const line of s.values) {
    if (ADDRESS_BLOCKS.has(name)) out.push(...addressLine(line));
    else if (ROUTE_BLOCKS.has(name)) out.push(...routeLine(line, name === 'static_routes'));
    else if (name === 'unicast_peer') out.push(...peerLine(line));
    else if (name === 'virtual_rules' || name === 'static_rules') out.push(...ruleLine(line));
  }
  return out;
}

function addressLine(line: LogicalLine): ValueFinding[] {
  const [addr, ...opts] = line.tokens;
  if (!addr) return [];
  const out: ValueFinding[] = [];
  if (!parseAddress(addr.text)) {
    // A good address with a bad prefix is kept, as a host address (tested with 2.2.7).
    const slash = addr.text.indexOf('/');
    const host = slash > 0 ? parseAddress(addr.text.slice(0, slash)) : null;
    if (!host)
      return [
        {
          at: addr,
          messageId: 'badAddress',
          data: { value: addr.text, what: '', kmsg: `VRRP parsed invalid IP ${addr.text}. skipping IP...` },
        },
      ];
    const max = host.family === 'ipv4' ? 32 : 128;
    out.push({ at: addr, messageId: 'badPrefix', data: { value: addr.text, prefix: addr.text.slice(slash + 1), max } });
  }
  for (let i = 0; i < opts.length; i++) {
    const w = opts[i]!;
    const kind = ADDRESS_OPTIONS[w.text];
    if (!kind) {
      out.push({ at: w, messageId: 'badAddressOption', data: { value: w.text } });
      continue;
    }
    if (kind === 'value') i++;
    if (kind === 'optional-value' && opts[i + 1] && !ADDRESS_OPTIONS[opts[i + 1]!.text]) i++;
  }
  return out;
}

function routeLine(line: LogicalLine, staticRoute: boolean): ValueFinding[] {
  // keepalived takes a word it does not know for the destination; when that is no address either,
  // it reports "unknown route keyword" and drops the whole route, so only the first one is reported.
  const dropped = readRoute(line, staticRoute).dropped;
  if (!dropped) return [];
  if (dropped.reason === 'unknown-word')
    return [{ at: dropped.at, messageId: 'badRouteWord', data: { value: dropped.at.text } }];
  const why = dropped.skipped
    ? ` keepalived steps over the word after "${dropped.at.text}", ` +
      `here "${dropped.skipped.text}"; leave "${dropped.at.text}" ` +
      `out (the addresses give the family), and write "::/0" ` +
      `or "0.0.0.0/0" for a default route.`
    : '';
  return [{ at: dropped.at, messageId: 'routeNoDestination', data: { why } }];
}

function ruleLine(line: LogicalLine): ValueFinding[] {
  // keepalived drops the whole rule at the first word it does not know ("Unknown rule option").
  const words = line.tokens;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.text;
    const value = words[i + 1];
    if ((w === 'from' || w === 'to') && value && !ROUTE_SPECIALS.has(value.text) && !parseAddress(value.text)) {
      return [
        {
          at: value,
          messageId: 'badAddress',
          data: { value: value.text, what: ` for a rule's "${w}"`, kmsg: `Invalid rule ${w} address ${value.text}` },
        },
      ];
    }
    if (RULE_OPTIONS_WITH_VALUE.has(w)) i++;
    else if (!RULE_FLAGS.has(w)) return [{ at: words[i]!, messageId: 'badRuleWord', data: { value: w } }];
  }
  return [];
}

function peerLine(line: LogicalLine): ValueFinding[] {
  const addr = line.tokens[0];
  if (!addr || parseHostAddress(addr.text)) return [];
  return [
    {
      at: addr,
      messageId: 'badAddress',
      data: { value: addr.text, what: ' for unicast_peer', kmsg: `malformed unicast peer address[${addr.text}]` },
    },
  ];
}
