// The line grammar (src/parser) on the cases SYNTAX.md documents, and the shortcuts it takes for
// trivial lines checked against the grammar itself on every line of the shared corpus.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decomment,
  decommentWithGrammar,
  parseDirective,
  parseDirectiveWithGrammar,
  tokenize,
  tokenizeWithGrammar,
} from '../src/parser/index.js';
import { HAVE_SHARED, SHARED } from './helpers.js';

const words = (line: string) => tokenize(line).map((t) => (t.brace ? `<${t.text}>` : t.text));
const code = (line: string) =>
  decomment(line)
    .pieces.map((p) => p.text)
    .join('');

describe('decomment (SYNTAX.md section 2)', () => {
  it.each([
    ['router_id abc#def', 'router_id abc'],
    ['priority 100!x', 'priority 100'],
    ['notification_email_from "a#b@example.com"', 'notification_email_from "a#b@example.com"'],
    ["state 'a#b'", "state 'a"],
    ['state A\\#B', 'state A#B'],
    ['# whole line', ''],
  ])('%s -> %s', (line, expected) => expect(code(line)).toBe(expected));

  it('finds an unterminated quote and keeps the rest of the line inside it', () => {
    const r = decomment('router_id "unterminated # not a comment');
    expect(r.unterminatedQuoteAt).toBe(10);
    expect(r.commentAt).toBeNull();
  });
});

describe('tokens (SYNTAX.md sections 1 and 3)', () => {
  it.each([
    ['router_id "my router"', ['router_id', 'my router']],
    ['"abc"def', ['abc', 'def']],
    ['abc"def ghi"', ['abc', 'def ghi']],
    ['priority"100"', ['priority', '100']],
    ["state 'a b'", ['state', "'a", "b'"]],
    ['virtual_router_id 51 ; priority 100', ['virtual_router_id', '51', ';', 'priority', '100']],
    ['vrrp_instance P{', ['vrrp_instance', 'P', '<{>']],
    ['virtual_ipaddress { 192.0.2.10/24 }', ['virtual_ipaddress', '<{>', '192.0.2.10/24', '<}>']],
    ['router_id ${UNDEFINED}', ['router_id', '$', '<{>', 'UNDEFINED', '<}>']],
    ['a\tb\fc', ['a', 'b', 'c']],
  ])('%s', (line, expected) => expect(words(line)).toEqual(expected));

  it('keeps exact offsets', () => {
    expect(tokenize('  state "x y"  ')).toEqual([
      { text: 'state', start: 2, end: 7, quoted: false, brace: false, unterminated: false },
      { text: 'x y', start: 8, end: 13, quoted: true, brace: false, unterminated: false },
    ]);
  });
});

describe('directives (SYNTAX.md sections 5-7)', () => {
  it('reads @id and @^id prefixes, one per line', () => {
    expect(parseDirective('@lb1 priority 200').condition).toMatchObject({ negated: false, id: 'lb1' });
    expect(parseDirective('@^lb1 priority 100').condition).toMatchObject({ negated: true, id: 'lb1' });
    expect(parseDirective('@vm @vm x').body).toMatchObject({ kind: 'content', content: '@vm x' });
    expect(parseDirective('@ ID x').condition).toMatchObject({ id: '' });
  });
  it('reads definitions only without a space before "="', () => {
    expect(parseDirective('$NAME=eth0').body).toMatchObject({ kind: 'definition', name: 'NAME', value: 'eth0' });
    expect(parseDirective('$NAME = x').body.kind).toBe('content');
  });
  it('reads chained sequence heads', () => {
    const b = parseDirective('~SEQ(N, 1, 3) ~LST({A,B}, {1,2}) line $N');
    expect(b.body).toMatchObject({ kind: 'sequence', content: 'line $N' });
    expect(b.body.kind === 'sequence' && b.body.heads.map((h) => h.kind)).toEqual(['~SEQ', '~LST']);
  });
});

describe('the hand reader (src/parser/lexer.ts) gives what the grammar gives', () => {
  const dirs = [
    path.join(SHARED, 'corpus', 'configs'),
    path.join(SHARED, 'reference', 'keepalived', 'oracle-cases'),
    path.join(SHARED, 'reference', 'keepalived', 'oracle-cases', 'lexical'),
  ];
  const lines = new Set<string>([
    '',
    ' ',
    '\t}',
    '@x',
    '$',
    '~',
    ' ~SEQ(A,1) x',
    'a\\',
    '"',
    '!',
    '@^ $A=1',
    '$\u00e9t\u00e9_2=x',
    '$2A=1',
    '@id ~LST({a},{1}) x',
    '~SEQx(A,1) x',
    '~SEQ (A, 1)  ~LST(B,{1})\ty',
    '~SEQ(A',
    '~SEQxy(A,1) x',
    '~SEQ(A,1)~SEQ(B,2)z',
    '~SEQ(A,1) ~SEQ(B',
    '~LST()',
  ]);
  const addFile = (p: string) => {
    for (const l of fs.readFileSync(p, 'utf8').split('\n')) lines.add(l.replace(/\r$/, ''));
  };
  // Without ../shared: the fixtures and the lines above only.
  for (const d of HAVE_SHARED ? dirs : []) {
    for (const f of fs.readdirSync(d)) {
      const p = path.join(d, f);
      if (fs.statSync(p).isFile() && !f.endsWith('.md')) addFile(p);
    }
  }
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.conf')) addFile(path.join(d, e.name));
    }
  };
  walk(path.join(__dirname, '..', 'fixtures'));

  function agree(l: string): void {
    expect(decomment(l), JSON.stringify(l)).toEqual(decommentWithGrammar(l));
    const dc = decomment(l)
      .pieces.map((p) => p.text)
      .join('')
      .trim();
    expect(parseDirective(dc), JSON.stringify(dc)).toEqual(parseDirectiveWithGrammar(dc));
    expect(tokenize(l), JSON.stringify(l)).toEqual(tokenizeWithGrammar(l));
    expect(tokenize(dc), JSON.stringify(dc)).toEqual(tokenizeWithGrammar(dc));
  }

  it(`on ${lines.size} distinct corpus, oracle-case and fixture lines`, () => {
    // The corpus and oracle cases give more than 2,000 lines; the fixtures alone (a clone without ../shared) ~1,900.
    expect(lines.size).toBeGreaterThan(HAVE_SHARED ? 2000 : 1500);
    for (const l of lines) agree(l);
  });

  it('on generated lines made of the characters the rules turn on', () => {
    // Every character class the three rules distinguish, plus letters outside ASCII (definition
    // names), a surrogate pair and a NUL.
    const alphabet = [
      '"',
      '\\',
      '#',
      '!',
      '{',
      '}',
      '@',
      '^',
      '$',
      '=',
      '~',
      '(',
      ')',
      ',',
      ' ',
      '\t',
      '\r',
      '\v',
      '\f',
      '\n',
      'a',
      'Z',
      '_',
      '1',
      '\u00e9',
      '\u02b0',
      '\u4e00',
      '\ud83d\ude00',
      '\0',
      'SEQ',
      '~SEQ(',
      '~SEQx(',
      '~LST(',
      '${',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 24 }), (parts) => {
        agree(parts.join(''));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('fails when the two disagree (the comparison can fail)', () => {
    expect(() => expect(tokenize('a"b')).toEqual(tokenizeWithGrammar('a b'))).toThrow();
  });
});
