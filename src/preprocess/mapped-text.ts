/**
 * Text that remembers where each character was written. keepalived rewrites a line several times
 * (decomment, $NAME substitution, ~SEQ repetition) before it reads words from it; a diagnostic must
 * still point at the file, line and column the operator has to edit, and name the expansions that
 * produced the text. Example:
 *
 *   $PRIO=300            (line 1)
 *   priority $PRIO       (line 2)
 *   -> the word "300" maps to line 2 columns 10-14 (the `$PRIO` reference), via [$PRIO defined at 1:1]
 */

export interface Origin {
  /** Absolute path of the file (key of the SourceFile). */
  file: string;
  start: number;
  end: number;
}

export interface Expansion {
  kind: 'definition' | 'sequence' | 'include';
  name: string;
  /** Where the reference (or ~SEQ head, or include line) stands. */
  use: Origin;
  /** Where the definition was written, for definitions. */
  definedAt?: Origin;
}

interface Segment {
  /** Offset in `text` where this segment starts. */
  at: number;
  len: number;
  /** Source offset of the first character. */
  src: number;
  /** For synthetic text (an expansion), every character maps to [src, fixedEnd). */
  fixedEnd: number | null;
  via: Expansion[];
}

const NO_VIA: Expansion[] = [];

/** What originInto() writes: a span of a file and the expansions that put the text there. */
export interface Place extends Origin {
  via: Expansion[];
}

export class MappedText {
  /**
   * Most texts are one piece of one line, written as it is: those keep only where they start
   * (`literalAt`), not a segment list, since a line's text lives as long as the tree (issue 7:
   * memory at 10,000 instances). `segs` builds the list when a caller needs it.
   */
  private readonly stored: Segment[] | null;
  private readonly literalAt: number;
  private readonly literalViaList: Expansion[];

  private constructor(
    readonly text: string,
    readonly file: string,
    segs: Segment[] | null,
    literalAt = 0,
    literalVia: Expansion[] = NO_VIA,
  ) {
    if (segs === null) {
      this.stored = text.length ? null : [];
      this.literalAt = literalAt;
      this.literalViaList = literalVia;
      return;
    }
    const one = segs.length === 1 ? segs[0]! : null;
    if (one && one.fixedEnd === null && one.at === 0 && one.len === text.length) {
      this.stored = null;
      this.literalAt = one.src;
      this.literalViaList = one.via;
    } else {
      this.stored = segs;
      this.literalAt = 0;
      this.literalViaList = NO_VIA;
    }
  }

  /** Where the text starts in its file when it is one piece written as it is; else null. */
  literalStart(): number | null {
    return this.stored ? null : this.literalAt;
  }

  /** The expansions behind a literal text (see literalStart). */
  get literalVia(): Expansion[] {
    return this.stored ? NO_VIA : this.literalViaList;
  }

  private get segs(): Segment[] {
    if (this.stored) return this.stored;
    return this.text.length
      ? [{ at: 0, len: this.text.length, src: this.literalAt, fixedEnd: null, via: this.literalViaList }]
      : [];
  }

  static literal(text: string, file: string, src: number, via: Expansion[] = NO_VIA): MappedText {
    return new MappedText(text, file, null, src, via);
  }

  /** Text that came from elsewhere: every character maps to the span `use` in `file`. */
  static synthetic(text: string, file: string, use: { start: number; end: number }, via: Expansion[]): MappedText {
    return new MappedText(
      text,
      file,
      text.length ? [{ at: 0, len: text.length, src: use.start, fixedEnd: use.end, via }] : [],
    );
  }

