/**
 * Fixture expectations written inside keepalived comments, under the line they point at:
 *
 *   vrrp_instance VI_1 {
 *       priorty 100
 *   #   ^^^^^^^ unknown-keyword: Unknown keyword "priorty"
 *   }
 *
 * The carets give the columns on the nearest line above that is not an expectation; the text after
 * "rule-id:" must appear in the message (or its detail). The rule id may name the message id too,
 * `#   ^^^^^^^ unknown-keyword[unknown]: Unknown keyword "priorty"`, and then the text is optional
 * (`#   ^^^^^^^ unknown-keyword[unknown]`): write the id in new fixtures, and as text only what is
 * unlikely to change (the quoted keyword or address). Where carets cannot point (a finding that
 * starts in column 1, has no width, or is on a line too long to copy), the place is written out as
 * line:column-endColumn: `# (1:1-1) include-not-found[executable]`.
 * A first-line comment `# fixture: target=1.3.2 config-id=x` sets lint options
 * (target, from, config-id, root, the flag report-unused-disables, and with=rule-a,rule-b: rules
 * test/support/rule-tester.ts runs beside the fixture's own, for a finding that exists only when
 * another rule runs, such as budget-exceeded's cap on another rule's findings). Cluster rules: `# fixture:
 * cluster=lb2.conf,lb3.conf` makes this file a node
 * and names the other nodes' files (beside it; each holds its own expectations), and a bare
 * `# fixture: cluster` makes this one file a cluster of the config-ids its `@` lines name.
 */
import * as fs from 'node:fs';

export interface Expectation {
  ruleId: string;
  line: number;
  column: number;
  endColumn: number;
  message: string;
  /** The message id, when the expectation names it (`rule-id[messageId]`). */
  messageId?: string;
}

export interface Fixture {
  file: string;
  expectations: Expectation[];
  options: {
    target?: string;
    from?: string;
    configId?: string;
    root?: string;
    cluster?: string[];
    reportUnusedDisables?: boolean;
    with?: string[];
  };
}

/** `rule-id: text`, `rule-id[messageId]: text` or `rule-id[messageId]`. */
const EXPECTED = String.raw`([a-z0-9-]+)(?:\[([A-Za-z][A-Za-z0-9_]*)\](?::\s*(.*))?|:\s*(.*))`;
const EXPECT_RE = new RegExp(String.raw`^(\s*[#!])(\s*)(\^+)\s+` + EXPECTED + '$');
const PLACE_EXPECT_RE = new RegExp(String.raw`^\s*[#!]\s*\((\d+):(\d+)-(\d+)\)\s+` + EXPECTED + '$');

export function readFixture(file: string): Fixture {
  return parseFixture(file, fs.readFileSync(file, 'utf8'));
}

/** The expectations and options written in `text` (the content of `file`). */
export function parseFixture(file: string, text: string): Fixture {
  const lines = text.split('\n');
  const expectations: Expectation[] = [];
  const options: Fixture['options'] = {};
  let target = 0;
  lines.forEach((text, i) => {
    const opt = /^[#!]\s*fixture:\s*(.*)$/.exec(text);
    if (opt) {
      for (const kv of opt[1]!.trim().split(/\s+/)) {
        const [k, v] = kv.split('=');
        if (k === 'target') options.target = v!;
        if (k === 'from') options.from = v!;
        if (k === 'config-id') options.configId = v!;
        if (k === 'root') options.root = v!;
        if (k === 'cluster') options.cluster = v ? v.split(',') : [];
        if (k === 'report-unused-disables') options.reportUnusedDisables = true;
        if (k === 'with') options.with = v ? v.split(',') : [];
      }
      return;
    }
    const at = PLACE_EXPECT_RE.exec(text);
    if (at) {
      expectations.push(expectation(at[4]!, at[5], at[6] ?? at[7], Number(at[1]), Number(at[2]), Number(at[3])));
      return;
    }
    const m = EXPECT_RE.exec(text);
    if (!m) {
      target = i + 1;
      return;
    }
    const column = m[1]!.length + m[2]!.length + 1;
    expectations.push(expectation(m[4]!, m[5], m[6] ?? m[7], target, column, column + m[3]!.length));
  });
  return { file, expectations, options };
}

function expectation(
  ruleId: string,
  messageId: string | undefined,
  message: string | undefined,
  line: number,
  column: number,
  endColumn: number,
): Expectation {
  return { ruleId, line, column, endColumn, message: (message ?? '').trim(), ...(messageId ? { messageId } : {}) };
}
