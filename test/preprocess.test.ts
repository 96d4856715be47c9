// keepalived's line language as the parse command shows it, on cases checked against
// keepalived -t 2.2.7 (test/lexical/*.conf also run live in test/differential.test.ts).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_BRACE_DEPTH,
  preprocess,
  type PreprocessResult,
  tailReference,
  withOwnBraces,
  type WordsLine,
} from '../src/preprocess/index.js';
import { isLoadedConfig, loadConfig } from '../src/load/index.js';
import { trackers } from '../src/model/tracking.js';
import { vrrpInstances } from '../src/model/vrrp.js';
import { nodeHost } from '../src/source/host.js';
import { REPO, runCli, tempTree } from './helpers.js';

interface Node {
  keyword: string;
  args: string[];
  line: number;
  file: string;
  block?: Node[];
  values?: { words: string[] }[];
}
async function parse(file: string, extra: string[] = [], cwd = path.dirname(file)): Promise<Node[]> {
  const r = await runCli(['parse', file, ...extra], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { config: Node[] }).config;
}
const lexical = (f: string) => path.join(REPO, 'test', 'lexical', f);
const { dir: tmp, write } = tempTree('kl-pp-');
/** The reading of a file written with `text` (its pass for no config-id). */
function read(name: string, text: string): PreprocessResult {
  const file = write(name, text);
  const r = preprocess(file, { host: nodeHost(tmp), configId: null, root: tmp });
  if ('error' in r) throw new Error(r.error);
  return r;
}

describe('definitions', () => {
  // Found by the long fuzz run: text after a brace is read again and substituted again, so these
  // expanded without end (and, rescanning a growing line, in time that grows with its square).
  for (const [name, conf] of [
    ['a brace and itself', '$X=1 } $X\n$X\n'],
    ['a quote, a brace and itself', '$X=1 " } $X vrrp_instance gateway\n$X\n'],
  ] as const) {
    it(`a definition that expands to ${name} is reported once as recursive, and the lint ends`, async () => {
      const file = write(`recursive-${name.length}.conf`, conf);
      const r = await runCli([file, '--format', 'json']);
      expect(r.code).toBe(1);
      const found = (
        JSON.parse(r.stdout) as { results: { diagnostics: { ruleId: string; message: string }[] }[] }
      ).results.flatMap((x) => x.diagnostics);
      expect(found.filter((d) => /refers to itself/.test(d.message))).toHaveLength(1);
    });
  }
  it('a substituted line that is a definition defines it (s3: both instances are VX_second)', async () => {
    const names = (await parse(lexical('s3.conf'))).filter((n) => n.keyword === 'vrrp_instance').map((n) => n.args[0]);
    expect(names).toEqual(['VX_second', 'VX_second']);
  });
  it('lines of a multi-line definition are read one at a time (s4: a ~SEQ inside sets N first)', async () => {
    const g = (await parse(lexical('s4.conf')))[0]!;
    expect(g.block!.map((n) => n.keyword)).toEqual(['router_id', 'notification_email_from', 'bogus_d5', 'bogus_d6']);
  });
  it('only ${NAME} and $NAME before a blank, "," or ")" are expanded (d1)', async () => {
    const g = (await parse(lexical('d1.conf')))[0]!;
    expect(g.block!.slice(0, 4).map((n) => n.keyword)).toEqual(['router_id', '$Ay', 'a1,z', 'a1)']);
    expect(g.block![0]!.args).toEqual(['xa1']);
  });
  it('${_PWD} is the folder as deployed, so an include built from it resolves under the root', async () => {
    write('r/etc/keepalived/keepalived.conf', 'include ${_PWD}/conf.d/*.conf\n');
    write('r/etc/keepalived/conf.d/a.conf', 'global_defs {\n    router_id from_conf_d\n}\n');
    const cfg = await parse(path.join(tmp, 'r/etc/keepalived/keepalived.conf'));
    expect(cfg[0]).toMatchObject({ keyword: 'global_defs', block: [{ keyword: 'router_id', args: ['from_conf_d'] }] });
  });
  it('${_INSTANCE} is the config-id, and a stand-in word without one', async () => {
    const f = write('inst.conf', 'global_defs {\n    router_id ${_INSTANCE}\n}\n');
    expect((await parse(f, ['--config-id', 'lb2']))[0]!.block![0]!.args).toEqual(['lb2']);
    expect((await parse(f))[0]!.block![0]!.args).toHaveLength(1);
  });
});

