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
  if (docs.length > 1 && docs[0].line === docs[1].line && docs[0].offset === docs[1].offset) {
    // documents of one stream parse share the file's text: pick by span
    const first = docs[0].doc;
    const offset = offsetAt(first.starts, pos, first.text.length);
    const placed = docs.find((d) => offset >= d.doc.span[0] && offset <= d.doc.span[1]) ?? docs[docs.length - 1];
    return { placed, offset };
  }
  let lo = 0;
  let hi = docs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (docs[mid].line <= pos.line) lo = mid;
    else hi = mid - 1;
  }
  const placed = docs[lo];
  const offset = offsetAt(placed.doc.starts, { line: pos.line - placed.line, character: pos.character }, placed.doc.text.length);
  return { placed, offset };
}

export function toFileRange(range: LocalRange, line: number): Range {
  return {
    start: { line: range.start.line + line, character: range.start.character },
    end: { line: range.end.line + line, character: range.end.character },
  };
}
