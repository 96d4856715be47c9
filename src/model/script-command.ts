/**
 * A script reference's line read character by character, as keepalived's script keywords read it
 * (SYNTAX.md 8): the words after the keyword (command string, user, group), then the command
 * string split into argv (`'…'`, `"…"`, backslash escapes). Every character keeps its quoting and
 * the place it was written, so the shell syntax /bin/sh would have acted on can be found and
 * pointed at (keepalived ran the string with `/bin/sh -c` before 2.0.0; since then it execve()s
 * argv). Example:
 *
 *   notify_master "/x.sh 'a|b' c >/dev/null"
 *   -> argv [/x.sh, a|b, c, >/dev/null]; constructs [{ kind: 'redirect', text: '>/dev/null' }]
 *      (the quoted `|` is meant as a character and is not syntax)
 */
import type { Expansion, Origin } from '../preprocess/types.js';
import type { Statement } from '../tree/index.js';
import { compareVersions, type Version } from '../versions/version.js';

export interface CommandChar {
  c: string;
  /** '' unquoted, "'" or '"' inside those quotes, '\\' escaped by a backslash. */
  quote: '' | "'" | '"' | '\\';
  /** Offset in the statement's raw line text. */
  raw: number;
}

/**
 * A word of a command line: its text, and for each character its quoting and its offset in the
 * raw line, kept in two compact arrays (a command is kept as long as its statement, and an object
 * per character made 555,000 objects, 35 MB, at 10,000 instances); `chars` builds the per-character
 * view when asked.
 */
export class ArgvWord {
  readonly text: string;
  private readonly raws: Int32Array;
  private readonly quotes: string;

  /** A word written as it is (no quote, no backslash): `length` characters from `start` of the raw line. */
  static plain(text: string, start: number): ArgvWord {
    const raws = new Int32Array(text.length);
    for (let i = 0; i < raws.length; i++) raws[i] = start + i;
    return new ArgvWord(text, raws, '-'.repeat(text.length));
  }

  static of(cs: readonly CommandChar[]): ArgvWord {
    let text = '';
    let quotes = '';
    const raws = new Int32Array(cs.length);
    for (let i = 0; i < cs.length; i++) {
      const x = cs[i]!;
      text += x.c;
      quotes += QUOTE_CODE[x.quote];
      raws[i] = x.raw;
    }
    return new ArgvWord(text, raws, quotes);
  }

  private constructor(text: string, raws: Int32Array, quotes: string) {
    this.text = text;
    this.quotes = quotes;
    this.raws = raws;
  }

  /** Offsets in the raw line of the first character and after the last ([0, 0] for an empty word). */
  get span(): [number, number] {
    const n = this.raws.length;
    return n ? [this.raws[0]!, this.raws[n - 1]! + 1] : [0, 0];
  }

  get chars(): CommandChar[] {
    const out: CommandChar[] = [];
    for (let i = 0; i < this.raws.length; i++)
      out.push({ c: this.text[i]!, quote: CODE_QUOTE[this.quotes[i]!]!, raw: this.raws[i]! });
    return out;
  }

  /** Whether some character is quoted or escaped. */
  get quoted(): boolean {
    return /[^-]/.test(this.quotes);
  }
}

const QUOTE_CODE: Record<CommandChar['quote'], string> = { '': '-', "'": "'", '"': '"', '\\': '\\' };
const CODE_QUOTE: Record<string, CommandChar['quote']> = { '-': '', "'": "'", '"': '"', '\\': '\\' };

export type ConstructKind =
  | 'list'
  | 'pipe'
  | 'background'
  | 'redirect'
  | 'substitution'
  | 'variable'
  | 'glob'
  | 'tilde'
  | 'assignment';

export interface ShellConstruct {
  kind: ConstructKind;
  text: string;
  /** Index of the argv word it stands in. */
  word: number;
  origin: Origin;
  via: Expansion[];
}