describe('text after a brace is read as a new line', () => {
  it('an include after "{" is read (m2)', async () => {
    const vi = (await parse(lexical('m2.conf'))).find((n) => n.keyword === 'vrrp_instance')!;
    expect(vi.block!.map((n) => n.keyword)).toEqual(['interface', 'virtual_router_id', 'virtual_ipaddress']);
  });
  it('an @id prefix after "{" drops the rest of the line, "}" included (m3)', async () => {
    const cfg = await parse(lexical('m3.conf'));
    expect(cfg).toHaveLength(1);
    expect(cfg[0]!.keyword).toBe('global_defs');
    const lb = await parse(write('m3b.conf', 'global_defs { @lb1 router_id x }\n'), ['--config-id', 'lb1']);
    expect(lb[0]!.block!.map((n) => n.args[0])).toEqual(['x']);
  });
});

describe('sequences', () => {
  it('reads hex, octal, negative and chained sequences, with a blank before "(" (s1)', async () => {
    const ids = (await parse(lexical('s1.conf')))[0]!.block!.map((n) => n.args[0]);
    expect(ids.filter((x) => x!.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(ids.filter((x) => x!.startsWith('b'))).toEqual(['b8', 'b9']);
    expect(ids.filter((x) => x!.startsWith('c'))).toEqual(['c9', 'cc', 'cf']);
    expect(ids.filter((x) => x!.startsWith('h'))).toEqual(['h1', 'h2']);
    expect(ids.filter((x) => x!.startsWith('j'))).toEqual(['j1k1', 'j1k2', 'j2k1', 'j2k2']);
    expect(ids.filter((x) => x!.startsWith('m'))).toEqual(['m1n2', 'm3n', 'm4n5']);
    expect(ids.some((x) => x!.startsWith('q') || x!.startsWith('g') || x!.startsWith('o'))).toBe(false);
  });
});

describe('a multi-line definition read again at the same place (a ~SEQ: its lines given again)', () => {
  const texts = (r: PreprocessResult) => r.lines.map((l) => l.tokens.map((t) => t.text).join(' '));

  it('a value line is substituted again when a definition it names has changed', () => {
    // `item $N`: a new value of the ~SEQ each time. `tail $T`: $T is defined by the line after it,
    // as `t$N` (a definition keeps its text: $N is substituted where $T is used).
    const r = read('replay-values.conf', '$M= \\\n  head \\\n  item $N \\\n  tail $T \\\n  $T=t$N\n~SEQ(N, 1, 3) $M\n');
    expect(texts(r)).toEqual(['head', 'item 1', 'tail $T', 'head', 'item 2', 'tail t2', 'head', 'item 3', 'tail t3']);
  });

  it('what follows a ~SEQ is read again when a definition it names has changed, also through another', () => {
    // $A is `a$N` each time (the same text), but $N, which it names, is not.
    const r = read(
      'replay-sequence.conf',
      '$R= \\\n  r $A\n$V= \\\n  v \\\n  $A=a$N \\\n  ~SEQ(K, 1, 2) $R\n~SEQ(N, 1, 3) $V\n',
    );
    expect(texts(r)).toEqual(['v', 'r a1', 'r a1', 'v', 'r a2', 'r a2', 'v', 'r a3', 'r a3']);
  });

  it('a reading kept around one given again holds only while what that one looked up holds', () => {
    // `s $B` is given again inside the reading of `$R` for K=2; when N changes, so does `s $B`.
    const r = read(
      'replay-nested.conf',
      '$R= \\\n  r $K \\\n  s $B\n$W= \\\n  $B=b$N \\\n  ~SEQ(K, 1, 2) $R\n~SEQ(N, 1, 2) $W\n',
    );
    expect(texts(r)).toEqual(['r 1', 's b1', 'r 2', 's b1', 'r 1', 's b2', 'r 2', 's b2']);
  });

  it('lines given again are the same objects (never changed, so shared), braces too; withOwnBraces() copies', () => {
    const r = read('replay-same.conf', '$M= \\\n  head \\\n  x "y z" ${_RANDOM 4 9} \\\n  {\n~SEQ(N, 1, 3) $M\n');
    const xs = r.lines.filter((l): l is WordsLine => l.kind === 'words' && l.keyword.text === 'x');
    expect(xs).toHaveLength(3);
    expect(new Set(xs).size).toBe(1);
    expect(xs[0]!.tokens.map((t) => [t.text, t.quoted])).toEqual([
      ['x', false],
      ['y z', true],
      ['4', false],
    ]);
    const opens = () => r.lines.filter((l) => l.kind === 'open');
    expect(opens()).toHaveLength(3);
    expect(new Set(opens()).size).toBe(1);
    expect(r.bracesGivenAgain).toBe(true);
    // For the readers that tell braces apart by object (a brace out of place): each its own, same place.
    withOwnBraces(r.lines);
    expect(new Set(opens().map((l) => l.tokens[0])).size).toBe(3);
    expect(opens()[2]!.lineOrigin).toEqual(opens()[0]!.lineOrigin);
    expect(new Set(r.lines.filter((l) => l.kind === 'words' && l.keyword.text === 'x')).size).toBe(1);
  });

  it('braces out of place in lines given again: the findings of the same lines read one by one', async () => {
    // `weight 1`: the block is read once and given again for N = 2 and 3 (one "{" and "}" object
    // each); `weight ${N}`: read again for each value (braces of their own). The words stand at the
    // same places ("$RS"), so the findings must be the same.
    const cases = {
      extra: [
        '$RS= \\',
        '  real_server 10.0.0.1 80 { \\',
        '    weight 1 \\',
        '  } } \\',
        '  x',
        'virtual_server 10.0.0.9 80 {',
        '~SEQ(N, 1, 3) $RS',
        '}',
      ],
      unclosed: [
        'virtual_server 10.0.0.9 80 {',
        '$RS= \\',
        '  real_server 10.0.0.1 80 { \\',
        '    weight 1 \\',
        '    TCP_CHECK { \\',
        '      connect_timeout 3 \\',
        '  }',
        '~SEQ(N, 1, 3) $RS',
        '}',
      ],
    };
    const found = async (f: string) =>
      (
        JSON.parse((await runCli(['--format', 'json', f])).stdout) as {
          results: { diagnostics: { ruleId: string; line: number; column: number; message: string }[] }[];
        }
      ).results
        .flatMap((x) => x.diagnostics)
        .map((d) => [d.ruleId, d.line, d.column, d.message]);
    for (const [name, lines] of Object.entries(cases)) {
      const again = await found(write(`braces-${name}-again.conf`, `${lines.join('\n')}\n`));
      const one = await found(
        write(`braces-${name}-one.conf`, `${lines.join('\n').replace('weight 1', 'weight ${N}')}\n`),
      );
      expect(again.filter(([rule]) => rule === 'syntax-error').length, name).toBeGreaterThan(1);
      expect(again, name).toEqual(one);
    }
  });

  it('a shared line is placed where each statement of it stands: the "{" that opens nothing', async () => {
    // Each `delay 5` line is the same object. The first stands before the ignored "{" after `x`
    // (no hint), the second after it (keepalived reads it in vrrp_instance VI_1 because of that
    // "{"): placing statements by their line object put both after it (one finding, both hinted).
    const file = write(
      'replay-ignored.conf',
      '$B= \\\ndelay 5 \\\nx {\nvrrp_instance VI_1 {\n  ~SEQ(N, 1, 2) $B\n  }\n  }\n}\n',
    );
    const r = await runCli(['--format', 'json', file]);
    const delays = (
      JSON.parse(r.stdout) as { results: { diagnostics: { message: string; detail?: string }[] }[] }
    ).results
      .flatMap((x) => x.diagnostics)
      .filter((d) => d.message.startsWith('Unknown keyword "delay"'));
    expect(delays.map((d) => (d.detail ?? '').includes('because the "{" after "x"'))).toEqual([false, true]);
  });

  it('a shared word resolves in each of its lines: a track_script before and after its vrrp_script', async () => {
    // VI_1 names chk_x before it is defined (keepalived ignores that track_script), VI_2 after:
    // the `chk_x` word is one object in both (the lines given again), each line its own reference.
    const file = write(
      'replay-track.conf',
      [
        '$M= \\',
        'vrrp_instance VI_$N { \\',
        '  track_script { \\',
        '    chk_x weight 10 \\',
        '  } \\',
        '} \\',
        'vrrp_script chk_x { \\',
        '  script /bin/true \\',
        '}',
        '~SEQ(N, 1, 2) $M',
        '',
      ].join('\n'),
    );
    const loaded = await loadConfig(file, { root: tmp }, nodeHost(tmp));
    if (!isLoadedConfig(loaded)) throw new Error('not loaded');
    const tree = loaded.passes[0]!.tree;
    const [vi1, vi2] = vrrpInstances(tree);
    const word = (i: typeof vi1) =>
      i!.statement.children.find((c) => c.keyword.text === 'track_script')!.values[0]!.tokens[0];
    expect(word(vi2)).toBe(word(vi1));
    expect(trackers(tree, vi1!)).toEqual([]);
    expect(trackers(tree, vi2!).map((t) => [t.name, t.weight])).toEqual([['chk_x', 10]]);
  });

  it('a definition still open when used can grow while its lines are read: the lines it had are read', () => {
    // f.conf and g.conf end without a newline, so $M is still open when $W reads `$M`; the include
    // among $W's lines adds g.conf's line to $M while $M's lines are being read.
    write('grow/f.conf', '$M= include g.conf \\\nb \\');
    write('grow/g.conf', 'c \\');
    const r = read('grow/a.conf', '$W= \\\n include f.conf \\\n $M\n$W\n');
    expect(texts(r)).toEqual(['b']);
  });

  it('braces given again count toward the brace cap as braces read do', () => {
    const r = read('replay-braces.conf', `$M= \\\n  x \\\n  {\n~SEQ(N, 1, ${MAX_BRACE_DEPTH + 5}) $M\n`);
    expect(r.lines.filter((l) => l.kind === 'open')).toHaveLength(MAX_BRACE_DEPTH);
    expect(r.problems.filter((p) => p.code === 'budget-exceeded' && p.data.cap === 'brace-depth')).toHaveLength(1);
  });
});

describe('lines of words and braces only (read without the text objects of the other steps)', () => {
  // Places as line:column (the comments move the offsets of the lines after them).
  const shape = (r: PreprocessResult) => {
    const at = (o: { file: string; start: number; end: number }) => {
      const index = r.files.get(o.file)!.index;
      return [index.position(o.start), index.position(o.end)];
    };
    return r.lines.map((l) => [
      l.kind,
      at(l.lineOrigin),
      l.via.length,
      l.tokens.map((t) => [t.text, t.quoted, at(t.origin), t.via.length]),
      l.kind === 'words' ? [l.raw?.text, l.raw?.file === l.lineOrigin.file] : null,
    ]);
  };
  const plain = [
    'global_defs {',
    '\trouter_id   r1 \r',
    '}',
    'vrrp_instance VI_1{state MASTER',
    '  virtual_ipaddress {  10.0.0.1/24 dev eth0 }}',
    '   ',
    '{ } {',
    'x}y{z',
    '}',
    // One, two, three and more words after the first (the plain reading keeps up to three as texts
    // and places), and places far along a line.
    'a b c d',
    'a b c d e',
    'a b c d e f g',
    `a${' '.repeat(600)}b${' '.repeat(300)}c d`,
  ];

  it('reads each as the same line with a comment after it (which takes the full path) reads', () => {
    const fast = read('plain-fast.conf', `${plain.join('\n')}\n`);
    // "#" sends a line through decomment and the full path; the words and places are the same.
    const full = read('plain-full.conf', `${plain.map((l) => (l.trim() ? `${l} # c` : l)).join('\n')}\n`);
    expect(fast.lines.length).toBeGreaterThan(15);
    expect(shape(fast)).toEqual(shape(full));
    expect(fast.problems).toEqual(full.problems);
  });

  it('leaves a line that would reach a cap to the full path, which reports it', () => {
    const r = read('plain-cap.conf', `${'{ '.repeat(MAX_BRACE_DEPTH - 1)}\n{ { {\n`);
    expect(r.lines.filter((l) => l.kind === 'open')).toHaveLength(MAX_BRACE_DEPTH);
    expect(r.problems.filter((p) => p.code === 'budget-exceeded' && p.data.cap === 'brace-depth')).toHaveLength(1);
  });
});

describe('where a word is', () => {
  // A word's place is the text it was read from: as long as its text when written as it is, longer
  // when quotes or a substitution made it (the place then covers the quotes, the `${NET}`), and
  // the `$RS` that put it there for a word of a definition's value.
  it('covers the text it was read from: the word, its quotes, the substitution, the use of a definition', () => {
    const r = read(
      'places.conf',
      [
        '$NET=5',
        '$RS=real_server 10.${NET}.1.1 80 { weight 1 }',
        'vrrp_instance "VI 1" {',
        '  state "MASTER" # c',
        '  priority a${NET}b',
        '}',
        'virtual_server 10.0.0.1 80 {',
        '$RS',
        '}',
        '',
      ].join('\n'),
    );
    const [file, { text }] = [...r.files][0]!;
    const written = (t: { origin: { start: number; end: number } }) => text.slice(t.origin.start, t.origin.end);
    const tokens = r.lines.flatMap((l) => l.tokens);
    const by = (w: string) => tokens.find((t) => t.text === w)!;
    expect(written(by('VI 1'))).toBe('"VI 1"');
    expect(written(by('MASTER'))).toBe('"MASTER"');
    expect(written(by('a5b'))).toBe('a${NET}b');
    const fromRs = tokens.filter((t) => t.via.length);
    expect(fromRs.map((t) => t.text)).toEqual(['real_server', '10.5.1.1', '80', '{', 'weight', '1', '}']);
    for (const t of fromRs) {
      expect(written(t), t.text).toBe('$RS');
      expect(t.via.map((v) => v.name)).toEqual(['RS']);
    }
    // Every other word and brace stands as it is written.
    const others = tokens.filter((t) => !t.via.length && !['VI 1', 'MASTER', 'a5b'].includes(t.text));
    expect(others.map((t) => t.text).join(' ')).toBe('vrrp_instance { state priority } virtual_server 10.0.0.1 80 { }');
    for (const t of [...others, ...fromRs]) expect(t.origin.file).toBe(file);
    for (const t of others) expect(written(t), t.text).toBe(t.text);
  });
});

describe('tailReference (the reference a line ends with, for multi-line definitions)', () => {
  it('reads what the regex it replaces finds, for every text of up to 5 characters of $ { } A _ 1 and blank', () => {
    const re = /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/;
    const alphabet = ['$', '{', '}', 'A', '_', '1', ' '];
    let texts = [''];
    let checked = 0;
    for (let n = 0; n < 5; n++) {
      texts = texts.flatMap((t) => alphabet.map((c) => t + c));
      for (const t of texts) {
        const m = re.exec(t);
        const want = m
          ? { name: m[1], at: t.length - m[0].length, braced: m[0].startsWith('${'), closed: m[0].endsWith('}') }
          : null;
        expect(tailReference(t), JSON.stringify(t)).toEqual(want);
        checked++;
      }
    }
    expect(checked).toBe(19_607);
    expect(tailReference('    ~SEQ(RS2,1,100) $RS')).toEqual({ name: 'RS', at: 20, braced: false, closed: false });
    expect(tailReference('x ${VS}')).toEqual({ name: 'VS', at: 2, braced: true, closed: true });
  });
});
