/**
 * Static analysis of a notify / FIFO script: where the VRRP instance or group name arrives, which
 * literals the script compares it with, and whether each dispatch has a default branch. The name
 * is followed through copies (`NAME=$2`, `local`/`readonly`/`export`, `${2:-VI_1}`, function
 * arguments, `set -o opt` leaving the positions alone), FIFO lines split by `read`/`set -- $line`
 * (with their quotes stripped by `${l//\"/}`, `tr -d '"'`, `sed 's/"//g'` or split at them by
 * IFS='"'), field 2 by awk/cut, `${N#VI_}`/`${N%_v4}`, `${N/VI_/}`/`${N//_/-}`, `shift`,
 * `[[ =~ ^(a|b)$ ]]`, and case folding (`${N,,}`, `tr A-Z a-z`, `declare -l`, `typeset -u`),
 * compared after the transform. The name passed to a program named by a path is a handoff, which
 * the script store follows into that program when it is a script of the repository.
 * Anything else that transforms it or matches it in a way we cannot read (regex, grep, eval) is
 * recorded as opaque, and the rules then say nothing rather than guess. The script is parsed,
 * never run. Example, with the name in $2:
 *
 *   NAME=$2
 *   case "$NAME" in gateway) ip route add default via 192.0.2.1 ;; esac
 *   -> dispatches: [{ kind: 'case', tests: [{ literal: 'gateway' }], hasDefault: false }]
 */
import type { ShellNode, ShellTree } from './shell.js';

/** Where the name reaches the script: a positional parameter, or field 2 of each FIFO line. */
export type NameSource = { kind: 'argv'; position: number } | { kind: 'fifo' };

export interface Span {
  start: number;
  end: number;
}

export interface Literal extends Span {
  text: string;
  /** Pattern semantics (a `case` arm or the right side of `[[ == ]]`) with glob characters. */
  glob: boolean;
}

export interface NameTest {
  literal: Literal;
  construct: 'case' | 'test' | 'key';
  /** `!=`: every other name takes this branch. */
  negated: boolean;
  /** A FIFO name field (written as `"VI_1"`) compared without the double quotes: never equal. */
  missingQuotes: boolean;
  /** The name was lower- or upper-cased before the comparison (`${NAME,,}`, `tr A-Z a-z`). */
  fold?: Fold;
  /** A literal prefix or suffix was removed from the name before the comparison (`${NAME#VI_}`). */
  strip?: Strip;
}

/**
 * `${NAME#VI_}`: `prefix` removed when the name starts with it; `${NAME%_v4}`: `suffix`;
 * `${NAME/VI_/}`, `${NAME//-/_}`: the first (every, with `all`) `from` replaced with `to`.
 */
export interface Strip {
  prefix?: string;
  suffix?: string;
  replace?: { from: string; to: string; all: boolean };
}

export type Fold = 'lower' | 'upper';

export interface Dispatch extends Span {
  kind: 'case' | 'if' | 'lookup';
  tests: NameTest[];
  /** `*)`, `else`, a `!=` test or `${MAP[$NAME]:-x}`: names no arm lists still get an action. */
  hasDefault: boolean;
}

export interface Opaque extends Span {
  why: string;
}

/** Why a script was not analysed (a cap of the work budget); rules report it at the reference. */
export interface ScriptBudget {
  [key: string]: string | number;
  cap: string;
  limit: number;
  /** Completes "Script not analysed: /x.sh ...". */
  reason: string;
  effect: string;
}

/**
 * Steps of the name analysis of one script: every statement walked, word evaluated and node
 * searched, and again for each call of a function (each step reads nodes from the parser's
 * WebAssembly memory: a few us). A corpus notify script takes at most ~500; the corpus scripts
 * joined up to the largest script read (MAX_SCRIPT_BYTES) 35,000; 255 KB of `logger` lines of 6
 * words and a `$(date)` each, 178,000. A script whose 26 functions each call the next twice would
 * take 2^26 walks of the last one, and one function that echoes 10,000 expansions, called 2,500
 * times, 25 million evaluations (209 s before words counted).
 */
export const MAX_ANALYSIS_STEPS = 200_000;
/**
 * Syntax-tree depth of a script the analysis walks (recursively, one stack frame per level). Real
 * scripts are a few dozen nodes deep; 2,000 nested `$(` would overflow the stack.
 */
export const MAX_SCRIPT_TREE_DEPTH = 400;

/** The analysis ran out of its budget: the script is reported as not analysed. */
export class AnalysisBudgetError extends Error {
  constructor(readonly budget: ScriptBudget) {
    super(`script analysis: ${budget.cap}`);
  }
}

export interface ScriptAnalysis {
  /** Parsed without syntax errors; when false, nothing else is reported. */
  parsed: boolean;
  /** Not analysed at all: a cap of the work budget was reached (parsed is false). */
  budget?: ScriptBudget;
  syntaxError?: Span;
  dispatches: Dispatch[];
  /** Uses of the name we cannot follow: "cannot tell" whether a name is handled. */
  opaque: Opaque[];
  /** The name used as a network interface name (`net.ipv4.conf.$NAME`, `ip link set $NAME`). */
  interfaceUses: Span[];
  /** Some use of the name was seen at all. */
  nameUsed: boolean;
  /** The name is read with a default (`${2:-VI_1}`): where nothing is passed, the default applies. */
  defaulted?: boolean;
  /** Analysed from a function of a sourced file (`entry`), and the file defines no such function. */
  entryMissing?: boolean;
  /** The name handed to another program by its path (`/usr/local/bin/role-change "$NAME"`). */
  handoffs: Handoff[];
  /** The variables the name is copied into (`NAME=$2`, `local n=$1`, `read -r t NAME s`), in order. */
  copies: NameCopy[];
  /**
   * The scripts of the repository those handoffs reach, followed to a bounded depth (set by the
   * script store, which reads the files; absent when none was found).
   */
  callees?: Callee[];
}

/**
 * The name passed as an argument to a program named by a path: `/usr/local/bin/role-change
 * "$NAME"`, `"$(dirname "$0")/helper.sh" "$2"`, `$HOOK "$NAME"` with HOOK=/x, `exec`, `bash /x`.
 */
export interface Handoff extends Span {
  /** An absolute path, or (besideScript) a path relative to the folder of the calling script. */
  program: { path: string } | { besideScript: string };
  /** The argv position the name arrives at in the program ($1 when passed first). */
  position: number;
  /** The name as passed: case-folded or with a prefix/suffix removed on the way. */
  fold?: Fold;
  strip?: Strip;
  /**
   * The program is a file the script sources (`. "$DIR/lib.sh"`), and the name is passed to this
   * function of it (`handle "$NAME"`: `position` is the function's parameter).
   */
  function?: string;
  /**
   * The program is sourced: its own commands see the positional parameters, given after the file
   * (`args`: `. lib.sh "$NAME"`) or the script's own (`inherited`: `. lib.sh`).
   */
  sourced?: 'args' | 'inherited';
  /** A FIFO name field handed on with its double quotes (`handler "$name"` after `read`). */
  quoted?: boolean;
}

/** How a program is entered: a function of a sourced file, a name that still has its FIFO quotes. */
export interface Entry {
  function?: string;
  quoted?: boolean;
}

export interface NameCopy extends Span {
  variable: string;
}

/** A script the name reaches through handoffs, with the calls that lead there (first: the analysed script's). */
export interface Callee {
  file: { path: string; deployed: string };
  analysis: ScriptAnalysis;
  calls: { file: { path: string; deployed: string }; handoff: Handoff }[];
}

