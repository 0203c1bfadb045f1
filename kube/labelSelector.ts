// Label selectors: the `labelSelector=` query syntax, metav1.LabelSelector objects, matching,
// the string form kubectl prints, and validation. Parse errors read like the API server's so
// clients that show them verbatim (kubectl does) print familiar text.
// Over 500 lines on purpose: the query parser and the object forms build, check and print requirements by the
// same rules, kept in one module as apimachinery's selector.go keeps them (a parser apart would import them back).

import { FieldError, PathSegment } from './fieldErrors';

export type Operator =
  'In' | 'NotIn' | 'Equals' | 'DoubleEquals' | 'NotEquals' | 'Exists' | 'DoesNotExist' | 'GreaterThan' | 'LessThan';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A parsed selector: every requirement must hold. `nothing` is the selector of a null LabelSelector. */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: boolean;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

/** metav1.LabelSelector */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** A malformed selector; the API server answers these with 400 BadRequest. */
export class SelectorError extends Error {
  readonly code = 400;
  readonly reason = 'BadRequest';
  constructor(message: string) {
    super(message);
    this.name = 'SelectorError';
  }
}

export const EVERYTHING: Selector = Object.freeze({ requirements: Object.freeze([]) as readonly Requirement[] });
export const NOTHING: Selector = Object.freeze({
  requirements: Object.freeze([]) as readonly Requirement[],
  nothing: true,
});

// ---------------------------------------------------------------------------------------------
// Name and value rules shared by parsing, conversion and validation.

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_CHARS =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/** Problems with a label key (a qualified name: optional DNS-subdomain prefix, '/', name of at most 63 chars). */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  let name: string;
  const errs: string[] = [];
  if (parts.length === 1) {
    name = parts[0];
  } else if (parts.length === 2) {
    const prefix = parts[0];
    name = parts[1];
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!DNS_SUBDOMAIN.test(prefix)) {
      errs.push(
        "prefix part must be a lowercase RFC 1123 subdomain: lower case alphanumeric characters, '-' or '.', starting and ending with an alphanumeric character",
      );
    }
  } else {
    return [`a qualified name ${NAME_CHARS}, with an optional DNS subdomain prefix and '/'`];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  if (name.length > 0 && !NAME_PART.test(name)) errs.push(`name part ${NAME_CHARS}`);
  return errs;
}

/** Problems with a label value (empty, or at most 63 name characters). */
export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push('must be no more than 63 characters');
  if (!LABEL_VALUE.test(value))
    errs.push(`a valid label must be an empty string or ${NAME_CHARS.replace('must consist', 'consist')}`);
  return errs;
}

// ---------------------------------------------------------------------------------------------
// Requirements

