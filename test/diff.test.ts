// `diff`: the change as keepalived sees it and the problems it adds, through the CLI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { Ajv as AjvClass } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO, runCli, gitIn, tempTree } from './helpers.js';
import { findingIdentity, stableData } from '../src/engine/finding-key.js';
import { gitHost } from '../src/source/git-host.js';
import { MAX_FILE_BYTES } from '../src/source/host.js';
import { diffMarkdown } from '../src/format/diff-markdown.js';
import { mdCode, mdText } from '../src/format/markdown.js';
import type { Graph } from '../src/graph/index.js';

const CASES = path.join(REPO, 'test', 'diff-cases');

/** schema/report.schema.json's diffReport, as test/report-schema.test.ts reads it. */
const validDiffJson = (() => {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO, 'schema', 'report.schema.json'), 'utf8')) as {
    $id: string;
  };
  const Ajv = (createRequire(import.meta.url)('ajv') as { default: typeof AjvClass }).default;
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addSchema(schema);
  return ajv.getSchema(`${schema.$id}#/definitions/diffReport`)!;
})();

interface DiffJson {
  version: number;
  changes: {
    kind: string;
    object: string;
    before: string[];
    after: string[];
    fields?: { field: string; before: string; after: string }[];
  }[];
  diagnostics: {
    file: string;
    ruleId: string;
    severity: string;
    message: string;
    detail?: string;
    messageId?: string;
    data?: Record<string, string | number>;
    line: number;
    column: number;
  }[];
}

async function diffJson(args: string[], cwd = REPO): Promise<{ code: number; out: DiffJson; stderr: string }> {
  const r = await runCli(['diff', ...args, '--format', 'json'], { cwd });
  return { code: r.code, out: JSON.parse(r.stdout) as DiffJson, stderr: r.stderr };
}

const simple = (f: string) => path.join(CASES, 'simple', f);

