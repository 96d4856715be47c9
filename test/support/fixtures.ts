/**
 * Fixture expectations written inside keepalived comments, under the line they point at:
 *
 *   vrrp_instance VI_1 {
 *       priorty 100
 *   #   ^^^^^^^ unknown-keyword: Unknown keyword "priorty"
 *   }
 *
 * The carets give the columns on the nearest line above that is not an expectation; the text after
 * "rule-id:" must appear in the message. A first-line comment `# fixture: target=1.3.2 config-id=x`
 * sets lint options. Cluster rules: `# fixture: cluster=lb2.conf,lb3.conf` makes this file a node
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
}

export interface Fixture {
  file: string;
  expectations: Expectation[];
  options: { target?: string; from?: string; configId?: string; root?: string; cluster?: string[] };
}

const EXPECT_RE = /^(\s*[#!])(\s*)(\^+)\s+([a-z0-9-]+):\s*(.*)$/;

export function readFixture(file: string): Fixture {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
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
      }
      return;
    }
    const m = EXPECT_RE.exec(text);
    if (!m) {
      target = i + 1;
      return;
    }
    const column = m[1]!.length + m[2]!.length + 1;
    expectations.push({ ruleId: m[4]!, line: target, column, endColumn: column + m[3]!.length, message: m[5]!.trim() });
  });
  return { file, expectations, options };
}
