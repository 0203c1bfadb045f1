// The one judgement of a manifest that the API server's admission, the syncer and the language server
// share: schema validation (built-in schema or a CRD's openAPIV3Schema and its x-kubernetes-validations rules),
// then the API server's semantic checks on a defaulted copy, one cause per field.
import { applyDefaults } from './defaults';
import { FieldError, formatFieldPath, REDACTED } from './fieldErrors';
import { validateSemantics } from './semantics';
import { validateAgainstSchema } from './crdSchema';
import { hasBuiltinSchema, validateObject, ValidationResult } from './validation';
import { SchemaObject } from './schemas';
import { cloneWithoutNulls } from './objects';
import { validateRules } from './cel/schemaRules';

export interface ManifestCheckOptions {
  /** the CRD's openAPIV3Schema when the object is a custom resource; undefined for built-in kinds */
  customSchema?: SchemaObject;
  /** treat the object as a custom resource even without a schema (preserve unknown fields) */
  custom?: boolean;
  /** the stored object, for update-only rules (immutable fields) */
  old?: unknown;
  /** apply defaults to obj itself (admission stores the defaulted object); otherwise a copy is defaulted */
  defaultInPlace?: boolean;
  /** on create: the new object's uid, for create-only defaults (Job selector, Namespace finalizer) */
  createUid?: string;
  /**
   * leave out a CRD's transition rules (those reading oldSelf); by default they are left out only when the check
   * is neither a create (createUid) nor an update (old), as in the editor and the syncer
   */
  skipTransitionRules?: boolean;
}

export interface ManifestCheckResult extends ValidationResult {
  /** true when the semantic checks could not run because the body is too malformed */
  malformed?: boolean;
}

/** Whether checkManifest judges this object by a built-in schema (else it needs a CRD schema). */
export function isBuiltinKind(obj: { apiVersion?: unknown; kind?: unknown }): boolean {
  return (
    typeof obj.apiVersion === 'string' && typeof obj.kind === 'string' && hasBuiltinSchema(obj.apiVersion, obj.kind)
  );
}

// a manifest as written: any JSON at all, judged field by field
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function checkManifest(obj: any, opts: ManifestCheckOptions = {}): ManifestCheckResult {
  const custom = opts.custom || opts.customSchema !== undefined;
  // built-in kinds are checked on a copy without nulls, which is then defaulted for the semantic checks
  const copy = custom || opts.defaultInPlace ? undefined : cloneWithoutNulls(obj);
  const result = custom
    ? validateAgainstSchema(obj, opts.customSchema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true })
    : copy === undefined
      ? validateObject(obj)
      : validateObject(copy, { nullFree: true });
  const errors = [...result.errors];
  if (opts.customSchema && !errors.some(blocksRules)) {
    const skipTransitionRules = opts.skipTransitionRules ?? (opts.old === undefined && opts.createUid === undefined);
    errors.push(...validateRules(obj, opts.customSchema, { old: opts.old, skipTransitionRules }));
  }
  const seen = new Set(errors.map((e) => formatFieldPath(e.path)));
  let semantic: FieldError[] = [];
  let malformed = false;
  try {
    if (!custom) {
      const target = copy ?? obj;
      if (result.errors.length === 0)
        applyDefaults(target, opts.createUid ? { create: true, uid: opts.createUid } : undefined);
      semantic = validateSemantics(target, opts.old as object | undefined);
    } else {
      semantic = validateSemantics(obj, opts.old as object | undefined).filter((e) => e.path[0] === 'metadata');
    }
  } catch {
    malformed = true;
  }
  for (const e of semantic) {
    const key = formatFieldPath(e.path);
    if (!seen.has(key)) {
      seen.add(key);
      errors.push(e);
    }
  }
  const shown = withoutSecretValues(obj, errors);
  return { errors: shown, unknownFields: result.unknownFields, ...(malformed ? { malformed } : {}) };
}

/** As Kubernetes: a value of the wrong type or a missing required field leaves the CEL rules unevaluated. */
function blocksRules(e: FieldError): boolean {
  return e.type === 'FieldValueTypeInvalid' || e.type === 'FieldValueRequired';
}

/** A Secret's data never appears in a message (Kubernetes' messages omit it too): its values are redacted. */
function withoutSecretValues(obj: unknown, errors: FieldError[]): FieldError[] {
  const o = obj as { kind?: unknown; apiVersion?: unknown } | null | undefined;
  if (o?.kind !== 'Secret' || o?.apiVersion !== 'v1') return errors;
  const secret = (e: FieldError) => (e.path[0] === 'data' || e.path[0] === 'stringData') && e.value !== undefined;
  return errors.map((e) => (secret(e) ? { ...e, value: REDACTED } : e));
}
