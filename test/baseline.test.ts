// --write-baseline / --baseline through the CLI, on copies of test/baseline/ in temporary folders
// (the only file the linter writes is the baseline).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, lintJson, runCli } from './helpers.js';
import { applyBaseline, createBaseline } from '../src/engine/baseline.js';
import type { Diagnostic } from '../src/engine/types.js';

const FIXTURE = path.join(REPO, 'test', 'baseline');
const CONF = 'etc/keepalived/keepalived.conf';
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-baseline-'));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of the fixture repository. */
function repo(): string {
  const dir = path.join(tmpRoot, `repo${copies++}`);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).map((f) => f.split(path.sep).join('/')).sort();
}

const ORIGINAL = [
  'extra.conf:5 invalid-value',
  'keepalived.conf:8 unknown-keyword',
  'keepalived.conf:9 unknown-keyword',
  'keepalived.conf:17 duplicate-vrid',
  'keepalived.conf:19 advert-int-version',
  'keepalived.conf:25 include-not-found',
];

async function lint(dir: string, extra: string[], cwd = dir) {
  const r = await lintJson(path.join(dir, CONF), extra, cwd);
  return { ...r, list: [...r.files].flatMap(([f, ds]) => ds.map((d) => `${path.basename(f)}:${d.line} ${d.ruleId}`)) };
}

describe('--write-baseline', () => {
  it(
    'records every finding with stable keys and a count, prints no ' + 'findings, exits 0 and writes nothing else',
    async () => {
      const dir = repo();
      const before = listing(dir);
      expect((await lint(dir, [])).list).toEqual(ORIGINAL);
      const r = await runCli(['lint', CONF, '--write-baseline', 'baseline.json'], { cwd: dir });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        'keepalived-lint: wrote 6 findings in 2 files to baseline.json; lint ' +
          'with --baseline baseline.json to report only new ones\n',
      );
      expect(listing(dir)).toEqual([...before, 'baseline.json'].sort());
      const doc = JSON.parse(fs.readFileSync(path.join(dir, 'baseline.json'), 'utf8')) as {
        version: number;
        findings: Record<string, unknown>[];
      };
      expect(doc.version).toBe(2);
      const byRule = (rule: string) => doc.findings.filter((f) => f.rule === rule);
      // Paths relative to the baseline's folder; the line's text, not its number; message id and
      // data (what is matched), the message (for the reader); one key, count 2.
      expect(byRule('unknown-keyword')).toEqual([
        {
          rule: 'unknown-keyword',
          file: CONF,
          messageId: 'unknown',
          data: { hint: '', name: 'bogus_keyword', scope: 'in vrrp_instance VI_1', version: '2.2.7', why: '' },
          source: 'bogus_keyword 1',
          message: 'Unknown keyword "bogus_keyword" in vrrp_instance VI_1: keepalived 2.2.7 ignores the line',
          count: 2,
        },
      ]);
      expect(byRule('invalid-value')[0]!.file).toBe('etc/keepalived/conf.d/extra.conf');
      // No positions and no checkout folder in the data (nor in the message).
      const vrid = byRule('duplicate-vrid')[0]!;
      expect(vrid.data).toMatchObject({ name: 'VI_2', other: 'VI_1', vrid: 51, first: '' });
      expect(vrid.message).not.toMatch(/:\d+:\d+/);
      expect(byRule('include-not-found')[0]!.data).toMatchObject({ resolved: 'etc/keepalived/conf.d/missing.conf' });
      expect(JSON.stringify(doc)).not.toContain(dir);
    },
  );

  it('exits 2 without writing when the folder of the file does not exist', async () => {
    const dir = repo();
    const r = await runCli(['lint', CONF, '--write-baseline', 'no/such/folder/baseline.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'keepalived-lint: cannot write the baseline file ' +
        'no/such/folder/baseline.json: its folder does not exist; nothing was ' +
        'written\n',
    );
    expect(fs.existsSync(path.join(dir, 'no'))).toBe(false);
  });
});

