// The runtime cost of evaluating CEL, limited as kube-apiserver limits it so that no rule can stall the server:
// at most PER_CALL_LIMIT for one expression, and a budget shared by the expressions evaluated for one object
// (a CRD's rules, a policy's expressions). The library keeps no cost and has no step hook, so each node of a
// checked program is wrapped once with a counter: one unit per node evaluated, literals aside (a comprehension
// evaluates its step once per element, so nested loops are counted in full), plus the size of what an operator or
// function builds (a tenth of a string's length, a list's length), close to how cel-go counts. Past the limit
// every node throws, so even where the library sets an error aside (`||`, `&&`, exists/all) the rest of the
// evaluation is cut short.
import type { ASTNode } from '@marcbachmann/cel-js';
import { isCelNode, type CelNode, type EvaluateFn } from './astNode';

export const PER_CALL_LIMIT = 1_000_000;
export const RUNTIME_COST_BUDGET = 10_000_000;
export const CALL_LIMIT_EXCEEDED = 'operation cancelled: actual cost limit exceeded';
export const BUDGET_EXCEEDED =
  'validation failed due to running out of cost budget, no further validation rules will be run';

/** What is left of the cost that may still be spent on one object's expressions. */
export interface CostBudget {
  remaining: number;
}

export function newCostBudget(): CostBudget {
  return { remaining: RUNTIME_COST_BUDGET };
}

export type Metered =
  | { ok: true; value: unknown; cost: number }
  | { ok: false; error: unknown; cost: number }
  | { ok: false; exceeded: 'call' | 'budget'; cost: number };

interface Meter {
  cost: number;
  limit: number;
}

let active: Meter | undefined;

// thrown without a stack: it may be thrown once per remaining element of a long loop
const exceeded: Error = Object.create(Error.prototype, {
  message: { value: CALL_LIMIT_EXCEEDED },
  name: { value: 'Error' },
}) as Error;

function charge(units: number): void {
  if (!active) return;
  active.cost += units;
  if (active.cost > active.limit) throw exceeded;
}

function sizeCost(value: unknown): number {
  if (typeof value === 'string') return Math.ceil(value.length * 0.1);
  if (Array.isArray(value)) return value.length;
  if (value instanceof Uint8Array) return Math.ceil(value.length * 0.1);
  return 0;
}

// operators and calls that can build a string or list as large as their inputs
const BUILDERS = new Set(['+', 'call', 'rcall']);

/** The node's own evaluation, as the library's ASTNode.evaluate would choose it (macro, alternate or operator). */
function delegate(node: CelNode): EvaluateFn {
  const { alternate, macro, evaluate } = node.meta;
  if (alternate) return (ev, _ast, ctx) => alternate.evaluate(ev, alternate, ctx);
  if (macro) return (ev, _ast, ctx) => macro.evaluate(ev, macro, ctx);
  return (ev, ast, ctx) => evaluate.call(node, ev, ast, ctx);
}

function meterNode(node: CelNode): void {
  const inner = delegate(node);
  node.evaluate = BUILDERS.has(node.op)
    ? (ev, ast, ctx) => {
        charge(1);
        const value = inner(ev, ast, ctx);
        charge(sizeCost(value));
        return value;
      }
    : (ev, ast, ctx) => {
        charge(1);
        return inner(ev, ast, ctx);
      };
}

/**
 * Wraps every node reachable from a checked program's root (arguments, comprehension parts, macro expansions,
 * alternates set by the checker) with the counter. To be called once, after checking, before any evaluation.
 */
export function meterProgram(root: ASTNode): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) return value.forEach(visit);
    if (isCelNode(value)) {
      const { alternate, macro } = value.meta;
      visit(alternate);
      visit(macro);
      // literals cost nothing, as in cel-go
      if (value.op !== 'value') meterNode(value);
    }
    if (Object.getPrototypeOf(value) === Object.prototype || isCelNode(value)) Object.values(value).forEach(visit);
  };
  visit(root);
}

/**
 * Runs an evaluation under the per-call limit and the budget (taking its cost from the budget). An evaluation
 * started inside another (a policy variable read by an expression) counts towards the enclosing one.
 */
export function metered(run: () => unknown, budget?: CostBudget): Metered {
  if (active) return nested(active, run);
  const limit = Math.min(PER_CALL_LIMIT, budget?.remaining ?? PER_CALL_LIMIT);
  const meter: Meter = { cost: 0, limit };
  active = meter;
  let value: unknown;
  let error: unknown;
  let threw = false;
  try {
    value = run();
  } catch (err) {
    threw = true;
    error = err;
  } finally {
    active = undefined;
  }
  const cost = meter.cost;
  if (budget) budget.remaining -= cost;
  if (cost > limit) return { ok: false, exceeded: limit < PER_CALL_LIMIT ? 'budget' : 'call', cost };
  // (built field by field: spreading a result object costs more than a short evaluation)
  return threw ? { ok: false, error, cost } : { ok: true, value, cost };
}

function nested(meter: Meter, run: () => unknown): Metered {
  const start = meter.cost;
  try {
    const value = run();
    return { ok: true, value, cost: meter.cost - start };
  } catch (error) {
    const cost = meter.cost - start;
    return meter.cost > meter.limit ? { ok: false, exceeded: 'call', cost } : { ok: false, error, cost };
  }
}
