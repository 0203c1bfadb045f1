// textDocument/codeAction: quick fixes for the diagnostics in a range (codeActions.ts).

import { codeActions } from '../codeActions';
import { answerFor, ServerContext } from './serverContext';

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction((params) =>
    answerFor(ctx, 'code actions', [], params.textDocument.uri, (feature) =>
      // quick fixes edit the document under the URI the editor gave
      codeActions({ ...feature, uri: params.textDocument.uri }, params),
    ),
  );
}
