// Field selectors (`fieldSelector=` on list and watch): parsing, the per-kind set of selectable
// fields the API server supports, and matching. kubectl sends terms in random order, so a
// selector is an unordered AND of terms.

import { SelectorError } from './labelSelector';
import { getPath, isRecord, KubeObject } from './objects';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '==' | '!=';
  readonly value: string;
}

export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

/**
 * The kind a selector is evaluated against: a ResourceInfo (or any {group, kind}), or a bare
 * kind name, which resolves to the built-in kind of that name in whatever group serves it.
 */
export type FieldKind = { group: string; kind: string } | string;

// ---------------------------------------------------------------------------------------------
// Parsing

/** Splits on commas that are not escaped with a backslash. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): { field: string; op: FieldRequirement['operator']; rest: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), op, rest: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/** Values may carry `\,` `\=` and `\\`; a bare ',' or '=' is an error, as the server treats it. */
function unescapeValue(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === '\\') {
      const n = v[i + 1];
      if (n !== '\\' && n !== ',' && n !== '=') {
        throw new SelectorError(`invalid field selector: invalid escape sequence: \\${n ?? ''}`);
      }
      out += n;
      i++;
    } else if (c === ',' || c === '=') {
      throw new SelectorError(`invalid field selector: unescaped character in value: '${c}'`);
    } else {
      out += c;
    }
  }
  return out;
}

export function escapeFieldValue(v: string): string {
  return v.replace(/[\\,=]/g, (c) => '\\' + c);
}

/**
 * Parses a `fieldSelector` query value; "" selects everything. Throws SelectorError on bad syntax,
 * and, when `kind` is given, on a field that kind cannot be selected by.
 */
export function parseFieldSelector(
  query: string,
  kind?: FieldKind,
  extraFields: readonly string[] = [],
): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const part of splitTerms(query)) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new SelectorError(`invalid selector: '${query}'; can't understand '${part}'`);
    requirements.push({ field: t.field, operator: t.op, value: unescapeValue(t.rest) });
  }
  const sel = { requirements };
  if (kind !== undefined) checkFieldSelector(sel, kind, extraFields);
  return sel;
}

// ---------------------------------------------------------------------------------------------
// Selectable fields per kind

// objects of every kind (and custom resources) are read by path, each extractor guarding every step
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Extractor = (obj: any) => string;

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const num = (v: unknown): string => String(typeof v === 'number' ? v : 0);

const POD: Record<string, Extractor> = {
  'spec.nodeName': (o) => str(o.spec?.nodeName),
  'spec.restartPolicy': (o) => str(o.spec?.restartPolicy),
  'spec.schedulerName': (o) => str(o.spec?.schedulerName),
  'spec.serviceAccountName': (o) => str(o.spec?.serviceAccountName),
  'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
  'status.phase': (o) => str(o.status?.phase),
  // The server reads the first of podIPs; status.podIP mirrors it, so fall back for objects that only set that.
  'status.podIP': (o) => str(o.status?.podIPs?.[0]?.ip ?? o.status?.podIP),
  'status.nominatedNodeName': (o) => str(o.status?.nominatedNodeName),
};

const EVENT: Record<string, Extractor> = {
  'involvedObject.kind': (o) => str(o.involvedObject?.kind),
  'involvedObject.namespace': (o) => str(o.involvedObject?.namespace),
  'involvedObject.name': (o) => str(o.involvedObject?.name),
  'involvedObject.uid': (o) => str(o.involvedObject?.uid),
  'involvedObject.apiVersion': (o) => str(o.involvedObject?.apiVersion),
  'involvedObject.resourceVersion': (o) => str(o.involvedObject?.resourceVersion),
  'involvedObject.fieldPath': (o) => str(o.involvedObject?.fieldPath),
  reason: (o) => str(o.reason),
  reportingComponent: (o) => str(o.reportingComponent),
  // Events written through events.k8s.io carry only the reporting controller.
  source: (o) => str(o.source?.component || o.reportingComponent),
  type: (o) => str(o.type),
};

