// The members of @marcbachmann/cel-js's AST nodes that the cost meter and the cost estimate rely on, beyond its
// published types: `meta` holds what the parser and checker decided (a macro's expansion as `alternate`, a macro
// evaluated by itself as `macro`, the operator's `evaluate`). Tests of both fail if a new version moves them.
import type { ASTNode } from '@marcbachmann/cel-js';

export type EvaluateFn = (ev: unknown, ast: unknown, ctx: unknown) => unknown;

export interface CelNode {
  op: string;
  args: unknown;
  evaluate: EvaluateFn;
  readonly meta: { alternate?: CelNode; macro?: CelMacro; evaluate: EvaluateFn };
}

/** A macro evaluated by itself (has(), cel.bind()): its parts, and for bind the variable, value and expression. */
export interface CelMacro {
  evaluate: EvaluateFn;
  var?: string;
  val?: CelNode;
  exp?: CelNode;
}

/** A comprehension (all, exists, exists_one, map, filter, once expanded). */
export interface ComprehensionArgs {
  kind?: string;
  iterable: CelNode;
  iterVarName: string;
  init: CelNode;
  step: CelNode;
}

export function isCelNode(value: unknown): value is CelNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<CelNode>).op === 'string' &&
    typeof (value as Partial<CelNode>).evaluate === 'function' &&
    'meta' in value
  );
}

export function celNode(ast: ASTNode): CelNode {
  return ast as unknown as CelNode;
}
