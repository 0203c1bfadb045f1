// textDocument/hover: the field's schema description, or what a reference points at (hover.ts).

import { hover } from '../hover';
import { answerFor, ServerContext } from './serverContext';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover((params) =>
    answerFor(ctx, 'hover', null, params.textDocument.uri, (feature) => hover(feature, params.position)),
  );
}
