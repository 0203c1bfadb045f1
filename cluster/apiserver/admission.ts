// Admission: what every write passes before it is stored. Schema validation (the same kube/ module the
// language server uses), field validation mode, defaulting, then the API server's semantic checks.
import type { KubeObject } from '../../kube/objects';
import { checkManifest } from '../../kube/manifestCheck';
import type { SchemaObject } from '../../kube/schemas';
import { FieldError, formatFieldPath, PathSegment, segmentName } from '../../kube/fieldErrors';
import { ResourceInfo } from '../../kube/registry';
import { badRequest, invalid } from './apiErrors';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmissionResult {
  warnings: string[];
}

export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === '') return 'Warn'; // the API server's default when a client sends nothing
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation parameter unsupported: ${v}. Must be one of: Strict, Warn, Ignore`);
}

function removePath(obj: unknown, path: PathSegment[]): void {
  let cur = obj;
  for (let i = 0; i < path.length - 1; i++) {
    if (cur == null || typeof cur !== 'object') return;
    const parent = cur as Record<string | number, unknown>;
    const seg = segmentName(path[i]);
    let next = parent[seg];
    // a patched object may share frozen parts with the stored one: those are copied before they change
    if (next && typeof next === 'object' && Object.isFrozen(next)) {
      next = Array.isArray(next) ? [...next] : { ...next };
      parent[seg] = next;
    }
    cur = next;
  }
  if (cur && typeof cur === 'object')
    delete (cur as Record<string | number, unknown>)[segmentName(path[path.length - 1])];
}

/**
 * Validates obj in place: unknown fields are rejected (Strict), reported as warnings (Warn) or silently
 * dropped (Ignore), as the real API server prunes them; then defaults are applied and semantics checked.
 * customSchema is the CRD's openAPIV3Schema for custom resources.
 */
export function admit(
  info: ResourceInfo,
  obj: KubeObject,
  old: KubeObject | undefined,
  mode: FieldValidation,
  customSchema?: SchemaObject,
  /** on create: the new object's uid, for create-only defaults (Job selector, Namespace finalizer) */
  createUid?: string,
): AdmissionResult {
  const name = obj?.metadata?.name ?? obj?.metadata?.generateName ?? '';
  const custom = customSchema !== undefined || !!info.custom;
  const result = checkManifest(obj, { custom, customSchema, old, defaultInPlace: true, createUid });
  const warnings: string[] = [];
  if (result.unknownFields.length) {
    if (mode === 'Strict') {
      const list = result.unknownFields.map(
        (e: FieldError) => `unknown field ${JSON.stringify(formatFieldPath(e.path))}`,
      );
      throw badRequest(
        `${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: strict decoding error: ${list.join(', ')}`,
      );
    }
    if (mode === 'Warn')
      for (const e of result.unknownFields) warnings.push(`unknown field ${JSON.stringify(formatFieldPath(e.path))}`);
    // deepest first so removing one path never shifts another
    for (const e of [...result.unknownFields].sort((a, b) => b.path.length - a.path.length)) removePath(obj, e.path);
  }
  const errors = result.errors;
  // a body too malformed for the semantic checks already has schema errors to report
  if (result.malformed && !errors.length) throw badRequest('the object could not be checked: malformed content');
  if (errors.length) throw invalid(info.kind, info.group, name, errors);
  return { warnings };
}