/** One "path: Invalid value: ..." line per problem, as a Go field.ErrorList prints them. */
function requirementProblems(key: string, op: Operator, values: readonly string[], keyPath: string): string[] {
  const out: string[] = [];
  for (const m of labelKeyErrors(key)) out.push(`${keyPath}: Invalid value: ${JSON.stringify(key)}: ${m}`);
  const vals = JSON.stringify(values);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        out.push(`values: Invalid value: ${vals}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case 'Equals':
    case 'DoubleEquals':
    case 'NotEquals':
      if (values.length !== 1)
        out.push(`values: Invalid value: ${vals}: exact-match compatibility requires one single value`);
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length !== 0)
        out.push(`values: Invalid value: ${vals}: values set must be empty for exists and does not exist`);
      break;
    case 'GreaterThan':
    case 'LessThan':
      if (values.length !== 1)
        out.push(`values: Invalid value: ${vals}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!/^[-+]?\d+$/.test(v))
          out.push(
            `values[${i}]: Invalid value: ${JSON.stringify(v)}: for 'Gt', 'Lt' operators, the value must be an integer`,
          );
      });
      break;
  }
  values.forEach((v, i) => {
    for (const m of labelValueErrors(v)) out.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${m}`);
  });
  return out;
}

function aggregate(msgs: string[]): string {
  return msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`;
}

/** Builds a checked requirement; throws SelectorError when the key, operator or values are invalid. */
export function newRequirement(key: string, operator: Operator, values: readonly string[]): Requirement {
  const problems = requirementProblems(key, operator, values, 'key');
  if (problems.length) throw new SelectorError(aggregate(problems));
  return { key, operator, values: [...values] };
}

export function requirementMatches(r: Requirement, labels: Readonly<Record<string, string>> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = has ? labels![r.key] : undefined;
  switch (r.operator) {
    case 'In':
    case 'Equals':
    case 'DoubleEquals':
      return has && r.values.includes(value!);
    case 'NotIn':
    case 'NotEquals':
      return !has || !r.values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'GreaterThan':
    case 'LessThan': {
      if (!has || !/^[-+]?\d+$/.test(value!) || r.values.length !== 1) return false;
      const lv = BigInt(value!);
      const rv = BigInt(r.values[0]);
      return r.operator === 'GreaterThan' ? lv > rv : lv < rv;
    }
  }
}

export function matchesLabels(sel: Selector, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (sel.nothing) return false;
  return sel.requirements.every((r) => requirementMatches(r, labels));
}

// ---------------------------------------------------------------------------------------------
// Query-string parsing

type Tok = 'id' | 'in' | 'notin' | '=' | '==' | '!=' | '!' | '(' | ')' | ',' | '>' | '<' | 'end' | 'error';
interface Token {
  tok: Tok;
  lit: string;
}

const SPECIAL = new Set(['=', '!', '(', ')', ',', '>', '<']);
const WS = new Set([' ', '\t', '\r', '\n']);

function lex(input: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < input.length && WS.has(input[i])) i++;
    if (i >= input.length) {
      out.push({ tok: 'end', lit: '' });
      return out;
    }
    const ch = input[i];
    if (SPECIAL.has(ch)) {
      const two = input.slice(i, i + 2);
      if (two === '!=' || two === '==') {
        out.push({ tok: two, lit: two });
        i += 2;
      } else {
        out.push({ tok: ch as Tok, lit: ch });
        i += 1;
      }
      continue;
    }
    let j = i;
    while (j < input.length && !WS.has(input[j]) && !SPECIAL.has(input[j])) j++;
    const word = input.slice(i, j);
    out.push({ tok: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', lit: word });
    i = j;
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Token[]) {}

  /** In value position the keywords 'in' and 'notin' are ordinary identifiers. */
  private peek(asValue = true): Token {
    const t = this.toks[Math.min(this.pos, this.toks.length - 1)];
    return asValue && (t.tok === 'in' || t.tok === 'notin') ? { tok: 'id', lit: t.lit } : t;
  }

  private next(asValue = true): Token {
    const t = this.peek(asValue);
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const t = this.peek();
      if (t.tok === 'end') return reqs;
      if (t.tok !== 'id' && t.tok !== '!') {
        throw new SelectorError(`found '${t.lit}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.requirement());
      } catch (e) {
        throw new SelectorError(`unable to parse requirement: ${(e as Error).message}`);
      }
      const sep = this.next();
      if (sep.tok === 'end') return reqs;
      if (sep.tok !== ',') throw new SelectorError(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = this.peek();
      if (after.tok !== 'id' && after.tok !== '!') {
        throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): Requirement {
    let negated = false;
    let t = this.next();
    if (t.tok === '!') {
      negated = true;
      t = this.next();
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyProblems = labelKeyErrors(key);
    if (keyProblems.length) throw new Error(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
    const ahead = this.peek().tok;
    if (negated || ahead === 'end' || ahead === ',') {
      // "!key" takes no operator; "key" alone is an existence test.
      return this.checked(key, negated ? 'DoesNotExist' : 'Exists', []);
    }
    const op = this.operator();
    const values = op === 'In' || op === 'NotIn' ? this.valueSet() : this.exactValue();
    return this.checked(key, op, values);
  }

  private checked(key: string, op: Operator, values: string[]): Requirement {
    const problems = requirementProblems(key, op, values, 'key');
    if (problems.length) throw new Error(aggregate(problems));
    return { key, operator: op, values };
  }

  private operator(): Operator {
    const t = this.next(false);
    switch (t.tok) {
      case 'in':
        return 'In';
      case 'notin':
        return 'NotIn';
      case '=':
        return 'Equals';
      case '==':
        return 'DoubleEquals';
      case '!=':
        return 'NotEquals';
      case '>':
        return 'GreaterThan';
      case '<':
        return 'LessThan';
      default:
        throw new Error(`found '${t.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  /** "(a,b)" — sorted and de-duplicated, as the server normalises it; "()" and stray commas mean the empty value. */
  private valueSet(): string[] {
    const open = this.next();
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const first = this.peek();
    if (first.tok === ')') {
      this.next();
      return [''];
    }
    if (first.tok !== 'id' && first.tok !== ',')
      throw new Error(`found '${first.lit}', expected: ',', ')' or identifier`);
    const set = new Set<string>();
    for (;;) {
      const t = this.next();
      if (t.tok === 'id') {
        set.add(t.lit);
        const after = this.peek();
        if (after.tok === ',') continue;
        if (after.tok === ')') break;
        throw new Error(`found '${after.lit}', expected: ',' or ')'`);
      } else if (t.tok === ',') {
        if (set.size === 0) set.add('');
        const after = this.peek();
        if (after.tok === ')') {
          set.add('');
          break;
        }
        if (after.tok === ',') {
          this.next();
          set.add('');
        }
      } else {
        throw new Error(`found '${t.lit}', expected: ',', or identifier`);
      }
    }
    const close = this.next();
    if (close.tok !== ')') throw new Error(`found '${close.lit}', expected: ')'`);
    return [...set].sort();
  }

  private exactValue(): string[] {
    const ahead = this.peek();
    if (ahead.tok === 'end' || ahead.tok === ',') return [''];
    const t = this.next();
    if (t.tok === 'id') return [t.lit];
    throw new Error(`found '${t.lit}', expected: identifier`);
  }
}

function byKey(reqs: Requirement[]): Requirement[] {
  return reqs
    .map((r, i) => ({ r, i }))
    .sort((a, b) => (a.r.key < b.r.key ? -1 : a.r.key > b.r.key ? 1 : a.i - b.i))
    .map((x) => x.r);
}

/** Parses a `labelSelector` query value. The empty string selects everything. */
export function parseLabelSelector(query: string): Selector {
  const reqs = new Parser(lex(query)).parse();
  return { requirements: byKey(reqs) };
}

// ---------------------------------------------------------------------------------------------
// metav1.LabelSelector

const EXPRESSION_OPS: Record<string, Operator> = {
  In: 'In',
  NotIn: 'NotIn',
  Exists: 'Exists',
  DoesNotExist: 'DoesNotExist',
};

/**
 * Converts a metav1.LabelSelector. null/undefined selects nothing, `{}` selects everything.
 * Throws SelectorError for an unknown operator or invalid keys and values.
 */
export function fromLabelSelector(ls: LabelSelector | null | undefined): Selector {
  if (ls === null || ls === undefined) return NOTHING;
  const labels = ls.matchLabels ?? {};
  const exprs = ls.matchExpressions ?? [];
  if (Object.keys(labels).length + exprs.length === 0) return EVERYTHING;
  const reqs: Requirement[] = [];
  for (const [k, v] of Object.entries(labels)) reqs.push(newRequirement(k, 'Equals', [String(v)]));
  for (const e of exprs) {
    const op = EXPRESSION_OPS[e.operator];
    if (!op) throw new SelectorError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(e.key, op, e.values ?? []));
  }
  return { requirements: byKey(reqs) };
}

/** The selector a plain label map means (Service and ReplicationController selectors). */
export function selectorFromMap(labels: Readonly<Record<string, string>> | null | undefined): Selector {
  const reqs = Object.entries(labels ?? {}).map(([k, v]) => ({ key: k, operator: 'Equals' as Operator, values: [v] }));
  return { requirements: byKey(reqs) };
}

const OP_TEXT: Record<Operator, string> = {
  In: ' in ',
  NotIn: ' notin ',
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  Exists: '',
  DoesNotExist: '',
  GreaterThan: '>',
  LessThan: '<',
};

export function requirementToString(r: Requirement): string {
  if (r.operator === 'DoesNotExist') return '!' + r.key;
  if (r.operator === 'Exists') return r.key;
  const vals = r.values.length === 1 ? r.values[0] : [...r.values].sort().join(',');
  return r.key + OP_TEXT[r.operator] + (r.operator === 'In' || r.operator === 'NotIn' ? `(${vals})` : vals);
}

/** The canonical query form: requirements sorted by key, comma-joined; "" for everything and for nothing. */
export function selectorToString(sel: Selector): string {
  if (sel.nothing) return '';
  return byKey([...sel.requirements])
    .map(requirementToString)
    .join(',');
}

/** What kubectl shows for a metav1.LabelSelector: "app=web,tier in (a,b)", "<none>" when empty, "<error>" when invalid. */
export function formatLabelSelector(ls: LabelSelector | null | undefined): string {
  let s: string;
  try {
    s = selectorToString(fromLabelSelector(ls));
  } catch {
    return '<error>';
  }
  return s === '' ? '<none>' : s;
}

/** "a=1,b=2" for a label map, sorted by key; "<none>" when empty (labels.FormatLabels). */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** Convenience: does a metav1.LabelSelector select these labels? Invalid selectors select nothing. */
export function labelSelectorMatches(
  ls: LabelSelector | null | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  try {
    return matchesLabels(fromLabelSelector(ls), labels);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Validation of metav1.LabelSelector fields inside objects

/** Validates labels as an object's metadata.labels or a selector's matchLabels. */
export function validateLabels(labels: unknown, path: PathSegment[]): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === null || labels === undefined || typeof labels !== 'object') return errs;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const m of labelKeyErrors(k)) errs.push({ type: 'FieldValueInvalid', path, value: k, detail: m });
    if (typeof v === 'string')
      for (const m of labelValueErrors(v)) errs.push({ type: 'FieldValueInvalid', path, value: v, detail: m });
  }
  return errs;
}

/** Field errors for a metav1.LabelSelector found at `path` (e.g. ['spec', 'selector']). */
export function validateLabelSelector(ls: unknown, path: PathSegment[] = []): FieldError[] {
  if (ls === null || ls === undefined || typeof ls !== 'object') return [];
  const sel = ls as { matchLabels?: unknown; matchExpressions?: unknown };
  const errs = validateLabels(sel.matchLabels, [...path, 'matchLabels']);
  const exprs = Array.isArray(sel.matchExpressions) ? sel.matchExpressions : [];
  exprs.forEach((raw: unknown, i) => {
    const at: PathSegment[] = [...path, 'matchExpressions', i];
    const e = (raw ?? {}) as { key?: unknown; operator?: unknown; values?: unknown };
    const values = Array.isArray(e.values) ? e.values : [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push({
            type: 'FieldValueRequired',
            path: [...at, 'values'],
            detail: "must be specified when `operator` is 'In' or 'NotIn'",
          });
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) {
          errs.push({
            type: 'FieldValueForbidden',
            path: [...at, 'values'],
            detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          });
        }
        break;
      default:
        errs.push({
          type: 'FieldValueInvalid',
          path: [...at, 'operator'],
          value: e.operator,
          detail: 'not a valid selector operator',
        });
    }
    const key = typeof e.key === 'string' ? e.key : '';
    for (const m of labelKeyErrors(key))
      errs.push({ type: 'FieldValueInvalid', path: [...at, 'key'], value: key, detail: m });
    values.forEach((v: unknown, j) => {
      if (typeof v !== 'string') return;
      for (const m of labelValueErrors(v))
        errs.push({ type: 'FieldValueInvalid', path: [...at, 'values', j], value: v, detail: m });
    });
  });
  return errs;
}

/** The selector of an object's spec.selector, or undefined when it is invalid (an invalid selector selects nothing). */
export function specSelector(obj: { spec?: { selector?: LabelSelector | null } } | undefined): Selector | undefined {
  try {
    return fromLabelSelector(obj?.spec?.selector);
  } catch {
    return undefined;
  }
}
