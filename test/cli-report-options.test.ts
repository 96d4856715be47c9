// --output, --max-warnings, --quiet and --rule through main(argv, io).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempTree } from './helpers.js';
import { rules } from '../rules/index.js';

const { dir: tmp, write } = tempTree('kl-report-');

const CLEAN =
  'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    ' +
  'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
  '   192.0.2.10/24\n    }\n}\n';
// Two warnings (extra words), no error.
const WARNINGS = CLEAN.replace('priority 100', 'priority 100 150').replace('state BACKUP', 'state BACKUP now');
// One error (unknown keyword) and one warning.
const MIXED = CLEAN.replace('priority 100', 'priorty 100').replace('state BACKUP', 'state BACKUP now');

write('warnings.conf', WARNINGS);
write('mixed.conf', MIXED);
write('clean.conf', CLEAN);

interface JsonOut {
  results: { file: string; diagnostics: { ruleId: string; severity: string }[] }[];
}
const diagnostics = (stdout: string) =>
  (JSON.parse(stdout) as JsonOut).results.flatMap((r) => r.diagnostics.map((d) => `${d.severity} ${d.ruleId}`));

describe('--output FILE', () => {
  it('writes the report to the file and nothing to stdout, with the usual exit code', async () => {
    const r = await runCli(['lint', 'mixed.conf', '--format', 'sarif', '-o', 'report.sarif'], { cwd: tmp });
    expect(r).toEqual({ code: 1, stdout: '', stderr: '' });
    const log = JSON.parse(fs.readFileSync(path.join(tmp, 'report.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[] }[];
    };
    expect(log.runs[0]!.results.map((x) => x.ruleId)).toEqual(['invalid-value', 'unknown-keyword']);
  });

  it('writes stylish without colour even on a terminal, and an empty file for a clean run', async () => {
    const r = await runCli(['lint', 'mixed.conf', '--output', 'stylish.txt'], {
      cwd: tmp,
      isTTY: true,
      env: { FORCE_COLOR: '1' },
    });
    expect(r.code).toBe(1);
    const text = fs.readFileSync(path.join(tmp, 'stylish.txt'), 'utf8');
    expect(text).toContain('priorty');
    expect(text).not.toContain('\u001b[');
    fs.writeFileSync(path.join(tmp, 'clean.txt'), 'stale');
    expect((await runCli(['lint', 'clean.conf', '--output', 'clean.txt'], { cwd: tmp })).code).toBe(0);
    expect(fs.readFileSync(path.join(tmp, 'clean.txt'), 'utf8')).toBe('');
  });

  it('is a usage error, exit 2, naming the path and why, when the file cannot be written', async () => {
    const missing = await runCli(['lint', 'clean.conf', '-o', 'no/such/dir/report.sarif', '-f', 'sarif'], { cwd: tmp });
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toBe(
      'keepalived-lint: cannot write the report to --output ' +
        '"no/such/dir/report.sarif": the folder "no/such/dir" does not exist. ' +
        'Choose a file in an existing folder you can write to.\n',
    );
    expect(fs.existsSync(path.join(tmp, 'no'))).toBe(false);
    fs.mkdirSync(path.join(tmp, 'adir'), { recursive: true });
    const dir = await runCli(['lint', 'clean.conf', '--output', 'adir'], { cwd: tmp });
    expect(dir.code).toBe(2);
    expect(dir.stderr).toContain('"adir": it is a directory');
    const underFile = await runCli(['lint', 'clean.conf', '--output', 'clean.conf/x.txt'], { cwd: tmp });
    expect(underFile.code).toBe(2);
    expect(underFile.stderr).toContain('a part of the path is a file, not a folder');
  });
});

describe('--max-warnings N', () => {
  it('exits 1 with a stderr line when the warnings exceed N, and 0 at N', async () => {
    expect(await runCli(['lint', 'warnings.conf', '-f', 'json', '--max-warnings', '2'], { cwd: tmp })).toMatchObject({
      code: 0,
      stderr: '',
    });
    const over = await runCli(['lint', 'warnings.conf', '-f', 'json', '--max-warnings', '1'], { cwd: tmp });
    expect(over.code).toBe(1);
    expect(over.stderr).toBe(
      'keepalived-lint: 2 warnings found, more than --max-warnings 1 allows: fix them, or raise the limit.\n',
    );
    expect(diagnostics(over.stdout)).toEqual(['warning invalid-value', 'warning invalid-value']);
    expect((await runCli(['lint', 'clean.conf', '--max-warnings', '0'], { cwd: tmp })).code).toBe(0);
  });

  it('rejects a value that is not a whole number with exit 2', async () => {
    for (const bad of ['-1', 'ten', '1.5', '']) {
      const r = await runCli(['lint', 'clean.conf', `--max-warnings=${bad}`], { cwd: tmp });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Expected a whole number of warnings, 0 or more');
    }
  });
});

describe('--quiet', () => {
  it('reports errors only, and a file with warnings only reads as clean', async () => {
    const mixed = await runCli(['lint', 'mixed.conf', '-f', 'json', '--quiet'], { cwd: tmp });
    expect(mixed.code).toBe(1);
    expect(diagnostics(mixed.stdout)).toEqual(['error unknown-keyword']);
    const stylish = await runCli(['lint', 'mixed.conf', '--quiet'], { cwd: tmp });
    expect(stylish.stdout).toContain('1 problem (1 error, 0 warnings)');
    expect(await runCli(['lint', 'warnings.conf', '--quiet'], { cwd: tmp })).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('still counts the hidden warnings for --max-warnings, and says so', async () => {
    const r = await runCli(['lint', 'warnings.conf', '--quiet', '--max-warnings', '0'], { cwd: tmp });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: expect.stringContaining('2 warnings found, more than --max-warnings 0 allows'),
    });
  });
});

describe('--rule RULE=SEVERITY', () => {
  it("changes a rule's severity, and the exit code with it", async () => {
    const r = await runCli(['lint', 'mixed.conf', '-f', 'json', '--rule', 'unknown-keyword=warning'], { cwd: tmp });
    expect(r.code).toBe(0);
    expect(diagnostics(r.stdout)).toEqual(['warning invalid-value', 'warning unknown-keyword']);
  });

  it('is repeatable, and off turns a rule off', async () => {
    const r = await runCli(
      ['lint', 'mixed.conf', '-f', 'json', '--rule', 'unknown-keyword=off', '--rule', 'invalid-value=error'],
      { cwd: tmp },
    );
    expect(r.code).toBe(1);
    expect(diagnostics(r.stdout)).toEqual(['error invalid-value']);
    // The last setting of a rule wins.
    const last = await runCli(
      ['lint', 'mixed.conf', '-f', 'json', '--rule', 'unknown-keyword=off', '--rule', 'unknown-keyword=info'],
      { cwd: tmp },
    );
    expect(diagnostics(last.stdout)).toContain('info unknown-keyword');
  });

  it('rejects an unknown rule with exit 2, a suggestion and the list of rules', async () => {
    const r = await runCli(['lint', 'clean.conf', '--rule', 'unknown-keywrd=off'], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Unknown rule "unknown-keywrd". Did you mean "unknown-keyword"? Valid rules: ');
    for (const rule of rules) expect(r.stderr).toContain(rule.meta.id);
  });

  it('rejects an unknown severity and a value without "=" with exit 2, listing the severities', async () => {
    const warn = await runCli(['lint', 'clean.conf', '--rule', 'unknown-keyword=warn'], { cwd: tmp });
    expect(warn.code).toBe(2);
    expect(warn.stderr).toContain(
      'Unknown severity "warn" for rule unknown-keyword. Did you mean ' +
        '"warning"? Valid severities: off, info, warning, error.',
    );
    const bare = await runCli(['lint', 'clean.conf', '--rule', 'unknown-keyword'], { cwd: tmp });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain(
      'Expected RULE=SEVERITY, e.g. --rule unknown-keyword=warning (severity one of off, info, warning, error).',
    );
  });
});

describe('lint --help', () => {
  it('lists every format and the report options', async () => {
    const r = await runCli(['lint', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toContain('choices: "stylish", "json", "sarif", "github", "checkstyle", "junit"');
    for (const o of ['--output <file>', '--max-warnings <n>', '--quiet', '--rule <rule=severity>'])
      expect(help).toContain(o);
  });
});