describe('--baseline', () => {
  it('round trip: after an edit that moves every line and adds findings, only the new ones remain', async () => {
    const dir = repo();
    expect((await runCli(['lint', CONF, '--write-baseline', 'baseline.json'], { cwd: dir })).code).toBe(0);
    const accepted = await lint(dir, ['--baseline', 'baseline.json']);
    expect(accepted.list).toEqual([]);
    expect(accepted.code).toBe(0);
    expect(accepted.stderr).toBe('');

    const file = path.join(dir, CONF);
    const text = fs.readFileSync(file, 'utf8');
    const edited = ['global_defs {', '    router_id lb1', '}', text]
      .join('\n')
      .replace(
        '    bogus_keyword 1\n    bogus_keyword 1\n',
        '    bogus_keyword 1\n    bogus_keyword 1\n    bogus_keyword 1\n',
      )
      .replace('    advert_int 1.5\n', '    advert_int 1.5\n    priorty 90\n');
    fs.writeFileSync(file, edited);
    const all = await lint(dir, []);
    // Every finding moved (the duplicate-vrid message cites the moved VI_1 too), and two are new.
    expect(all.list).toEqual([
      'extra.conf:5 invalid-value',
      'keepalived.conf:11 unknown-keyword',
      'keepalived.conf:12 unknown-keyword',
      'keepalived.conf:13 unknown-keyword',
      'keepalived.conf:21 duplicate-vrid',
      'keepalived.conf:23 advert-int-version',
      'keepalived.conf:24 unknown-keyword',
      'keepalived.conf:30 include-not-found',
    ]);
    const r = await lint(dir, ['--baseline', 'baseline.json']);
    // The baseline accepts two "bogus_keyword 1": the third is new. "priorty 90" is new.
    expect(r.list).toEqual(['keepalived.conf:13 unknown-keyword', 'keepalived.conf:24 unknown-keyword']);
    expect(r.code).toBe(1);
  });

  it('reads paths relative to the baseline file, from any folder and in another checkout', async () => {
    const dir = repo();
    await runCli(['lint', CONF, '--write-baseline', 'baseline.json'], { cwd: dir });
    expect((await lint(dir, ['--baseline', '../../baseline.json'], path.join(dir, 'etc', 'keepalived'))).list).toEqual(
      [],
    );
    const elsewhere = path.join(tmpRoot, 'ci-checkout', 'work');
    fs.cpSync(dir, elsewhere, { recursive: true });
    expect((await lint(elsewhere, ['--baseline', 'baseline.json'])).list).toEqual([]);
    // Control: the same findings against a baseline kept in another folder do not match.
    fs.mkdirSync(path.join(dir, 'ci'));
    fs.copyFileSync(path.join(dir, 'baseline.json'), path.join(dir, 'ci', 'baseline.json'));
    expect((await lint(dir, ['--baseline', 'ci/baseline.json'])).list).toEqual(ORIGINAL);
  });

  it('says when baselined findings no longer occur (fixed), and still exits by what remains', async () => {
    const dir = repo();
    await runCli(['lint', CONF, '--write-baseline', 'baseline.json'], { cwd: dir });
    const file = path.join(dir, CONF);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    bogus_keyword 1\n', ''));
    const r = await lint(dir, ['--baseline', 'baseline.json']);
    expect(r.list).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(
      'keepalived-lint: 1 finding in the baseline baseline.json no longer ' +
        'occurs (fixed or changed); run with --write-baseline baseline.json to ' +
        'drop it\n',
    );
  });

  it('matches on message id and data: a reworded message still matches, changed data does not', async () => {
    const dir = repo();
    await runCli(['lint', CONF, '--write-baseline', 'baseline.json'], { cwd: dir });
    const file = path.join(dir, 'baseline.json');
    const written = fs.readFileSync(file, 'utf8');
    type Doc = { findings: { rule: string; message: string; data?: Record<string, string | number> }[] };
    const edit = (f: (doc: Doc) => void) => {
      const doc = JSON.parse(written) as Doc;
      f(doc);
      fs.writeFileSync(file, JSON.stringify(doc));
    };
    // The rule words its message differently today (what a release that rewrites messages does):
    // the findings still match.
    edit((doc) => {
      for (const e of doc.findings) e.message = `Reworded: ${e.message.toUpperCase()}`;
    });
    const reworded = await lint(dir, ['--baseline', 'baseline.json']);
    expect(reworded.list).toEqual([]);
    expect(reworded.stderr).toBe('');
    // The data differ (another keyword): not the same finding.
    edit((doc) => {
      for (const e of doc.findings) if (e.rule === 'unknown-keyword') e.data = { ...e.data, name: 'other_keyword' };
    });
    const changed = await lint(dir, ['--baseline', 'baseline.json']);
    expect(changed.list).toEqual(['keepalived.conf:8 unknown-keyword', 'keepalived.conf:9 unknown-keyword']);
    expect(changed.stderr).toBe(
      'keepalived-lint: 2 findings in the baseline baseline.json no longer ' +
        'occur (fixed or changed); run with --write-baseline baseline.json to ' +
        'drop them\n',
    );
  });

  it.each([
    [
      'missing',
      null,
      'keepalived-lint: cannot read the baseline file baseline.json: no such ' +
        'file or directory; create it with --write-baseline baseline.json\n',
    ],
    [
      'not JSON',
      '{"version": 2, "findings": [',
      new RegExp(
        /^keepalived-lint: baseline\.json is not a keepalived-lint baseline: it is not valid JSON \(.+\)\. /.source +
          /Regenerate it with --write-baseline baseline\.json\n$/.source,
      ),
    ],
    [
      'another version',
      '{"version": 3, "findings": []}',
      'keepalived-lint: baseline.json is not a keepalived-lint baseline: ' +
        '"version" is 3, expected 2. Regenerate it with --write-baseline ' +
        'baseline.json\n',
    ],
    [
      'version 1 (message text)',
      '{"version": 1, "findings": [{"rule": "a-b", "file": "k.conf", "message": "m", "source": "s", "count": 1}]}',
      'keepalived-lint: the baseline baseline.json cannot be used: it was ' +
        'written by an older keepalived-lint (baseline version 1, which ' +
        'matched findings on their message text; this one matches them on ' +
        'rule, message id and data). Regenerate it with --write-baseline ' +
        'baseline.json (on the commit it was written for, to accept the same ' +
        'findings), and commit the new file\n',
    ],
    [
      'a data without message id',
      '{"version": 2, "findings": [{"rule": "a-b", "file": "k.conf", "data": ' +
        '{}, "message": "m", "source": "s", "count": 1}]}',
      'keepalived-lint: baseline.json is not a keepalived-lint baseline: ' +
        'findings[0] has data but no messageId. Regenerate it with ' +
        '--write-baseline baseline.json\n',
    ],
    [
      'a bad count',
      '{"version": 2, "findings": [{"rule": "a-b", "file": "k.conf", "message": "m", "source": "s", "count": 0}]}',
      'keepalived-lint: baseline.json is not a keepalived-lint baseline: ' +
        'findings[0].count must be a whole number of at least 1. Regenerate it ' +
        'with --write-baseline baseline.json\n',
    ],
  ])('a %s baseline file is exit 2 with what is wrong, before anything is linted', async (_name, content, message) => {
    const dir = repo();
    if (content !== null) fs.writeFileSync(path.join(dir, 'baseline.json'), content);
    const r = await runCli(['lint', CONF, '--baseline', 'baseline.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
  });

  it('refuses --baseline with --write-baseline (exit 2)', async () => {
    const dir = repo();
    const r = await runCli(['lint', CONF, '--baseline', 'a.json', '--write-baseline', 'b.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('use --baseline or --write-baseline, not both');
    expect(fs.existsSync(path.join(dir, 'b.json'))).toBe(false);
  });
});

describe('applyBaseline (the matching itself)', () => {
  const base = '/repo';
  const file = '/repo/etc/keepalived/keepalived.conf';
  const sources = new Map([[file, 'vrrp_instance VI_1 {\n    priorty 100\n}\n']]);
  const finding = (message: string, data: Record<string, string | number>, line = 2): Diagnostic => ({
    ruleId: 'unknown-keyword',
    severity: 'error',
    message,
    file,
    range: { start: 0, end: 0 },
    start: { line, column: 5 },
    end: { line, column: 12 },
    messageId: 'unknown',
    data,
  });
  const accepted = createBaseline(
    [
      {
        file,
        diagnostics: [
          finding('Unknown keyword "priorty" in vrrp_instance VI_1', { name: 'priorty', where: 'keepalived.conf:2:5' }),
        ],
      },
    ],
    sources,
    base,
  );
  const apply = (d: Diagnostic) => applyBaseline([{ file, diagnostics: [d] }], sources, accepted, base);

  it('matches a finding whose message text changed but whose message id and data did not', () => {
    expect(
      apply(
        finding('keepalived ignores "priorty" (unknown keyword)', { name: 'priorty', where: 'keepalived.conf:2:5' }),
      ),
    ).toMatchObject({ matched: 1, unmatched: 0 });
  });

  it('matches when only a position in the data moved (file:line:col is not part of the key)', () => {
    expect(
      apply(
        finding('Unknown keyword "priorty" in vrrp_instance VI_1', { name: 'priorty', where: 'keepalived.conf:9:5' }),
      ),
    ).toMatchObject({ matched: 1, unmatched: 0 });
  });

  it('does not match a finding whose data changed, even with the same message text', () => {
    const r = apply(
      finding('Unknown keyword "priorty" in vrrp_instance VI_1', { name: 'priority', where: 'keepalived.conf:2:5' }),
    );
    expect(r).toMatchObject({ matched: 0, unmatched: 1 });
    expect(r.results[0]!.diagnostics).toHaveLength(1);
  });

  it('does not match another message id with the same data', () => {
    expect(
      apply({
        ...finding('Unknown keyword "priorty" in vrrp_instance VI_1', {
          name: 'priorty',
          where: 'keepalived.conf:2:5',
        }),
        messageId: 'other',
      }),
    ).toMatchObject({ matched: 0, unmatched: 1 });
  });

  it('matches a finding without a message id (keepalived -t output) on its message text', () => {
    const { messageId: _, data: __, ...plain } = finding("keepalived: Unknown keyword 'priorty'", {});
    const b = createBaseline([{ file, diagnostics: [plain] }], sources, base);
    expect(applyBaseline([{ file, diagnostics: [plain] }], sources, b, base)).toMatchObject({
      matched: 1,
      unmatched: 0,
    });
    expect(
      applyBaseline([{ file, diagnostics: [{ ...plain, message: 'keepalived: other' }] }], sources, b, base),
    ).toMatchObject({ matched: 0, unmatched: 1 });
  });
});
