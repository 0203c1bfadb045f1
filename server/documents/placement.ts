// Which YAML document of a file a position falls in, and the position's offset in that document.

import { Position, Range } from 'vscode-languageserver';
import { LocalRange, offsetAt } from './lineIndex';
import { ParsedFile, PlacedDoc } from './parsedFile';

export interface PlacedPosition {
  placed: PlacedDoc;
  /** offset in the document's text */
  offset: number;
}

export function placedAt(file: ParsedFile, pos: Position): PlacedPosition | undefined {
  const docs = file.docs;
  if (!docs.length) return undefined;
  // the last document starting at or before the line
  let lo = 0;
  let hi = docs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (docs[mid].line <= pos.line) lo = mid;
    else hi = mid - 1;
  }
  const last = docs[lo];
  const local = { line: pos.line - last.line, character: pos.character };
  const offset = offsetAt(last.doc.starts, local, last.doc.text.length);
  // documents read as one stream share their text (and place): the one whose span holds the offset
  let first = lo;
  while (first > 0 && docs[first - 1].offset === last.offset && docs[first - 1].text === last.text) first--;
  if (first === lo) return { placed: last, offset };
  let a = first;
  let b = lo;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (docs[mid].doc.span[0] <= offset) a = mid;
    else b = mid - 1;
  }
  const within = (d: PlacedDoc): boolean => offset >= d.doc.span[0] && offset <= d.doc.span[1];
  // where one document ends as the next starts, the first one has it; past every span, the last one
  if (a > first && within(docs[a - 1])) return { placed: docs[a - 1], offset };
  return { placed: within(docs[a]) ? docs[a] : last, offset };
}

export function toFileRange(range: LocalRange, line: number): Range {
  return {
    start: { line: range.start.line + line, character: range.start.character },
    end: { line: range.end.line + line, character: range.end.character },
  };
}