// the same events through events.k8s.io/v1, under that version's field names
const EVENTS_V1: Record<string, Extractor> = {
  'regarding.kind': (o) => str(o.regarding?.kind),
  'regarding.namespace': (o) => str(o.regarding?.namespace),
  'regarding.name': (o) => str(o.regarding?.name),
  'regarding.uid': (o) => str(o.regarding?.uid),
  'regarding.apiVersion': (o) => str(o.regarding?.apiVersion),
  'regarding.resourceVersion': (o) => str(o.regarding?.resourceVersion),
  'regarding.fieldPath': (o) => str(o.regarding?.fieldPath),
  reason: (o) => str(o.reason),
  reportingController: (o) => str(o.reportingController),
  type: (o) => str(o.type),
};

const BY_KIND: Record<string, Record<string, Extractor>> = {
  '/Pod': POD,
  '/Event': EVENT,
  'events.k8s.io/Event': EVENTS_V1,
  '/Namespace': { 'status.phase': (o) => str(o.status?.phase) },
  '/Secret': { type: (o) => str(o.type) },
  '/Node': { 'spec.unschedulable': (o) => String(o.spec?.unschedulable === true) },
  '/Service': { 'spec.clusterIP': (o) => str(o.spec?.clusterIP), 'spec.type': (o) => str(o.spec?.type) },
  '/ReplicationController': { 'status.replicas': (o) => num(o.status?.replicas) },
  'apps/ReplicaSet': { 'status.replicas': (o) => num(o.status?.replicas) },
  'batch/Job': { 'status.successful': (o) => num(o.status?.succeeded) },
};

const META: Record<string, Extractor> = {
  'metadata.name': (o) => str(o.metadata?.name),
  'metadata.namespace': (o) => str(o.metadata?.namespace),
};

/** Field paths a custom resource declares in selectableFields (".spec.color") become labels ("spec.color"). */
function customExtractors(extraFields: readonly string[]): Record<string, Extractor> {
  const out: Record<string, Extractor> = {};
  for (const f of extraFields) {
    const label = f.replace(/^\./, '');
    out[label] = (o) => {
      const v = getPath(o, label);
      return isRecord(v) || Array.isArray(v) ? '' : str(v);
    };
  }
  return out;
}

function kindFields(kind: FieldKind): Record<string, Extractor> {
  if (typeof kind !== 'string') return BY_KIND[`${kind.group}/${kind.kind}`] ?? {};
  const key = Object.keys(BY_KIND).find((k) => k.slice(k.indexOf('/') + 1) === kind);
  return key ? BY_KIND[key] : {};
}

function extractors(kind: FieldKind | undefined, extraFields: readonly string[] = []): Record<string, Extractor> {
  return { ...META, ...(kind === undefined ? {} : kindFields(kind)), ...customExtractors(extraFields) };
}

/** Field labels the server accepts for this kind (metadata.name and metadata.namespace for every kind). */
export function supportedFieldLabels(kind: FieldKind, extraFields: readonly string[] = []): string[] {
  return Object.keys(extractors(kind, extraFields));
}

/** The selectable field set of one object, as the server evaluates selectors against it. */
export function selectableFields(
  obj: KubeObject,
  kind: FieldKind,
  extraFields: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [label, get] of Object.entries(extractors(kind, extraFields))) out[label] = get(obj);
  return out;
}

/** Throws a 400-class SelectorError for the first field this kind cannot be selected by. */
export function checkFieldSelector(sel: FieldSelector, kind: FieldKind, extraFields: readonly string[] = []): void {
  const ex = extractors(kind, extraFields);
  for (const r of sel.requirements) {
    if (!Object.prototype.hasOwnProperty.call(ex, r.field))
      throw new SelectorError(`field label not supported: ${r.field}`);
  }
}

/** Evaluates a selector; unsupported fields compare as empty, so call checkFieldSelector first. */
export function matchesFields(
  sel: FieldSelector,
  obj: KubeObject,
  kind?: FieldKind,
  extraFields: readonly string[] = [],
): boolean {
  if (sel.requirements.length === 0) return true;
  const ex = extractors(kind, extraFields);
  return sel.requirements.every((r) => {
    const get = ex[r.field];
    const actual = get ? get(obj) : '';
    return r.operator === '!=' ? actual !== r.value : actual === r.value;
  });
}

/** Parse, check against the kind, and return a predicate: what a list or watch handler needs. */
export function compileFieldSelector(
  query: string,
  kind: FieldKind,
  extraFields: readonly string[] = [],
): (obj: KubeObject) => boolean {
  const sel = parseFieldSelector(query, kind, extraFields);
  if (sel.requirements.length === 0) return () => true;
  return (obj) => matchesFields(sel, obj, kind, extraFields);
}
