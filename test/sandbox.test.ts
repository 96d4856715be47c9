// --with-keepalived as a sandbox (issue 13): configs with keywords that act under -t are refused,
// keepalived runs in private namespaces as a non-root uid with no capabilities and an empty
// environment, the run fails closed without a sandbox, and what keepalived says about files
// outside the tree is never quoted. Live parts run where keepalived and the namespaces exist.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { prepareKeepalived, rawSideEffects } from '../src/keepalived/index.js';
import { attributedFile, keepalivedFindings } from '../src/keepalived/merge.js';
import { parseKeepalivedOutput } from '../src/keepalived/messages.js';
import { nodeHost } from '../src/source/host.js';
import { LineIndex } from '../src/source/line-index.js';
import { findOnPath, searchPath } from '../src/keepalived/namespace.js';
import {
  configTest,
  keepalivedEnv,
  probeSandbox,
  SANDBOX_ENV,
  sandboxCandidates,
  sandboxCommand,
  type ProbeOptions,
  type Sandbox,
} from '../src/keepalived/run.js';
import { tempTree } from './helpers.js';
import { fakeIO } from './support/io.js';

const { dir: tmp, write } = tempTree('kl-sbx-');
// mkdtemp makes the folder 0700: nobody (the sandbox's uid) must be able to enter it.
fs.chmodSync(tmp, 0o755);

function fakeKeepalived(name: string, body: string): string {
  return write(
    `bin/${name}`,
    `#!/bin/sh\nif [ "$1" = -v ]; then echo "Keepalived v2.2.7 (01/16,2022)" >&2; exit 0; fi\n${body}\n`,
    0o755,
  );
}

async function run(argv: string[], env: Record<string, string> = {}) {
  const t = fakeIO({ cwd: tmp, env });
  const code = await main(argv, t.io);
  return { code, stdout: t.stdout, stderr: t.stderr };
}

const installed = findOnPath('keepalived', process.env.PATH);
const unshare = findOnPath('unshare', process.env.PATH);
const setpriv = findOnPath('setpriv', process.env.PATH);
const uid = process.getuid?.() ?? -1;

describe('the sandbox command line', () => {
  it(
    'drops a root caller to uid 65534 in a user namespace first, then ' +
      'without one; no capabilities, no_new_privs, every namespace',
    () => {
      const [userns, rootns] = sandboxCandidates('/usr/bin/unshare', '/usr/bin/setpriv', 0);
      const layout = { tree: '/repo', binDir: '/usr/sbin', cwd: '/repo/etc/keepalived', interfaces: ['eth0'] };
      const [file, args] = sandboxCommand(userns!, ['/usr/sbin/keepalived', '-t', '-f', 'keepalived.conf'], layout);
      expect(file).toBe('/usr/bin/setpriv');
      expect(args.slice(0, args.indexOf('sh'))).toEqual([
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
        '--no-new-privs',
        '--',
        '/usr/bin/unshare',
        '-r',
        '-m',
        '-n',
        '-p',
        '-f',
        '--mount-proc',
        '--kill-child',
      ]);
      // Inside: the layout, then the drop of every capability right before keepalived.
      expect(args.slice(args.indexOf('sh') + 4, args.indexOf('sh') + 7)).toEqual([
        '/repo',
        '/usr/sbin',
        '/repo/etc/keepalived',
      ]);
      expect(args.slice(-9)).toEqual([
        '/usr/bin/setpriv',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        '--',
        '/usr/sbin/keepalived',
        '-t',
        '-f',
        'keepalived.conf',
      ]);
      const [file2, args2] = sandboxCommand(rootns!, ['/usr/sbin/keepalived', '-t'], layout);
      expect(file2).toBe('/usr/bin/unshare');
      expect(args2.slice(0, 6)).toEqual(['-m', '-n', '-p', '-f', '--mount-proc', '--kill-child']);
      expect(args2.slice(-10)).toEqual([
        '/usr/bin/setpriv',
        '--reuid=65534',
        '--regid=65534',
        '--clear-groups',
        '--inh-caps=-all',
        '--bounding-set=-all',
        '--no-new-privs',
        '--',
        '/usr/sbin/keepalived',
        '-t',
      ]);
    },
  );

  it('gives a caller that is not root a user namespace only', () => {
    const ways = sandboxCandidates('/usr/bin/unshare', '/usr/bin/setpriv', 1000);
    expect(ways.map((w) => w.launcher)).toEqual([
      ['/usr/bin/unshare', '-r', '-m', '-n', '-p', '-f', '--mount-proc', '--kill-child'],
    ]);
    expect(ways[0]!.drop).toEqual([
      '/usr/bin/setpriv',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
      '--',
    ]);
  });

  it("passes keepalived PATH and LC_ALL only, never the caller's environment", () => {
    expect(SANDBOX_ENV).toEqual({ PATH: searchPath(undefined), LC_ALL: 'C' });
    expect(Object.keys(keepalivedEnv()).sort()).toEqual(['LC_ALL', 'PATH']);
  });
});