type Value =
  | { k: 'lit'; text: string; glob: boolean; start: number; end: number }
  | { k: 'name'; quoted: boolean; prefix: string; suffix: string; fold?: Fold; strip?: Strip }
  /** A whole FIFO line (`INSTANCE "VI_1" MASTER 100`); `quoted`: the name in it still has its quotes. */
  | { k: 'line'; quoted: boolean }
  | { k: 'derived' }
  /** The folder of the running script (`$(dirname "$0")`, `${0%/*}`) followed by `rest`. */
  | { k: 'dir'; rest: string }
  | { k: 'unknown' };

const UNKNOWN: Value = { k: 'unknown' };
const DERIVED: Value = { k: 'derived' };

interface Frame {
  pos: Map<number, Value>;
}

/** Commands that match their arguments against data we cannot see. */
const MATCHERS = new Set([
  'grep',
  'egrep',
  'fgrep',
  'awk',
  'gawk',
  'mawk',
  'sed',
  'jq',
  'eval',
  'source',
  '.',
  'sh',
  'bash',
  'expr',
  'xargs',
]);
const INTERFACE_COMMANDS = new Set(['ip', 'ifconfig', 'ethtool', 'tc', 'ifup', 'ifdown', 'brctl']);
const TEST_OPS = new Set(['=', '==', '!=', '=~', '-a', '-o', '&&', '||', '!', '(', ')']);
const DEFAULT_OPS = new Set([':-', '-', ':=', '=', ':?', '?']);
/** `$(dirname "$0")`, `$(cd "$(dirname "$0")" && pwd)`: the folder of the running script. */
const ARG0 = String.raw`"?\$(?:0|\{0\}|\{BASH_SOURCE(?:\[0\])?\}|BASH_SOURCE)"?`;
const DIRNAME = String.raw`dirname\s+(?:--\s+)?${ARG0}`;
/** `&>/dev/null`, `>/dev/null 2>&1` after the `cd`, as scripts silence it. */
const QUIET = String.raw`(?:\s*(?:&>|[12]?>)\s*/dev/null|\s*2>&1)*`;
const CD_PWD = String.raw`cd\s+(?:--\s+)?"?\$\(\s*${DIRNAME}\s*\)"?${QUIET}\s*&&\s*pwd(?:\s+-P)?`;
const SCRIPT_DIR = new RegExp(String.raw`^\$\(\s*(?:${DIRNAME}|${CD_PWD})\s*\)$`);
const QUOTE_STRIP = /^\$\{\w+(\/\/?\\?"\/?|\/\/'"'\/?|%\\?"|#\\?")\}$/;
const QUOTE_STRIP_ALL = /^\$\{\w+\/\/(\\?"|'"')\/?\}$/;

/**
 * `entry.function`: the script is a library another one sources, and the name arrives in this
 * function's parameter `source.position` (`handle "$NAME"` after `. lib.sh`), not in the library's
 * own; `entry.quoted`: the name arrives with the double quotes of a FIFO line.
 */
export function analyzeScript(tree: ShellTree, source: NameSource, entry: Entry = {}): ScriptAnalysis {
  const out = emptyAnalysis(true);
  const root = tree.rootNode;
  const depth = treeDepth(tree, MAX_SCRIPT_TREE_DEPTH);
  if (depth > MAX_SCRIPT_TREE_DEPTH) {
    return notAnalysed({
      cap: 'script-tree-depth',
      limit: MAX_SCRIPT_TREE_DEPTH,
      reason: `nests more than ${MAX_SCRIPT_TREE_DEPTH} levels deep`,
      effect: 'a shell may itself run out of stack on such nesting',
    });
  }
  if (root.hasError) {
    out.parsed = false;
    const bad = firstError(root);
    out.syntaxError = bad ? { start: bad.startIndex, end: bad.endIndex } : { start: 0, end: 0 };
    return out;
  }
  try {
    return new Analyzer(out, source, entry).run(root);
  } catch (e) {
    if (e instanceof AnalysisBudgetError) return notAnalysed(e.budget);
    throw e;
  }
}

export function notAnalysed(budget: ScriptBudget): ScriptAnalysis {
  return { ...emptyAnalysis(false), budget };
}

/** An analysis that has seen nothing yet. */
function emptyAnalysis(parsed: boolean): ScriptAnalysis {
  return { parsed, dispatches: [], opaque: [], interfaceUses: [], nameUsed: false, handoffs: [], copies: [] };
}

/** The depth of the syntax tree, walked with a cursor (no recursion), stopping past `limit`. */
function treeDepth(tree: ShellTree, limit: number): number {
  const cursor = tree.walk();
  let depth = 0;
  let max = 0;
  try {
    for (;;) {
      if (depth > max) max = depth;
      if (max > limit) return max;
      if (cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return max;
        depth--;
      }
    }
  } finally {
    cursor.delete();
  }
}

function firstError(n: ShellNode): ShellNode | null {
  if (n.type === 'ERROR' || n.isMissing) return n;
  for (const c of n.children) {
    if (c.hasError || c.isMissing || c.type === 'ERROR') {
      const e = firstError(c);
      if (e) return e;
    }
  }
  return null;
}

class Analyzer {
  private readonly vars = new Map<string, Value>();
  /** Variables declared with a case attribute (`typeset -u N`): every later assignment folds. */
  private readonly folds = new Map<string, Fold>();
  private readonly arrays = new Map<string, Literal[]>();
  private readonly functions = new Map<string, ShellNode>();
  private readonly called = new Set<string>();
  private readonly active = new Set<string>();
  private readonly seenDispatch = new Set<number>();
  private readonly seenOpaque = new Set<number>();
  private readonly seenCopy = new Set<string>();
  /** The files sourced so far (`. "$DIR/lib.sh"`): a function they define may receive the name. */
  private readonly libraries: Handoff['program'][] = [];
  private frame: Frame;
  private steps = 0;
  /** step(), for descendants(): each node it looks at is a step. */
  private readonly stepped = () => this.step();

  constructor(
    private readonly out: ScriptAnalysis,
    private readonly source: NameSource,
    private readonly entry: Entry,
  ) {
    this.frame = { pos: new Map() };
    if (source.kind === 'argv' && entry.function === undefined) this.frame.pos.set(source.position, this.arriving());
  }

  /** The name as it arrives (with its FIFO quotes when a reader hands it on as read). */
  private arriving(): Value {
    return { k: 'name', quoted: this.entry.quoted === true, prefix: '', suffix: '' };
  }

  run(root: ShellNode): ScriptAnalysis {
    for (const n of descendants(root, 'function_definition')) {
      const name = n.childForFieldName('name')?.text;
      const body = n.childForFieldName('body');
      if (name && body) this.functions.set(name, body);
    }
    this.walk(root);
    const fn = this.entry.function;
    if (fn !== undefined && this.source.kind === 'argv') {
      // A library: its top level ran without the name; the function the caller names gets it.
      const body = this.functions.get(fn);
      if (!body) this.out.entryMissing = true;
      else {
        this.called.add(fn);
        this.frame = { pos: new Map([[this.source.position, this.arriving()]]) };
        this.active.add(fn);
        this.walk(body);
        this.active.delete(fn);
      }
    }
    // A function nobody calls still sees the script's globals (it may be called by a sourcing script).
    for (const [name, body] of this.functions) {
      if (this.called.has(name)) continue;
      const saved = this.frame;
      this.frame = { pos: new Map() };
      this.walk(body);
      this.frame = saved;
    }
    this.out.dispatches.sort((a, b) => a.start - b.start);
    this.out.opaque.sort((a, b) => a.start - b.start);
    this.out.copies.sort((a, b) => a.start - b.start);
    return this.out;
  }

  /**
   * One step of the budget: a statement walked, a word evaluated, a node searched. Each reads
   * nodes from the parser's WebAssembly memory; a function called once per line evaluates its
   * words again at each call (1,000 calls of a function echoing 1,000 expansions took 9 s).
   */
  private step(): void {
    if (++this.steps > MAX_ANALYSIS_STEPS) {
      throw new AnalysisBudgetError({
        cap: 'script-analysis-steps',
        limit: MAX_ANALYSIS_STEPS,
        reason: `takes more than ${MAX_ANALYSIS_STEPS} analysis steps (its functions call each other that often)`,
        effect: 'the shell would make all those calls too',
      });
    }
  }

  private walk(n: ShellNode): void {
    this.step();
    switch (n.type) {
      case 'function_definition':
        return;
      case 'variable_assignment':
        return this.assign(n);
      case 'declaration_command':
        return this.declare(n);
      case 'command':
        return this.command(n);
      case 'case_statement':
        return this.caseStatement(n);
      case 'if_statement':
        return this.ifStatement(n);
      case 'test_command':
        return this.standaloneTest(n);
      case 'list':
        if (n.children[0]?.type === 'pipeline') {
          const d: Dispatch = { kind: 'if', start: n.startIndex, end: n.endIndex, tests: [], hasDefault: false };
          if (this.grepTest(n.children[0], d, false)) {
            if (d.tests.length) this.addDispatch(d);
            for (const c of n.children.slice(1)) this.walk(c);
            return;
          }
        }
        if (isTest(n.children[0])) {
          this.standaloneTest(n.children[0]!);
          for (const c of n.children.slice(1)) this.walk(c);
          return;
        }
        break;
      case 'expansion':
      case 'simple_expansion':
        this.evaluate(n);
        return;
      case 'pipeline': {
        // echo "$NAME" | grep -q '^VI_': the name is matched by a program we cannot read.
        const matcher = n.children.find(
          (c) => c.type === 'command' && MATCHERS.has(c.childForFieldName('name')?.text.split('/').pop() ?? ''),
        );
        if (matcher && this.involvesName(n))
          this.opaque(n, `the name is piped into ${matcher.childForFieldName('name')?.text}`);
        break;
      }
    }
    for (const c of n.children) this.walk(c);
  }

  // ---- assignments -------------------------------------------------------------------------

  private assign(n: ShellNode): void {
    const target = n.childForFieldName('name');
    const valueNode = n.childForFieldName('value');
    if (!target) return;
    if (target.type === 'subscript') {
      const arr = target.childForFieldName('name')?.text;
      const index = target.childForFieldName('index');
      if (arr && index) {
        const key = this.evaluate(index);
        if (key.k === 'lit') {
          const list = this.arrays.get(arr);
          if (list) list.push(literalOf(key));
          else this.arrays.set(arr, [literalOf(key)]);
        }
      }
      if (valueNode) this.evaluate(valueNode);
      return;
    }
    const name = target.text;
    if (!valueNode)
      return void this.vars.set(name, { k: 'lit', text: '', glob: false, start: n.endIndex, end: n.endIndex });
    if (valueNode.type === 'array') {
      const keys: Literal[] = [];
      for (const el of valueNode.namedChildren) {
        if (!el) continue;
        const m = /^\[([^\]]+)\]=/.exec(el.text);
        if (m) {
          const inner = m[1]!;
          const unq = inner.replace(/^(["'])(.*)\1$/, '$2');
          const off = el.startIndex + 1 + (unq === inner ? 0 : 1);
          keys.push({ text: unq, glob: false, start: off, end: off + unq.length });
        }
      }
      this.arrays.set(name, keys);
      this.vars.set(name, UNKNOWN);
      return;
    }
    const v = this.evaluate(valueNode);
    const fold = this.folds.get(name);
    if (v.k === 'name' && (v.prefix || v.suffix)) this.vars.set(name, DERIVED);
    else this.vars.set(name, fold && v.k === 'name' ? { ...v, fold } : v);
    if (v.k === 'name' && !v.prefix && !v.suffix) this.copied(name, n);
    // Walk nested command substitutions for their own uses of the name.
    for (const c of valueNode.children) if (c.type === 'command_substitution') this.walk(c);
  }

  /** A copy of the name, once per place (a function called twice assigns at the same place). */
  private copied(variable: string, n: ShellNode): void {
    const key = `${n.startIndex}\0${variable}`;
    if (this.seenCopy.has(key)) return;
    this.seenCopy.add(key);
    this.out.copies.push({ variable, start: n.startIndex, end: n.endIndex });
  }

  private declare(n: ShellNode): void {
    const flags = n.children
      .filter((c) => c.type === 'word' && c.text.startsWith('-'))
      .map((c) => c.text)
      .join('');
    const fold: Fold | null = /l/.test(flags) ? 'lower' : /u/.test(flags) ? 'upper' : null;
    for (const c of n.children) {
      // declare -l / typeset -u: the variable folds the case of what it is given, now (N=$2 here)
      // and later (assign reads `folds`).
      const declared =
        c.type === 'variable_assignment'
          ? c.childForFieldName('name')?.text
          : c.type === 'variable_name' || c.type === 'word'
            ? c.text
            : undefined;
      if (fold && declared && !declared.startsWith('-')) this.folds.set(declared, fold);
      if (c.type === 'variable_assignment') this.assign(c);
      else if ((c.type === 'variable_name' || c.type === 'word') && !c.text.startsWith('-') && /A|a/.test(flags)) {
        if (!this.arrays.has(c.text)) this.arrays.set(c.text, []);
      }
    }
  }

  // ---- commands ----------------------------------------------------------------------------

  private command(n: ShellNode): void {
    const nameNode = n.childForFieldName('name');
    const args = n.childrenForFieldName('argument');
    for (const c of n.children) if (c.type === 'variable_assignment') this.assign(c);
    if (!nameNode) return;
    const cmd = nameNode.text;
    const fn = this.functions.get(cmd);
    if (fn) return this.call(cmd, fn, args);
    if ((cmd === 'source' || cmd === '.') && this.sourceFile(n, args)) return;
    if (cmd === 'read') return this.read(args, n);
    if (cmd === 'set') return this.set(args);
    if (cmd === 'shift') return this.shift(args);
    if (cmd === 'test' || cmd === '[') return void this.testWords(n, args, false, true);
    const values = args.map((a) => this.evaluate(a));
    const base = cmd.split('/').pop() ?? cmd;
    const handed = this.handoff(n, nameNode, args, values) || this.libraryCall(n, cmd, args, values);
    values.forEach((v, i) => {
      if (v.k !== 'name' && v.k !== 'derived') return;
      this.out.nameUsed = true;
      const a = args[i]!;
      if (handed) return;
      if (MATCHERS.has(base))
        this.opaque(a, `the name is passed to ${base}, which matches it against data this analysis cannot see`);
      else if (v.k === 'name' && isInterfaceUse(base, v, values, i))
        this.out.interfaceUses.push({ start: a.startIndex, end: a.endIndex });
    });
    if (this.involvesName(nameNode)) this.opaque(nameNode, 'the name is used to build the command to run');
    for (const a of args) for (const c of descendants(a, 'command_substitution', this.stepped)) this.walk(c);
  }

  /**
   * A program named by a path (`/usr/local/bin/role-change`, `$HOOK` holding one, `"$(dirname
   * "$0")/x.sh"`, after `exec`, `sh`/`bash`): each argument that is the name is a handoff at its
   * position. True when the command runs such a program.
   */
  private handoff(n: ShellNode, nameNode: ShellNode, args: ShellNode[], values: Value[]): boolean {
    const word = nameNode.type === 'command_name' ? (nameNode.namedChildren[0] ?? nameNode) : nameNode;
    let program = this.evaluate(word);
    let first = 0;
    const base = nameNode.text.split('/').pop() ?? '';
    if (base === 'exec' || /^(sh|bash|dash|ksh)$/.test(base)) {
      // `exec /x "$@"`, `bash /x.sh "$NAME"` (an option first, as `bash -c`, is not followed).
      if (!args[0] || args[0].text.startsWith('-')) return false;
      program = values[0]!;
      first = 1;
    }
    let position = 1;
    // CMD="/usr/local/bin/x --site dc1"; $CMD "$NAME": unquoted, the value splits into words.
    if (program.k === 'lit' && !first && (word.type === 'simple_expansion' || word.type === 'expansion')) {
      const words = program.text.trim().split(/\s+/);
      program = { ...program, text: words[0] ?? '' };
      position += words.length - 1;
    }
    const target = programPath(program);
    if (!target) return false;
    this.handArgs(n, target, args.slice(first), values.slice(first), position, {});
    return true;
  }

  /** Each argument that is the name, handed to `program` at its position from `position` on. */
  private handArgs(
    n: ShellNode,
    program: Handoff['program'],
    args: ShellNode[],
    values: Value[],
    position: number,
    how: Pick<Handoff, 'function' | 'sourced'>,
  ): boolean {
    let handed = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (isAllArgs(a)) {
        // "$@": every position of this frame, shifted by what comes before it.
        const max = Math.max(0, ...this.frame.pos.keys());
        for (let k = 1; k <= max; k++)
          handed = this.handTo(n, program, position++, this.frame.pos.get(k) ?? UNKNOWN, how) || handed;
        continue;
      }
      if (a.type !== 'string' && a.type !== 'word' && a.type !== 'raw_string' && a.type !== 'number') {
        // Unquoted $X may split into several words: the positions after it are unknown.
        return this.handTo(n, program, position, values[i]!, how) || handed;
      }
      handed = this.handTo(n, program, position++, values[i]!, how) || handed;
    }
    return handed;
  }

  private handTo(
    n: ShellNode,
    program: Handoff['program'],
    position: number,
    v: Value,
    how: Pick<Handoff, 'function' | 'sourced'> = {},
  ): boolean {
    if (v.k !== 'name' || v.prefix || v.suffix) return false;
    this.out.handoffs.push({
      start: n.startIndex,
      end: n.endIndex,
      program,
      position,
      ...(v.fold ? { fold: v.fold } : {}),
      ...(v.strip ? { strip: v.strip } : {}),
      ...(v.quoted ? { quoted: true } : {}),
      ...how,
    });
    return true;
  }

  /**
   * `. "$DIR/lib.sh"` / `source /etc/keepalived/lib.sh [ARGS]`: a file of the repository whose
   * top level runs in this shell, with this frame's positional parameters (or ARGS), and whose
   * functions the script may then call with the name. False when the file is not named by a path.
   */
  private sourceFile(n: ShellNode, args: ShellNode[]): boolean {
    const program = args[0] ? programPath(this.evaluate(args[0])) : null;
    if (!program) return false;
    this.libraries.push(program);
    if (args.length > 1) {
      const rest = args.slice(1);
      this.handArgs(
        n,
        program,
        rest,
        rest.map((a) => this.evaluate(a)),
        1,
        { sourced: 'args' },
      );
    } else for (const [p, v] of this.frame.pos) this.handTo(n, program, p, v, { sourced: 'inherited' });
    for (const a of args) for (const c of descendants(a, 'command_substitution', this.stepped)) this.walk(c);
    return true;
  }

  /**
   * `handle "$NAME"` where handle is no function of this script but the script sourced a file:
   * a handoff to that function in each sourced file (the script store keeps the files that define
   * it; a program in PATH such as `logger` is defined by none and is dropped there).
   */
  private libraryCall(n: ShellNode, cmd: string, args: ShellNode[], values: Value[]): boolean {
    if (!this.libraries.length || !/^[\w:-][\w.:-]*$/.test(cmd) || MATCHERS.has(cmd) || INTERFACE_COMMANDS.has(cmd))
      return false;
    let handed = false;
    for (const lib of this.libraries) handed = this.handArgs(n, lib, args, values, 1, { function: cmd }) || handed;
    return handed;
  }

  private call(name: string, body: ShellNode, args: ShellNode[]): void {
    if (this.active.has(name)) return;
    this.called.add(name);
    const pos = new Map<number, Value>();
    let i = 1;
    for (const a of args) {
      if (isAllArgs(a)) {
        // (A loop, not Math.max(...keys): `set --` of 130,000 words would overflow the stack.)
        let max = 0;
        for (const k of this.frame.pos.keys()) if (k > max) max = k;
        for (let k = 1; k <= max; k++) {
          // Each word handed on is a step: `set --` of 8,000 words, then 8,000 `f "$@"`.
          this.step();
          pos.set(i++, this.frame.pos.get(k) ?? UNKNOWN);
        }
      } else pos.set(i++, this.evaluate(a));
    }
    const saved = this.frame;
    this.frame = { pos };
    this.active.add(name);
    this.walk(body);
    this.active.delete(name);
    this.frame = saved;
  }

  private read(args: ShellNode[], n: ShellNode): void {
    const names: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!.text;
      if (/^-[^-]*[pdtnNu]$/.test(t))
        i++; // option with a value
      else if (t.startsWith('-')) {
        if (t.includes('a')) return void (args[i + 1] && this.vars.set(args[i + 1]!.text, UNKNOWN));
      } else names.push(t);
    }
    if (!names.length) names.push('REPLY');
    for (const v of names) this.vars.set(v, UNKNOWN);
    if (this.source.kind !== 'fifo') return;
    // `read ... <<< "$line"` reads that value; without a here-string, the loop's input: the FIFO.
    const here = n.childrenForFieldName('redirect').find((r) => r.type === 'herestring_redirect');
    // `read ... <<EOT` / `$line` / `EOT`: the here-document's one expansion (the parser hangs the
    // here-document on the statement around the command).
    const doc =
      n.parent?.type === 'redirected_statement'
        ? n.parent.childrenForFieldName('redirect').find((r) => r.type === 'heredoc_redirect')
        : undefined;
    const input: Value = here?.namedChildren[0]
      ? this.evaluate(here.namedChildren[0])
      : doc
        ? this.hereDocument(doc)
        : { k: 'line', quoted: true };
    if (input.k !== 'line') return;
    // keepalived writes `INSTANCE "VI_1" MASTER 100`: field 2 is the name, in double quotes, unless
    // they were stripped, or IFS splits at them (IFS='"': `INSTANCE `, `VI_1`, ` MASTER 100`).
    const quoted = input.quoted && !this.splitsAtQuotes(n);
    if (names.length === 1) this.vars.set(names[0]!, input);
    else if (names.length >= 3) {
      this.vars.set(names[1]!, { k: 'name', quoted, prefix: '', suffix: '' });
      this.copied(names[1]!, n);
    } else this.vars.set(names[1]!, DERIVED);
  }

  /** A here-document that is one expansion and blanks reads its value; any other text is unknown. */
  private hereDocument(doc: ShellNode): Value {
    const body = doc.namedChildren.find((c) => c?.type === 'heredoc_body');
    const parts = body?.namedChildren.filter((c) => c?.type === 'simple_expansion' || c?.type === 'expansion') ?? [];
    const only = parts.length === 1 ? parts[0]! : null;
    return only && body!.text.trim() === only.text ? this.evaluate(only) : UNKNOWN;
  }

  /** IFS, for this command (`IFS='"' read ...`) or the script, holds a double quote. */
  private splitsAtQuotes(n: ShellNode): boolean {
    const own = n.children.find((c) => c.type === 'variable_assignment' && c.childForFieldName('name')?.text === 'IFS');
    const value = own ? this.evaluate(own.childForFieldName('value') ?? own) : this.vars.get('IFS');
    return value?.k === 'lit' && value.text.includes('"');
  }

  private set(args: ShellNode[]): void {
    let i = 0;
    let dashdash = false;
    for (; i < args.length; i++) {
      const t = args[i]!.text;
      if (t === '--') {
        dashdash = true;
        i++;
        break;
      }
      if (!/^[-+]/.test(t)) break;
      // `set -o pipefail`, `set -euo pipefail`: the word after an `o` names an option, it is no argument.
      if (/^[-+][a-zA-Z]*o[a-zA-Z]*$/.test(t)) i++;
    }
    const rest = args.slice(i);
    if (!rest.length && !dashdash) return;
    const pos = new Map<number, Value>();
    const line = rest.length === 1 && rest[0]!.type !== 'string' ? this.evaluate(rest[0]!) : UNKNOWN;
    if (line.k === 'line') {
      pos.set(2, {
        k: 'name',
        quoted: line.quoted && !this.splitsAtQuotes(rest[0]!.parent ?? rest[0]!),
        prefix: '',
        suffix: '',
      });
    } else {
      let k = 1;
      for (const a of rest) {
        const v = this.evaluate(a);
        if (a.type === 'simple_expansion' || a.type === 'expansion') {
          // Unquoted: word splitting may shift every later position.
          pos.set(k++, v.k === 'lit' ? v : v.k === 'name' ? DERIVED : UNKNOWN);
          break;
        }
        pos.set(k++, v);
      }
    }
    this.frame.pos = pos;
  }

  private shift(args: ShellNode[]): void {
    const n = args[0] ? Number(args[0].text) : 1;
    if (!Number.isInteger(n)) return void (this.frame.pos = new Map());
    const pos = new Map<number, Value>();
    for (const [k, v] of this.frame.pos) if (k - n >= 1) pos.set(k - n, v);
    this.frame.pos = pos;
  }

  // ---- dispatch ----------------------------------------------------------------------------

  private caseStatement(n: ShellNode): void {
    const valueNode = n.childForFieldName('value');
    const v = valueNode ? this.evaluate(valueNode) : UNKNOWN;
    const items = n.children.filter((c) => c.type === 'case_item');
    if (v.k === 'derived') this.opaque(n, 'the case statement matches a value computed from the name');
    if (v.k === 'name') {
      this.out.nameUsed = true;
      const d: Dispatch = { kind: 'case', start: n.startIndex, end: n.endIndex, tests: [], hasDefault: false };
      for (const item of items) {
        for (const p of item.childrenForFieldName('value')) {
          const pv = this.evaluate(p, true);
          if (pv.k !== 'lit') {
            this.opaque(p, 'a case pattern that is not a literal');
            continue;
          }
          // `*) exit 0`, `*) continue`, `*) ;;`: the other names are ignored, not handled.
          if (pv.glob && /^\*+$/.test(pv.text)) {
            if (!doesNothing(item)) d.hasDefault = true;
            continue;
          }
          d.tests.push(nameTest(v, pv, 'case', false));
        }
      }
      this.addDispatch(d);
    }
    for (const item of items) {
      const patterns = new Set(item.childrenForFieldName('value').map((p) => p.id));
      for (const c of item.namedChildren) if (c && !patterns.has(c.id)) this.walk(c);
    }
  }

  private ifStatement(n: ShellNode): void {
    const d: Dispatch = { kind: 'if', start: n.startIndex, end: n.endIndex, tests: [], hasDefault: false };
    const clauses = [n, ...n.children.filter((c) => c.type === 'elif_clause')];
    for (const clause of clauses) {
      let inCondition = false;
      for (const c of clause.children) {
        if (c.type === 'if' || c.type === 'elif') inCondition = true;
        else if (c.type === 'then') inCondition = false;
        else if (c.type === 'elif_clause' || c.type === 'else_clause') continue;
        else if (inCondition) this.condition(c, d, false);
        else this.walk(c);
      }
    }
    const otherwise = n.children.find((c) => c.type === 'else_clause');
    if (otherwise) {
      d.hasDefault = true;
      this.walk(otherwise);
    }
    if (d.tests.length) this.addDispatch(d);
  }

  private standaloneTest(n: ShellNode): void {
    const d: Dispatch = { kind: 'if', start: n.startIndex, end: n.endIndex, tests: [], hasDefault: false };
    this.condition(n, d, false);
    if (d.tests.length) this.addDispatch(d);
  }

  /** Collect name tests from an `if`/`elif` condition; other commands are walked as usual. */
  private condition(n: ShellNode, d: Dispatch, negated: boolean): void {
    if (n.type === 'test_command') return this.testExpression(n, d, negated);
    if (n.type === 'list') return n.children.forEach((c) => this.condition(c, d, negated));
    if (n.type === 'negated_command') return n.children.forEach((c) => this.condition(c, d, !negated));
    if (n.type === 'command') {
      const cmd = n.childForFieldName('name')?.text;
      if (cmd === 'test' || cmd === '[')
        return this.testWords(n, n.childrenForFieldName('argument'), negated, false, d);
    }
    if (n.type === 'pipeline' && this.grepTest(n, d, negated)) return;
    this.walk(n);
  }

  /**
   * `echo "$NAME" | grep -qx VI_1`, `grep -qxE 'VI_1|VI_2'`, `grep -qx -e a -e b`: a whole-line
   * match of the name against plain names is a list of literals. False (not read) otherwise.
   */
  private grepTest(n: ShellNode, d: Dispatch, negated: boolean): boolean {
    const cmds = n.namedChildren;
    // `! echo "$N" | grep ...`: the parser puts the `!` on the first command of the pipeline.
    const first = cmds[0]?.type === 'negated_command' ? cmds[0].namedChildren[0] : cmds[0];
    if (first !== cmds[0]) negated = !negated;
    if (cmds.length !== 2 || first?.type !== 'command' || cmds[1]?.type !== 'command') return false;
    const src = first;
    const grep = cmds[1];
    const srcArgs = src
      .childrenForFieldName('argument')
      .filter((a) => !/^(-n|-e|%s|'%s'|"%s"|'%s\\n'|"%s\\n")$/.test(a.text));
    const echo = src.childForFieldName('name')?.text;
    const prog = grep.childForFieldName('name')?.text ?? '';
    if ((echo !== 'echo' && echo !== 'printf') || srcArgs.length !== 1 || !/^(grep|egrep|fgrep)$/.test(prog))
      return false;
    const v = this.evaluate(srcArgs[0]!);
    if (v.k !== 'name' || v.prefix || v.suffix) return false;
    let flags = prog === 'egrep' ? 'E' : prog === 'fgrep' ? 'F' : '';
    const patterns: ShellNode[] = [];
    const args = grep.childrenForFieldName('argument');
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!.text;
      if (t === '-e' && args[i + 1]) patterns.push(args[++i]!);
      else if (/^-[a-zA-Z]+$/.test(t)) flags += t.slice(1);
      else if (t.startsWith('-')) return false;
      else patterns.push(args[i]!);
    }
    if (!flags.includes('x') || /[vifwz]/.test(flags.replace(/F/g, '')) || !patterns.length) return false;
    const literals: Extract<Value, { k: 'lit' }>[] = [];
    for (const p of patterns) {
      const pv = this.evaluate(p);
      if (pv.k !== 'lit') return false;
      const alts = splitPlain(pv, flags.includes('E') ? '|' : flags.includes('F') ? '\n' : null);
      if (!alts) return false;
      literals.push(...alts);
    }
    this.out.nameUsed = true;
    for (const l of literals) d.tests.push(nameTest(v, l, 'test', negated));
    if (negated) d.hasDefault = true;
    return true;
  }

  private testExpression(n: ShellNode, d: Dispatch, negated: boolean): void {
    const double = n.children[0]?.text === '[[';
    const items: (string | ShellNode)[] = [];
    const flatten = (x: ShellNode) => {
      if (
        ['binary_expression', 'unary_expression', 'parenthesized_expression', 'negation_expression'].includes(x.type)
      ) {
        for (const c of x.children) {
          if (c.childCount === 0 && TEST_OPS.has(c.text)) items.push(c.text);
          else if (c.type === 'test_operator') items.push(c.text);
          else flatten(c);
        }
      } else items.push(x);
    };
    for (const c of n.children.slice(1, -1)) flatten(c);
    this.compareSequence(items, double, negated, d);
  }

  private testWords(n: ShellNode, args: ShellNode[], negated: boolean, standalone: boolean, into?: Dispatch): void {
    const d = into ?? { kind: 'if' as const, start: n.startIndex, end: n.endIndex, tests: [], hasDefault: false };
    const words = args[args.length - 1]?.text === ']' ? args.slice(0, -1) : args;
    const items: (string | ShellNode)[] = words.map((a) => (a.type === 'word' && TEST_OPS.has(a.text) ? a.text : a));
    this.compareSequence(items, false, negated, d);
    if (standalone && d.tests.length) this.addDispatch(d);
  }

  private compareSequence(items: (string | ShellNode)[], double: boolean, negatedOuter: boolean, d: Dispatch): void {
    let negated = negatedOuter;
    for (let i = 0; i < items.length; i++) {
      const op = items[i];
      if (op === '!') negated = !negated;
      if (op === '-a' || op === '-o' || op === '&&' || op === '||') negated = negatedOuter;
      if (typeof op !== 'string' || !['=', '==', '!=', '=~'].includes(op)) continue;
      const l = items[i - 1];
      const r = items[i + 1];
      if (!l || !r || typeof l === 'string' || typeof r === 'string') continue;
      const lv = this.evaluate(l);
      const rv = this.evaluate(r, double);
      const neg = negated !== (op === '!=');
      for (const [a, b, node] of [
        [lv, rv, r],
        [rv, lv, l],
      ] as const) {
        if (a.k === 'derived') this.opaque(node, 'a test on a value computed from the name');
        if (a.k !== 'name') continue;
        this.out.nameUsed = true;
        if (op === '=~') {
          // [[ $NAME =~ ^(VI_1|VI_2)$ ]]: an anchored list of plain names is a list of literals.
          const alternatives =
            node === r && r.type === 'regex'
              ? anchoredAlternatives({ k: 'lit', text: r.text, glob: false, start: r.startIndex, end: r.endIndex })
              : null;
          if (!alternatives) this.opaque(node, 'the name is matched with a regular expression');
          else {
            for (const alt of alternatives) d.tests.push(nameTest(a, alt, 'test', neg));
            if (neg) d.hasDefault = true;
          }
        } else if (b.k === 'lit') {
          d.tests.push(nameTest(a, b.glob && node === r ? b : { ...b, glob: false }, 'test', neg));
          if (neg) d.hasDefault = true;
        } else this.opaque(node, 'the name is compared with a value this analysis cannot follow');
      }
    }
  }

  private addDispatch(d: Dispatch): void {
    if (this.seenDispatch.has(d.start)) return;
    this.seenDispatch.add(d.start);
    this.out.dispatches.push(d);
  }

  private opaque(n: ShellNode, why: string): void {
    if (this.seenOpaque.has(n.startIndex)) return;
    this.seenOpaque.add(n.startIndex);
    this.out.opaque.push({ start: n.startIndex, end: n.endIndex, why });
  }

  // ---- values ------------------------------------------------------------------------------

  private lookup(name: string): Value {
    if (/^\d+$/.test(name)) return this.frame.pos.get(Number(name)) ?? UNKNOWN;
    if (name === '@' || name === '*')
      return [...this.frame.pos.values()].some((v) => v.k === 'name' || v.k === 'derived') ? DERIVED : UNKNOWN;
    return this.vars.get(name) ?? UNKNOWN;
  }

  private involvesName(n: ShellNode): boolean {
    this.step();
    if (n.type === 'simple_expansion' || n.type === 'expansion') {
      const v = this.evaluate(n);
      return v.k === 'name' || v.k === 'derived';
    }
    return n.children.some((c) => this.involvesName(c));
  }

  /** The value of a word; `pattern` gives unquoted glob characters their meaning. */
  private evaluate(n: ShellNode, pattern = false): Value {
    this.step();
    switch (n.type) {
      case 'word':
      case 'extglob_pattern':
      case 'number': {
        const text = n.text.replace(/\\(.)/g, '$1');
        return {
          k: 'lit',
          text,
          glob: pattern && /[*?[]/.test(n.text.replace(/\\./g, '')),
          start: n.startIndex,
          end: n.endIndex,
        };
      }
      case 'raw_string':
        return { k: 'lit', text: n.text.slice(1, -1), glob: false, start: n.startIndex + 1, end: n.endIndex - 1 };
      case 'string': {
        const parts = n.children.filter((c) => c.type !== '"');
        if (!parts.length) return { k: 'lit', text: '', glob: false, start: n.startIndex + 1, end: n.startIndex + 1 };
        const v = this.concat(
          parts.map((p) =>
            p.type === 'string_content' ? lit(p, p.text.replace(/\\([$`"\\])/g, '$1')) : this.evaluate(p),
          ),
        );
        // "$WRITER" holding a literal: point at the literal where it was assigned.
        if (v.k === 'lit' && parts.length === 1 && parts[0]!.type !== 'string_content') return { ...v, glob: false };
        return v.k === 'lit' ? { ...v, glob: false, start: n.startIndex + 1, end: n.endIndex - 1 } : v;
      }
      case 'concatenation': {
        const v = this.concat(n.children.map((c) => this.evaluate(c, pattern)));
        return v.k === 'lit' ? { ...v, start: n.startIndex, end: n.endIndex } : v;
      }
      case 'simple_expansion':
        return this.lookup(varName(n));
      case 'expansion':
        return this.expansion(n);
      case 'command_substitution':
        if (SCRIPT_DIR.test(n.text)) return { k: 'dir', rest: '' };
        return this.filtered(n) ?? (this.involvesName(n) ? DERIVED : UNKNOWN);
      case 'process_substitution':
        return this.involvesName(n) ? DERIVED : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private expansion(n: ShellNode): Value {
    const sub = n.children.find((c) => c.type === 'subscript');
    if (sub) {
      const index = sub.childForFieldName('index');
      const key = index ? this.evaluate(index) : UNKNOWN;
      const arr = sub.childForFieldName('name')?.text ?? '';
      if (key.k === 'name' && this.arrays.has(arr)) {
        this.out.nameUsed = true;
        const hasDefault = n.children.some((c) => [':-', '-', ':=', '=', ':+', '+'].includes(c.text));
        this.addDispatch({
          kind: 'lookup',
          start: n.startIndex,
          end: n.endIndex,
          hasDefault,
          tests: (this.arrays.get(arr) ?? []).map((k) => nameTest(key, { k: 'lit', ...k }, 'key', false)),
        });
      } else if (key.k === 'name' || key.k === 'derived')
        this.opaque(n, 'the name indexes an array this analysis cannot read');
      return UNKNOWN;
    }
    const v = n.children.find((c) => c.type === 'variable_name' || c.type === 'special_variable_name');
    if (!v) return UNKNOWN;
    if (/^\$\{0%\/\*\}$/.test(n.text)) return { k: 'dir', rest: '' };
    const base = this.lookup(v.text);
    if (n.children.length === 3) return base; // ${NAME}
    // ${v//\"/}, ${v#\"}, ${v%\"}: the quotes of a FIFO field taken off. `name=${2#\"}` then
    // `name=${name%\"}` is one strip written in two steps: the second leaves the bare name as it is.
    // A whole FIFO line loses its quotes only by a global replacement (its first word is no quote).
    if ((base.k === 'name' || (base.k === 'line' && QUOTE_STRIP_ALL.test(n.text))) && QUOTE_STRIP.test(n.text))
      return base.quoted ? { ...base, quoted: false } : base;
    if (n.text.startsWith('${#')) return UNKNOWN;
    const op = n.children[2]?.text ?? '';
    // : "${ROLE:=$2}": a variable not set before takes the word as its value (and so does the
    // expansion). One word only; a variable already set keeps what it has.
    if ((op === ':=' || op === '=') && v.type === 'variable_name' && !this.vars.has(v.text)) {
      const word = n.children.slice(3, -1);
      const value = word.length === 1 ? this.evaluate(word[0]!) : UNKNOWN;
      this.vars.set(v.text, value);
      return value;
    }
    // ${2:-VI_1}: keepalived always passes a name, so the default never applies.
    if (DEFAULT_OPS.has(op) && n.children[0]?.text === '${' && n.children[1] === v) {
      if (base.k === 'name') this.out.defaulted = true;
      return base;
    }
    if (base.k === 'name' && (op === ',,' || op === '^^') && n.children.length === 4)
      return { ...base, fold: op === ',,' ? 'lower' : 'upper' };
    // ${NAME#VI_}, ${NAME%_v4}: a literal prefix or suffix removed (a glob pattern is opaque).
    const pattern = n.children[3];
    if (base.k === 'name' && !base.strip && !base.prefix && !base.suffix && pattern && n.children.length === 5) {
      const text = pattern.type === 'regex' || pattern.type === 'word' ? pattern.text : null;
      const pv = text === null ? this.evaluate(pattern) : null;
      const literal = text ?? (pv?.k === 'lit' && !pv.glob ? pv.text : null);
      if (literal && !/[*?[\\]/.test(text ?? '')) {
        if (op === '#' || op === '##') return { ...base, strip: { prefix: literal } };
        if (op === '%' || op === '%%') return { ...base, strip: { suffix: literal } };
      }
    }
    // ${NAME/VI_/}, ${NAME//-/_}, ${NAME/#VI_}: a literal replaced (a glob pattern is opaque).
    if (base.k === 'name' && !base.strip && !base.prefix && !base.suffix && pattern && /^\/[/#%]?$/.test(op)) {
      const replaced = this.substitution(n, op, pattern);
      if (replaced) return { ...base, strip: replaced };
    }
    return base.k === 'name' || base.k === 'derived' ? DERIVED : UNKNOWN;
  }

  /** The substitution of `${NAME/from/to}` when `from` and `to` are literals; null otherwise. */
  private substitution(n: ShellNode, op: string, pattern: ShellNode): Strip | null {
    const from = pattern.type === 'regex' || pattern.type === 'word' ? pattern.text : null;
    if (!from || /[*?[\]\\'"$]/.test(from)) return null;
    const rest = n.children.slice(4, -1);
    let to = '';
    if (rest.length) {
      if (rest[0]!.text !== '/') return null;
      for (const c of rest.slice(1)) {
        const v = this.evaluate(c);
        if (v.k !== 'lit') return null;
        to += v.text;
      }
    }
    if (op === '/#') return to ? null : { prefix: from };
    if (op === '/%') return to ? null : { suffix: from };
    return { replace: { from, to, all: op === '//' } };
  }

  /**
   * `$(echo "$X" | tr -d '"')`, `$(sed 's/"//g' <<< "$X")`, `$(echo "$line" | awk '{print $2}')`:
   * the name or FIFO line through a chain of filters this analysis knows (quote stripping, case
   * folding, field 2 of a FIFO line); null for any other command.
   */
  private filtered(n: ShellNode): Value | null {
    const inner = n.namedChildren.filter((c) => c?.type !== 'comment');
    if (inner.length !== 1) return null;
    const body = inner[0]!;
    let filters: ShellNode[] = [];
    let input: ShellNode | undefined;
    if (body.type === 'pipeline') {
      const cmds = body.namedChildren;
      if (cmds.length < 2 || cmds.some((c) => c?.type !== 'command')) return null;
      const src = cmds[0]!;
      const prog = src.childForFieldName('name')?.text;
      const srcArgs = src
        .childrenForFieldName('argument')
        .filter((a) => !/^(-n|-e|%s|'%s'|"%s"|'%s\\n'|"%s\\n")$/.test(a.text));
      if ((prog !== 'echo' && prog !== 'printf') || srcArgs.length !== 1) return null;
      input = srcArgs[0];
      filters = cmds.slice(1) as ShellNode[];
    } else if (body.type === 'command') {
      input =
        body.childrenForFieldName('redirect').find((r) => r.type === 'herestring_redirect')?.namedChildren[0] ??
        undefined;
      filters = [body];
    }
    if (!filters.length || !input) return null;
    let v: Value | null = this.evaluate(input);
    for (const f of filters) {
      if (v?.k !== 'name' && v?.k !== 'line') return null;
      v = this.filter(v, f);
    }
    return v;
  }

  private filter(v: Extract<Value, { k: 'name' | 'line' }>, f: ShellNode): Value | null {
    const prog = f.childForFieldName('name')?.text;
    const words = f.childrenForFieldName('argument').map((a) => {
      const w = this.evaluate(a);
      return w.k === 'lit' ? w.text : '\0';
    });
    const spec = words.join(' ');
    if ((prog === 'tr' && /^-d "$/.test(spec)) || (prog === 'sed' && /^(-e )?s(.)\\?"\2\2g$/.test(spec)))
      return { ...v, quoted: false };
    if (v.k === 'line') {
      // keepalived writes `INSTANCE "VI_1" MASTER 100`: field 2 split at spaces is the quoted
      // name, split at the quotes the bare one; another field is not the name.
      const field = fieldOf(prog, spec);
      if (!field) return null;
      if (field.n !== 2) return UNKNOWN;
      return { k: 'name', quoted: v.quoted && field.sep !== '"', prefix: '', suffix: '' };
    }
    if (prog !== 'tr' || words.length !== 2) return null;
    const fold = caseFold(words[0]!, words[1]!);
    return fold ? { ...v, fold } : null;
  }

  private concat(values: Value[]): Value {
    let acc: Value | null = null;
    for (const v of values) acc = acc ? join(acc, v) : v;
    return acc ?? { k: 'lit', text: '', glob: false, start: 0, end: 0 };
  }
}

/** A program named by an absolute path, or by a path beside the running script (`$(dirname "$0")/x`). */
function programPath(program: Value): Handoff['program'] | null {
  if (program.k === 'lit' && program.text.startsWith('/') && !program.glob && !/\s/.test(program.text))
    return { path: program.text };
  if (program.k === 'dir' && program.rest.startsWith('/') && program.rest.length > 1)
    return { besideScript: program.rest.slice(1) };
  return null;
}

function join(a: Value, b: Value): Value {
  if (a.k === 'dir' && b.k === 'lit') return { k: 'dir', rest: a.rest + b.text };
  if (a.k === 'dir' || b.k === 'dir') return UNKNOWN;
  if (a.k === 'derived' || b.k === 'derived') return DERIVED;
  if (a.k === 'name' && b.k === 'name') return DERIVED;
  if (a.k === 'unknown' || b.k === 'unknown') return a.k === 'name' || b.k === 'name' ? DERIVED : UNKNOWN;
  if (a.k === 'lit' && b.k === 'lit')
    return { k: 'lit', text: a.text + b.text, glob: a.glob || b.glob, start: a.start, end: b.end };
  if (a.k === 'lit' && b.k === 'name') return { ...b, prefix: a.text + b.prefix };
  if (a.k === 'name' && b.k === 'lit') return { ...a, suffix: a.suffix + b.text };
  return UNKNOWN;
}

/**
 * `^(VI_1|VI_2)$`, `^VI_1$`: a regex anchored at both ends whose alternatives are plain names
 * (letters, digits, `_`, `-`; a `.` matches any character, so it is no plain name). Null otherwise.
 */
function anchoredAlternatives(v: Extract<Value, { k: 'lit' }>): Extract<Value, { k: 'lit' }>[] | null {
  const m = /^\^(\()?([\w-]+(?:\|[\w-]+)*)(\))?\$$/.exec(v.text);
  if (!m || Boolean(m[1]) !== Boolean(m[3]) || (!m[1] && m[2]!.includes('|'))) return null;
  const exact = v.end - v.start === v.text.length;
  let offset = 1 + (m[1] ? 1 : 0);
  return m[2]!.split('|').map((text) => {
    const start = exact ? v.start + offset : v.start;
    offset += text.length + 1;
    return { k: 'lit', text, glob: false, start, end: exact ? start + text.length : v.end };
  });
}

/** `cut -d ' ' -f 2`, `cut -d'"' -f2`, `awk '{print $2}'`, `awk -F'"' '{print $2}'`: the field and its separator. */
function fieldOf(prog: string | undefined, spec: string): { n: number; sep: string } | null {
  const cut = prog === 'cut' ? /^-d ?([ "]) -f ?(\d+)$|^-f ?(\d+) -d ?([ "])$/.exec(spec) : null;
  if (cut) return { n: Number(cut[2] ?? cut[3]), sep: cut[1] ?? cut[4]! };
  const awk = prog === 'awk' ? /^(?:-F ?(")\s)?\{ ?print \$(\d+);? ?\}$/.exec(spec) : null;
  if (awk) return { n: Number(awk[2]), sep: awk[1] ?? ' ' };
  return null;
}

/** A grep pattern of plain names (`VI_1`, `VI_1|VI_2` with -E, one a line with -F), or null. */
function splitPlain(v: Extract<Value, { k: 'lit' }>, sep: string | null): Extract<Value, { k: 'lit' }>[] | null {
  const parts = sep ? v.text.split(sep) : [v.text];
  if (!parts.every((p) => /^[\w-]+$/.test(p))) return null;
  const exact = v.end - v.start === v.text.length;
  let offset = 0;
  return parts.map((text) => {
    const start = exact ? v.start + offset : v.start;
    offset += text.length + 1;
    return { k: 'lit', text, glob: false, start, end: exact ? start + text.length : v.end };
  });
}

/** `tr '[:upper:]' '[:lower:]'`, `tr A-Z a-z` and the reverse. */
function caseFold(from: string, to: string): Fold | null {
  const upper = /^(\[:upper:\]|A-Z|\[A-Z\])$/;
  const lower = /^(\[:lower:\]|a-z|\[a-z\])$/;
  if (upper.test(from) && lower.test(to)) return 'lower';
  if (lower.test(from) && upper.test(to)) return 'upper';
  return null;
}

function lit(n: ShellNode, text: string): Value {
  return { k: 'lit', text, glob: false, start: n.startIndex, end: n.endIndex };
}

function literalOf(v: Extract<Value, { k: 'lit' }>): Literal {
  return { text: v.text, glob: v.glob, start: v.start, end: v.end };
}

/** A test of the name against a literal, with the prefix/suffix idiom (`"x$N" = "xgw"`) undone. */
function nameTest(
  v: Value,
  l: Extract<Value, { k: 'lit' }>,
  construct: NameTest['construct'],
  negated: boolean,
): NameTest {
  let text = l.text;
  let { start, end } = l;
  const exact = end - start === text.length;
  let quotedMatch = false;
  if (v.k === 'name') {
    if (v.prefix && text.startsWith(v.prefix)) {
      text = text.slice(v.prefix.length);
      if (exact) start += v.prefix.length;
    }
    if (v.suffix && text.endsWith(v.suffix)) {
      text = text.slice(0, text.length - v.suffix.length);
      if (exact) end -= v.suffix.length;
    }
    if (v.quoted && text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
      text = text.slice(1, -1);
      quotedMatch = true;
    }
  }
  const missingQuotes = v.k === 'name' && v.quoted && !quotedMatch && !(l.glob && /^\*|\*$/.test(text));
  const fold = v.k === 'name' ? v.fold : undefined;
  const strip = v.k === 'name' ? v.strip : undefined;
  return {
    literal: { text, glob: l.glob, start, end },
    construct,
    negated,
    missingQuotes,
    ...(fold ? { fold } : {}),
    ...(strip ? { strip } : {}),
  };
}

function isInterfaceUse(cmd: string, v: Extract<Value, { k: 'name' }>, values: Value[], i: number): boolean {
  if (/(^|\.)conf\.$/.test(v.prefix) || v.prefix.endsWith('/sys/class/net/') || /\/conf\/$/.test(v.prefix)) return true;
  if (!INTERFACE_COMMANDS.has(cmd) || v.prefix || v.suffix) return false;
  const prev = values[i - 1];
  return (
    (prev?.k === 'lit' && ['dev', 'link', 'set', 'show', 'del', 'master'].includes(prev.text)) ||
    cmd === 'ifconfig' ||
    cmd === 'ethtool'
  );
}

/** A case arm whose body only leaves (exit, return, continue, break) or does nothing (`:`, `true`). */
function doesNothing(item: ShellNode): boolean {
  const patterns = new Set(item.childrenForFieldName('value').map((p) => p.id));
  return item.namedChildren.every(
    (c) =>
      !c ||
      patterns.has(c.id) ||
      c.type === 'comment' ||
      (c.type === 'command' && NO_OPS.has(c.childForFieldName('name')?.text ?? '') && c.namedChildren.length <= 2),
  );
}

const NO_OPS = new Set(['exit', 'return', 'continue', 'break', ':', 'true']);

function isTest(n: ShellNode | undefined): boolean {
  if (!n) return false;
  if (n.type === 'test_command') return true;
  const cmd = n.type === 'command' ? n.childForFieldName('name')?.text : undefined;
  return cmd === 'test' || cmd === '[';
}

function isAllArgs(n: ShellNode): boolean {
  const inner = n.type === 'string' ? n.children.filter((c) => c.type !== '"') : [n];
  return inner.length === 1 && inner[0]!.type === 'simple_expansion' && ['@', '*'].includes(varName(inner[0]!));
}

function varName(n: ShellNode): string {
  return n.children.find((c) => c.type === 'variable_name' || c.type === 'special_variable_name')?.text ?? '';
}

/** The nodes of `type` under n (not n); `visit` is called for each node looked at (a budget step). */
function* descendants(n: ShellNode, type: string, visit?: () => void): Generator<ShellNode> {
  for (const c of n.children) {
    visit?.();
    if (c.type === type) yield c;
    yield* descendants(c, type, visit);
  }
}
