// The script analysis: real scripts from the corpus, constructs the fixtures do not isolate, the
// Debian case end to end through the CLI, and proof that no script is ever run.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadShellParser } from '../src/scripts/shell.js';
import { analyzeScript, type NameSource, type ScriptAnalysis } from '../src/scripts/analyze.js';
import { lintFiles } from '../src/engine/index.js';
import { nodeHost } from '../src/source/host.js';
import { rules } from '../rules/index.js';
import { HAVE_SHARED, REPO, SHARED, lintJson, runCli, tempTree } from './helpers.js';
import { cpuMsOf } from './support/cpu.js';
import { MAX_HANDOFF_DEPTH } from '../src/scripts/store.js';
import { matches, transformed } from '../src/scripts/names.js';

async function analyze(text: string, source: NameSource = { kind: 'argv', position: 2 }): Promise<ScriptAnalysis> {
  const tree = (await loadShellParser()).parse(text);
  try {
    return analyzeScript(tree, source);
  } finally {
    tree.delete();
  }
}

function literals(a: ScriptAnalysis): string[] {
  return a.dispatches.flatMap((d) =>
    d.tests.map((t) => `${d.kind}:${t.negated ? '!' : ''}${t.literal.text}${t.literal.glob ? ' (glob)' : ''}`),
  );
}

describe.skipIf(!HAVE_SHARED)('corpus scripts (../shared)', () => {
  const dir = path.join(SHARED, 'corpus', 'scripts');
  const files = HAVE_SHARED ? fs.readdirSync(dir).sort() : [];
  it('every script goes through the analysis without an exception, as a notify and as a FIFO reader', async () => {
    let readable = 0;
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const a = await analyze(text);
      await analyze(text, { kind: 'fifo' });
      if (a.parsed) readable++;
    }
    console.log(`corpus scripts: ${readable} of ${files.length} parsed and analysed`);
    expect(files.length).toBeGreaterThanOrEqual(11);
    expect(readable).toBe(files.length);
  });

  it('finds the name used as an interface name in the zillow notify script', async () => {
    const text = fs.readFileSync(path.join(dir, 'zillow__linuxgateway__etc__keepalived__notify.sh'), 'utf8');
    const a = await analyze(text);
    expect(a.interfaceUses.map((u) => text.slice(u.start, u.end))).toEqual([
      'net.ipv4.conf.$NAME.arp_filter=0',
      'net.ipv4.conf.$NAME.accept_local=1',
      'net.ipv4.conf.$NAME.rp_filter=0',
      'net.ipv6.conf.$NAME.disable_ipv6=1',
    ]);
    expect(a.dispatches).toEqual([]); // it dispatches on the state, not the name
  });

  it('the pqarmitage FIFO reader strips the quotes and never dispatches on the name', async () => {
    const text = fs.readFileSync(
      path.join(dir, 'pqarmitage__keepalived-devel-tools__configs__scripts__notify_fifo.sh'),
      'utf8',
    );
    const a = await analyze(text, { kind: 'fifo' });
    expect(a.parsed).toBe(true);
    expect(a.nameUsed).toBe(true);
    expect(a.dispatches).toEqual([]);
  });
});

// Real configs with the scripts their own repositories ship, deployed where the config names them.
const PAIRS: { config: string; scripts: Record<string, string> }[] = [
  {
    config: 'jdrews__keepalived-notes__keepalived.conf.master',
    scripts: { '/etc/keepalived/handle_state_change.sh': 'jdrews__keepalived-notes__handle_state_change.sh' },
  },
  {
    config: 'pecio__stretch-nfsv4-keepalived__keepalived.conf',
    scripts: { '/usr/local/sbin/notify.sh': 'pecio__stretch-nfsv4-keepalived__notify.sh' },
  },
  {
    config: 'psi-4ward__keepalived-hcloud__docs__keepalived.conf',
    scripts: {
      '/scripts/set-state.sh': 'psi-4ward__keepalived-hcloud__rootfs__scripts__set-state.sh',
      '/scripts/check-fip.sh': 'psi-4ward__keepalived-hcloud__rootfs__scripts__check-fip.sh',
    },
  },
  {
    config: 'zillow__linuxgateway__etc__keepalived__keepalived.conf',
    scripts: {
      '/etc/keepalived/notify.sh': 'zillow__linuxgateway__etc__keepalived__notify.sh',
      '/etc/conntrackd/primary-backup.sh': 'zillow__linuxgateway__etc__conntrackd__primary-backup.sh',
    },
  },
  {
    config: 'pqarmitage__keepalived-devel-tools__configs__1155.conf',
    scripts: {
      '/etc/keepalived/scripts/notify_fifo.sh': 'pqarmitage__keepalived-devel-tools__configs__scripts__notify_fifo.sh',
    },
  },
];