describe('--with-keepalived fails closed', () => {
  const ka = fakeKeepalived('ka-ok', "echo '(Line 1) ran' >&2; exit 0");
  const conf = write('fc/keepalived.conf', 'global_defs {\n    router_id fc\n}\n');
  const noSandbox = async (o: ProbeOptions): Promise<Sandbox> => ({
    kind: 'none',
    launcher: [],
    drop: [],
    missing: `simulated: no namespaces (unsafe=${String(o.unsafe)})`,
  });

  it(
    'refuses to run keepalived when the probe finds no sandbox, and runs ' +
      'it with --unsafe-keepalived-sandbox, with a note',
    async () => {
      const refused = await prepareKeepalived({
        binary: ka,
        cwd: tmp,
        env: { PATH: process.env.PATH ?? '' },
        probe: noSandbox,
      });
      expect(refused).toEqual({
        error: expect.stringMatching(
          new RegExp(
            /^Cannot run keepalived -t safely: simulated: no namespaces \(unsafe=false\)\. /.source +
              /.*--unsafe-keepalived-sandbox$/.source,
          ),
        ),
      });
      const unsafe = await prepareKeepalived({
        binary: ka,
        cwd: tmp,
        env: { PATH: process.env.PATH ?? '' },
        probe: noSandbox,
        unsafeSandbox: true,
      });
      expect('error' in unsafe).toBe(false);
      if ('error' in unsafe) return;
      expect(unsafe.sandbox.kind).toBe('none');
      expect(unsafe.notes).toEqual([
        expect.stringMatching(
          new RegExp(
            /^--unsafe-keepalived-sandbox: keepalived -t runs outside the sandbox /.source +
              /\(simulated: no namespaces \(unsafe=true\)\), not even in a private network namespace/.source,
          ),
        ),
      ]);
    },
  );

  it('exits 2 from the command line before linting when the namespaces are refused', async () => {
    write('refuse/unshare', '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n', 0o755);
    const r = await run([`--with-keepalived=${ka}`, conf, '-f', 'json'], { PATH: path.join(tmp, 'refuse') });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^keepalived-lint: Cannot run keepalived -t safely: .*Operation not permitted/);
  });

  it('says nothing about the sandbox on a platform without namespaces, but refuses', async () => {
    expect(await probeSandbox({ env: {}, platform: 'darwin' })).toMatchObject({
      kind: 'none',
      missing: 'namespaces exist only on Linux (this is darwin)',
    });
  });
});

