// textDocument/definition and textDocument/references: between objects and what refers to them across the
// workspace (definitions.ts).

import { definition, references } from '../definitions';
import { answerFor, ServerContext } from './serverContext';

export function registerDefinitions(ctx: ServerContext): void {
  ctx.connection.onDefinition((params) =>
    answerFor(ctx, 'definition', [], params.textDocument.uri, (feature) => definition(feature, params.position)),
  );
  ctx.connection.onReferences((params) =>
    answerFor(ctx, 'references', [], params.textDocument.uri, (feature) =>
      references(feature, params.position, params.context.includeDeclaration),
    ),
  );
}
