// --with-keepalived: the installed keepalived -t (live, when installed) and stand-in binaries
// (shell scripts this test writes) for what the installed one cannot show: old versions, a hang,
// messages in included files, no namespace.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/index.js';
import { splitWithKeepalived } from '../src/cli/with-keepalived.js';
import { findOnPath } from '../src/keepalived/namespace.js';
import { missingInterfaces } from '../src/keepalived/run.js';
import { parseKeepalivedOutput } from '../src/keepalived/messages.js';
import { REPO, tempTree } from './helpers.js';
import { fakeIO } from './support/io.js';

const { dir: tmp, write } = tempTree('kl-ka-');

/** A stand-in keepalived: `-v` prints VERSION, `-t` runs BODY (sh). */
function fakeKeepalived(name: string, version: string, body: string): string {
  return write(
    `bin/${name}`,
    `#!/bin/sh\nif [ "$1" = -v ]; then echo "Keepalived v${version} (01/16,2022)" >&2; exit 0; fi\n${body}\n`,
    0o755,
  );
}

const INSTANCE = (name: string, vrid: number, extra = '') =>
  `vrrp_instance ${name} {\n    state BACKUP\n    interface ` +
  `eth0\n    virtual_router_id ${vrid}\n    priority 100\n ` +
  `   virtual_ipaddress {\n        192.0.2.${vrid}/24\n ` +
  `   }\n${extra}}\n`;

interface JsonOut {
  results: { file: string; diagnostics: { ruleId: string; severity: string; line: number; message: string }[] }[];
}
function keepalivedFindings(stdout: string): string[] {
  return (JSON.parse(stdout) as JsonOut).results.flatMap((r) =>
    r.diagnostics.filter((d) => d.ruleId === 'keepalived').map((d) => `${r.file}:${d.line} ${d.severity} ${d.message}`),
  );
}
async function run(argv: string[], env: Record<string, string> = {}) {
  const t = fakeIO({ cwd: tmp, env });
  const code = await main(argv, t.io);
  return { code, stdout: t.stdout, stderr: t.stderr };
}

/** Alive and not a zombie (this container's pid 1 may not reap orphans). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Interface names in the current network namespace. */
function links(): string[] {
  const out = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
  return [...out.matchAll(/^\d+: ([^:@]+)/gm)].map((m) => m[1]!).sort();
}

