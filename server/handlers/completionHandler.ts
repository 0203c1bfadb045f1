// textDocument/completion: keys, values and snippets at the cursor (completion/).

import { completion } from '../completion/completion';
import { answerFor, ServerContext } from './serverContext';

export function registerCompletion(ctx: ServerContext): void {
  ctx.connection.onCompletion((params, token) =>
    // a request the editor has given up on is not worth the work
    answerFor(ctx, 'completion', null, params.textDocument.uri, (feature) =>
      token.isCancellationRequested ? null : completion(feature, params.position),
    ),
  );
}