describe('the Debian stretch split', () => {
  const deb = (side: string) => path.join(CASES, 'debian', side);
  it(
    'is a split, and the unchanged route script is the impact: ' +
      'script-unknown-name at its gateway) arm naming the split, exit 1',
    async () => {
      const r = await diffJson([deb('old'), deb('new'), '--target', 'stretch']);
      expect(r.out.version).toBe(1);
      expect(r.out.changes.map((c) => [c.kind, c.object, c.before, c.after])).toEqual([
        ['split', 'vrrp_instance', ['gateway'], ['gateway_v4', 'gateway_v6']],
        ['added', 'vrrp_sync_group', [], ['gateways']],
      ]);
      const unknown = r.out.diagnostics.filter((d) => d.ruleId === 'script-unknown-name');
      expect(unknown.map((d) => [path.basename(d.file), d.line, d.column])).toEqual([['default-route.sh', 9, 5]]);
      // The rule's message, one line; what became of the name opens the detail.
      expect(unknown[0]!.message).toMatch(/^Unknown instance or group name "gateway"/);
      expect(unknown[0]!.message.length).toBeLessThanOrEqual(160);
      expect(unknown[0]!.detail).toMatch(
        new RegExp(
          /^vrrp_instance gateway was split into gateway_v4, gateway_v6 by this change, /.source +
            /but the script still uses the old name\.\n\n/.source,
        ),
      );
      expect(unknown[0]!.messageId).toBeDefined();
      expect(r.out.diagnostics.filter((d) => d.ruleId === 'script-unhandled-instance')).toHaveLength(2);
      // The old side's mixed-family error is gone and is not part of the impact.
      expect(r.out.diagnostics.some((d) => d.ruleId === 'mixed-address-family')).toBe(false);
      expect(r.code).toBe(1);
    },
  );

  it('with the script fixed, the same split has no impact: exit 0', async () => {
    const r = await diffJson([deb('old'), deb('new-fixed'), '--target', 'stretch']);
    expect(r.out.changes[0]!.kind).toBe('split');
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('text output reads as a change summary', async () => {
    const r = await runCli(['diff', deb('old'), deb('new'), '--target', 'stretch']);
    expect(r.stdout).toContain('  split     vrrp_instance gateway -> gateway_v4, gateway_v6\n');
    expect(r.stdout).toContain('virtual_ipaddress: 2001:db8::1/64 in gateway -> in gateway_v6');
    expect(r.stdout).toContain('Impact: problems the new configuration has that the old one did not:');
    // The impact's detail, under the finding, says what became of the name; --no-detail drops it.
    expect(r.stdout).toMatch(
      new RegExp(
        /\n +\^+\n {4}vrrp_instance gateway was split into gateway_v4, gateway_v6 by this change, /.source +
          /but the script still\n {4}uses the old name\./.source,
      ),
    );
    expect(r.code).toBe(1);
    const terse = await runCli(['diff', deb('old'), deb('new'), '--target', 'stretch', '--no-detail']);
    expect(terse.stdout).not.toContain('was split into gateway_v4, gateway_v6 by this change');
    expect(terse.stdout).toContain('Unknown instance or group name "gateway"');
  });
});

describe('the identity impact matches findings on (src/engine/finding-key.ts)', () => {
  const d = (message: string, data: Record<string, string | number>, messageId = 'm') => ({
    ruleId: 'r',
    message,
    messageId,
    data,
  });
  it("is rule, message id and data: not the message text, not positions or the side's folder in the data", () => {
    const a = findingIdentity(d('Old wording', { name: 'VI_1', at: 'keepalived.conf:3:1', file: '/old/etc/x.conf' }), [
      '/old',
    ]);
    expect(
      findingIdentity(d('New wording', { at: 'keepalived.conf:9:1', file: '/new/etc/x.conf', name: 'VI_1' }), ['/new']),
    ).toBe(a);
    expect(
      findingIdentity(d('Old wording', { name: 'VI_2', at: 'keepalived.conf:3:1', file: '/old/etc/x.conf' }), ['/old']),
    ).not.toBe(a);
    expect(
      findingIdentity(d('Old wording', { name: 'VI_1', at: 'keepalived.conf:3:1', file: '/old/etc/x.conf' }, 'n'), [
        '/old',
      ]),
    ).not.toBe(a);
  });
  it('keeps IPv6 addresses, which look like positions', () => {
    expect(stableData({ a: '2001:db8::10:20', b: 'fe80::1:2:3:4/64', c: 'see k.conf:12:5, line 12' })).toEqual({
      a: '2001:db8::10:20',
      b: 'fe80::1:2:3:4/64',
      c: 'see , line N',
    });
  });
});

describe('changes', () => {
  it('a pure rename', async () => {
    const r = await diffJson([simple('base.conf'), simple('renamed.conf')]);
    expect(r.out.changes).toEqual([
      { kind: 'renamed', object: 'vrrp_instance', before: ['VI_WEB'], after: ['VI_FRONT'] },
    ]);
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a merge', async () => {
    const r = await diffJson([simple('base.conf'), simple('merged.conf')]);
    expect(r.out.changes.map((c) => [c.kind, c.before, c.after])).toEqual([
      ['merged', ['VI_WEB', 'VI_DB'], ['VI_ALL']],
    ]);
  });

  it('an address moved between instances, with the other field changes', async () => {
    const r = await diffJson([simple('base.conf'), simple('moved.conf')]);
    const db = r.out.changes.find((c) => c.before[0] === 'VI_DB')!;
    const web = r.out.changes.find((c) => c.before[0] === 'VI_WEB')!;
    expect(db.kind).toBe('modified');
    expect(db.fields).toContainEqual({ field: 'priority', before: '100', after: '120' });
    expect(web.fields).toContainEqual({
      field: 'virtual_ipaddress moved',
      before: '192.0.2.11/24 in VI_WEB',
      after: 'in VI_DB',
    });
  });

  it('a reordered but identical config (blocks, keywords and addresses in another order) has no change', async () => {
    const r = await diffJson([simple('base.conf'), simple('reordered.conf')]);
    expect(r.out.changes).toEqual([]);
    expect(r.out.diagnostics).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('a config compared with itself has no change and no impact', async () => {
    const r = await diffJson([simple('base.conf'), simple('base.conf')]);
    expect(r.out).toEqual({ version: 1, changes: [], diagnostics: [] });
  });

  it('unusable input exits 2 with a message', async () => {
    const r = await runCli(['diff', simple('base.conf'), simple('missing.conf')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.conf: no such file/);
    const one = await runCli(['diff', simple('base.conf')]);
    expect(one.code).toBe(2);
  });
});

describe('diff --git', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-git-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const git = gitIn(tmp);

  it('compares the config and its script as committed with the working tree', async () => {
    const etc = path.join(tmp, 'etc', 'keepalived');
    fs.mkdirSync(etc, { recursive: true });
    for (const f of ['keepalived.conf', 'default-route.sh'])
      fs.copyFileSync(path.join(CASES, 'debian', 'old', 'etc', 'keepalived', f), path.join(etc, f));
    fs.chmodSync(path.join(etc, 'default-route.sh'), 0o755);
    git('init', '-q');
    git('add', '.');
    git('commit', '-q', '-m', 'jessie');
    fs.copyFileSync(
      path.join(CASES, 'debian', 'new', 'etc', 'keepalived', 'keepalived.conf'),
      path.join(etc, 'keepalived.conf'),
    );
    const r = await diffJson(['--git', 'HEAD', '--target', 'stretch'], tmp);
    expect(r.stderr).toBe('');
    expect(r.out.changes[0]).toMatchObject({ kind: 'split', before: ['gateway'], after: ['gateway_v4', 'gateway_v6'] });
    expect(r.out.diagnostics.map((d) => d.ruleId)).toContain('script-unknown-name');
    expect(r.code).toBe(1);

    const md = await runCli(['diff', '--git', 'HEAD', '--target', 'stretch', '--format', 'markdown'], { cwd: tmp });
    expect(md.code).toBe(1);
    expect(md.stdout).toContain(
      'Changes from `etc/keepalived/keepalived.conf at HEAD` to `etc/keepalived/keepalived.conf (working tree)`:',
    );
    const clean = await diffJson(['--git', 'HEAD', 'etc'], tmp);
    expect(clean.out.changes.length).toBeGreaterThan(0);
    git('commit', '-q', '-am', 'stretch');
    const same = await diffJson(['--git', 'HEAD', '--target', 'stretch'], tmp);
    expect(same.out.changes).toEqual([]);
    expect(same.out.diagnostics).toEqual([]);
    expect(same.code).toBe(0);
    const none = await runCli(['diff', '--git', 'HEAD', '--target', 'stretch', '--format', 'markdown'], { cwd: tmp });
    expect(none.code).toBe(0);
    expect(none.stdout).toBe(
      '<!-- keepalived-lint diff -->\n## ✅ keepalived-lint diff: no new problems\n\n' +
        'No configuration changed since `HEAD`: 1 read the same (configs, includes, scripts).\n',
    );
  });

  it('outside a repository, or with an unknown revision: exit 2', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-nogit-'));
    try {
      expect((await runCli(['diff', '--git', 'HEAD'], { cwd: outside })).code).toBe(2);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    expect((await runCli(['diff', '--git', 'no-such-rev-xyz'], { cwd: tmp })).code).toBe(2);
    expect((await runCli(['diff', '--git', '--output=x'], { cwd: tmp })).code).toBe(2);
  });

  it(
    'the git host answers stat, list and readText from the listing, and ' + 'refuses a file over the size cap unread',
    () => {
      const repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'kl-githost-')));
      try {
        const g = gitIn(repo);
        fs.mkdirSync(path.join(repo, 'd'));
        fs.writeFileSync(path.join(repo, 'd', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
        fs.writeFileSync(path.join(repo, 'd', 'latin.conf'), Buffer.from([0x23, 0xe9, 0x0a]));
        fs.writeFileSync(path.join(repo, 'd', 'big.conf'), '');
        fs.truncateSync(path.join(repo, 'd', 'big.conf'), MAX_FILE_BYTES + 1);
        g('init', '-q');
        g('add', '.');
        g('commit', '-q', '-m', 'x');
        fs.rmSync(path.join(repo, 'd'), { recursive: true });
        const h = gitHost(repo, 'HEAD');
        expect(h.list(repo)).toEqual(['d']);
        expect(h.list(path.join(repo, 'd'))).toEqual(['big.conf', 'latin.conf', 'run.sh']);
        expect(h.stat(path.join(repo, 'd'))).toMatchObject({ kind: 'directory' });
        expect(h.stat(path.join(repo, 'd', 'run.sh'))).toMatchObject({ kind: 'file', executable: true });
        expect(h.stat(path.join(repo, 'nope'))).toMatchObject({ kind: 'missing' });
        expect(h.readText(path.join(repo, 'd', 'run.sh'))).toEqual({ ok: true, text: '#!/bin/sh\n', encoding: 'utf8' });
        expect(h.readText(path.join(repo, 'd', 'latin.conf'))).toEqual({
          ok: true,
          text: '#\u00e9\n',
          encoding: 'latin1',
        });
        expect(h.readText(path.join(repo, 'd', 'big.conf'))).toMatchObject({
          ok: false,
          reason: expect.stringMatching(/^is 16\.0 MiB at HEAD, more than the 16 MiB/) as unknown,
        });
        expect(h.readText(path.join(repo, 'd'))).toEqual({ ok: false, reason: 'is a directory' });
        expect(h.readText(path.join(repo, 'nope'))).toEqual({ ok: false, reason: 'no such file at HEAD' });
        expect(h.readText('/etc/passwd')).toEqual({ ok: false, reason: 'no such file at HEAD' });
      } finally {
        fs.rmSync(repo, { recursive: true, force: true });
      }
    },
  );

  /** A temporary repository, and a `git` for PATH that logs its arguments (to `log`) and runs the real one. */
  function countingGitRepo(prefix: string) {
    const big = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
    const wrap = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-gitwrap-'));
    const log = path.join(wrap, 'log');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    fs.writeFileSync(path.join(wrap, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, {
      mode: 0o755,
    });
    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.org',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.org',
    };
    const g = (...args: string[]) => execFileSync('git', ['-C', big, ...args], { stdio: 'ignore', env });
    return { big, wrap, log, g, savedPath: process.env.PATH };
  }

  // Issue 13: ~3 git processes per file read made 3,000 files take 9 min 40 s. Now one ls-tree
  // and one cat-file --batch per folder read; the git calls are counted by a `git` on PATH that
  // logs its arguments and runs the real one.
  it('reads a 3,000-file folder and an include glob from git in a few processes, finding the same', async () => {
    const { big, wrap, log, g, savedPath } = countingGitRepo('kl-gitbig-');
    try {
      const etc = path.join(big, 'etc', 'keepalived');
      fs.mkdirSync(path.join(etc, 'conf.d'), { recursive: true });
      const instance = (i: number, prio = 'priority') =>
        `vrrp_instance VI_${i} {\n    state BACKUP\n    interface ` +
        `eth0\n    virtual_router_id ${(i % 255) + 1}\n    ${prio} ` +
        `100\n    virtual_ipaddress {\n        192.0.2.${(i % 250) + 1}/24\n ` +
        `   }\n}\n`;
      for (let i = 1; i <= 3000; i++) fs.writeFileSync(path.join(etc, `c${i}.conf`), instance(i));
      fs.writeFileSync(path.join(etc, 'keepalived.conf'), 'include conf.d/*.conf\n');
      fs.writeFileSync(path.join(etc, 'conf.d', 'a.conf'), instance(5000));
      g('init', '-q');
      g('add', '.');
      g('commit', '-q', '-m', 'base');
      fs.writeFileSync(path.join(etc, 'c7.conf'), instance(7, 'priorty'));
      fs.writeFileSync(path.join(etc, 'conf.d', 'b.conf'), instance(5001));

      process.env.PATH = `${wrap}${path.delimiter}${savedPath ?? ''}`;
      const t0 = Date.now();
      const r = await runCli(['diff', '--git', 'HEAD', '--format', 'json'], { cwd: big });
      const seconds = (Date.now() - t0) / 1000;
      process.env.PATH = savedPath;

      const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
      // rev-parse twice (the top level, the revision), the listing, the files (the folder, conf.d after it).
      expect(calls.filter((c) => / ls-tree /.test(c))).toEqual([`-C ${big} ls-tree -r -t -l -z --full-tree HEAD`]);
      expect(calls.filter((c) => / cat-file /.test(c)).length).toBeLessThanOrEqual(2);
      expect(calls.length).toBeLessThanOrEqual(5);
      expect(seconds).toBeLessThan(60);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      const out = JSON.parse(r.stdout) as {
        configs: {
          file: string;
          changes: { kind: string; object: string; after: string[] }[];
          diagnostics: { ruleId: string }[];
        }[];
        unchanged: string[];
      };
      // 3,000 + keepalived.conf; conf.d/a.conf and conf.d/b.conf are compared where keepalived.conf
      // includes them, not as configs of their own. Only the two that read differently are compared
      // (keepalived.conf: its include glob lists one more file).
      expect(out.configs.length + out.unchanged.length).toBe(3001);
      const changed = out.configs;
      expect(changed.map((c) => c.file).sort()).toEqual(['etc/keepalived/c7.conf', 'etc/keepalived/keepalived.conf']);
      expect(changed.find((c) => c.file.endsWith('c7.conf'))!.diagnostics.map((d) => d.ruleId)).toEqual([
        'unknown-keyword',
      ]);
      // The include glob was listed at HEAD: only b.conf's instance is new.
      expect(changed.find((c) => c.file.endsWith('keepalived.conf'))!.changes).toMatchObject([
        { kind: 'added', after: ['VI_5001'] },
      ]);
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(big, { recursive: true, force: true });
      fs.rmSync(wrap, { recursive: true, force: true });
    }
  }, 180_000);

  it('reads 200 host folders (a config and its script each) in one or two cat-file processes', async () => {
    const { big, wrap, log, g, savedPath } = countingGitRepo('kl-githosts-');
    try {
      for (let i = 1; i <= 200; i++) {
        const dir = path.join(big, 'hosts', `lb${i}`, 'etc', 'keepalived');
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(
          path.join(dir, 'keepalived.conf'),
          `vrrp_instance VI_${i} {\n    interface eth0\n    virtual_router_id ` +
            `1\n    priority 100\n    virtual_ipaddress {\n     ` +
            `   192.0.2.1/24\n    }\n    notify /etc/keepalived/n.sh\n}\n`,
        );
        fs.writeFileSync(path.join(dir, 'n.sh'), '#!/bin/sh\ncase "$2" in\n  VI_1) ;;\nesac\n', { mode: 0o755 });
      }
      g('init', '-q');
      g('add', '.');
      g('commit', '-q', '-m', 'base');
      process.env.PATH = `${wrap}${path.delimiter}${savedPath ?? ''}`;
      const r = await runCli(['diff', '--git', 'HEAD', '--format', 'json'], { cwd: big });
      process.env.PATH = savedPath;
      const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(calls.filter((c) => / cat-file /.test(c)).length).toBeLessThanOrEqual(2);
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as { configs: unknown[]; unchanged: string[] };
      // Nothing edited: every config reads the same at HEAD, none is compared.
      expect(out.configs).toEqual([]);
      expect(out.unchanged).toHaveLength(200);
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(big, { recursive: true, force: true });
      fs.rmSync(wrap, { recursive: true, force: true });
    }
  }, 120_000);

  // Issue 17: the diff hook on 100 hosts with one file edited printed 99 "none" blocks. Only the
  // edited config is compared and shown; the others are one line. (Its time against a lint of the
  // repository is measured by `npm run bench`.)
  it('on 100 hosts with one config edited, shows that one and counts the others in one line', async () => {
    const { big, wrap, log, g, savedPath } = countingGitRepo('kl-git100-');
    try {
      const conf = (h: number) =>
        path.join(big, 'hosts', `h${String(h).padStart(2, '0')}`, 'etc', 'keepalived', 'keepalived.conf');
      for (let h = 0; h < 100; h++) {
        fs.mkdirSync(path.dirname(conf(h)), { recursive: true });
        fs.writeFileSync(
          conf(h),
          `vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id ${h + 1}\n` +
            `    priority 100\n    virtual_ipaddress {\n        192.0.2.${h + 1}/24\n    }\n` +
            `    notify_master /etc/keepalived/master.sh\n}\n`,
        );
        fs.writeFileSync(path.join(path.dirname(conf(h)), 'master.sh'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
      }
      g('init', '-q');
      g('add', '.');
      g('commit', '-q', '-m', 'base');
      fs.writeFileSync(conf(42), fs.readFileSync(conf(42), 'utf8').replace('priority 100', 'priority 300'));
      process.env.PATH = `${wrap}${path.delimiter}${savedPath ?? ''}`;
      const r = await runCli(['diff', '--git', 'HEAD'], { cwd: big });
      process.env.PATH = savedPath;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout.match(/^Changes from .*$/gm)).toEqual([
        'Changes from hosts/h42/etc/keepalived/keepalived.conf at HEAD to ' +
          'hosts/h42/etc/keepalived/keepalived.conf (working tree):',
      ]);
      expect(r.stdout).toContain('invalid-value');
      expect(r.stdout).not.toContain('none (');
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(
        '99 other configurations read the same at HEAD: not compared.',
      );
      // One listing and one or two batches for the whole revision, not a process per file.
      const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
      expect(calls.filter((c) => / ls-tree /.test(c))).toHaveLength(1);
      expect(calls.filter((c) => / cat-file /.test(c)).length).toBeLessThanOrEqual(2);
      expect(calls.length).toBeLessThanOrEqual(5);

      // A script edited alone makes its config differ too; nothing edited: one line.
      fs.writeFileSync(conf(42), fs.readFileSync(conf(42), 'utf8').replace('priority 300', 'priority 100'));
      fs.appendFileSync(path.join(path.dirname(conf(7)), 'master.sh'), 'echo hi\n');
      const script = await runCli(['diff', '--git', 'HEAD', '--format', 'json'], { cwd: big });
      const out = JSON.parse(script.stdout) as { configs: { file: string }[]; unchanged: string[] };
      expect(validDiffJson(out), JSON.stringify(validDiffJson.errors)).toBe(true);
      expect(out.configs.map((c) => c.file)).toEqual(['hosts/h07/etc/keepalived/keepalived.conf']);
      expect(out.unchanged).toHaveLength(99);
      g('checkout', '--', '.');
      const none = await runCli(['diff', '--git', 'HEAD'], { cwd: big });
      expect(none.code).toBe(0);
      expect(none.stdout).toBe(
        'No configuration changed since HEAD: 100 read the same (configs, includes, scripts).\n',
      );
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(big, { recursive: true, force: true });
      fs.rmSync(wrap, { recursive: true, force: true });
    }
  }, 120_000);
});

/**
 * A Markdown comment with its code taken out, as CommonMark reads it: fenced blocks (a fence closes
 * at a line of at least as many backticks) and code spans (a run of n backticks closes at the next
 * run of exactly n). What is left is what GitHub renders as Markdown, HTML, links and mentions.
 */
function outsideCode(md: string): string {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const f = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (f && f.length >= fence.length && line.trim() === f) fence = null;
      continue;
    }
    if (f) {
      fence = f;
      continue;
    }
    let out = '';
    for (let i = 0; i < line.length; ) {
      const run = /^`+/.exec(line.slice(i))?.[0];
      if (!run) {
        out += line[i++];
        continue;
      }
      const rest = line.slice(i + run.length);
      const close = [...rest.matchAll(/`+/g)].find((m) => m[0].length === run.length);
      if (!close) {
        out += run;
        i += run.length;
        continue;
      }
      out += 'CODE';
      i += run.length + close.index + run.length;
    }
    lines.push(out);
  }
  expect(fence, 'every fence is closed').toBeNull();
  return lines.join('\n');
}