const installed = findOnPath('keepalived', process.env.PATH);
const canUnshare =
  spawnSync('unshare', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ||
  spawnSync('unshare', ['-r', '-n', 'true'], { stdio: 'ignore' }).status === 0;

describe('parsing keepalived -t for --with-keepalived', () => {
  it("keeps each message once across keepalived's four passes, and finds the interfaces it misses", () => {
    const raw =
      "(Line 9) Unknown keyword 'priorty'\n(keepalived.conf: Line 9) Unknown " +
      "keyword 'priorty'\n(keepalived.conf: Line 8) WARNING - interface eth0 " +
      "for vrrp_instance VI_1 doesn't exist\n(VI_1) tracked interface eth1 " +
      "doesn't exist\nNon-existent interface specified in configuration\n";
    const messages = parseKeepalivedOutput(raw, 'keepalived.conf');
    expect(messages.map((m) => `${m.file}:${m.line} ${m.cls}`)).toEqual([
      'keepalived.conf:9 syntax',
      'keepalived.conf:8 environment',
      'null:null environment',
      'null:null environment',
    ]);
    expect(missingInterfaces(messages)).toEqual(['eth0', 'eth1']);
  });

  it('reads the word after --with-keepalived as the binary only when it is one', () => {
    const conf = write('split/keepalived.conf', INSTANCE('VI_1', 51));
    const ka = fakeKeepalived('split-ka', '2.2.7', 'exit 0');
    expect(splitWithKeepalived(['--with-keepalived', conf], tmp)).toEqual(['--with-keepalived', '--', conf]);
    expect(splitWithKeepalived(['--with-keepalived', 'split', '-f', 'json'], tmp)).toEqual([
      '--with-keepalived',
      '-f',
      'json',
      '--',
      'split',
    ]);
    expect(splitWithKeepalived(['--with-keepalived', '-', '--', 'x.conf'], tmp)).toEqual([
      '--with-keepalived',
      '--',
      '-',
      'x.conf',
    ]);
    // The execute bit is the reviewed files' to set: a binary from the bare form is an absolute path outside the
    // current folder.
    expect(splitWithKeepalived(['--with-keepalived', ka, conf], tmp)).toEqual(['--with-keepalived', conf, '--', ka]);
    expect(splitWithKeepalived(['--with-keepalived', 'bin/split-ka', conf], tmp)).toEqual([
      '--with-keepalived',
      conf,
      '--',
      'bin/split-ka',
    ]);
    expect(splitWithKeepalived([`--with-keepalived=${ka}`, conf], tmp)).toEqual([`--with-keepalived=${ka}`, conf]);
    expect(splitWithKeepalived(['--with-keepalived', ka, conf], path.join(tmp, 'split'))).toEqual([
      '--with-keepalived',
      ka,
      conf,
    ]);
    expect(splitWithKeepalived(['--with-keepalived', '/opt/missing/keepalived', conf], tmp)).toEqual([
      '--with-keepalived',
      '/opt/missing/keepalived',
      conf,
    ]);
  });

  it(
    'never runs an executable file of the repository named after the bare ' + '--with-keepalived: it is a path to lint',
    async () => {
      const repo = path.join(tmp, 'hostile-repo');
      const marker = path.join(tmp, 'hostile-marker');
      const used = path.join(tmp, 'hostile-used');
      write(
        'hostile-repo/etc/keepalived/keepalived.conf',
        `#!/bin/sh\necho "Keepalived v2.2.7 (01/16,2022)" >&2\n: > ${marker}\nexit 0\n`,
        0o755,
      );
      write('hostile-repo/etc/keepalived/other.conf', INSTANCE('VI_1', 51));
      spawnSync('git', ['init', '-q', repo]);
      spawnSync('git', ['-C', repo, 'add', '.']);
      spawnSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x']);
      expect(spawnSync('git', ['-C', repo, 'ls-files', '-s'], { encoding: 'utf8' }).stdout).toMatch(
        /^100755 .*keepalived\.conf$/m,
      );
      // No namespaces (an unshare that refuses) and --unsafe-keepalived-sandbox: what runs can write here.
      write('hostile-path/unshare', '#!/bin/sh\nexit 1\n', 0o755);
      write(
        'hostile-path/keepalived',
        `#!/bin/sh\necho "$@" >> ${used}\nif [ "$1" = -v ]; ` +
          `then echo "Keepalived v2.2.7 (01/16,2022)" >&2; fi\nexit ` +
          `0\n`,
        0o755,
      );
      const t = fakeIO({ cwd: repo, env: { PATH: path.join(tmp, 'hostile-path') } });
      // Only the bare word names what is linted: other.conf is linted only if the word was taken as the binary.
      const code = await main(
        ['--with-keepalived', 'etc/keepalived/keepalived.conf', '--unsafe-keepalived-sandbox', '-f', 'json'],
        t.io,
      );
      expect(fs.existsSync(marker), 'the committed file was run').toBe(false);
      expect(code).toBe(0);
      // keepalived from PATH did the version check; the path was linted (a #! file given as a path is a script: no
      // config to run).
      expect(fs.readFileSync(used, 'utf8')).toBe('-v\n');
      expect((JSON.parse(t.stdout) as JsonOut).results.map((r) => r.file)).not.toContain('etc/keepalived/other.conf');
    },
  );
});

describe('--with-keepalived: keepalived that cannot be used', () => {
  it('exits 2 before linting for a binary that does not exist', async () => {
    const r = await run([
      `--with-keepalived=${path.join(tmp, 'nowhere', 'keepalived')}`,
      write('u1/keepalived.conf', INSTANCE('VI_1', 51)),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--with-keepalived .*nowhere\/keepalived: no such file/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 for keepalived before 2.0.4, which has no -t', async () => {
    const old = fakeKeepalived('ka-1.3.5', '1.3.5', 'echo "-t is not an option here" >&2; exit 1');
    const r = await run([`--with-keepalived=${old}`, write('u2/keepalived.conf', INSTANCE('VI_1', 51))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is keepalived 1.3.5, which has no config test (-t came in 2.0.4)');
  });

  it('exits 2 for a binary that is not keepalived', async () => {
    const other = write('bin/not-keepalived', '#!/bin/sh\necho "usage: something else" >&2\nexit 1\n', 0o755);
    const r = await run([`--with-keepalived=${other}`, write('u3/keepalived.conf', INSTANCE('VI_1', 51))]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('printed no keepalived version');
  });

  const KILLS = 'kills a keepalived -t that outlives --keepalived-timeout, with everything it started in the sandbox';
  it(`${KILLS}, and exits 2`, async () => {
    // The sandbox has its own PID namespace and /tmp: find the sleep by its unique argument. It
    // sleeps 600 s: a run that waited for it would outlive this test's timeout (300 s, for liveness
    // only: vitest.config.ts), whatever the load.
    const mark = `${600 + (process.pid % 1000) / 1000}`;
    const sleeping = () =>
      fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p) && running(Number(p)))
        .some((p) => {
          try {
            return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') === `sleep\0${mark}\0`;
          } catch {
            return false;
          }
        });
    const hang = fakeKeepalived('ka-hang', '2.2.7', `sleep ${mark} &\nwait`);
    const conf = write('u4/keepalived.conf', INSTANCE('VI_1', 51));
    const r = await run([`--with-keepalived=${hang}`, '--keepalived-timeout', '0.5', conf, '-f', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'u4/keepalived.conf:1:1: error: keepalived -t did not finish within 0.5 s and was killed',
    );
    await new Promise((res) => setTimeout(res, 200));
    expect(sleeping(), 'the sleep keepalived started is gone').toBe(false);
  });

  it('gives keepalived -v its own time: a short --keepalived-timeout is for -t', async () => {
    // -v answers after 3 s, more than the 2 s given; -t exits at once. 2 s, not less: the -t run's
    // time includes building its sandbox, which a loaded machine stretches to a second or more.
    const slow = write(
      'bin/ka-slow-v',
      '#!/bin/sh\nif [ "$1" = -v ]; then sleep 3; echo "Keepalived v2.2.7 (01/16,2022)" >&2; exit 0; fi\nexit 0\n',
      0o755,
    );
    const conf = write('u6/keepalived.conf', INSTANCE('VI_1', 51));
    const r = await run([`--with-keepalived=${slow}`, '--keepalived-timeout', '2', conf, '-f', 'json']);
    expect(r.stderr).not.toContain('-v did not finish');
    expect(r.code, r.stderr).toBe(0);
  });

  it('rejects a timeout that is not a positive number', async () => {
    const r = await run([
      '--with-keepalived',
      '--keepalived-timeout',
      'soon',
      write('u5/keepalived.conf', INSTANCE('VI_1', 51)),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--keepalived-timeout "soon"');
  });
});

describe('--with-keepalived: merging what keepalived says', () => {
  const conf = write(
    'm/keepalived.conf',
    `global_defs {\n    router_id m1\n}\ninclude inc/part.conf\n${INSTANCE('VI_1', 51, '    priorty 100\n')}`,
  );
  write('m/inc/part.conf', INSTANCE('VI_2', 52));
  // keepalived's four passes repeat top-level messages, with and without the file name.
  const said = [
    '(Line 2) Something only keepalived says',
    '(keepalived.conf: Line 2) Something only keepalived says',
    "(keepalived.conf: Line 13) Unknown keyword 'priorty'",
    '(keepalived.conf: Line 13) "gw" for routes is deprecated. Please use "via"',
    '(inc/part.conf: Line 5) priority is odd',
    '(VI_2) Unknown interface!',
    'WARNING - something about the whole config',
  ];
  const fake = fakeKeepalived(
    'ka-says',
    '2.2.7',
    `cat >&2 <<'EOF'\n${said.join('\n')}\n${said.join('\n')}\nEOF\nexit 5`,
  );

  it(
    'reports each message once at its file and line, marks those a rule of ' +
      'ours that answers them also found, and counts keepalived errors',
    async () => {
      const r = await run([`--with-keepalived=${fake}`, conf, '-f', 'json']);
      expect(r.stderr).toBe('');
      expect(keepalivedFindings(r.stdout)).toEqual([
        'm/inc/part.conf:1 error keepalived -t: (VI_2) Unknown interface!',
        'm/inc/part.conf:5 error keepalived -t: priority is odd',
        'm/keepalived.conf:1 warning keepalived -t: WARNING - something about the whole config',
        'm/keepalived.conf:2 error keepalived -t: Something only keepalived says',
        'm/keepalived.conf:13 warning keepalived -t: "gw" for routes is deprecated. Please use "via"',
        "m/keepalived.conf:13 error keepalived -t: Unknown keyword 'priorty' (also found by unknown-keyword)",
      ]);
      expect(r.code).toBe(1);
    },
  );

  it('exits 1 on a keepalived error even where our rules find nothing', async () => {
    const clean = write('m2/keepalived.conf', INSTANCE('VI_1', 51));
    const errs = fakeKeepalived('ka-one-error', '2.2.7', "echo '(Line 5) priority is odd' >&2; exit 5");
    const without = await run([clean]);
    expect(without.code).toBe(0);
    const r = await run([`--with-keepalived=${errs}`, clean]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/5:5 +error +keepalived -t: priority is odd +keepalived/);
  });

  it(
    'says where keepalived stopped reading, and reports a failing exit ' + 'status that comes without a message',
    async () => {
      const clean = write('m5/keepalived.conf', INSTANCE('VI_1', 51));
      const stops = fakeKeepalived(
        'ka-stops',
        '2.2.7',
        "echo '(Line 5) *** Configuration line starting `priority` is missing " +
          "a parameter after keyword `priority` at word position 1' >&2; exit 2",
      );
      const silent = fakeKeepalived('ka-silent', '2.2.7', 'exit 4');
      expect(keepalivedFindings((await run([`--with-keepalived=${stops}`, clean, '-f', 'json'])).stdout)).toEqual([
        'm5/keepalived.conf:5 error keepalived -t: *** Configuration line ' +
          'starting `priority` is missing a parameter after keyword `priority` ' +
          'at word position 1',
      ]);
      const stopped = JSON.parse((await run([`--with-keepalived=${stops}`, clean, '-f', 'json'])).stdout) as {
        results: { diagnostics: { ruleId: string; detail?: string; messageId?: string }[] }[];
      };
      const said = stopped.results.flatMap((x) => x.diagnostics).find((d) => d.ruleId === 'keepalived')!;
      expect(said.detail).toMatch(/^keepalived stops reading here, so nothing after this line is checked/);
      expect(said.messageId).toBe('said');
      const r = await run([`--with-keepalived=${silent}`, clean, '-f', 'json']);
      expect(keepalivedFindings(r.stdout)).toEqual([
        'm5/keepalived.conf:1 error keepalived -t exited with status 4 and printed nothing',
      ]);
      expect(r.code).toBe(1);
    },
  );

  it(
    'exits 2 when no sandbox can be built (unshare refused), and runs ' +
      'keepalived only with --unsafe-keepalived-sandbox, saying so',
    async () => {
      write('nons/unshare', '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n', 0o755);
      const ran = fakeKeepalived('ka-links', '2.2.7', 'echo "(Line 1) ran" >&2; exit 0');
      const conf = write('m3/keepalived.conf', INSTANCE('VI_1', 51));
      const refused = await run([`--with-keepalived=${ran}`, conf, '-f', 'json'], { PATH: path.join(tmp, 'nons') });
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toContain(
        'keepalived-lint: Cannot run keepalived -t safely: the sandbox ' +
          '(private mount, network, PID namespaces, uid 65534) cannot be built ' +
          'here: unshare: unshare failed: Operation not permitted.',
      );
      expect(refused.stderr).toContain('--unsafe-keepalived-sandbox');
      const r = await run([`--with-keepalived=${ran}`, '--unsafe-keepalived-sandbox', conf, '-f', 'json'], {
        PATH: path.join(tmp, 'nons'),
      });
      expect(r.stderr).toContain(
        'keepalived-lint: note: --unsafe-keepalived-sandbox: keepalived -t ' +
          'runs outside the sandbox (the sandbox (private mount, network, PID ' +
          'namespaces, uid 65534) cannot be built here: unshare: unshare failed: ' +
          'Operation not permitted), not even in a private network namespace',
      );
      expect(keepalivedFindings(r.stdout)).toEqual(['m3/keepalived.conf:1 error keepalived -t: ran']);
    },
  );

  it('leaves out files that other configs include and the scripts given with the configs', async () => {
    const logger = fakeKeepalived('ka-log', '2.2.7', 'echo "(Line 1) ran on $3" >&2\nexit 0');
    write('m4/etc/keepalived/notify.sh', '#!/bin/sh\nexit 0\n', 0o755);
    const r = await run([
      `--with-keepalived=${logger}`,
      'm/keepalived.conf',
      'm/inc/part.conf',
      'm4/etc/keepalived/notify.sh',
      '-f',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(keepalivedFindings(r.stdout).filter((f) => f.includes(' ran on '))).toEqual([
      'm/keepalived.conf:1 error keepalived -t: ran on keepalived.conf',
    ]);
  });
});

describe.runIf(canUnshare)('--with-keepalived: the namespace', () => {
  it('runs keepalived in a network namespace with only lo, plus the interfaces it said were missing', async () => {
    const host = links();
    // /sys/class/net shows the host's devices in any network namespace: ask ip.
    const probe = fakeKeepalived(
      'ka-netns',
      '2.2.7',
      [
        "names=$(ip -o link show | sed -n 's/^[0-9]*: \\([^:@]*\\).*/\\1/p' | sort | tr '\\n' ' ')",
        'echo "(Line 1) links: $names" >&2',
        'case " $names" in *" kltest0 "*) ;; *) echo "(Line 3) WARNING - ' +
          'interface kltest0 for vrrp_instance VI_1 doesn\'t exist" >&2 ;; esac',
        'exit 0',
      ].join('\n'),
    );
    const r = await run([
      `--with-keepalived=${probe}`,
      write('ns/keepalived.conf', INSTANCE('VI_1', 51)),
      '-f',
      'json',
    ]);
    // The second run (with kltest0 created) is the one reported.
    expect(keepalivedFindings(r.stdout)).toEqual(['ns/keepalived.conf:1 error keepalived -t: links: kltest0 lo']);
    expect(host).not.toContain('kltest0');
    expect(links()).toEqual(host);
  });
});

describe.runIf(installed && canUnshare)(
  '--with-keepalived: the installed keepalived' +
    (installed ? '' : ' (skipped: keepalived is not installed; .ci/run installs it)'),
  () => {
    it(
      'merges keepalived 2.x -t on examples/broken, with the instance-level ' +
        'message at the instance and no missing-interface noise',
      async () => {
        const t = fakeIO({ cwd: REPO });
        const code = await main(['--with-keepalived', 'examples/broken/keepalived.conf', '-f', 'json'], t.io);
        expect(t.stderr).toBe('');
        expect(code).toBe(1);
        expect(keepalivedFindings(t.stdout)).toEqual([
          'examples/broken/keepalived.conf:1 error keepalived -t: There are 1 ' +
            "missing '}'s or extra '{'s (also found by syntax-error)",
          'examples/broken/keepalived.conf:6 error keepalived -t: (VI_1) the ' +
            'virtual router id must be set (also found by missing-required)',
          'examples/broken/keepalived.conf:7 error keepalived -t: (VI_1) unknown ' +
            "state 'master', defaulting to BACKUP (also found by invalid-value)",
          'examples/broken/keepalived.conf:9 error keepalived -t: Unknown ' +
            "keyword 'priorty' (also found by unknown-keyword)",
          'examples/broken/keepalived.conf:17 error keepalived -t: VRRP parsed ' +
            'invalid IP 192.0.2.300/24. skipping IP... (also found by ' +
            'invalid-value)',
        ]);
      },
    );

    it('adds nothing for a config keepalived accepts, and keeps the exit code 0', async () => {
      const r = await run(['--with-keepalived', write('live/keepalived.conf', INSTANCE('VI_1', 51)), '-f', 'json']);
      expect(r.stderr).toBe('');
      expect(keepalivedFindings(r.stdout)).toEqual([]);
      expect(r.code).toBe(0);
    });

    it(
      'in a folder nobody may enter (the sandbox without a user namespace), ' +
        'leaves out the script-security verdicts on uid 65534',
      async () => {
        if (process.getuid?.() !== 0) return; // the way without a user namespace is root's only
        // tmp is 0700 (mkdtemp): uid 65534 cannot enter it, so keepalived runs as 65534, not as root,
        // and calls the example's root-owned track script insecure, which a root keepalived would not.
        fs.cpSync(path.join(REPO, 'examples/router'), path.join(tmp, 'router700'), { recursive: true });
        const r = await run([
          '--with-keepalived',
          path.join(tmp, 'router700/etc/keepalived/keepalived.conf'),
          '-f',
          'json',
        ]);
        expect(r.stderr).toMatch(
          /note: keepalived -t ran as uid 65534 for .*: 1 message about script security left out/,
        );
        expect(keepalivedFindings(r.stdout).filter((f) => /insecure/.test(f))).toEqual([]);
        expect(keepalivedFindings(r.stdout)).toContainEqual(
          expect.stringMatching(/keepalived.conf:30 warning keepalived -t: "gw" for routes is deprecated/),
        );
        expect(r.code).toBe(0);
      },
    );

    it('a tree itself closed to uid 65534 (a mktemp -d folder): the sandbox without a user namespace', async () => {
      if (process.getuid?.() !== 0) return; // the way without a user namespace is root's only
      // The folder is 0700 under /tmp (which anyone may enter): the user namespace's nobody binds it
      // but cannot open it, and that must send the run to the next way, not report the shell's error.
      const own = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-own700-'));
      try {
        fs.cpSync(path.join(REPO, 'examples/router'), own, { recursive: true });
        const r = await run(['--with-keepalived', path.join(own, 'etc/keepalived/keepalived.conf'), '-f', 'json']);
        expect(keepalivedFindings(r.stdout).filter((f) => /cannot open/.test(f))).toEqual([]);
        expect(keepalivedFindings(r.stdout)).toContainEqual(
          expect.stringMatching(/keepalived.conf:30 warning keepalived -t: "gw" for routes is deprecated/),
        );
        expect(r.code).toBe(0);
      } finally {
        fs.rmSync(own, { recursive: true, force: true });
      }
    });

    it(
      'says, for a config under an etc/keepalived/ root, that keepalived ' + 'reads absolute paths on this machine',
      async () => {
        const r = await run([
          '--with-keepalived',
          path.join(REPO, 'examples/router/etc/keepalived/keepalived.conf'),
          '-f',
          'json',
        ]);
        expect(r.stderr).toMatch(
          new RegExp(
            /note: keepalived reads the absolute paths a config names \(scripts, includes\) /.source +
              /on this machine, not under .*examples\/router/.source,
          ),
        );
        expect(keepalivedFindings(r.stdout)).toContainEqual(
          expect.stringMatching(
            new RegExp(
              /keepalived.conf:30 warning keepalived -t: "gw" for routes is deprecated\. /.source +
                /Please use "via" \(also found by deprecated-keyword\)$/.source,
            ),
          ),
        );
        expect(r.code).toBe(0);
      },
    );
  },
);
