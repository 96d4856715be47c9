/**
 * The only module that imports ohm-js. It matches one line of text against a start rule of
 * grammar/keepalived.ohm and turns the match into plain objects with offsets relative to that
 * line. Example:
 *
 *   tokenize('vrrp_instance VI_1 {')
 *     -> [{text:'vrrp_instance',start:0,end:13,quoted:false}, {text:'VI_1',...}, {text:'{',brace:true,...}]
 *
 * Results are cached by line text: configs repeat the same lines (`}`, `state BACKUP`) a lot.
 */
import grammar from '../../grammar/keepalived.ohm-bundle.js';
import type { IterationNode, MatchResult, Node, NonterminalNode, TerminalNode } from 'ohm-js';

/** A run of text kept by decomment, and where its first character sits in the input line. */
export interface CodePiece {
  text: string;
  at: number;
  /** A double quote that is never closed on the line. */
  open?: true;
}

export interface DecommentResult {
  /** The code part, in pieces (an escaped `\#` becomes a piece `#` at the `#`'s offset). */
  pieces: CodePiece[];
  /** Offset of the `#`/`!` that starts a comment, if any. */
  commentAt: number | null;
  /** Offset of a `"` that is never closed, if any. */
  unterminatedQuoteAt: number | null;
}

export interface RawToken {
  text: string;
  start: number;
  end: number;
  quoted: boolean;
  brace: boolean;
  /** A `"` that is never closed on this line (keepalived: "Unmatched quote"). */
  unterminated: boolean;
}

export type DirectiveBody =
  | { kind: 'definition'; name: string; nameStart: number; value: string; valueStart: number }
  | { kind: 'sequence'; heads: SequenceHead[]; content: string; contentStart: number }
  | { kind: 'content'; content: string; contentStart: number };

export interface SequenceHead {
  kind: '~SEQ' | '~SEQx' | '~LST';
  args: string;
  start: number;
  end: number;
}

export interface Directive {
  condition: { negated: boolean; id: string; start: number; end: number } | null;
  body: DirectiveBody;
}