describe('--with-keepalived refuses configs with keywords that act under -t', () => {
  // A stand-in that does what keepalived 2.2.7 -t does with config_save_dir: a shell command built from it.
  const marker = `/tmp/kl-sbx-marker-${process.pid}`;
  const actsLikeKeepalived = fakeKeepalived(
    'ka-save-dir',
    [
      'dir=$(sed -n \'s/^[[:space:]]*config_save_dir[[:space:]]*"\\(.*\\)"/\\1/p\' "$3" | head -n 1)',
      '[ -n "$dir" ] && sh -c "cp $3 $dir/keepalived.conf.1.0"',
      'exit 0',
    ].join('\n'),
  );
  const hostile = `"/tmp/x;touch ${marker} MARKER;:"`;
  const cases: [string, Record<string, string>, string][] = [
    [
      'written in global_defs',
      { 'keepalived.conf': `global_defs {\n    config_save_dir ${hostile}\n}\n` },
      'keepalived.conf:2:5',
    ],
    [
      'through a $DEF',
      { 'keepalived.conf': `$SAVE=config_save_dir ${hostile}\nglobal_defs {\n    $SAVE\n}\n` },
      'keepalived.conf:3:5',
    ],
    [
      'in an included file',
      {
        'keepalived.conf': 'global_defs {\n    router_id a\n    include save.inc\n}\n',
        'save.inc': `config_save_dir ${hostile}\n`,
      },
      'save.inc:1:1',
    ],
    [
      'on an @id line keepalived would take with the host name as its id',
      { 'keepalived.conf': `global_defs {\n    @somehost config_save_dir ${hostile}\n}\n` },
      'keepalived.conf:2:15',
    ],
  ];
  it.each(cases)(
    '%s: not run, exit 2, file:line:col and the keyword on stderr, no marker',
    async (name, files, where) => {
      const folder = `hostile-${cases.findIndex((c) => c[0] === name)}`;
      for (const [f, text] of Object.entries(files)) write(`${folder}/${f}`, text);
      const r = await run([`--with-keepalived=${actsLikeKeepalived}`, `${folder}/keepalived.conf`, '-f', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        `${folder}/${where}: error: Refused to run keepalived ` +
          `-t on keepalived.conf: config_save_dir "/tmp/x;touch ` +
          `${marker} MARKER;:" has side effects`,
      );
      expect(JSON.parse(r.stdout)).toHaveProperty('results');
      expect(fs.existsSync(marker)).toBe(false);
      expect(fs.existsSync(path.join(tmp, folder, 'MARKER'))).toBe(false);
    },
  );

  it('refuses them with --unsafe-keepalived-sandbox too, where keepalived would run outside any sandbox', async () => {
    write('refuse2/unshare', '#!/bin/sh\nexit 1\n', 0o755);
    write('unsafe/keepalived.conf', `global_defs {\n    config_save_dir ${hostile}\n}\n`);
    const r = await run(
      [`--with-keepalived=${actsLikeKeepalived}`, '--unsafe-keepalived-sandbox', 'unsafe/keepalived.conf'],
      { PATH: path.join(tmp, 'refuse2') },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('note: --unsafe-keepalived-sandbox: keepalived -t runs outside the sandbox');
    expect(r.stderr).toContain(
      'unsafe/keepalived.conf:2:5: error: Refused to run keepalived -t on keepalived.conf: config_save_dir',
    );
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.existsSync(path.join(tmp, 'unsafe', 'MARKER'))).toBe(false);
  });

  it('refuses net_namespace too (keepalived -t joins that namespace)', async () => {
    write('netns/keepalived.conf', 'global_defs {\n    net_namespace blue\n}\n');
    const r = await run([`--with-keepalived=${actsLikeKeepalived}`, 'netns/keepalived.conf']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'netns/keepalived.conf:2:5: error: Refused to run keepalived -t on ' +
        'keepalived.conf: net_namespace "blue" has side effects',
    );
  });
});

describe('--with-keepalived never quotes files outside the tree', () => {
  const SECRET = 'root:$6$S3cr3tS4lt$h4shOfTheRootPassword:19000:0:99999:7:::';
  // keepalived read the machine's /etc/shadow (our lint looked for R/etc/shadow, which is not there).
  const conf = write(
    'leak/etc/keepalived/keepalived.conf',
    'include /etc/shadow\nvrrp_instance VI_1 {\n    state BACKUP\n    ' +
      'interface eth0\n    virtual_router_id 51\n    priority 100\n    ' +
      'virtual_ipaddress {\n        192.0.2.1/24\n    }\n}\n',
  );
  const says = fakeKeepalived(
    'ka-shadow',
    `cat >&2 <<'EOF'\n(/etc/shadow: Line 1) Unknown keyword ` +
      `'${SECRET}'\n(${SECRET.slice(0, 20)}) the virtual router ` +
      `id must be set\n(keepalived.conf: Line 6) priority ` +
      `is odd\nEOF\nexit 5`,
  );

  it.each(['json', 'sarif', 'stylish', 'github'])(
    '%s: no secret text, a count naming the path, and the other messages kept',
    async (format) => {
      const r = await run([`--with-keepalived=${says}`, conf, '-f', format]);
      expect(r.code).toBe(1);
      for (const out of [r.stdout, r.stderr]) {
        expect(out).not.toContain('S3cr3tS4lt');
        expect(out).not.toContain('$6$');
      }
      expect(r.stdout).toContain('keepalived reported 1 message about /etc/shadow, outside the tree; not shown');
      expect(r.stdout).toContain('1 message that names nothing of the config, after reading files outside the tree');
      expect(r.stdout).toContain('priority is odd');
    },
  );

  it("treats an absolute include as the machine's file even where the tree has one at ROOT/that path", async () => {
    const c = write('mapped/etc/keepalived/keepalived.conf', 'include /etc/keepalived/common.conf\n');
    write('mapped/etc/keepalived/common.conf', 'global_defs {\n    router_id ours\n}\n');
    const host = fakeKeepalived(
      'ka-host-file',
      `echo "(/etc/keepalived/common.conf: Line 1) Unknown keyword 'HOST-FILE-TEXT'" >&2\nexit 5`,
    );
    const r = await run([`--with-keepalived=${host}`, c, '-f', 'json']);
    expect(r.stdout).not.toContain('HOST-FILE-TEXT');
    expect(r.stdout).toContain(
      'keepalived reported 1 message about /etc/keepalived/common.conf, outside the tree; not shown',
    );
  });

  it.runIf(installed && unshare && setpriv)(
    'live: what keepalived says about an include of /etc/passwd is not shown',
    async () => {
      const firstLine = fs.readFileSync('/etc/passwd', 'utf8').split('\n')[0]!;
      const c = write('leak-live/etc/keepalived/keepalived.conf', 'include /etc/passwd\n');
      for (const format of ['json', 'stylish']) {
        const r = await run(['--with-keepalived', c, '-f', format]);
        expect(r.stdout + r.stderr).not.toContain(firstLine);
        expect(r.stdout).toMatch(/keepalived reported \d+ messages? about \/etc\/passwd, outside the tree; not shown/);
      }
    },
  );
});

describe('--with-keepalived: what a repository under review cannot make it read or show', () => {
  const TOKEN = 'https://x:ghp_T0kenN0tToShow@github.com';
  const FORMATS = ['json', 'sarif', 'stylish', 'github'];
  /** A git repository REPO in the test folder, with FILES; LINKS: path in the repository -> target. */
  function repository(name: string, files: Record<string, string>, links: Record<string, string> = {}): string {
    const repo = path.join(tmp, name);
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    for (const [f, text] of Object.entries(files)) write(`${name}/${f}`, text);
    for (const [f, target] of Object.entries(links)) {
      fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true });
      fs.symlinkSync(target, path.join(repo, f));
    }
    return repo;
  }
  const secret = write('outside/credentials', `${TOKEN}\n`);
  const INST =
    'vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    ' +
    'virtual_router_id 51\n    priority 100\n    virtual_ipaddress {\n     ' +
    '   192.0.2.1/24\n    }\n}\n';

  it(
    'an @id pass reads includes through the same confinement as the lint: ' + 'an outside file is in no output',
    async () => {
      const repo = repository(
        'idpass',
        { 'keepalived.conf': `include sub/secret\n@x include sub/secret\n${INST}` },
        { 'sub/secret': secret },
      );
      const says = fakeKeepalived('ka-idpass', `echo "(sub/secret: Line 1) Unknown keyword '${TOKEN}'" >&2\nexit 5`);
      for (const format of FORMATS) {
        const r = await run([`--with-keepalived=${says}`, path.join(repo, 'keepalived.conf'), '-f', format]);
        expect(r.stdout + r.stderr, format).not.toContain('T0kenN0tToShow');
        // And keepalived is not run at all: it would read the file outside the tree.
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(
          `${path.relative(tmp, repo)}/keepalived.conf:1:1: error: ` +
            `Refused to run keepalived -t on keepalived.conf: the ` +
            `include "sub/secret" resolves outside the tree`,
        );
        expect(r.stderr).toContain('keepalived would read files outside the tree');
      }
    },
  );

  // The three ways the review found past the message filter (keepalived prints an include as its line wrote it).
  const bypasses: [string, Record<string, string>, Record<string, string>, string, string][] = [
    [
      '(a) an include named like the main file, from another folder',
      { 'keepalived.conf': `include sub/a.conf\n${INST}`, 'sub/a.conf': 'include keepalived.conf\n' },
      { 'sub/keepalived.conf': secret },
      'keepalived.conf',
      'sub/a.conf:1:1',
    ],
    [
      "(b) a name that is an inside file from the config's folder and an outside one from the includer's",
      {
        'keepalived.conf': `include x.conf\ninclude sub/a.conf\n${INST}`,
        'x.conf': 'global_defs {\n    router_id a\n}\n',
        'sub/a.conf': 'include x.conf\n',
      },
      { 'sub/x.conf': secret },
      'x.conf',
      'sub/a.conf:1:1',
    ],
    [
      "(c) a name that ends another read file's path",
      {
        'keepalived.conf': `include sub/x\ninclude other/sub/x\n${INST}`,
        'other/sub/x': 'global_defs {\n    router_id a\n}\n',
      },
      { 'sub/x': secret },
      'sub/x',
      'keepalived.conf:1:1',
    ],
  ];
  it.each(bypasses)(
    '%s: refused (exit 2, the include named), and the outside file in no output format',
    async (name, files, links, printed, where) => {
      const folder = `bypass-${bypasses.findIndex((b) => b[0] === name)}`;
      const repo = repository(folder, files, links);
      const says = fakeKeepalived(`ka-${folder}`, `echo "(${printed}: Line 1) Unknown keyword '${TOKEN}'" >&2\nexit 5`);
      for (const format of FORMATS) {
        const r = await run([`--with-keepalived=${says}`, path.join(repo, 'keepalived.conf'), '-f', format]);
        expect(r.code, format).toBe(2);
        expect(r.stderr).toContain(
          `${folder}/${where}: error: Refused to run keepalived -t on keepalived.conf: the include`,
        );
        expect(r.stdout + r.stderr, format).not.toContain('T0kenN0tToShow');
      }
    },
  );

  it.each(bypasses)(
    '%s: the message filter alone attributes nothing to a file we read',
    (name, files, links, printed) => {
      const folder = `filter-${bypasses.findIndex((b) => b[0] === name)}`;
      const repo = repository(folder, files, links);
      const read = new Map(
        Object.entries(files).map(([f, text]) => {
          const file = path.join(repo, f);
          return [file, { path: file, text, index: new LineIndex(text), encoding: 'utf8' as const }];
        }),
      );
      const check = {
        config: path.join(repo, 'keepalived.conf'),
        exitCode: 5,
        messages: [],
        files: read,
        objects: new Map(),
        root: '/',
        tree: repo,
        host: nodeHost(repo),
      };
      expect(attributedFile(printed, check)).toBeNull();
      const messages = parseKeepalivedOutput(`(${printed}: Line 1) Unknown keyword '${TOKEN}'\n`, 'keepalived.conf', {
        asPrinted: true,
      });
      const found = keepalivedFindings({ ...check, messages }, []);
      expect(found.map((d) => `${path.relative(repo, d.file)}:${d.start.line} ${d.message}`)).toEqual([
        `keepalived.conf:1 keepalived -t: keepalived reported ` +
          `1 message about ${printed}, outside the tree; not shown ` +
          `(they may quote that file)`,
      ]);
      // A name only the config's folder makes a file, or a path only one file has, is still attributed.
      for (const f of Object.keys(files).filter(
        (f) => f !== 'keepalived.conf' && !Object.keys(links).some((l) => path.basename(l) === path.basename(f)),
      )) {
        expect(attributedFile(f, check)).toBe(path.join(repo, f));
      }
    },
  );

  it(
    'refuses a config whose lint stopped at a work-budget cap, and one ' + 'whose raw text names config_save_dir',
    async () => {
      const words = Array.from({ length: 25 }, (_, i) => `w${i}`).join(' ');
      const big = repository('budget-cut', {
        'keepalived.conf': `~SEQ(i,1,50000) ${words}\nglobal_defs {\n    config_save_dir "/tmp/x;id"\n}\n`,
      });
      const ran = fakeKeepalived('ka-ran', 'echo "RAN-KEEPALIVED" >&2\nexit 5');
      const r = await run([`--with-keepalived=${ran}`, path.join(big, 'keepalived.conf'), '-f', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(
          /budget-cut\/keepalived\.conf:\d+:\d+: error: Refused to run keepalived -t on keepalived\.conf: /.source +
            /this lint stopped at its work budget \(words\); what it could not check could hold config_save_dir/.source,
        ),
      );
      expect(r.stderr).toContain(
        'budget-cut/keepalived.conf:3:5: error: Refused to run keepalived -t ' +
          'on keepalived.conf: the text has the word config_save_dir',
      );
      expect(r.stdout + r.stderr).not.toContain('RAN-KEEPALIVED');
      expect(JSON.parse(r.stdout)).toHaveProperty('results');
    },
  );

  it(
    'refuses a config with more @ids than the lint reads (what it did not ' + 'read could hold config_save_dir)',
    async () => {
      const ids = Array.from(
        { length: 70 },
        (_, i) => `@id${i} global_defs {\n@id${i}     router_id r${i}\n@id${i} }\n`,
      ).join('');
      const many = repository('many-ids', { 'keepalived.conf': `${ids}${INST}` });
      const ran = fakeKeepalived('ka-ran-ids', 'echo "RAN-KEEPALIVED" >&2\nexit 5');
      const r = await run([`--with-keepalived=${ran}`, path.join(many, 'keepalived.conf'), '-f', 'json']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(
        'many-ids/keepalived.conf:1:1: error: Refused to run keepalived -t on ' +
          'keepalived.conf: it names more than 64 @ids',
      );
      expect(r.stdout + r.stderr).not.toContain('RAN-KEEPALIVED');
    },
  );

  it('finds the side-effect words in raw text outside comments only', () => {
    expect(rawSideEffects('# config_save_dir "/x"\n! net_namespace a\nrouter_id a # config_save_dir\n')).toEqual([]);
    expect(rawSideEffects('$X=config_save_dir\n x "a#b" net_namespace blue\nnet_namespace_ipvs c\n')).toEqual([
      { keyword: 'config_save_dir', start: 3 },
      { keyword: 'net_namespace', start: 28 },
    ]);
  });
});

describe.runIf(installed && unshare && setpriv)(
  `the sandbox, live${installed ? '' : ' (skipped: keepalived is not installed)'}`,
  () => {
    // The refusal bypassed on purpose: keepalived 2.2.7 -t really runs config_save_dir's shell command
    // (after mkdir(VALUE), which needs VALUE's parent to exist: no "/" after /tmp/, so the command
    // walks from keepalived's folder, the tree, with cd).
    const marker = path.join(path.dirname(tmp), `kl-sbx-${process.pid}`);
    // Where keepalived's cp puts its copy (mkdir() makes the folder VALUE, cp writes the file VALUE's first part).
    const copy = path.join(path.dirname(tmp), `k${process.pid}`);
    const walk = (from: string, to: string) =>
      path
        .relative(from, to)
        .split(path.sep)
        .map((s) => `cd ${s}`)
        .join(';');
    const ways = unshare && setpriv ? sandboxCandidates(unshare, setpriv, uid) : [];
    it.each(ways.map((w, i) => [i === 0 ? 'first way' : 'fallback (no user namespace)', w] as const))(
      '%s: the injected command runs as uid 65534 outside, with no environment, and writes neither /tmp nor the tree',
      async (_name, way) => {
        const tree = path.join(tmp, `live-${way.launcher[0] === setpriv ? 'userns' : 'rootns'}`);
        const conf = write(
          `${path.basename(tree)}/keepalived.conf`,
          `global_defs {\n    config_save_dir "${copy};touch M;${walk(tree, path.dirname(marker))};touch ` +
            `${path.basename(marker)};env>&2;:"\n}\n`,
        );
        write(
          `${path.basename(tree)}/who.conf`,
          `global_defs {\n    config_save_dir "${copy}y;id -u>&2;${walk(tree, '/proc/self')};cat uid_map>&2;:"\n}\n`,
        );
        process.env.KL_SANDBOX_SECRET = 'must-not-leak';
        try {
          const r = await configTest(installed!, conf, { sandbox: way, tree, timeoutMs: 20_000 });
          if (r.error?.startsWith('the sandbox could not be built')) return; // this machine has no such way
          expect(r.error).toBeUndefined();
          const env = r.raw
            .split('\n')
            .filter((l) => /^[A-Za-z_][A-Za-z0-9_]*=/.test(l))
            .map((l) => l.slice(0, l.indexOf('=')));
          expect(env.length, r.raw).toBeGreaterThan(0);
          expect(env.filter((k) => !['PATH', 'LC_ALL', 'PWD', 'OLDPWD', 'SHLVL', '_'].includes(k))).toEqual([]);
          expect(r.raw).not.toContain('must-not-leak');
          const who = await configTest(installed!, path.join(tree, 'who.conf'), {
            sandbox: way,
            tree,
            timeoutMs: 20_000,
          });
          const ids = who.raw
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => /^\d+(\s+\d+\s+\d+)?$/.test(l));
          // id -u inside, mapped to the uid outside through the first uid_map line (inside outside count).
          expect(ids.length, who.raw).toBe(2);
          const [inside, start, count] = ids[1]!.split(/\s+/).map(Number) as [number, number, number];
          const idu = Number(ids[0]);
          expect(idu - inside < count, who.raw).toBe(true);
          const outside = start + (idu - inside);
          expect(outside === 65534 || (uid !== 0 && outside === uid), who.raw).toBe(true);
          expect(outside).not.toBe(0);
        } finally {
          delete process.env.KL_SANDBOX_SECRET;
        }
        expect(fs.existsSync(marker)).toBe(false);
        expect(fs.existsSync(path.join(tree, 'M'))).toBe(false);
        expect(fs.existsSync(copy)).toBe(false);
      },
    );

    it('probes once and finds a sandbox here', async () => {
      const s = await probeSandbox({ env: { PATH: process.env.PATH ?? '' } });
      expect(s.kind, s.missing ?? '').toBe('sandbox');
    });
  },
);
