// spec.ignoreDifferences (Argo CD's shape): fields of chosen resources that are left out of every comparison, so
// they never make the app OutOfSync, `slipway diff` does not show them and self-heal does not revert them.
import jq from '@michaelhomer/jqjs';
import type { Application, IgnoreDifferencesRule } from '../../kube/application';
import { isRecord, type KubeObject } from '../../kube/objects';
import { splitApiVersion } from '../../kube/registry';
import { canonicalJson } from '../../kube/patch/mergePatch';

/** One step of a path: a map key, a list index, or a keyed list item (managedFields `k:`) or set value (`v:`). */
type Step = string | number | { item: Record<string, unknown> } | { value: unknown };
type Path = Step[];

export interface IgnoredDifferences {
  /** whether any rule names this object */
  applies(obj: KubeObject | undefined): boolean;
  /** copies of desired and live without the ignored fields (the objects themselves when no rule applies) */
  strip<D, L>(desired: D & KubeObject, live: L | undefined): { desired: D; live: L | undefined };
  /**
   * desired with its ignored fields as live has them (dropped where live has none), so applying it leaves them
   * as they are: what self-heal and the RespectIgnoreDifferences sync option apply.
   */
  respect<D extends KubeObject>(desired: D, live: KubeObject | undefined): D;
}

interface CompiledRule {
  rule: IgnoreDifferencesRule;
  pointers: Path[];
  jq: { text: string; filter: (input: unknown) => Iterable<unknown> }[];
  managers: Set<string>;
}

/** Nothing ignored. */
export const NOTHING_IGNORED: IgnoredDifferences = {
  applies: () => false,
  strip: (desired, live) => ({ desired, live }),
  respect: (desired) => desired,
};

/** An RFC 6901 JSON pointer as path steps ("/spec/replicas", "~1" for "/", "~0" for "~"). */
function parsePointer(pointer: string, where: string): Path {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`${where}: JSON pointer ${JSON.stringify(pointer)} must start with /`);
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function compile(rules: IgnoreDifferencesRule[]): CompiledRule[] {
  return rules.map((rule, i) => {
    const where = `spec.ignoreDifferences[${i}]`;
    return {
      rule,
      pointers: (rule.jsonPointers ?? []).map((p) => parsePointer(p, `${where}.jsonPointers`)),
      jq: (rule.jqPathExpressions ?? []).map((text) => {
        try {
          // path(): where the expression points, rather than what is there
          return { text, filter: jq.compile(`[path(${text})]`) };
        } catch (e) {
          throw new Error(
            `${where}.jqPathExpressions: cannot parse ${JSON.stringify(text)}${(e as Error)?.message ? `: ${(e as Error).message}` : ''}`,
          );
        }
      }),
      managers: new Set(rule.managedFieldsManagers ?? []),
    };
  });
}

const matches = (want: string | undefined, have: string | undefined) =>
  want === undefined || want === '*' || want === (have ?? '');

function rulesFor(compiled: CompiledRule[], obj: KubeObject | undefined): CompiledRule[] {
  if (!obj) return [];
  const { group } = splitApiVersion(String(obj.apiVersion ?? ''));
  return compiled.filter(
    ({ rule }) =>
      matches(rule.group, group) &&
      matches(rule.kind, String(obj.kind ?? '')) &&
      matches(rule.name, obj.metadata?.name) &&
      matches(rule.namespace, obj.metadata?.namespace),
  );
}

/** The jq expression's paths in obj; an expression that fails on this object ignores nothing in it. */
function jqPaths(filter: (input: unknown) => Iterable<unknown>, obj: unknown): Path[] {
  try {
    const out: Path[] = [];
    for (const list of filter(obj)) if (Array.isArray(list)) out.push(...(list.filter(Array.isArray) as Path[]));
    return out;
  } catch {
    return [];
  }
}

/** Paths of the fields the managers own in live (metadata.managedFields, FieldsV1). */
function managedPaths(live: unknown, managers: Set<string>): Path[] {
  if (!managers.size || !isRecord(live) || !isRecord(live.metadata)) return [];
  const entries = live.metadata.managedFields;
  const out: Path[] = [];
  const walk = (node: Record<string, unknown>, at: Path) => {
    const children = Object.keys(node).filter((k) => k !== '.');
    if (!children.length) {
      if (at.length) out.push(at);
      return;
    }
    for (const el of children) {
      const child = isRecord(node[el]) ? node[el] : {};
      let step: Step | undefined;
      if (el.startsWith('f:')) step = el.slice(2);
      else if (el.startsWith('i:')) step = Number(el.slice(2));
      else {
        try {
          const parsed: unknown = JSON.parse(el.slice(2));
          if (el.startsWith('k:') && isRecord(parsed)) step = { item: parsed };
          else if (el.startsWith('v:')) step = { value: parsed };
        } catch {
          // an element this version cannot read: nothing to ignore there
        }
      }
      if (step !== undefined) walk(child, [...at, step]);
    }
  };
  if (Array.isArray(entries))
    for (const e of entries)
      if (isRecord(e) && managers.has(String(e.manager)) && isRecord(e.fieldsV1)) walk(e.fieldsV1, []);
  return out;
}

