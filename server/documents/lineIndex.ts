// Offsets to LSP positions (UTF-16 code units, as JavaScript strings count them).

export interface Pos {
  line: number;
  character: number;
}
export interface LocalRange {
  start: Pos;
  end: Pos;
}

export function lineStarts(text: string): number[] {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  return starts;
}

export function positionAt(starts: readonly number[], offset: number): Pos {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo, character: offset - starts[lo] };
}

export function offsetAt(starts: readonly number[], pos: Pos, textLength: number): number {
  if (pos.line >= starts.length) return textLength;
  if (pos.line < 0) return 0;
  const next = pos.line + 1 < starts.length ? starts[pos.line + 1] : textLength + 1;
  return Math.min(starts[pos.line] + Math.max(0, pos.character), next - 1, textLength);
}

/**
 * What the checks need to know about a whole text, computed once: the documents of a stream parse all hold
 * the file's text, so per-document work must not scan it again.
 */
export class TextFacts {
  private startsCache: number[] | undefined;
  private contentEndCache: number | undefined;

  constructor(readonly text: string) {}

  get starts(): number[] {
    return (this.startsCache ??= lineStarts(this.text));
  }

  /** The offset just after the last character that is not whitespace (0 for a blank text). */
  get contentEnd(): number {
    if (this.contentEndCache === undefined) {
      let end = this.text.length;
      while (end > 0 && /\s/.test(this.text[end - 1])) end--;
      this.contentEndCache = end;
    }
    return this.contentEndCache;
  }
}
