// Hostile text in human outputs (issue 13): a file name holding a newline and a GitHub workflow
// command, and a config line holding a terminal escape, reach the github, stylish, checkstyle and
// junit outputs and stderr only escaped, so they can neither start a workflow command nor drive
// the terminal. Each assertion fails when the text is written raw.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import { escapeControl } from '../src/format/escape.js';

const EVIL = 'a\n::error file=README.md::pwned\nb.conf';
const CLEAR = '\u001b[2J';
const CONFIG =
  `vrrp_instance VI_1 {\n    state BACKUP\n    interface ` +
  `eth0\n    virtual_router_id 51\n    priority 100\n ` +
  `   priorty ${CLEAR}\u202e100\n}\n`;

function tree() {
  const t = tempTree('kl-escape-');
  t.write(`etc/keepalived/${EVIL}`, CONFIG);
  // A file that cannot be read (a FIFO): its name reaches stderr and the report's errors.
  execFileSync('mkfifo', [path.join(t.dir, FIFO)]);
  return t;
}

const FIFO = `etc/keepalived/fifo\n::error file=README.md::pwned2\n\u001b[2J.conf`;
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('escaping of control characters in human outputs', () => {
  it('escapes C0, DEL, C1 and bidi controls visibly', () => {
    expect(escapeControl('a\n\r\t\u001b[2J\u007f\u009b\u202e\u2066ok')).toBe(
      'a\\n\\r\\t\\x1b[2J\\x7f\\x9b\\u202e\\u2066ok',
    );
    expect(escapeControl('plain "text", ünïcode')).toBe('plain "text", ünïcode');
  });

  it('github: no line starts a workflow command but our own annotations, and none holds a raw control', async () => {
    const { dir } = tree();
    const r = await runCli(['etc', FIFO, '--format', 'github'], { cwd: dir });
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) {
      expect(l).toMatch(/^::(error|warning|notice) file=etc\/keepalived\//);
      expect(l).not.toMatch(/^::error file=README\.md/);
      expect(l).not.toMatch(RAW);
      expect(l).not.toContain('\r');
    }
    expect(r.stdout).toContain('file=etc/keepalived/a\\n%3A%3Aerror file=README.md%3A%3Apwned');
    expect(r.stderr).not.toMatch(/^::/m);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.code).toBe(2);
  });

  it('stderr: a path argument that is not there is named escaped', async () => {
    const { dir } = tree();
    const r = await runCli([`missing\n::error file=README.md::pwned3\u001b[2J.conf`], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing\\n::error file=README.md::pwned3\\x1b[2J.conf');
    expect(r.stderr).not.toMatch(/^::/m);
    for (const l of r.stderr.split('\n')) expect(l).not.toMatch(RAW);
  });

  it('stylish and stderr: the name and the config line show escaped, the caret still under the word', async () => {
    const { dir } = tree();
    const r = await runCli(['etc', FIFO], { cwd: dir });
    expect(r.stdout).toContain('etc/keepalived/a\\n::error file=README.md::pwned\\nb.conf');
    expect(r.stdout).toContain('        priorty \\x1b[2J\\u202e100');
    expect(r.stdout).not.toMatch(/^::/m);
    for (const l of r.stdout.split('\n')) expect(l).not.toMatch(RAW);
    const lines = r.stdout.split('\n');
    const src = lines.findIndex((l) => l.startsWith('        priorty '));
    expect(lines[src + 1]).toBe('        ^^^^^^^');
    expect(r.stderr).toContain('fifo\\n::error file=README.md::pwned2\\n\\x1b[2J.conf');
    expect(r.stderr).not.toMatch(/^::/m);
    for (const l of r.stderr.split('\n')) expect(l).not.toMatch(RAW);
  });

  it('stderr: a command-line error (pre-commit passes file names as arguments) is escaped too', async () => {
    const r = await runCli(['--no-such\n::error file=README.md::pwned4'], { cwd: tree().dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--no-such\\n::error file=README.md::pwned4'");
    expect(r.stderr).not.toMatch(/^::/m);
  });

  it('checkstyle and junit: names and messages carry no raw control character', async () => {
    const { dir } = tree();
    for (const format of ['checkstyle', 'junit']) {
      const r = await runCli(['etc', FIFO, '--format', format], { cwd: dir });
      expect(r.stdout).toContain('a\\n::error file=README.md::pwned\\nb.conf');
      expect(r.stdout).not.toMatch(RAW);
      expect(r.stdout).not.toContain('&#10;::error');
    }
  });
  it('cluster: the legend of node names (folder names of the repository) is escaped', async () => {
    const t = tempTree('kl-escape-cluster-');
    const node = (prio: number) =>
      `vrrp_instance VI_1 {\n    state BACKUP\n    interface ` +
      `eth0\n    virtual_router_id 51\n    priority ${prio}\n ` +
      `   virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n`;
    t.write('hosts/lb1\n::error file=README.md::pwned5/keepalived.conf', node(100));
    t.write('hosts/lb2/keepalived.conf', node(90));
    const r = await runCli(['cluster', 'hosts'], { cwd: t.dir });
    expect(r.stdout).toContain('lb1\\n::error file=README.md::pwned5');
    expect(r.stdout).not.toMatch(/^::/m);
    for (const l of r.stdout.split('\n')) expect(l).not.toMatch(RAW);
  });
});