export class GrammarFailure extends Error {
  constructor(
    readonly rule: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const semantics = grammar.createSemantics();

semantics.addOperation<CodePiece[]>('pieces', {
  line(parts: IterationNode, _comment: IterationNode) {
    return parts.children.flatMap((p: Node) => p['pieces']() as CodePiece[]);
  },
  codePart(inner: NonterminalNode) {
    return inner['pieces']() as CodePiece[];
  },
  codePart_quoted(inner: NonterminalNode) {
    return inner['pieces']() as CodePiece[];
  },
  dquoted_closed(_open: TerminalNode, _body: IterationNode, _close: TerminalNode) {
    return [{ text: this.sourceString, at: this.source.startIdx }];
  },
  dquoted_open(_open: TerminalNode, _body: IterationNode) {
    return [{ text: this.sourceString, at: this.source.startIdx, open: true }];
  },
  codePart_escapedQuote(_backslash: TerminalNode, _quote: TerminalNode) {
    // keepalived's decomment skips an escaped quote; it stays in the text for the tokenizer.
    return [{ text: this.sourceString, at: this.source.startIdx }];
  },
  codePart_plain(inner: NonterminalNode) {
    return [{ text: inner.sourceString, at: inner.source.startIdx }];
  },
  codePart_escapedComment(_backslash: TerminalNode, ch: NonterminalNode) {
    return [{ text: ch.sourceString, at: ch.source.startIdx }];
  },
});

semantics.addOperation<RawToken[]>('tokens', {
  tokens(_lead: IterationNode, toks: IterationNode, _trail: IterationNode) {
    return toks.children.map((t: Node) => t['token']() as RawToken);
  },
});

semantics.addOperation<RawToken>('token', {
  token(inner: NonterminalNode) {
    return inner['token']() as RawToken;
  },
  brace(b: TerminalNode) {
    return raw(b.sourceString, b.source.startIdx, b.source.endIdx, false, true, false);
  },
  quotedWord_closed(_open: TerminalNode, body: IterationNode, _close: TerminalNode) {
    return raw(body.sourceString, this.source.startIdx, this.source.endIdx, true, false, false);
  },
  quotedWord_open(_open: TerminalNode, body: IterationNode) {
    return raw(body.sourceString, this.source.startIdx, this.source.endIdx, true, false, true);
  },
  bareWord(_chars: IterationNode) {
    return raw(this.sourceString, this.source.startIdx, this.source.endIdx, false, false, false);
  },
});

semantics.addOperation<Directive>('directive', {
  directive(_lead: IterationNode, cond: IterationNode, body: NonterminalNode) {
    const c = cond.children[0];
    return {
      condition: c ? (c['condition']() as Directive['condition']) : null,
      body: body['body']() as DirectiveBody,
    };
  },
});

semantics.addOperation<Directive['condition']>('condition', {
  condition(_at: TerminalNode, caret: IterationNode, id: NonterminalNode, _blanks: IterationNode) {
    return {
      negated: caret.children.length > 0,
      id: id.sourceString,
      start: this.source.startIdx,
      end: this.source.endIdx,
    };
  },
});

semantics.addOperation<DirectiveBody>('body', {
  body(inner: NonterminalNode) {
    return inner['body']() as DirectiveBody;
  },
  definition(_dollar, name: NonterminalNode, _eq, _blanks, value: IterationNode) {
    return {
      kind: 'definition',
      name: name.sourceString,
      nameStart: name.source.startIdx,
      value: value.sourceString,
      valueStart: value.source.startIdx,
    };
  },
  sequence(heads: IterationNode, content: NonterminalNode) {
    return {
      kind: 'sequence',
      heads: heads.children.map((h: Node) => {
        const call = h.child(0);
        return {
          kind: call.child(0).sourceString as SequenceHead['kind'],
          args: call.child(3).sourceString,
          start: call.source.startIdx,
          end: call.source.endIdx,
        };
      }),
      content: content.sourceString,
      contentStart: content.source.startIdx,
    };
  },
  content(_chars: IterationNode) {
    return { kind: 'content', content: this.sourceString, contentStart: this.source.startIdx };
  },
});

function raw(
  text: string,
  start: number,
  end: number,
  quoted: boolean,
  brace: boolean,
  unterminated: boolean,
): RawToken {
  return { text, start, end, quoted, brace, unterminated };
}

function matchOrThrow(text: string, rule: string): MatchResult {
  const m = grammar.match(text, rule);
  if (m.failed()) {
    // The lexical rules accept any text, so this is a bug in the grammar, not in the input.
    throw new GrammarFailure(rule, 0, m.shortMessage ?? `cannot match rule ${rule}`);
  }
  return m;
}

const CACHE_LIMIT = 50_000;
function cached<T>(fn: (text: string) => T): (text: string) => T {
  const cache = new Map<string, T>();
  return (text: string) => {
    let hit = cache.get(text);
    if (hit === undefined) {
      hit = fn(text);
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(text, hit);
    }
    return hit;
  };
}

/**
 * Shortcuts for lines whose result the grammar fixes in advance: without `"`, `#`, `!` or `\`
 * decomment keeps the line whole; a line not starting with `@`, `$` or `~` is plain content.
 * test/parser.test.ts checks that both agree with the grammar on every corpus line.
 */
const DECOMMENT_TRIVIAL = /^[^"#!\\]*$/;
const DIRECTIVE_TRIVIAL = /^[ \t\v\f\r\n]*[^@$~ \t\v\f\r\n]/;

/** keepalived's decomment(): drop `#`/`!` comments outside double quotes, resolve `\#`, `\!`. */
export const decomment = (text: string): DecommentResult =>
  DECOMMENT_TRIVIAL.test(text) ? { pieces: text ? [{ text, at: 0 }] : [], commentAt: null, unterminatedQuoteAt: null } : decommentWithGrammar(text);

export const decommentWithGrammar = cached((text: string): DecommentResult => {
  const m = matchOrThrow(text, 'line');
  const root = semantics(m);
  const pieces = root['pieces']() as CodePiece[];
  let commentAt: number | null = null;
  let unterminatedQuoteAt: number | null = null;
  const codeEnd = pieces.length ? pieces[pieces.length - 1]!.at + pieces[pieces.length - 1]!.text.length : 0;
  if (codeEnd < text.length) commentAt = codeEnd;
  for (const p of pieces) {
    if (p.open) unterminatedQuoteAt = p.at;
  }
  return { pieces, commentAt, unterminatedQuoteAt };
});

/** Split decommented text into words and braces, the way alloc_strvec_r() and the brace splitter do. */
export const tokenize = cached((text: string): RawToken[] => {
  const m = matchOrThrow(text, 'tokens');
  return semantics(m)['tokens']() as RawToken[];
});

/** Recognise a `@id` prefix, a `$NAME=value` definition or a `~SEQ(...)` line. */
export const parseDirective = (text: string): Directive =>
  DIRECTIVE_TRIVIAL.test(text)
    ? { condition: null, body: { kind: 'content', content: text.replace(/^[ \t\v\f\r\n]+/, ''), contentStart: text.length - text.replace(/^[ \t\v\f\r\n]+/, '').length } }
    : parseDirectiveWithGrammar(text);

export const parseDirectiveWithGrammar = cached((text: string): Directive => {
  const m = matchOrThrow(text, 'directive');
  return semantics(m)['directive']() as Directive;
});