export interface Command {
  /** The words after the keyword (step 1): the command string, then user, group, ignored words. */
  words: ArgvWord[];
  /** The command string split into argv (step 3). */
  argv: ArgvWord[];
  origin(chars: CommandChar[]): { origin: Origin; via: Expansion[] };
  /** Where a word of `words` or `argv` was written (the keyword for an empty word). */
  wordOrigin(w: ArgvWord): { origin: Origin; via: Expansion[] };
}

type Char = { c: string; raw: number };

/**
 * keepalived's alloc_strvec_quoted_escaped(): words split on blanks outside `"`/`'`, quotes may
 * open mid-word, and a backslash escapes (`\"` does not close a quote). `escapes`: turn `\n`,
 * `\x41`, `\"`... into their character; otherwise keep the backslash for the next split.
 */
function splitQuoted(input: Char[], escapes: boolean): CommandChar[][] {
  const words: CommandChar[][] = [];
  let word: CommandChar[] | null = null;
  let quote: '' | "'" | '"' = '';
  for (let k = 0; k < input.length; k++) {
    const { c, raw } = input[k]!;
    if (!quote && /\s/.test(c)) {
      if (word) words.push(word);
      word = null;
      continue;
    }
    word ??= [];
    if (c === '\\' && k + 1 < input.length) {
      if (!escapes) {
        word.push({ c, quote, raw }, { c: input[k + 1]!.c, quote, raw: input[k + 1]!.raw });
        k++;
        continue;
      }
      const e = unescape(input, k + 1);
      word.push({ c: e.c, quote: '\\', raw: input[k + 1]!.raw });
      k = e.next - 1;
    } else if ((c === '"' || c === "'") && (!quote || quote === c)) quote = quote ? '' : c;
    else word.push({ c, quote, raw });
  }
  if (word) words.push(word);
  return words;
}

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function unescape(input: Char[], at: number): { c: string; next: number } {
  const s = (k: number) => input[k]?.c ?? '';
  let k = at;
  if (s(k) === 'x' && /[0-9a-f]/i.test(s(k + 1))) {
    let hex = '';
    while (/[0-9a-f]/i.test(s(k + 1))) hex += s(++k);
    return { c: String.fromCharCode(parseInt(hex, 16) & 0xff), next: k + 1 };
  }
  if (s(k) === 'c' && s(k + 1)) return { c: String.fromCharCode(s(k + 1).charCodeAt(0) & 0x1f), next: k + 2 };
  if (/[0-7]/.test(s(k))) {
    let oct = s(k);
    while (oct.length < 3 && /[0-7]/.test(s(k + 1))) oct += s(++k);
    return { c: String.fromCharCode(parseInt(oct, 8) & 0xff), next: k + 1 };
  }
  return { c: SIMPLE[s(k)] ?? s(k), next: k + 1 };
}

/**
 * A reference's line as keepalived's script keywords read it (SYNTAX.md 8): the words after the
 * keyword, then word 1 split again into argv. 2.0.6-2.3.1 process escapes in the first split,
 * 2.3.2+ keep them for the second (so `\"` quotes inside the command only in the former).
 */
export function readCommand(ref: { statement: Statement }, target: Version): Command {
  return readCommandLine(ref.statement, target);
}

/**
 * A script line's words and argv depend only on its text and on whether the first split processes
 * escapes: lines of the same text share them (every `notify /etc/keepalived/notify.sh` of 10,000
 * instances: one split, where each kept its own words, argv and closures, 8 MB). Offsets in them
 * are into the line's text, so they hold for every line of that text. Bounded: lines of at most
 * SHARED_SPLIT_CHARS characters (an expanded line can have 8,192), and cleared when full (about
 * 7 KB an entry at most: a few MB).
 */
const splits = new Map<string, { words: ArgvWord[]; argv: ArgvWord[] }>();
const MAX_SPLITS = 1024;
const SHARED_SPLIT_CHARS = 1024;

