/** Plain results of the line rules of grammar/keepalived.ohm, shared by both readers. */
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
