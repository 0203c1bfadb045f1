// textDocument/documentSymbol: the outline, one symbol per object (symbols.ts).

import { documentSymbols } from '../symbols';
import { answerFor, ServerContext } from './serverContext';

export function registerSymbols(ctx: ServerContext): void {
  ctx.connection.onDocumentSymbol((params) =>
    answerFor(ctx, 'symbols', [], params.textDocument.uri, (feature) => documentSymbols(feature.file)),
  );
}