describe.skipIf(!HAVE_SHARED)('corpus configs with their own scripts (../shared)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-pairs-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  for (const pair of PAIRS) {
    it(`${pair.config}: every script found, no name finding on a working setup`, async () => {
      const root = path.join(tmp, pair.config);
      fs.mkdirSync(path.join(root, 'etc', 'keepalived'), { recursive: true });
      const conf = path.join(root, 'etc', 'keepalived', 'keepalived.conf');
      fs.copyFileSync(path.join(SHARED, 'corpus', 'configs', pair.config), conf);
      for (const [deployed, file] of Object.entries(pair.scripts)) {
        const dest = path.join(root, deployed);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.copyFileSync(path.join(SHARED, 'corpus', 'scripts', file), dest);
        fs.chmodSync(dest, 0o755);
      }
      const report = await lintFiles([conf], { host: nodeHost(root), rules });
      expect(report.errors).toEqual([]);
      // Every script the config names was found where it is deployed, read and linted with it.
      for (const deployed of Object.keys(pair.scripts))
        expect([...report.sources.keys()]).toContain(path.join(root, deployed));
      const names = report.results
        .flatMap((f) => f.diagnostics)
        .filter((d) =>
          ['script-unknown-name', 'script-unhandled-instance', 'script-name-not-passed'].includes(d.ruleId),
        );
      expect(names.map((d) => `${d.file}:${d.start.line} ${d.message}`)).toEqual([]);
    });
  }
});