export function readCommandLine(st: Statement, target: Version): Command {
  const raw = st.line.raw;
  // The loader keeps the text of every line a script keyword starts (src/model/scripts.ts isScriptKeyword).
  if (!raw) throw new Error(`the text of the "${st.keyword.text}" line was not kept: it is not a script keyword`);
  const outerEscapes = compareVersions(target, '2.3.2') < 0;
  const from = st.keyword.text.length;
  if (raw.text.length > SHARED_SPLIT_CHARS) {
    const own = splitCommandLine(raw.text, from, outerEscapes);
    return new LineCommand(st, own.words, own.argv);
  }
  const key = (outerEscapes ? '1' : '0') + raw.text;
  let split = splits.get(key);
  if (!split) {
    if (splits.size >= MAX_SPLITS) splits.clear();
    split = splitCommandLine(raw.text, from, outerEscapes);
    splits.set(key, split);
  }
  return new LineCommand(st, split.words, split.argv);
}

/** A statement's command: the shared split of its text, and the places in the statement's line. */
class LineCommand implements Command {
  constructor(
    private readonly st: Statement,
    readonly words: ArgvWord[],
    readonly argv: ArgvWord[],
  ) {}

  origin(cs: CommandChar[]): { origin: Origin; via: Expansion[] } {
    if (!cs.length) return { origin: this.st.keyword.origin, via: this.st.keyword.via };
    return this.st.line.raw!.origin(cs[0]!.raw, cs[cs.length - 1]!.raw + 1);
  }

  wordOrigin(w: ArgvWord): { origin: Origin; via: Expansion[] } {
    if (!w.text.length) return { origin: this.st.keyword.origin, via: this.st.keyword.via };
    const [a, b] = w.span;
    return this.st.line.raw!.origin(a, b);
  }
}

/** The words after the keyword (text[from...]) and argv, split as `outerEscapes` says (readCommand). */
function splitCommandLine(text: string, from: number, outerEscapes: boolean): { words: ArgvWord[]; argv: ArgvWord[] } {
  let words: ArgvWord[];
  let argv: ArgvWord[];
  if (!PLAIN_SCAN.test(text.slice(from))) {
    // No quote and no backslash (nearly every line): both splits are splits on blanks, and the
    // command string is one word, its own argv.
    words = [];
    BLANK_SEPARATED.lastIndex = from;
    for (let m = BLANK_SEPARATED.exec(text); m; m = BLANK_SEPARATED.exec(text))
      words.push(ArgvWord.plain(m[0], m.index));
    argv = words[0] ? [words[0]] : [];
  } else {
    const chars: Char[] = [];
    for (let i = from; i < text.length; i++) chars.push({ c: text[i]!, raw: i });
    const toWord = (cs: CommandChar[]): ArgvWord => ArgvWord.of(cs);
    words = splitQuoted(chars, outerEscapes).map(toWord);
    argv = words[0] ? splitQuoted(words[0].chars, true).map(toWord) : [];
  }
  return { words, argv };
}

