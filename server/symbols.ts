// The outline: one symbol per Kubernetes object, named by kind and name.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import { ParsedFile } from './documents/parsedFile';
import { toFileRange } from './documents/placement';
import { summarize } from './workspace/resources';

export function documentSymbols(file: ParsedFile): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const placed of file.docs) {
    const s = summarize(placed.doc);
    if (!s) continue;
    const range = toFileRange(s.range, placed.line);
    const selectionRange = toFileRange(s.nameRange, placed.line);
    out.push({
      name: `${s.kind} ${s.name ?? '(unnamed)'}`,
      detail: [s.apiVersion, s.namespace ? `namespace ${s.namespace}` : ''].filter(Boolean).join(', '),
      kind: SymbolKind.Class,
      range,
      selectionRange,
    });
  }
  return out;
}
