// The JSONPath subset CRD printer columns use: ".spec.replicas", ".items[0].name",
// ".metadata.labels['app.kubernetes.io/name']", "[*]" and filters such as
// ".status.conditions[?(@.type=="Ready")].status". Missing keys yield no result, as the
// server evaluates these columns with missing keys allowed.

import { isRecord } from '../../../kube/objects';

type Step =
  | { t: 'field'; name: string }
  | { t: 'index'; i: number }
  | { t: 'all' }
  | { t: 'filter'; path: Step[]; op?: string; value?: unknown };

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (/^(['"]).*\1$/.test(t)) return t.slice(1, -1);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t !== '' && !Number.isNaN(Number(t))) return Number(t);
  return t;
}

/** Index of the ']' closing the bracket opened at `open`, skipping quoted text. */
function closing(path: string, open: number): number {
  let quote = '';
  for (let i = open + 1; i < path.length; i++) {
    const c = path[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === ']') {
      return i;
    }
  }
  throw new Error(`unclosed '[' in ${path}`);
}

function parseFilter(body: string): Step {
  const m = /^\?\(\s*@((?:\.[^.\s=!<>[\]]+|\[[^\]]*\])*)\s*(==|!=|<=|>=|<|>)?\s*(.*?)\s*\)$/.exec(body);
  if (!m) throw new Error(`unsupported filter ${body}`);
  return { t: 'filter', path: parseSteps(m[1]), op: m[2], value: m[2] ? parseLiteral(m[3]) : undefined };
}

function parseSteps(path: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i];
    if (c === '.') {
      let j = i + 1;
      while (j < path.length && path[j] !== '.' && path[j] !== '[') j++;
      const name = path.slice(i + 1, j);
      if (name === '*') steps.push({ t: 'all' });
      else if (name !== '') steps.push({ t: 'field', name });
      i = j;
    } else if (c === '[') {
      const end = closing(path, i);
      const body = path.slice(i + 1, end).trim();
      if (body === '*') steps.push({ t: 'all' });
      else if (/^-?\d+$/.test(body)) steps.push({ t: 'index', i: Number(body) });
      else if (/^(['"]).*\1$/.test(body)) steps.push({ t: 'field', name: body.slice(1, -1) });
      else if (body.startsWith('?')) steps.push(parseFilter(body));
      else throw new Error(`unsupported subscript [${body}]`);
      i = end + 1;
    } else {
      throw new Error(`unexpected '${c}' in ${path}`);
    }
  }
  return steps;
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return typeof a === typeof b && (a as number) < (b as number);
    case '>':
      return typeof a === typeof b && (a as number) > (b as number);
    case '<=':
      return typeof a === typeof b && (a as number) <= (b as number);
    case '>=':
      return typeof a === typeof b && (a as number) >= (b as number);
    default:
      return false;
  }
}

function run(steps: Step[], inputs: unknown[]): unknown[] {
  let cur = inputs;
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (s.t === 'field') {
        if (isRecord(v) && Object.prototype.hasOwnProperty.call(v, s.name)) next.push(v[s.name]);
      } else if (s.t === 'index') {
        if (Array.isArray(v)) {
          const i = s.i < 0 ? v.length + s.i : s.i;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (s.t === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (isRecord(v))
          next.push(
            ...Object.keys(v)
              .sort()
              .map((k) => v[k]),
          );
      } else {
        const items = Array.isArray(v) ? v : [];
        for (const item of items) {
          const found = run(s.path, [item]);
          if (s.op === undefined ? found.length > 0 : found.some((x) => compare(x, s.op!, s.value))) next.push(item);
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** Compiles a path once; the result returns every match, in document order. Throws on syntax it does not support. */
export function compileJsonPath(path: string): (obj: unknown) => unknown[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (p.startsWith('$')) p = p.slice(1);
  const steps = parseSteps(p);
  return (obj) => run(steps, [obj]);
}
