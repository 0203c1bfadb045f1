// Field errors in the shape the Kubernetes API server reports them (metav1.StatusCause),
// shared by admission, the syncer and the language server so all three say the same thing.

export type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTypeInvalid'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueNotFound'
  | 'FieldValueUnknown';

/**
 * A map key (labels, data, resources.requests), told apart from a field name because Kubernetes prints it in
 * brackets: `resources.requests[cpu]` where a field is `.requests` and a list index `[0]`.
 */
export interface MapKey {
  readonly key: string;
}

/** A field name, a list index or a map key. */
export type PathSegment = string | number | MapKey;

/** The segment for a map key; built only when an error is reported, never for every key checked. */
export function mapKey(key: string): MapKey {
  return { key };
}

/** The property name or list index a segment stands for in the object. */
export function segmentName(seg: PathSegment): string | number {
  return typeof seg === 'object' ? seg.key : seg;
}

export interface FieldError {
  type: FieldErrorType;
  /** path from the object root, e.g. ['spec', 'containers', 0, 'resources', 'limits', mapKey('cpu')] */
  path: PathSegment[];
  value?: unknown;
  detail?: string;
  /** allowed values, for FieldValueNotSupported */
  supported?: string[];
  /**
   * The field Kubernetes names when it is not the path's: `<nil>` for a combinator (anyOf, oneOf, not) of a
   * custom resource's schema, which kube-openapi reports without one. The path still locates the value.
   */
  field?: string;
}

/** The field a cause names: the path in Kubernetes' notation, unless Kubernetes names another. */
export function causeField(e: FieldError): string {
  return e.field ?? formatFieldPath(e.path);
}

/** Text echoed in a message (a key, a value): at most `max` characters, saying how much was left out. */
export function shortText(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/**
 * Kubernetes' field path notation (field.Path): a field is `.name` (bare at the start), a list index `[0]`, a map
 * key `[key]` whatever its characters: spec.containers[0].resources.limits[cpu], data[app.properties].
 */
export function formatFieldPath(path: readonly PathSegment[]): string {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'object') out += `[${shortText(seg.key)}]`;
    else out += i === 0 ? shortText(seg) : `.${shortText(seg)}`;
  }
  return out;
}

/** What Kubernetes shows instead of the contents of a Secret. */
export const REDACTED = '<secret contents redacted>';

/**
 * A number as Go's %v prints the API server's decoded value: an integer in full, any other number as a float64
 * (shortest digits, with an exponent below 1e-4 and from 1e+06 up: 0.5, 1.5e+06).
 */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  return goFloat(n);
}

/** Go's %v of a float64, whatever its value: 1 is "1", 1000000 is "1e+06". */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return '0';
  const [mantissa, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return String(n); // JavaScript writes these in plain decimals too
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function showValue(v: unknown): string {
  if (typeof v === 'string') return shortText(JSON.stringify(v));
  if (typeof v === 'number') return goNumber(v);
  if (v === undefined) return 'null';
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/** The message part of a cause, as Kubernetes words it. */
export function fieldErrorMessage(e: FieldError): string {
  switch (e.type) {
    case 'FieldValueRequired':
      return e.detail ? `Required value: ${e.detail}` : 'Required value';
    case 'FieldValueNotSupported':
      return (
        `Unsupported value: ${showValue(e.value)}` +
        (e.supported?.length ? `: supported values: ${e.supported.map((s) => JSON.stringify(s)).join(', ')}` : '')
      );
    case 'FieldValueDuplicate':
      return `Duplicate value: ${showValue(e.value)}`;
    case 'FieldValueForbidden':
      return `Forbidden: ${e.detail ?? ''}`;
    case 'FieldValueTypeInvalid':
      return `Invalid value: ${showValue(e.value)}: ${e.detail ?? 'wrong type'}`;
    case 'FieldValueTooLong':
      return `Too long: ${e.detail ?? ''}`;
    case 'FieldValueTooMany':
      // the count is shown when known (a list's length), not for a schema's maxItems
      return typeof e.value === 'number' ? `Too many: ${e.value}: ${e.detail ?? ''}` : `Too many: ${e.detail ?? ''}`;
    case 'FieldValueNotFound':
      return `Not found: ${showValue(e.value)}`;
    case 'FieldValueUnknown':
      return `unknown field ${JSON.stringify(formatFieldPath(e.path))}`;
    default:
      return `Invalid value: ${showValue(e.value)}` + (e.detail ? `: ${e.detail}` : '');
  }
}

/** "spec.replicas: Invalid value: -1: must be greater than or equal to 0" */
export function formatFieldError(e: FieldError): string {
  if (e.type === 'FieldValueUnknown') return fieldErrorMessage(e);
  return `${causeField(e)}: ${fieldErrorMessage(e)}`;
}