describe('name analysis', () => {
  it('follows the name into functions called with "$@" and with the name as an argument', async () => {
    const a = await analyze(
      'main() { route "$2"; }\nroute() { local inst=$1; case $inst in gw) ;; esac; }\nmain "$@"\n',
    );
    expect(literals(a)).toEqual(['case:gw']);
  });

  it('shift moves the name down one position', async () => {
    const a = await analyze('shift\n[ "$1" = gw ] && ip route add default via 192.0.2.1\n');
    expect(literals(a)).toEqual(['if:gw']);
  });

  it('a != test counts as a default branch; an `else` too; a case `*)` that does something too', async () => {
    for (const s of [
      '[ "$2" != gw ] || exit 0\n',
      'if [ "$2" = a ]; then :; else :; fi\n',
      'case $2 in a) ;; *) logger "other: $2" ;; esac\n',
    ]) {
      const a = await analyze(s);
      expect(a.dispatches.length, s).toBe(1);
      expect(a.dispatches[0]!.hasDefault, s).toBe(true);
    }
    for (const s of [
      'case $2 in a|b) ;; esac\n',
      'case $2 in a) x ;; *) ;; esac\n',
      'case $2 in a) x ;; *) exit 0 ;; esac\n',
      'while read -r l; do case $2 in a) x ;; *) continue ;; esac; done\n',
    ]) {
      const a = await analyze(s);
      expect(a.dispatches[0]!.hasDefault, s).toBe(false);
    }
  });

  it('does not take a transformed name for the name: ${NAME%%_*} and $(echo ... | cut) are opaque', async () => {
    const a = await analyze('N=${2%%_*}\ncase $N in gateway) ;; esac\nS=$(echo "$2" | cut -d_ -f1)\n[ "$S" = gw ]\n');
    expect(literals(a)).toEqual([]);
    expect(a.opaque.length).toBe(2);
  });

  it('a regex match and a comparison with an unknown value are opaque, not literals', async () => {
    const a = await analyze('[[ $2 =~ ^VI_ ]] && x\n[ "$2" = "$(hostname)" ] && y\n');
    expect(a.opaque.map((o) => o.why)).toEqual([
      'the name is matched with a regular expression',
      'the name is compared with a value this analysis cannot follow',
    ]);
  });

  it('[[ == ]] with an unquoted right side is a glob, quoted it is a string', async () => {
    const a = await analyze('[[ $2 == gw_* ]] && a\n[[ $2 == "gw_*" ]] && b\n[ "$2" = gw_* ] && c\n');
    expect(literals(a)).toEqual(['if:gw_* (glob)', 'if:gw_*', 'if:gw_*']);
  });

  it('a FIFO line read into fields gives the quoted name in the second field', async () => {
    const a = await analyze('while read t n s p; do [ "$n" = \'"VI_1"\' ] && x; [ "$n" = VI_2 ] && y; done < "$1"\n', {
      kind: 'fifo',
    });
    expect(a.dispatches.flatMap((d) => d.tests.map((t) => [t.literal.text, t.missingQuotes]))).toEqual([
      ['VI_1', false],
      ['VI_2', true],
    ]);
  });

  it('idioms that keep the name: set options, defaults, stripped FIFO lines, IFS, folding, regex lists', async () => {
    const cases: [string, NameSource, string[]][] = [
      ['set -euo pipefail\nset -o errtrace\nN=$2\ncase $N in VI_1) ;; esac\n', { kind: 'argv', position: 2 }, ['VI_1']],
      ['N="${2:-VI_1}"\n[ "$N" = VI_2 ] && x\n', { kind: 'argv', position: 2 }, ['VI_2']],
      [
        'while read -r r; do l="${r//\\"/}"; read -r k n s p <<< "$l"; [ "$n" = VI_1 ] && x; done\n',
        { kind: 'fifo' },
        ['VI_1'],
      ],
      [
        'while read -r r; do l=$(echo "$r" | tr -d \'"\'); set -- $l; [ "$2" = VI_1 ] && x; done\n',
        { kind: 'fifo' },
        ['VI_1'],
      ],
      ['while IFS=\'"\' read -r T N R; do [ "$N" = VI_1 ] && x; done < "$1"\n', { kind: 'fifo' }, ['VI_1']],
      ['n=${2,,}\ncase $n in vi_1) ;; esac\n', { kind: 'argv', position: 2 }, ['vi_1 lower']],
      ['n=$(tr A-Z a-z <<< "$2")\ncase $n in vi_1) ;; esac\n', { kind: 'argv', position: 2 }, ['vi_1 lower']],
      ['[[ $2 =~ ^(VI_1|VI_2)$ ]] && x\n', { kind: 'argv', position: 2 }, ['VI_1', 'VI_2']],
      ['echo "$2" | grep -qxE \'VI_1|VI_2\' && x\n', { kind: 'argv', position: 2 }, ['VI_1', 'VI_2']],
      ['if ! echo "$2" | grep -qx -e VI_1; then exit 0; fi\n', { kind: 'argv', position: 2 }, ['VI_1']],
      ['N=${2%_v4}\ncase $N in gateway) ;; esac\n', { kind: 'argv', position: 2 }, ['gateway -_v4']],
      ['N=${2#VI_}\n[ "$N" = WEB ] && x\n', { kind: 'argv', position: 2 }, ['WEB VI_-']],
      [
        'while read -r l; do n=$(echo "$l" | awk \'{print $2}\' | tr -d \'"\'); [ "$n" = VI_1 ] && x; done < "$1"\n',
        { kind: 'fifo' },
        ['VI_1'],
      ],
      [
        'while read -r l; do n=$(echo "$l" | cut -d " " -f 2); [ "$n" = VI_1 ] && x; done\n',
        { kind: 'fifo' },
        ['VI_1 unquoted'],
      ],
    ];
    for (const [s, source, expected] of cases) {
      const a = await analyze(s, source);
      const got = a.dispatches.flatMap((d) =>
        d.tests.map(
          (t) =>
            `${t.literal.text}${t.missingQuotes ? ' unquoted' : ''}${t.fold ? ` ${t.fold}` : ''}` +
            `${t.strip ? ` ${t.strip.prefix ?? ''}-${t.strip.suffix ?? ''}` : ''}`,
        ),
      );
      expect(got, s).toEqual(expected);
      expect(a.opaque, s).toEqual([]);
    }
  });

  it('a script with a syntax error says nothing (cannot tell) and reports where the parser stopped', async () => {
    const a = await analyze('case "$2" in gw) ;;\nif [ x ; then\n');
    expect(a.parsed).toBe(false);
    expect(a.dispatches).toEqual([]);
    expect(a.syntaxError).toBeDefined();
  });
});

