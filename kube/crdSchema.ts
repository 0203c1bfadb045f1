// Validation of custom resources against their CRD's structural schema (openAPIV3Schema), with the
// same FieldError output as built-in kinds. Fields the schema does not declare are reported as
// unknown (the API server prunes them) unless x-kubernetes-preserve-unknown-fields allows them.

import Ajv, { ValidateFunction } from 'ajv';
import { createHash } from 'crypto';
import { isIP } from 'net';
import { SchemaObject } from './schemas';
import { kubeOpenAPIErrors, kubeOpenAPIFieldError } from './crdSchemaErrors';
import {
  fieldErrorsFromAjv,
  toAjvSchema,
  validateDefinition,
  ValidationResult,
  AjvSchema,
  withoutBranchErrors,
} from './validation';

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

// The formats Kubernetes checks in CRD schemas, as leniently as it parses them; others are ignored.
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/.test(s),
  datetime: (s) => FORMATS['date-time'](s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s),
  ipv4: (s) => isIP(s) === 4,
  ipv6: (s) => isIP(s) === 6,
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    const v = isIP(ip ?? '');
    return extra === undefined && v !== 0 && /^\d+$/.test(bits ?? '') && Number(bits) <= (v === 4 ? 32 : 128);
  },
  mac: (s) =>
    /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{2}[:-]){19}[0-9A-Fa-f]{2}$|^([0-9A-Fa-f]{4}\.){2}[0-9A-Fa-f]{4}$/.test(
      s,
    ),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  hostname: (s) =>
    s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l)),
};
const FORMAT_NAMES: ReadonlySet<string> = new Set(Object.keys(FORMATS));

let crdAjv: Ajv | undefined;

function ajv(): Ajv {
  if (crdAjv) return crdAjv;
  crdAjv = new Ajv({
    allErrors: true,
    strict: false,
    meta: false,
    validateSchema: false,
    messages: false,
    verbose: true, // an error's parentSchema tells a list-type set from uniqueItems
    code: { optimize: false },
  });
  for (const [name, check] of Object.entries(FORMATS)) crdAjv.addFormat(name, { type: 'string', validate: check });
  return crdAjv;
}

/** The root of a custom resource: apiVersion and kind are strings, metadata is checked as ObjectMeta. */
function rootSchema(schema: SchemaObject): AjvSchema {
  const converted = toAjvSchema(schema, {
    ref: () => ({}), // structural schemas have no references
    formats: FORMAT_NAMES,
  });
  if (converted.type === 'object' || converted.properties || converted.additionalProperties === false) {
    const props = { ...(converted.properties as Record<string, AjvSchema> | undefined) };
    props.apiVersion = { type: 'string' };
    props.kind = { type: 'string' };
    // a CRD may restrict metadata.name; the rest of metadata is ObjectMeta, checked on its own
    const meta = schema.properties?.metadata;
    props.metadata = meta
      ? toAjvSchema(
          { ...meta, 'x-kubernetes-preserve-unknown-fields': true },
          { ref: () => ({}), formats: FORMAT_NAMES },
        )
      : {};
    converted.properties = props;
  }
  return converted;
}

// Compiled validators, by schema object and, for equal schemas read anew from storage, by content.
const byIdentity = new WeakMap<object, ValidateFunction>();
const byHash = new Map<string, { validate: ValidateFunction; source: AjvSchema }>();
const MAX_CACHED = 256;

function validatorFor(schema: SchemaObject): ValidateFunction {
  const hit = byIdentity.get(schema);
  if (hit) return hit;
  const hash = createHash('sha1').update(JSON.stringify(schema)).digest('hex');
  let entry = byHash.get(hash);
  if (entry) {
    byHash.delete(hash); // refresh its place in the eviction order
  } else {
    let source: AjvSchema;
    let validate: ValidateFunction;
    try {
      source = rootSchema(schema);
      validate = ajv().compile(source);
    } catch {
      // a schema that is itself invalid (`type: {...}`, a field's schema null), which the CRD's own checks report:
      // the object is held to nothing but its metadata rather than its whole check failing
      const preserve = validatorFor(PRESERVE_ALL);
      byIdentity.set(schema, preserve);
      return preserve;
    }
    entry = { validate, source };
    if (byHash.size >= MAX_CACHED) {
      const [oldest, old] = byHash.entries().next().value as [string, { source: AjvSchema }];
      byHash.delete(oldest);
      ajv().removeSchema(old.source);
    }
  }
  byHash.set(hash, entry);
  byIdentity.set(schema, entry.validate);
  return entry.validate;
}

/**
 * What Kubernetes does with nulls in custom resources: a null field is dropped unless its schema is
 * nullable. Copies only what changes.
 */
export function pruneNulls(value: unknown, schema: SchemaObject | undefined): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const v = pruneNulls(item, schema?.items);
      if (v !== item) (copy ??= value.slice())[i] = v;
    });
    return copy ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(value)) {
    const child =
      schema?.properties?.[k] ??
      (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
    if (v === null && !child?.nullable) {
      copy ??= { ...(value as Record<string, unknown>) };
      delete copy[k];
      continue;
    }
    const w = pruneNulls(v, child);
    if (w !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = w;
  }
  return copy ?? value;
}

// A CRD version without a schema keeps whatever it is given.
const PRESERVE_ALL: SchemaObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

export interface SchemaCheckOptions {
  /**
   * Word violations as kube-apiserver words a custom resource's (the default); false for documents no API server
   * reads (kustomize's and Helm's files), which take the plainer wording of built-in kinds.
   */
  kubeOpenAPIWording?: boolean;
}

/**
 * Validates a custom resource against its CRD's openAPIV3Schema: type, properties, required, enum,
 * items, additionalProperties, nullable, int-or-string, numeric/string/list bounds, pattern, format.
 * Without a schema only metadata is checked. CEL rules (x-kubernetes-validations) are checked by manifestCheck.
 */
export function validateAgainstSchema(
  obj: unknown,
  openAPIV3Schema: SchemaObject | undefined,
  options: SchemaCheckOptions = {},
): ValidationResult {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    return {
      errors: [{ type: 'FieldValueTypeInvalid', path: [], value: obj, detail: 'must be of type object' }],
      unknownFields: [],
    };
  }
  const schema = openAPIV3Schema ?? PRESERVE_ALL;
  const data = pruneNulls(obj, schema) as Record<string, unknown>;
  const validate = validatorFor(schema);
  const result: ValidationResult = validate(data)
    ? { errors: [], unknownFields: [] }
    : options.kubeOpenAPIWording === false
      ? fieldErrorsFromAjv(withoutBranchErrors(validate.errors), data)
      : fieldErrorsFromAjv(
          kubeOpenAPIErrors(validate.errors ?? [], validate.schema),
          data,
          [],
          undefined,
          kubeOpenAPIFieldError,
        );
  if (data.metadata !== undefined) {
    const meta = validateDefinition(data.metadata, OBJECT_META, ['metadata']);
    result.errors.push(...meta.errors);
    result.unknownFields.push(...meta.unknownFields);
  }
  return result;
}