  /**
   * Whether `other` is the same text mapped to the same places through the same expansions (the
   * same arrays): the same words would be read from it at the same places.
   */
  sameAs(other: MappedText): boolean {
    if (this === other) return true;
    if (this.text !== other.text || this.file !== other.file) return false;
    const a = this.stored;
    const b = other.stored;
    if (!a || !b) return !a && !b && this.literalAt === other.literalAt && this.literalViaList === other.literalViaList;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i]!;
      const y = b[i]!;
      if (x.at !== y.at || x.len !== y.len || x.src !== y.src || x.fixedEnd !== y.fixedEnd || x.via !== y.via)
        return false;
    }
    return true;
  }

  static empty(file: string): MappedText {
    return new MappedText('', file, []);
  }

  get length(): number {
    return this.text.length;
  }

  slice(from: number, to: number = this.text.length): MappedText {
    const a = Math.max(0, Math.min(from, this.text.length));
    const b = Math.max(a, Math.min(to, this.text.length));
    // Most lines are sliced whole (trim, fromPieces of an uncommented line): no copy needed.
    if (a === 0 && b === this.text.length) return this;
    if (!this.stored)
      return new MappedText(this.text.slice(a, b), this.file, null, this.literalAt + a, this.literalViaList);
    // The list at its largest size, cut to what is used (grown by push, it kept room for 17).
    const all = this.stored;
    const segs: Segment[] = new Array(all.length);
    let n = 0;
    for (let k = 0; k < all.length; k++) {
      const s = all[k]!;
      const s0 = Math.max(a, s.at);
      const s1 = Math.min(b, s.at + s.len);
      if (s1 <= s0) continue;
      segs[n++] = {
        at: s0 - a,
        len: s1 - s0,
        src: s.fixedEnd === null ? s.src + (s0 - s.at) : s.src,
        fixedEnd: s.fixedEnd,
        via: s.via,
      };
    }
    segs.length = n;
    return new MappedText(this.text.slice(a, b), this.file, segs);
  }

  concat(...others: MappedText[]): MappedText {
    let text = this.text;
    const own = this.segs;
    // The list at its largest size, cut to what is used (grown by push, it kept room for 17).
    let most = own.length;
    for (let j = 0; j < others.length; j++) most += others[j]!.segs.length;
    const segs: Segment[] = new Array(most);
    let n = 0;
    for (let k = 0; k < own.length; k++) segs[n++] = own[k]!;
    for (let j = 0; j < others.length; j++) {
      const o = others[j]!;
      const theirs = o.segs;
      for (let k = 0; k < theirs.length; k++) {
        const s = theirs[k]!;
        const at = s.at + text.length;
        const last = n > 0 ? segs[n - 1]! : undefined;
        // Adjacent pieces with the same mapping become one segment, so text that a definition
        // keeps rewriting ($X=1 } $X) does not pile up segments that every slice() copies.
        if (
          last &&
          last.at + last.len === at &&
          last.via === s.via &&
          last.fixedEnd === s.fixedEnd &&
          (s.fixedEnd === null ? last.src + last.len === s.src : last.src === s.src)
        ) {
          segs[n - 1] = { at: last.at, len: last.len + s.len, src: last.src, fixedEnd: last.fixedEnd, via: last.via };
        } else segs[n++] = { at, len: s.len, src: s.src, fixedEnd: s.fixedEnd, via: s.via };
      }
      text += o.text;
    }
    segs.length = n;
    return new MappedText(text, this.file, segs);
  }

  /** Build from pieces of this text (as decomment returns them: text + offset into this text). */
  fromPieces(pieces: { text: string; at: number }[]): MappedText {
    if (pieces.length === 1 && pieces[0]!.at === 0 && pieces[0]!.text === this.text) return this;
    const parts = pieces.map((p) => {
      const s = this.slice(p.at, p.at + p.text.length);
      return s.text === p.text
        ? s
        : new MappedText(p.text, this.file, s.segs.length ? [{ ...s.segs[0]!, at: 0, len: p.text.length }] : []);
    });
    return parts.length ? parts[0]!.concat(...parts.slice(1)) : MappedText.empty(this.file);
  }

  /** Trim blanks at both ends; a final `\` keeps its place but loses the blanks before it. */
  trim(): MappedText {
    let a = 0;
    let b = this.text.length;
    while (a < b && isBlank(this.text[a]!)) a++;
    while (b > a && isBlank(this.text[b - 1]!)) b--;
    let t = this.slice(a, b);
    if (t.text.charCodeAt(t.text.length - 1) === 0x5c) {
      let c = t.length - 1;
      while (c > 0 && isBlank(t.text[c - 1]!)) c--;
      if (c < t.length - 1) t = t.slice(0, c).concat(t.slice(t.length - 1));
    }
    return t;
  }

  /** Source span and expansion chain of text[from, to). */
  origin(from: number, to: number): { origin: Origin; via: Expansion[] } {
    const p: Place = { file: this.file, start: 0, end: 0, via: NO_VIA };
    this.originInto(from, to, p);
    return { origin: { file: p.file, start: p.start, end: p.end }, via: p.via };
  }

  /**
   * origin() written into `out` (no objects made: called for every word read). `out.via` is the
   * chain (an empty one for an empty text).
   */
  originInto(from: number, to: number, out: Place): void {
    out.file = this.file;
    if (!this.stored && this.text.length) {
      // One literal piece: offsets map one to one (as segAt/the general case below would give).
      const start = this.literalAt + from;
      const end = this.literalAt + Math.max(from, to - 1) + 1;
      out.start = start;
      out.end = Math.max(end, start);
      out.via = this.literalViaList;
      return;
    }
    const segs = this.segs;
    if (segs.length === 0) {
      out.start = 0;
      out.end = 0;
      out.via = NO_VIA;
      return;
    }
    const first = this.segAt(from);
    const last = this.segAt(Math.max(from, to - 1));
    const start = first.fixedEnd === null ? first.src + (from - first.at) : first.src;
    const end = last.fixedEnd === null ? last.src + (Math.max(from, to - 1) - last.at) + 1 : last.fixedEnd;
    out.start = start;
    out.end = Math.max(end, start);
    out.via = first.via.length ? first.via : last.via;
  }

  /**
   * Where slice(from, to) starts in the file when that slice is one piece written as it is (its
   * literalStart()), and its literalVia, without making the slice; null otherwise.
   */
  literalSliceStart(from: number, to: number): { at: number; via: Expansion[] } | null {
    if (from < 0 || to > this.text.length || from >= to) return null;
    if (!this.stored) return { at: this.literalAt + from, via: this.literalViaList };
    // slice() gives one piece written as it is when one segment, not synthetic, covers [from, to).
    for (const s of this.stored) {
      if (s.at + s.len <= from) continue;
      return s.at <= from && s.at + s.len >= to && s.fixedEnd === null
        ? { at: s.src + (from - s.at), via: s.via }
        : null;
    }
    return null;
  }

  /** The expansion chain of text[from, to) (origin()'s `via`, without building the origin). */
  viaOf(from: number, to: number): Expansion[] {
    if (!this.stored && this.text.length) return this.literalViaList;
    if (this.segs.length === 0) return NO_VIA;
    const first = this.segAt(from);
    return first.via.length ? first.via : this.segAt(Math.max(from, to - 1)).via;
  }

  private segAt(offset: number): Segment {
    let found = this.segs[0]!;
    for (const s of this.segs) {
      if (s.at <= offset) found = s;
      else break;
    }
    return found;
  }
}

export function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';
}
