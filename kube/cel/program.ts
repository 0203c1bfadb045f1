// Compiling CEL expressions, once per text and set of variables (compiled programs are cached), and evaluating
// them. Compile errors and evaluation errors come back as text, as cel-go words them, never as exceptions.
import { Environment, type ASTNode } from '@marcbachmann/cel-js';
import { BUDGET_EXCEEDED, CALL_LIMIT_EXCEEDED, meterProgram, metered, type CostBudget } from './evaluationCost';
import { registerKubernetesLibrary } from './kubernetesLibrary';
import { guardRegexBacktracking } from './regexBacktracking';

export interface CompiledExpression {
  readonly source: string;
  /** the variables of the environment the expression reads (a rule that reads `oldSelf` is a transition rule) */
  readonly reads: ReadonlySet<string>;
  /** the result type the checker found ('dyn' when it depends on the data) */
  readonly resultType: string;
  /** the checked program's tree (macros expanded), for the cost estimate */
  readonly ast: ASTNode;
  /** Evaluates under the per-call cost limit, taking the cost from `budget` when given. */
  evaluate(variables: Readonly<Record<string, unknown>>, budget?: CostBudget): EvaluationResult;
}

export type CompileResult = { ok: true; expression: CompiledExpression } | { ok: false; error: string };
/** `costExceeded`: stopped at the per-call cost limit ('call') or for want of budget ('budget'). */
export type EvaluationResult =
  { ok: true; value: unknown } | { ok: false; error: string; costExceeded?: 'call' | 'budget' };

/** The variables an expression may read, by name, with their CEL types ('dyn', 'optional<dyn>'). */
export type Variables = Readonly<Record<string, string>>;

const environments = new Map<string, Environment>();

function variablesKey(variables: Variables): string {
  return Object.entries(variables)
    .map(([name, type]) => `${name}:${type}`)
    .join(',');
}

/** Kubernetes' CEL environment: optional types on, literals homogeneous, its libraries, the given variables. */
function environmentFor(variables: Variables): Environment {
  const key = variablesKey(variables);
  let env = environments.get(key);
  if (!env) {
    guardRegexBacktracking();
    env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: true });
    registerKubernetesLibrary(env);
    for (const [name, type] of Object.entries(variables)) env.registerVariable(name, type);
    environments.set(key, env);
  }
  return env;
}

interface CelError {
  summary?: string;
  message?: string;
  range?: { start: number };
}

/** "ERROR: <input>:1:8: Unexpected token: EOF", cel-go's form: line and column of where the error starts. */
function describe(err: unknown, source: string): string {
  const e = err as CelError;
  const summary = e.summary ?? String(e.message ?? err).split('\n')[0];
  if (e.range === undefined) return summary;
  const before = source.slice(0, e.range.start).split('\n');
  return `ERROR: <input>:${before.length}:${before[before.length - 1].length + 1}: ${summary}`;
}

/** A runtime error as cel-go words it: "no such key: foo". */
function describeRuntime(err: unknown): string {
  const e = err as CelError;
  const summary = e.summary ?? String(e.message ?? err).split('\n')[0];
  return summary.charAt(0).toLowerCase() + summary.slice(1);
}

function identifiers(node: ASTNode, into: Set<string>): Set<string> {
  if (node.op === 'id') into.add(node.args);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && 'op' in v && 'args' in v) identifiers(v as ASTNode, into);
  };
  visit(node.args);
  return into;
}

const cache = new Map<string, CompileResult>();
const MAX_CACHED = 4096;

/** Compiles an expression whose result must be of the type its field needs ('bool', 'string'), or may be. */
export function compileTyped(source: string, variables: Variables, wanted: string): CompileResult {
  const result = compileExpression(source, variables);
  if (!result.ok) return result;
  const got = result.expression.resultType;
  if (wanted === 'dyn' || got === wanted || got === 'dyn') return result;
  return { ok: false, error: `must evaluate to ${wanted}, not ${got}` };
}

/** Compiles (parses and type-checks) an expression in an environment declaring `variables`. */
export function compileExpression(source: string, variables: Variables): CompileResult {
  const key = `${variablesKey(variables)}\0${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = compileUncached(source, variables);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

function compileUncached(source: string, variables: Variables): CompileResult {
  const env = environmentFor(variables);
  let program: ReturnType<Environment['parse']>;
  try {
    program = env.parse(source);
  } catch (err) {
    return { ok: false, error: describe(err, source) };
  }
  const checked = program.check();
  if (!checked.valid) return { ok: false, error: describe(checked.error, source) };
  const declared = new Set(Object.keys(variables));
  const reads = new Set([...identifiers(program.ast, new Set())].filter((v) => declared.has(v)));
  meterProgram(program.ast);
  const expression: CompiledExpression = {
    source,
    reads,
    resultType: checked.type ?? 'dyn',
    ast: program.ast,
    evaluate(vars, budget) {
      const result = metered(() => program(vars), budget);
      if (result.ok) return { ok: true, value: result.value };
      if ('exceeded' in result) {
        const error = result.exceeded === 'call' ? CALL_LIMIT_EXCEEDED : BUDGET_EXCEEDED;
        return { ok: false, error, costExceeded: result.exceeded };
      }
      return { ok: false, error: describeRuntime(result.error) };
    },
  };
  return { ok: true, expression };
}