describe('case patterns, as the shell matches them (fnmatch, as bash matches a case word)', () => {
  it.each([
    // [pattern, name, matches]
    ['VI_*', 'VI_1', true],
    ['VI_?', 'VI_12', false],
    ['gw*v4', 'gw_v4', true],
    ['*', '', true],
    ['?', '', false],
    // `*` and `?` take a `/` and a leading `.` too (no path rules in a case word).
    ['a*', 'a/b', true],
    ['a?c', 'a/c', true],
    ['*', '.x', true],
    // Bracket expressions: `!` and `^` negate, a first `]` is itself, ranges, classes.
    ['[!a]', 'b', true],
    ['[!a]', 'a', false],
    ['[^a]', 'b', true],
    ['[]a]', ']', true],
    ['[!]]', ']', false],
    ['[a-c]x', 'bx', true],
    ['[a-c]x', 'dx', false],
    ['[a-]', '-', true],
    ['[[:digit:]]', '5', true],
    ['[[:digit:]]', 'x', false],
    // A `[` never closed, braces, parentheses, `|` and a leading `!` are themselves.
    ['x[', 'x[', true],
    ['{a,b}', 'a', false],
    ['(a|b)', 'a', false],
    ['(a|b)', '(a|b)', true],
    ['!a', 'b', false],
    ['!a', '!a', true],
    ['a\\*', 'a*', true],
    ['a\\*', 'ab', false],
    // One character is one code point.
    ['?', '\u{1F600}', true],
  ])('%j against %j: %s', (pattern, name, want) => {
    expect(matches({ text: pattern, glob: true }, name)).toBe(want);
  });

  // bash itself decides: random patterns of the characters that mean something in a case word,
  // against random names, each written into `case 'NAME' in PATTERN) echo 1 ;; *) echo 0 ;; esac`
  // (our own text, fed to bash on its standard input; no script of a repository is run).
  const HAVE_BASH = spawnSync('bash', ['-c', 'exit 0']).status === 0;
  it.skipIf(!HAVE_BASH)('agrees with bash on 4,000 random patterns and names', () => {
    let seed = 12_345;
    const rnd = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) & 0x7fffffff;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
    const pieces = ['a', 'b', 'c', '1', '*', '?', '[', ']', '!', '^', '-', ':', '[:alpha:]', '[:digit:]'];
    const chars = ['a', 'b', 'c', '1', '-', ']', '!', '^', ':', '['];
    const cases = Array.from({ length: 4000 }, () => ({
      pattern: Array.from({ length: 1 + rnd(9) }, () => pick(pieces)).join(''),
      name: Array.from({ length: rnd(7) }, () => pick(chars)).join(''),
    }));
    const script = cases.map((c) => `case '${c.name}' in ${c.pattern}) echo 1 ;; *) echo 0 ;; esac\n`).join('');
    const r = spawnSync('bash', ['-s'], { input: `set +H\n${script}`, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const bash = r.stdout.trim().split('\n');
    expect(bash.length).toBe(cases.length);
    const differ = cases.filter((c, i) => matches({ text: c.pattern, glob: true }, c.name) !== (bash[i] === '1'));
    expect(differ.slice(0, 10)).toEqual([]);
  });

  it('many stars against a long name: each star given one more character at a time, the rest matched once', () => {
    const pattern = `${'*a'.repeat(16)}b`;
    expect(matches({ text: pattern, glob: true }, `${'a'.repeat(40)}b`)).toBe(true);
    expect(matches({ text: pattern, glob: true }, 'a'.repeat(40).replace(/a$/, 'c'))).toBe(false);
    // (The bound on a long name is a bomb of test/budget.test.ts, in a child process.)
  });
});

describe('the Debian stretch outage, end to end', () => {
  const fx = path.join(REPO, 'fixtures', 'script-unhandled-instance');
  it(
    'after the split: script-unknown-name at the gateway) arm and ' +
      'script-unhandled-instance on both new instances, exit 1',
    async () => {
      const r = await lintJson(path.join(fx, 'invalid', 'debian-stretch-split.conf'), [
        '--root',
        path.join(fx, 'invalid'),
        '--target',
        'stretch',
      ]);
      const script = [...r.files.entries()].find(([f]) => f.endsWith('default-route.sh'))?.[1] ?? [];
      expect(script.map((d) => [d.ruleId, d.line, d.column])).toEqual([['script-unknown-name', 9, 5]]);
      const conf = r.all.filter((d) => d.ruleId === 'script-unhandled-instance');
      expect(conf.map((d) => d.message.split(' is not handled')[0])).toEqual([
        'vrrp_instance gateway_v4',
        'vrrp_instance gateway_v6',
      ]);
      expect(r.code).toBe(1);
    },
  );

  it('before the split (jessie, one mixed instance): neither rule', async () => {
    const r = await lintJson(path.join(fx, 'valid', 'debian-jessie-unsplit.conf'), [
      '--root',
      path.join(fx, 'valid'),
      '--target',
      'jessie',
    ]);
    expect(r.all.filter((d) => d.ruleId.startsWith('script-un'))).toEqual([]);
  });
});

describe('the Debian split with the sync group named after the old instance', () => {
  const fx = path.join(REPO, 'fixtures', 'script-unknown-name');
  it('no notify on the group "gateway": the gateway) arm is an error naming the callers, exit 1', async () => {
    const r = await lintJson(path.join(fx, 'invalid', 'debian-split-group-gateway.conf'), [
      '--root',
      path.join(fx, 'invalid'),
      '--target',
      'stretch',
    ]);
    const found = r.all.filter((d) => d.ruleId === 'script-unknown-name');
    expect(found.map((d) => [d.severity, d.line, d.column, d.message])).toEqual([
      ['error', 5, 5, 'No caller of /etc/keepalived/split-route.sh passes the name "gateway": this branch never runs'],
    ]);
    expect(found[0]!.detail).toContain('notify of vrrp_instance gateway_v4');
    expect(found[0]!.detail).toContain('(passes "gateway_v6")');
    expect(r.code).toBe(1);
  });

  it('with notify on the group calling the script: no script-unknown-name', async () => {
    const r = await lintJson(path.join(fx, 'valid', 'debian-split-group-notify.conf'), [
      '--root',
      path.join(fx, 'valid'),
      '--target',
      'stretch',
    ]);
    expect(r.all.filter((d) => d.ruleId === 'script-unknown-name')).toEqual([]);
    expect(r.all.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('the name handed on to another script', () => {
  const handoffs = (a: ScriptAnalysis) =>
    a.handoffs.map((h) => `${'path' in h.program ? h.program.path : `<dir>/${h.program.besideScript}`} $${h.position}`);

  it('finds the program by a path, a variable, the script folder, exec and sh, at its position', async () => {
    const a = await analyze(
      [
        'NAME=$2',
        'HOOK=/usr/local/bin/role-change',
        '/usr/local/bin/direct "$NAME"',
        '"$HOOK" "$3" "$NAME"',
        'DIR=$(cd "$(dirname "$0")" && pwd)',
        '"$DIR/helper.sh" x y "$NAME"',
        '"$(dirname "$0")"/beside.sh "$NAME"',
        '${0%/*}/short.sh "$NAME"',
        'exec /usr/local/bin/last "$@"',
        'sh /etc/keepalived/by-sh.sh "$NAME"',
        'CMD="/usr/local/bin/with-args --site dc1"',
        '$CMD "$NAME"',
        '',
      ].join('\n'),
    );
    expect(handoffs(a)).toEqual([
      '/usr/local/bin/direct $1',
      '/usr/local/bin/role-change $2',
      '<dir>/helper.sh $3',
      '<dir>/beside.sh $1',
      '<dir>/short.sh $1',
      '/usr/local/bin/last $2',
      '/etc/keepalived/by-sh.sh $1',
      '/usr/local/bin/with-args $3',
    ]);
  });

  it('not followed: a bare command (found in PATH), a computed name, a name with text around it, bash -c', async () => {
    const a = await analyze(
      [
        'NAME=$2',
        'logger "$NAME"',
        '/usr/local/bin/x "vip-$NAME"',
        '/usr/local/bin/x ${NAME%%_*}',
        'bash -c "/usr/local/bin/x $NAME"',
        '"$PREFIX/x" "$NAME"',
        '',
      ].join('\n'),
    );
    expect(handoffs(a)).toEqual([]);
  });

  it('a sourced file: its top level gets the positions, its functions the name they are called with', async () => {
    const a = await analyze(
      [
        'logger "$2"', // nothing sourced yet: a program in PATH, no handoff
        'HERE=$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )" >/dev/null 2>&1 && pwd -P )',
        '. "$HERE/lib/common.sh"',
        'source /etc/keepalived/lib/args.sh x "$2"',
        'source "$LIBDIR/unknown.sh"', // not a path we can resolve: the old opaque rule applies
        'NAME=$2',
        'handle "$3" "$NAME"',
        'grep -qx "$NAME" /etc/names', // a matcher is never a library function
        '',
      ].join('\n'),
    );
    const shown = a.handoffs.map((h) => ({
      to: `${'path' in h.program ? h.program.path : `<dir>/${h.program.besideScript}`} $${h.position}`,
      ...(h.function ? { function: h.function } : {}),
      ...(h.sourced ? { sourced: h.sourced } : {}),
    }));
    expect(shown).toEqual([
      { to: '<dir>/lib/common.sh $2', sourced: 'inherited' },
      { to: '/etc/keepalived/lib/args.sh $2', sourced: 'args' },
      { to: '<dir>/lib/common.sh $2', function: 'handle' },
      { to: '/etc/keepalived/lib/args.sh $2', function: 'handle' },
    ]);
    expect(a.opaque.map((o) => o.why)).toEqual([
      'the name is passed to grep, which matches it against data this analysis cannot see',
    ]);
    expect(a.copies.map((c) => c.variable)).toEqual(['NAME']);
  });

  it('a library entered at a function: only that function sees the name, with FIFO quotes when handed so', async () => {
    const lib = [
      'case "$1" in OTHER) : ;; esac', // the library's own top level: not the name
      'handle() { case "$2" in VI_1) up ;; esac; }',
      'other() { case "$2" in VI_9) up ;; esac; }',
      '',
    ].join('\n');
    const tree = (await loadShellParser()).parse(lib);
    try {
      const plain = analyzeScript(tree, { kind: 'argv', position: 2 }, { function: 'handle' });
      expect(literals(plain)).toEqual(['case:VI_1']);
      expect(plain.dispatches[0]!.tests[0]!.missingQuotes).toBe(false);
      const quoted = analyzeScript(tree, { kind: 'argv', position: 2 }, { function: 'handle', quoted: true });
      expect(quoted.dispatches[0]!.tests[0]!.missingQuotes).toBe(true);
      const missing = analyzeScript(tree, { kind: 'argv', position: 2 }, { function: 'absent' });
      expect(missing.entryMissing).toBe(true);
      expect(missing.dispatches).toEqual([]);
    } finally {
      tree.delete();
    }
  });

  it('a literal substitution is a transform; a glob or an unknown replacement is not', async () => {
    const a = await analyze(
      [
        'a=${2/VI_/}',
        '[ "$a" = WEB ]',
        'b=${2//_/-}',
        '[ "$b" = VI-WEB ]',
        'c=${2/V*/}',
        '[ "$c" = x ]',
        'd=${2/_/$X}',
        '[ "$d" = y ]',
        '',
      ].join('\n'),
    );
    expect(a.dispatches.flatMap((d) => d.tests.map((t) => [t.literal.text, t.strip]))).toEqual([
      ['WEB', { replace: { from: 'VI_', to: '', all: false } }],
      ['VI-WEB', { replace: { from: '_', to: '-', all: true } }],
    ]);
    expect(a.opaque).toHaveLength(2);
    expect(transformed({ strip: { replace: { from: '_', to: '-', all: true } } }, 'VI_WEB_1')).toBe('VI-WEB-1');
    expect(transformed({ strip: { replace: { from: '_', to: '-', all: false } } }, 'VI_WEB_1')).toBe('VI-WEB_1');
  });

  it('keeps the transform on the way: ${NAME,,} arrives lower-cased', async () => {
    const a = await analyze('/usr/local/bin/x "${2,,}" "${2#VI_}"\n');
    expect(a.handoffs.map((h) => [h.position, h.fold, h.strip])).toEqual([
      [1, 'lower', undefined],
      [2, undefined, { prefix: 'VI_' }],
    ]);
  });

  const conf = [
    'vrrp_instance VI_1 {',
    '    interface eth0',
    '    virtual_router_id 1',
    '    priority 100',
    '    virtual_ipaddress { 192.0.2.1/24 }',
    '    notify /etc/keepalived/s0.sh',
    '}',
    '',
  ].join('\n');

  it(`stops after ${MAX_HANDOFF_DEPTH} scripts: a chain s0 -> s1 -> ... is followed that deep`, async () => {
    const { dir, write } = tempTree('kl-handoff-depth-');
    write('etc/keepalived/keepalived.conf', conf);
    for (let i = 0; i <= MAX_HANDOFF_DEPTH + 1; i++) {
      write(
        `etc/keepalived/s${i}.sh`,
        `#!/bin/sh\ncase "$2" in\n    VI_1) ;;\n    WRONG_${i}) ;;\nesac\n/etc/keepalived/s${i + 1}.sh INSTANCE "$2"\n`,
        0o755,
      );
    }
    const r = await lintJson(path.join(dir, 'etc/keepalived/keepalived.conf'), ['--root', dir]);
    const found = r.all.filter((d) => d.ruleId === 'script-unknown-name').map((d) => d.message.split('"')[1]);
    expect(found.sort()).toEqual(Array.from({ length: MAX_HANDOFF_DEPTH + 1 }, (_, i) => `WRONG_${i}`));
  });

  it('3,000 instances calling one script that hands the name on: linear, not once per caller pair', async () => {
    // Describing every caller once per caller made 10,000 instances take 500 s instead of 3.
    const { dir, write } = tempTree('kl-handoff-many-');
    const blocks = Array.from(
      { length: 3000 },
      (_, i) =>
        `vrrp_instance VI_${i} {\n    interface eth0\n    virtual_router_id ${(i % 255) + 1}\n    priority 100\n` +
        `    virtual_ipaddress { 10.${Math.floor(i / 250)}.${i % 250}.1/24 }\n    notify /etc/keepalived/s0.sh\n}\n`,
    );
    write('etc/keepalived/keepalived.conf', blocks.join(''));
    write('etc/keepalived/s0.sh', '#!/bin/sh\n/usr/local/bin/role-change "$2"\n', 0o755);
    write('usr/local/bin/role-change', '#!/bin/sh\ncase "$1" in VI_1) ;; VI_X) ;; esac\n', 0o755);
    // CPU time, not wall time, which a loaded machine stretches (test/support/cpu.ts).
    const { value: r, cpuMs } = await cpuMsOf(() =>
      lintJson(path.join(dir, 'etc/keepalived/keepalived.conf'), ['--root', dir]),
    );
    expect(r.all.filter((d) => d.ruleId === 'script-unknown-name').map((d) => d.message.split('"')[1])).toEqual([
      'VI_X',
    ]);
    expect(cpuMs / 1000).toBeLessThan(20);
  });

  it('one program called twice with the name changed two ways: each call is followed', async () => {
    const { dir, write } = tempTree('kl-handoff-twice-');
    write('etc/keepalived/keepalived.conf', conf);
    write(
      'etc/keepalived/s0.sh',
      '#!/bin/sh\n/usr/local/bin/role-change "${2/VI_/}"\n/usr/local/bin/role-change "${2//_/-}"\n',
      0o755,
    );
    // "1" arrives from the first call, "VI-1" from the second; WRONG from neither.
    write('usr/local/bin/role-change', '#!/bin/sh\ncase "$1" in 1) ;; VI-1) ;; WRONG) ;; esac\n', 0o755);
    const r = await lintJson(path.join(dir, 'etc/keepalived/keepalived.conf'), ['--root', dir]);
    const found = r.all.filter((d) => d.ruleId === 'script-unknown-name').map((d) => d.message.split('"')[1]);
    expect(found).toEqual(['WRONG']);
  });

  it('a callee outside the root (a symbolic link out of the repository) is not read', async () => {
    const outside = tempTree('kl-handoff-outside-');
    outside.write('role-change', '#!/bin/sh\ncase "$1" in SECRET_NAME) ;; esac\n', 0o755);
    const { dir, write } = tempTree('kl-handoff-inside-');
    write('etc/keepalived/keepalived.conf', conf);
    write('etc/keepalived/s0.sh', '#!/bin/sh\n/usr/local/bin/role-change "$2"\n', 0o755);
    fs.mkdirSync(path.join(dir, 'usr/local/bin'), { recursive: true });
    fs.symlinkSync(path.join(outside.dir, 'role-change'), path.join(dir, 'usr/local/bin/role-change'));
    const r = await lintJson(path.join(dir, 'etc/keepalived/keepalived.conf'), ['--root', dir]);
    expect(r.all.filter((d) => d.ruleId === 'script-unknown-name')).toEqual([]);
    expect(JSON.stringify(r.all)).not.toContain('SECRET_NAME');
  });
});

describe('scripts are read, never run', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kl-noexec-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  it('linting a config whose every hook names a script that would create a file leaves no file', async () => {
    const marker = path.join(tmp, 'executed');
    const etc = path.join(tmp, 'etc', 'keepalived');
    fs.mkdirSync(etc, { recursive: true });
    const script = `#!/bin/sh\ntouch ${marker}\ncase "$2" in VI_1) touch ${marker} ;; esac\n`;
    fs.writeFileSync(path.join(etc, 'hook.sh'), script, { mode: 0o755 });
    fs.writeFileSync(
      path.join(etc, 'keepalived.conf'),
      [
        'global_defs {',
        '    enable_script_security',
        '    script_user root',
        '    vrrp_notify_fifo /run/kl.fifo',
        '    vrrp_notify_fifo_script /etc/keepalived/hook.sh',
        '}',
        'vrrp_script chk { script "/etc/keepalived/hook.sh check" }',
        'vrrp_instance VI_1 {',
        '    interface eth0',
        '    virtual_router_id 1',
        '    priority 100',
        '    virtual_ipaddress { 192.0.2.1/24 }',
        '    track_script { chk }',
        '    notify /etc/keepalived/hook.sh',
        '    notify_master "/etc/keepalived/hook.sh master"',
        '}',
        'virtual_server 192.0.2.1 80 {',
        '    real_server 192.0.2.10 80 {',
        '        notify_up /etc/keepalived/hook.sh',
        '        MISC_CHECK { misc_path /etc/keepalived/hook.sh }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    const r = await runCli(['lint', path.join(etc, 'keepalived.conf'), '--format', 'json'], { cwd: tmp });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toHaveProperty('results');
    expect(fs.existsSync(marker)).toBe(false);
  });
});
