import { MAX_BRACE_ALTERNATIVES } from '../source/glob.js';

/**
 * The work budget of one config: every config-id pass of one entry file draws on the same budget,
 * so a config of a few hundred bytes cannot make the linter read, expand or keep more than a
 * bounded amount, whatever it says (CI runs us on pull requests: every input is hostile). The
 * caps are far above what real configs use (measured on the corpus and on the 10,000-instance
 * benchmark); the first cap a pass hits is reported at the line that hit it, and the pass stops
 * reading there. Example: `include a.inc` twice per file, 40 files deep -> keepalived would read
 * the last file 2^40 times; we stop after MAX_INCLUDED_FILES_PER_PASS and say so at that include.
 */

/**
 * Included files read per pass (the same file read twice counts twice). A conf.d of a few
 * thousand files stays below; files that include the next one twice (2^depth reads) hit it in
 * about a second.
 */
export const MAX_INCLUDED_FILES_PER_PASS = 10_000;
/**
 * Reads of one included file per pass. A snippet included in each of a few hundred virtual
 * servers stays below; a conf.d whose files include their own glob (each reads the others again,
 * which never ends in keepalived either) hits it after 256 reads of each.
 */
export const MAX_READS_PER_INCLUDED_FILE = 256;
/**
 * File-system questions the include lines of a pass ask together: each brace alternative tried,
 * each stat and list call of a glob, each name a listed folder holds. A conf.d of 5,000 files
 * (`include conf.d/*.conf`) asks ~10,000, a few hundred include lines a few each; without it,
 * `~SEQ(i,1,50000) include /n{a,b}...` (12 groups: 4,096 alternatives a line, each under the
 * per-line brace cap) asked 200 million, once per config-id pass. A confined stat costs ~70 us
 * (realpath, then stat) on an idle machine, so this cap is under 2 s of questions.
 */
export const MAX_INCLUDE_LOOKUPS_PER_PASS = 25_000;
/** Names of missing alternatives an include-partly-missing finding quotes; the rest are counted. */
export const MAX_MISSING_NAMES_SHOWN = 5;
/**
 * Words (tokens) per pass after every expansion: the linter keeps ~0.5-1 KB per word (tokens,
 * lines, statements, rules' indexes), so this is what bounds its memory. The 10,000-instance
 * benchmark has 444,008 words; keepalived's own stress test 1173.conf (~SEQ: 300 virtual servers
 * x 100 real servers) has 546,602 per pass.
 */
export const MAX_WORDS_PER_PASS = 1_000_000;
/** Words over all config-id passes of one config: 1173.conf has 1,639,804 over its 3 passes. */
export const MAX_WORDS_PER_CONFIG = 3_000_000;
/**
 * Bytes of words per pass after expansion (a word can be up to ~8 KB after substitution, so the
 * word count alone does not bound the text). 1173.conf has 3.6 MB per pass, the benchmark 3.3 MB.
 */
export const MAX_WORD_BYTES_PER_PASS = 32 * 1024 * 1024;
/**
 * Values all ~SEQ/~LST lines of a pass produce together (chained sequences multiply). Real
 * configs count out VRIDs or addresses (hundreds); keepalived's stress test 1173.conf uses 30,300
 * per pass. Each value costs the linter ~20-40 us even for a one-word line, so five
 * `~SEQ(i,1,100000)` lines (500,000 values) took 54 s; this cap keeps such a file near a second.
 */
export const MAX_SEQUENCE_VALUES_PER_PASS = 50_000;
/**
 * Unclosed `{` at once. Real configs nest 4 deep (virtual_server > real_server > TCP_CHECK >
 * ...); 5 million `{` lines fit in a 16 MiB file and would each stay open.
 */
export const MAX_BRACE_DEPTH = 1_000;

export type BudgetCap =
  | 'included-files'
  | 'file-reads'
  | 'brace-alternatives'
  | 'include-lookups'
  | 'words'
  | 'config-words'
  | 'word-bytes'
  | 'sequence-values'
  | 'brace-depth';

/** What keepalived does with such an input, for the finding. */
export const CAP_EFFECT: Record<BudgetCap, string> = {
  'included-files':
    'keepalived reads a file again at every include line that matches it, ' +
    'so it would read them an exponential number of times, or never finish ' +
    'if they include each other',
  'file-reads':
    'keepalived reads a file again at every include line that matches it, ' +
    'so these include lines would read it an exponential number of times, ' +
    'or never finish if they include each other',
  'brace-alternatives':
    'keepalived (glob(3) with GLOB_BRACE) expands every combination before ' +
    'reading any, and may run out of memory or take minutes',
  'include-lookups':
    'keepalived globs every include line again each time it reads it, so ' +
    'these lines would make it look up files an unbounded number of times ' +
    'before it starts',
  words: 'keepalived would build all of it in memory and may run out of memory or take minutes to start',
  'config-words':
    'keepalived would build all of it in memory, once per process, and may run out of memory or take minutes to start',
  'word-bytes': 'keepalived would build all of it in memory and may run out of memory or take minutes to start',
  'sequence-values':
    'keepalived has no such limit and would expand every value, which may take minutes or run out of memory',
  'brace-depth':
    'keepalived counts open blocks without limit; no real configuration ' +
    'nests this deep, so the file is probably not a keepalived config',
};

export const CAP_LIMIT: Record<BudgetCap, number> = {
  'included-files': MAX_INCLUDED_FILES_PER_PASS,
  'file-reads': MAX_READS_PER_INCLUDED_FILE,
  'brace-alternatives': MAX_BRACE_ALTERNATIVES,
  'include-lookups': MAX_INCLUDE_LOOKUPS_PER_PASS,
  words: MAX_WORDS_PER_PASS,
  'config-words': MAX_WORDS_PER_CONFIG,
  'word-bytes': MAX_WORD_BYTES_PER_PASS,
  'sequence-values': MAX_SEQUENCE_VALUES_PER_PASS,
  'brace-depth': MAX_BRACE_DEPTH,
};

export const CAP_WHAT: Record<BudgetCap, string> = {
  'included-files': 'included files read in one pass',
  'file-reads': 'reads of one included file in one pass',
  'brace-alternatives': '{a,b} alternatives in one include pattern',
  'include-lookups':
    'file-system lookups of include lines in one pass (alternatives tried, stat and list calls, names listed)',
  words: 'words after expansion in one pass',
  'config-words': 'words after expansion over all config-id passes',
  'word-bytes': 'bytes of words after expansion in one pass',
  'sequence-values': 'values of ~SEQ/~LST lines in one pass',
  'brace-depth': 'unclosed "{" at once',
};

/** Caps on memory end the pass there; caps on one kind of expansion skip more of it only. */
export const CAP_STOPS_PASS: Record<BudgetCap, boolean> = {
  'included-files': false,
  'file-reads': false,
  'brace-alternatives': false,
  'include-lookups': false,
  words: true,
  'config-words': true,
  'word-bytes': true,
  'sequence-values': false,
  'brace-depth': true,
};

/** "a, b, c, d, e and 4091 more": a list of names of bounded length, whatever the count. */
export function someNames(names: readonly string[], shown = MAX_MISSING_NAMES_SHOWN): string {
  if (names.length <= shown) return names.join(', ');
  return `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`;
}

/** The part of the budget shared by every pass of one config. */
export class ConfigBudget {
  words = 0;
  /** Set when the config's words are spent: no further config-id pass is read. */
  exhausted: BudgetCap | null = null;
}
