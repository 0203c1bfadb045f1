// Schema and semantic validation with the API server's own judgement (kube/manifestCheck), each
// field error placed on its key or value.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { FieldError, formatFieldError, formatFieldPath, segmentName } from '../../kube/fieldErrors';
import { checkManifest } from '../../kube/manifestCheck';
import { ChildField, childFields, childFieldsOfSchema, SchemaObject } from '../../kube/schemas';
import { YamlDoc } from '../documents/parsedFile';
import { fieldErrorRange } from '../positions';
import { LocalDiagnostic } from './diagnostic';

const SELECTOR_MISMATCH = '`selector` does not match template `labels`';

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The declared field an unknown one was most likely meant to be. */
export function closestField(name: string, fields: ChildField[]): string | undefined {
  let best: string | undefined;
  let bestScore = 3;
  for (const f of fields) {
    const d = f.name.toLowerCase() === name.toLowerCase() ? 0 : distance(name, f.name);
    if (d < bestScore) {
      best = f.name;
      bestScore = d;
    }
  }
  return bestScore <= (name.length > 4 ? 2 : 1) ? best : undefined;
}

function toDiagnostic(
  doc: YamlDoc,
  e: FieldError,
  siblings: (path: (string | number)[]) => ChildField[],
): LocalDiagnostic {
  const range = fieldErrorRange(doc, e.path, e.type);
  if (e.type === 'FieldValueUnknown') {
    const name = String(segmentName(e.path[e.path.length - 1]));
    const suggestion = closestField(name, siblings(e.path.slice(0, -1).map(segmentName)));
    return {
      range,
      severity: DiagnosticSeverity.Error,
      message: formatFieldError(e) + (suggestion ? `: did you mean "${suggestion}"?` : ''),
      code: 'unknown-field',
      ...(suggestion ? { data: { rename: suggestion } } : {}),
    };
  }
  if (e.detail === SELECTOR_MISMATCH) {
    return {
      range,
      severity: DiagnosticSeverity.Error,
      message: formatFieldError(e),
      code: 'selector-mismatch',
      data: { path: e.path },
    };
  }
  const data =
    e.type === 'FieldValueNotSupported' && e.supported?.length ? { supported: e.supported.slice(0, 20) } : undefined;
  return {
    range,
    severity: DiagnosticSeverity.Error,
    message: formatFieldError(e),
    code: 'schema',
    ...(data ? { data } : {}),
  };
}

/** Field errors as diagnostics on their keys or values, one per field and type; `siblings` names fields for typos. */
export function fromResult(
  doc: YamlDoc,
  errors: FieldError[],
  siblings: (path: (string | number)[]) => ChildField[],
): LocalDiagnostic[] {
  const seen = new Set<string>();
  const out: LocalDiagnostic[] = [];
  for (const e of errors) {
    const key = e.type + formatFieldPath(e.path);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(toDiagnostic(doc, e, siblings));
  }
  return out;
}

/** Built-in kinds, by their Kubernetes schema. */
export function builtinSchemaDiagnostics(doc: YamlDoc): LocalDiagnostic[] {
  return doc.cached('schema', 'builtin', () => {
    const { apiVersion, kind } = doc.kube!;
    const result = checkManifest(doc.value);
    return fromResult(doc, [...result.unknownFields, ...result.errors], (path) => childFields(apiVersion, kind, path));
  });
}

/** Custom resources, by their CRD version's openAPIV3Schema. */
export function customSchemaDiagnostics(doc: YamlDoc, schema: SchemaObject | undefined): LocalDiagnostic[] {
  return doc.cached('schema', schema ?? 'none', () => {
    const result = checkManifest(doc.value, schema ? { customSchema: schema } : { custom: true });
    return fromResult(doc, [...result.unknownFields, ...result.errors], (path) =>
      schema ? childFieldsOfSchema(schema, path) : [],
    );
  });
}
