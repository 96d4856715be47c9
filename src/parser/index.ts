/**
 * The only module that imports ohm-js. Each physical line of a config goes through three line
 * rules of grammar/keepalived.ohm (decomment, directive, tokens); the results are plain objects
 * with offsets relative to that line. Example:
 *
 *   tokenize('vrrp_instance VI_1 {')
 *     -> [{text:'vrrp_instance',start:0,end:13,quoted:false}, {text:'VI_1',...}, {text:'{',brace:true,...}]
 *
 * Ordinary lines are read by ./lexer.ts, which gives what the grammar gives (checked on every
 * corpus line and on generated lines by test/parser.test.ts); the grammar reads `~SEQ`/`~LST`
 * lines. ohm-js and the generated bundle load on the first line that needs them, synchronously
 * (require() of an ES module, Node >= 20.19), so a config without such a line never loads them.
 */
import { createRequire } from 'node:module';
import type { IterationNode, MatchResult, Node, NonterminalNode, TerminalNode } from 'ohm-js';
import type { KeepalivedGrammar, KeepalivedSemantics } from '../../grammar/keepalived.ohm-bundle.js';
import { decommentLine, directiveLine, tokenizeLine } from './lexer.js';
import type { CodePiece, DecommentResult, Directive, DirectiveBody, RawToken, SequenceHead } from './types.js';

export type * from './types.js';

export class GrammarFailure extends Error {
  constructor(
    readonly rule: string,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

let loaded: { grammar: KeepalivedGrammar; semantics: KeepalivedSemantics } | null = null;

/** The grammar and its semantics, loaded and built on first use. */
function ohm(): { grammar: KeepalivedGrammar; semantics: KeepalivedSemantics } {
  if (loaded) return loaded;
  const bundle = createRequire(import.meta.url)('../../grammar/keepalived.ohm-bundle.js') as {
    default: KeepalivedGrammar;
  };
  const grammar = bundle.default;
  const s = grammar.createSemantics();

  s.addOperation<CodePiece[]>('pieces', {
    line(parts: IterationNode, _comment: IterationNode) {
      return parts.children.flatMap((p: Node) => p.pieces() as CodePiece[]);
    },
    codePart(inner: NonterminalNode) {
      return inner.pieces() as CodePiece[];
    },
    codePart_quoted(inner: NonterminalNode) {
      return inner.pieces() as CodePiece[];
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

  s.addOperation<RawToken[]>('tokens', {
    tokens(_lead: IterationNode, toks: IterationNode, _trail: IterationNode) {
      return toks.children.map((t: Node) => t.token() as RawToken);
    },
  });

  s.addOperation<RawToken>('token', {
    token(inner: NonterminalNode) {
      return inner.token() as RawToken;
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

  s.addOperation<Directive>('directive', {
    directive(_lead: IterationNode, cond: IterationNode, body: NonterminalNode) {
      const c = cond.children[0];
      return {
        condition: c ? (c.condition() as Directive['condition']) : null,
        body: body.body() as DirectiveBody,
      };
    },
  });

  s.addOperation<Directive['condition']>('condition', {
    condition(_at: TerminalNode, caret: IterationNode, id: NonterminalNode, _blanks: IterationNode) {
      return {
        negated: caret.children.length > 0,
        id: id.sourceString,
        start: this.source.startIdx,
        end: this.source.endIdx,
      };
    },
  });

  s.addOperation<DirectiveBody>('body', {
    body(inner: NonterminalNode) {
      return inner.body() as DirectiveBody;
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
  loaded = { grammar, semantics: s };
  return loaded;
}

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
  const m = ohm().grammar.match(text, rule);
  if (m.failed()) {
    // The lexical rules accept any text, so this is a bug in the grammar, not in the input.
    throw new GrammarFailure(rule, 0, m.shortMessage ?? `cannot match rule ${rule}`);
  }
  return m;
}

/** keepalived's decomment(): drop `#`/`!` comments outside double quotes, resolve `\#`, `\!`. */
export const decomment: (text: string) => DecommentResult = decommentLine;

/** Split decommented text into words and braces, the way alloc_strvec_r() and the brace splitter do. */
export const tokenize: (text: string) => RawToken[] = tokenizeLine;

/** The same split into reusable columns, without an object per word (the preprocessor's form). */
export { TOKEN_BRACE, TOKEN_QUOTED, TOKEN_UNTERMINATED, TokenColumns } from './lexer.js';

/** Recognise a `@id` prefix, a `$NAME=value` definition or a `~SEQ(...)` line. */
export const parseDirective: (text: string) => Directive = directiveLine;

// The grammar's own readings: the reference the tests hold the hand reader to.

export function decommentWithGrammar(text: string): DecommentResult {
  const pieces = ohm().semantics(matchOrThrow(text, 'line')).pieces() as CodePiece[];
  let commentAt: number | null = null;
  let unterminatedQuoteAt: number | null = null;
  const codeEnd = pieces.length ? pieces[pieces.length - 1]!.at + pieces[pieces.length - 1]!.text.length : 0;
  if (codeEnd < text.length) commentAt = codeEnd;
  for (const p of pieces) {
    if (p.open) unterminatedQuoteAt = p.at;
  }
  return { pieces, commentAt, unterminatedQuoteAt };
}

export function tokenizeWithGrammar(text: string): RawToken[] {
  return ohm().semantics(matchOrThrow(text, 'tokens')).tokens() as RawToken[];
}

export function parseDirectiveWithGrammar(text: string): Directive {
  return ohm().semantics(matchOrThrow(text, 'directive')).directive() as Directive;
}