/** Where a step leads inside a container: the key or index, or undefined when it is not there. */
function locate(container: unknown, step: Step): string | number | undefined {
  if (typeof step === 'string') return isRecord(container) && step in container ? step : undefined;
  if (!Array.isArray(container)) return undefined;
  if (typeof step === 'number') return step < container.length ? step : undefined;
  const i =
    'item' in step
      ? container.findIndex(
          (x) => isRecord(x) && Object.entries(step.item).every(([k, v]) => canonicalJson(x[k]) === canonicalJson(v)),
        )
      : container.findIndex((x) => canonicalJson(x) === canonicalJson(step.value));
  return i < 0 ? undefined : i;
}

/** The value at path, or undefined. */
function getPath(obj: unknown, path: Path): unknown {
  let cur: unknown = obj;
  for (const step of path) {
    const at = locate(cur, step);
    if (at === undefined) return undefined;
    cur = (cur as Record<string | number, unknown>)[at];
  }
  return cur;
}

/** Removes the value at path from obj (a copy along the way is the caller's: obj is changed). */
function removePath(obj: unknown, path: Path): void {
  if (!path.length) return;
  const parent = getPath(obj, path.slice(0, -1));
  const at = locate(parent, path[path.length - 1]);
  if (at === undefined) return;
  if (Array.isArray(parent)) parent.splice(at as number, 1);
  else delete (parent as Record<string, unknown>)[at as string];
}

/** Sets the value at path when its parent exists in obj. */
function setPath(obj: unknown, path: Path, value: unknown): void {
  if (!path.length) return;
  const parent = getPath(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  const at = locate(parent, last);
  if (at !== undefined) (parent as Record<string | number, unknown>)[at] = value;
  else if (typeof last === 'string' && isRecord(parent)) parent[last] = value;
}

/** The ignored paths of obj under these rules (jsonPointers, jq paths in obj, fields the managers own in live). */
function pathsOf(rules: CompiledRule[], obj: unknown, live: unknown): Path[] {
  const out: Path[] = [];
  for (const r of rules) {
    out.push(...r.pointers);
    for (const { filter } of r.jq) out.push(...jqPaths(filter, obj));
    out.push(...managedPaths(live, r.managers));
  }
  // deepest and last items first, so removing one does not shift another's index
  return out.sort((a, b) => b.length - a.length || compareSteps(b[b.length - 1], a[a.length - 1]));
}

function compareSteps(a: Step | undefined, b: Step | undefined): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : 0;
}

function without(obj: unknown, paths: Path[]): unknown {
  if (!paths.length) return obj;
  const copy = structuredClone(obj);
  for (const p of paths) removePath(copy, p);
  return copy;
}

function build(compiled: CompiledRule[]): IgnoredDifferences {
  if (!compiled.length) return NOTHING_IGNORED;
  return {
    applies: (obj) => rulesFor(compiled, obj).length > 0,
    strip(desired, live) {
      const rules = rulesFor(compiled, desired);
      if (!rules.length) return { desired, live };
      return {
        desired: without(desired, pathsOf(rules, desired, live)) as typeof desired,
        live: live === undefined || live === null ? live : (without(live, pathsOf(rules, live, live)) as typeof live),
      };
    },
    respect(desired, live) {
      const rules = rulesFor(compiled, desired);
      if (!rules.length || !live) return desired;
      const out = structuredClone(desired);
      for (const p of pathsOf(rules, desired, live)) if (getPath(live, p) === undefined) removePath(out, p);
      for (const p of pathsOf(rules, live, live)) {
        const v = getPath(live, p);
        if (v !== undefined) setPath(out, p, structuredClone(v));
      }
      return out;
    },
  };
}

const cache = new Map<string, IgnoredDifferences>();

/**
 * The Application's spec.ignoreDifferences, compiled once per distinct list. Throws with the entry named when a
 * JSON pointer or jq expression cannot be read.
 */
export function ignoredDifferences(app: Pick<Application, 'spec'> | undefined): IgnoredDifferences {
  const rules = app?.spec?.ignoreDifferences;
  if (!Array.isArray(rules) || !rules.length) return NOTHING_IGNORED;
  const key = JSON.stringify(rules);
  let found = cache.get(key);
  if (!found) {
    found = build(compile(rules));
    if (cache.size > 64) cache.delete(cache.keys().next().value!);
    cache.set(key, found);
  }
  return found;
}

/** ignoredDifferences, or nothing ignored and the reason when an entry cannot be read (for the app's status). */
export function ignoredDifferencesOrError(app: Pick<Application, 'spec'> | undefined): {
  ignore: IgnoredDifferences;
  error?: string;
} {
  try {
    return { ignore: ignoredDifferences(app) };
  } catch (e) {
    return { ignore: NOTHING_IGNORED, error: (e as Error).message };
  }
}