describe('diff --format markdown', () => {
  const deb = (side: string) => path.join(CASES, 'debian', side);
  const hostile = tempTree('kl-diffmd-hostile-');
  const big = tempTree('kl-diffmd-big-');

  it('the Debian split: verdict, changes, the stale script, new and fixed findings, the graphs; exit 1', async () => {
    const r = await runCli(['diff', deb('old'), deb('new'), '--target', 'stretch', '--format', 'markdown']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const md = r.stdout;
    expect(md.split('\n').slice(0, 2)).toEqual([
      '<!-- keepalived-lint diff -->',
      '## ❌ keepalived-lint diff: this change adds 1 error and 2 warnings',
    ]);
    expect(md).toContain('- **split** vrrp_instance `gateway` → `gateway_v4`, `gateway_v6`\n');
    expect(md).toContain('  - virtual_ipaddress: `2001:db8::1/64 in gateway` → `in gateway_v6`\n');
    expect(md).toContain('- **added** vrrp_sync_group `gateways`\n');
    expect(md).toMatch(/#### Scripts that still name what no longer exists\n\n- `[^`]*default-route\.sh:9:5` /);
    expect(md).toContain(
      ' still compares the name with `gateway`: vrrp_instance `gateway` was split into `gateway_v4`, `gateway_v6` ' +
        'by this change\n',
    );
    expect(md).toContain('#### New findings (3)');
    expect(md).toMatch(
      /- ❌ `script-unknown-name` `[^`]*default-route\.sh:9:5`: Unknown instance or group name \\"gateway\\"/,
    );
    // The old side's mixed-family error is gone: listed as fixed, not as new.
    expect(md).toMatch(/#### Fixed by this change \(1\)\n\n- ❌ `mixed-address-family` `[^`]*\/old\/etc\/keepalived\//);
    expect(md).toContain('/old/etc/keepalived/keepalived.conf:13:9`');
    // Before and after drawn, each in a collapsed block; after: the split instances and the red arm.
    const blocks = [
      ...md.matchAll(/<details>\n<summary>(\w+): [^<]*<\/summary>\n\n```mermaid\n([\s\S]*?)```\n\n<\/details>/g),
    ];
    expect(blocks.map((b) => b[1])).toEqual(['Before', 'After']);
    const after = blocks[1]![2]!;
    expect(after).toMatch(/\["gateway_v4<br>VRID 51/);
    expect(after).toMatch(/\["gateway_v6<br>VRID 52/);
    expect(after).toMatch(/>"gateway\)"\]/);
    expect(after).toMatch(/^ {2}class .*finding$/m);
    expect(blocks[0]![2]).toMatch(/\["gateway<br>VRID 51/);
    expect(blocks[0]![2]).not.toContain('gateway_v4');
  });

  it('no new problem: a ✅ verdict, exit 0; a config against itself has no change and no graph', async () => {
    const fixed = await runCli(['diff', deb('old'), deb('new-fixed'), '--target', 'stretch', '--format', 'markdown']);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout.split('\n')[1]).toBe('## ✅ keepalived-lint diff: no new problems');
    expect(fixed.stdout).toContain('#### New findings: none');
    const same = await runCli(['diff', simple('base.conf'), simple('base.conf'), '--format', 'markdown']);
    expect(same.code).toBe(0);
    expect(same.stdout).toContain('- none (the two define the same instances, groups, scripts and virtual servers)');
    expect(same.stdout).not.toContain('```mermaid');
  });

  it('draws only the changed part: a real_server replaced shows its virtual_server, not the VRRP side', async () => {
    const { dir, write } = hostile;
    const conf = fs.readFileSync(path.join(REPO, 'test/graph-cases/lvs-track/etc/keepalived/keepalived.conf'), 'utf8');
    write('lvs/old.conf', conf);
    write('lvs/new.conf', conf.replace('real_server 10.0.0.2 80', 'real_server 10.0.0.3 80'));
    const r = await runCli(['diff', 'lvs/old.conf', 'lvs/new.conf', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '- **modified** virtual_server `192.0.2.10 80`\n  - real_server: `10.0.0.2 80` → `10.0.0.3 80`',
    );
    const after = /<summary>After: [^<]*<\/summary>\n\n```mermaid\n([\s\S]*?)```/.exec(r.stdout)?.[1] ?? '';
    expect(after).toContain('"virtual_server 192.0.2.10 80<br>');
    expect(after).toContain('"real_server 10.0.0.3 80<br>');
    expect(after).not.toContain('VI_1');
    expect(after).not.toContain('track_file');
  });

  it('unusable input exits 2 as the other formats do; an unknown format names markdown', async () => {
    const r = await runCli(['diff', simple('base.conf'), simple('missing.conf'), '--format', 'markdown']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing\.conf: no such file/);
    // A side that is no config: the comment says which could not be compared, and why.
    const { dir, write } = hostile;
    write('side/run.sh', '#!/bin/sh\necho hi\n', 0o755);
    const script = await runCli(['diff', 'side/run.sh', simple('base.conf'), '--format', 'markdown'], { cwd: dir });
    expect(script.code).toBe(2);
    expect(script.stdout.split('\n')[1]).toBe('## ❌ keepalived-lint diff: 1 configuration could not be compared');
    expect(script.stdout).toContain(
      '- ❌ cannot compare `side/run.sh`: is a script \\(\\#\u200b\\!\\)\\, not a keepalived',
    );
    expect(script.stderr).toContain('side/run.sh:1:1: error: cannot compare this file: is a script (#!)');
    const bad = await runCli(['diff', simple('base.conf'), simple('base.conf'), '--format', 'md']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Accepted formats: text, json, markdown');
  });

  it('escapes hostile names, paths and messages: no HTML, link, mention, reference or broken fence', async () => {
    const { dir, write } = hostile;
    const inst = (name: string, vrid: number, prio: number, notify = '') =>
      `vrrp_instance ${name} {\n    interface eth0\n    virtual_router_id ${vrid}\n    priority ${prio}\n` +
      `    virtual_ipaddress {\n        192.0.2.${vrid}/24\n    }\n${notify}}\n`;
    const names = [
      '@octocat',
      '[x](https://evil.example)<img/src=x/onerror=alert(1)>```',
      'www.evil.example',
      'a\u202eb',
    ];
    const later = ['@org/team', '</details><script>x</script>````*_~|', 'evil.example@x.org', 'ok\u001b[2Jline'];
    // The script compares with a name this edit renames (its message quotes it) and lives at a path with a #.
    const script = '/etc/keepalived/n#1@x.sh';
    write(
      'old/etc/keepalived/keepalived.conf',
      names.map((n, i) => inst(n, i + 1, 100, `    notify "${script}"\n`)).join(''),
    );
    write(
      'new/etc/keepalived/keepalived.conf',
      later.map((n, i) => inst(n, i + 1, 300, `    notify "${script}"\n`)).join(''),
    );
    for (const side of ['old', 'new'])
      write(
        `${side}/etc/keepalived/n#1@x.sh`,
        '#!/bin/sh\ncase "$2" in\n  "@octocat") echo "<b>hi</b>" ;;\nesac\n',
        0o755,
      );
    const r = await runCli(['diff', 'old', 'new', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(1);
    const md = r.stdout;
    // The names are all there, inside code.
    expect(md).toContain('`` [x](https://evil.example)<img/src=x/onerror=alert(1)>``` ``');
    expect(md).toContain('`@org/team`');
    // Our own markup aside: **kind** and keywords (vrrp_instance, virtual_ipaddress: an underscore inside a word).
    const text = outsideCode(md)
      .replace(/\*\*(\w+)\*\*/g, '$1')
      .replace(/\b[a-z]+(?:_[a-z]+)+\b/g, 'KEYWORD');
    // Outside code: only our own tags, and every Markdown punctuation mark of the repository's text escaped.
    expect(
      text
        .match(/(?<!\\)<[^>]*>/g)
        ?.filter((t) => !/^<(?:\/?(?:details|summary)|!-- keepalived-lint diff --)>$/.test(t)),
    ).toEqual([]);
    expect(text).not.toMatch(/@(?!\u200b)/);
    expect(text).not.toMatch(/#(?![#\u200b ]|\d+;)/);
    expect(text).not.toMatch(/:\/\/|www\./i);
    expect(text).not.toMatch(/(?<!\\)[[\]*_|~]/);
    expect(md).not.toMatch(/[\u202e\u0000-\u0009\u000b-\u001f]/);
    expect(md).toContain('`ok\\x1b[2Jline`');
    // The message quoting the script's "@octocat" arm is there, escaped.
    expect(md).toMatch(/\\"\\@\u200boctocat\\"/);
    // Each Mermaid block: a fence longer than any backtick in it, and no backtick in the labels.
    for (const m of md.matchAll(/^(`{3,})mermaid\n([\s\S]*?)^\1$/gm)) expect(m[2]).not.toContain('`');
  });

  it('a huge edit stays under the comment limit: lists cut, a graph that does not fit left out', async () => {
    const { dir, write } = big;
    const conf = (prio: number) =>
      Array.from(
        { length: 1500 },
        (_, i) =>
          `vrrp_instance VI_${i}_${'x'.repeat(40)} {\n    interface eth0\n    virtual_router_id ${(i % 255) + 1}\n` +
          `    priority ${prio}\n    virtual_ipaddress {\n        10.${i >> 8}.${i & 255}.1/24\n    }\n}\n`,
      ).join('');
    write('old.conf', conf(100));
    write('new.conf', conf(101));
    const r = await runCli(['diff', 'old.conf', 'new.conf', '--format', 'markdown'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeLessThanOrEqual(60_000);
    expect(r.stdout).toContain('- … and 1475 more changes');
    // 1,500 instances changed: each side's graph is over what Mermaid draws.
    for (const side of ['Before', 'After'])
      expect(r.stdout).toMatch(new RegExp(`- ${side}: left out, [\\d,]+ characters of Mermaid, more than the 50,000`));
    expect(r.stdout).not.toContain('```mermaid');
  }, 60_000);
});

describe('markdown escaping (src/format/markdown.ts)', () => {
  it('mdCode: one code span whatever backticks the text holds, controls visible, long text cut', () => {
    expect(mdCode('gw1')).toBe('`gw1`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdCode('```x')).toBe('```` ```x ````');
    expect(mdCode('x\ny\u001b')).toBe('`x\\ny\\x1b`');
    expect(mdCode('a'.repeat(300))).toBe(`\`${'a'.repeat(199)}…\``);
  });

  it('mdText: punctuation escaped, mentions, references and bare links broken by a zero-width space', () => {
    expect(mdText('*x* [a](b) <i>')).toBe('\\*x\\* \\[a\\]\\(b\\) \\<i\\>');
    expect(mdText('@octocat owner/repo#12 GH-3')).toBe('\\@\u200boctocat owner\\/repo\\#\u200b12 GH\u200b\\-3');
    expect(mdText('see https://evil.example and www.evil.example')).toBe(
      'see https\\:\u200b\\/\\/evil\\.example and www\u200b\\.evil\\.example',
    );
  });
});

describe('diffMarkdown: the room a comment has', () => {
  /** A graph of one router and n instances, each named VI_i, with a label of `pad` characters. */
  const graph = (n: number, pad: number): Graph => ({
    version: 1,
    nodes: [
      { id: 'n0', kind: 'router', label: 'lb1', router: 'lb1', findings: [] },
      ...Array.from({ length: n }, (_, i) => ({
        id: `n0_i${i}`,
        kind: 'instance' as const,
        label: `VI_${i} ${'x'.repeat(pad)}`,
        router: 'lb1',
        name: `VI_${i}`,
        findings: [],
      })),
    ],
    edges: Array.from({ length: n }, (_, i) => ({ from: 'n0', to: `n0_i${i}`, kind: 'contains' as const })),
  });
  const none = () => ({ results: [], errors: [], sources: new Map<string, string>() });
  const result = (before: Graph, after: Graph) => ({
    changes: [{ kind: 'renamed' as const, object: 'vrrp_instance' as const, before: ['VI_0'], after: ['VI_1'] }],
    impact: none(),
    fixed: none(),
    errors: [],
    graphs: { before, after },
  });

  it('serves the after side first: a before graph too big for the room is left out, saying why', () => {
    const md = diffMarkdown([{ result: result(graph(1, 8000), graph(2, 100)), labels: { old: 'a', new: 'b' } }], {
      cwd: '/',
      maxChars: 6000,
    });
    expect(md.length).toBeLessThanOrEqual(6000);
    expect(md).toMatch(/- Before: left out, [\d,]+ characters of Mermaid, it would take this comment past 6,000/);
    expect(md).toMatch(/<summary>After: the changed part, 2 of 3 elements<\/summary>/);
  });
});