/** What makes splitQuoted() more than a split on blanks: a quote or a backslash. */
const PLAIN_SCAN = /["'\\]/;
/** splitQuoted()'s blanks are JavaScript's \s: the same words. */
const BLANK_SEPARATED = /\S+/g;

/** The characters a shell construct starts with (an assignment's `=`, a tilde, a glob's `[`...). */
const CONSTRUCT_CHARS = /[=$`<>&|;*?[~]/;

const REDIRECT = /^(\d*|&)(>>|>&|>\||<<|<&|<>|>|<)(&?\d+|-|[^\s|&;<>\0]*)/;

/**
 * The shell syntax /bin/sh would act on, in argv words keepalived now passes as they are.
 * `fileOpenTest`: keepalived 2.0.17+ hands a command starting `</path` (bash's "is it readable"
 * idiom) to /bin/sh on purpose, so that leading `<` is not reported.
 */
export function shellConstructs(cmd: Command, fileOpenTest: boolean): ShellConstruct[] {
  const out: ShellConstruct[] = [];
  cmd.argv.forEach((w, wi) => {
    // Every construct below starts at one of these characters: most words have none.
    if (!CONSTRUCT_CHARS.test(w.text)) return;
    const cs = w.chars;
    const url = w.text.includes('://');
    // A template placeholder such as <floating-ip> is no redirection anybody meant.
    const placeholder = new Set<number>();
    for (const m of w.text.matchAll(/<[\w.:-]+>/g))
      for (let j = m.index; j < m.index + m[0].length; j++) placeholder.add(j);
    const add = (kind: ConstructKind, from: number, to: number) => {
      const o = cmd.origin(cs.slice(from, to));
      out.push({
        kind,
        text: cs
          .slice(from, to)
          .map((c) => c.c)
          .join(''),
        word: wi,
        ...o,
      });
    };
    const bare = (k: number) => cs[k] !== undefined && cs[k]!.quote === '';
    if (wi === 0 && /^[A-Za-z_]\w*=/.test(w.text) && cs.slice(0, w.text.indexOf('=') + 1).every((c) => c.quote === ''))
      add('assignment', 0, cs.length);
    let globbed = false;
    for (let k = 0; k < cs.length; k++) {
      const { c, quote } = cs[k]!;
      if (quote === "'" || quote === '\\') continue;
      if (c === '$' || c === '`') {
        const n = dollar(cs, k);
        if (n) {
          add(n.kind, k, n.end);
          k = n.end - 1;
        }
        continue;
      }
      if (quote) continue;
      const skipRedirect =
        placeholder.has(k) ||
        (fileOpenTest && wi === 0 && k === 0 && /^<\s*\//.test(w.text)) ||
        (/\d/.test(c) && k > 0);
      // A redirection starts with a digit, `&`, `<` or `>`: only then build the rest of the word
      // (building it at every character was quadratic in the word's length).
      const redirect =
        skipRedirect || !/[\d&<>]/.test(c)
          ? null
          : REDIRECT.exec(
              cs
                .slice(k)
                .map((x) => (x.quote ? '\0' : x.c))
                .join(''),
            );
      if (redirect) {
        add('redirect', k, k + redirect[0].length);
        k += redirect[0].length - 1;
      } else if ((c === '|' || c === '&') && bare(k + 1) && cs[k + 1]!.c === c) {
        add('list', k, k + 2);
        k++;
      } else if (c === '|') add('pipe', k, k + 1);
      else if (c === '&' && !url) add('background', k, k + 1);
      else if (c === ';' && !url) add('list', k, k + 1);
      else if (
        !globbed &&
        !url &&
        (c === '*' || c === '?' || (c === '[' && cs.slice(k + 2).some((x) => x.c === ']' && !x.quote)))
      ) {
        add('glob', 0, cs.length); // the whole word is the pattern
        globbed = true;
      } else if (c === '~' && k === 0 && (cs.length === 1 || cs[1]!.c === '/' || /\w/.test(cs[1]!.c)))
        add('tilde', 0, cs.length);
    }
  });
  return out;
}

/** `$NAME`, `${…}`, `$1`, `$(…)`, `$((…))` or a backquoted command starting at k. */
function dollar(cs: CommandChar[], k: number): { kind: ConstructKind; end: number } | null {
  const closing = (open: string, close: string, from: number) => {
    let depth = 0;
    for (let j = from; j < cs.length; j++) {
      if (cs[j]!.c === open) depth++;
      else if (cs[j]!.c === close && --depth === 0) return j + 1;
    }
    return cs.length;
  };
  if (cs[k]!.c === '`') {
    const end = cs.findIndex((x, j) => j > k && x.c === '`');
    return { kind: 'substitution', end: end < 0 ? cs.length : end + 1 };
  }
  const next = cs[k + 1]?.c ?? '';
  if (next === '(') return { kind: 'substitution', end: closing('(', ')', k + 1) };
  if (next === '{') return { kind: 'variable', end: closing('{', '}', k + 1) };
  if (/[0-9@*#?$!-]/.test(next)) return { kind: 'variable', end: k + 2 };
  if (/[A-Za-z_]/.test(next)) {
    let j = k + 1;
    while (j < cs.length && /\w/.test(cs[j]!.c)) j++;
    return { kind: 'variable', end: j };
  }
  return null;
}
