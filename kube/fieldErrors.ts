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

export type PathSegment = string | number;

export interface FieldError {
  type: FieldErrorType;
  /** JSON path from the object root, e.g. ['spec', 'template', 'spec', 'containers', 0, 'image'] */
  path: PathSegment[];
  value?: unknown;
  detail?: string;
  /** allowed values, for FieldValueNotSupported */
  supported?: string[];
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Text echoed in a message (a key, a value): at most `max` characters, saying how much was left out. */
export function shortText(text: string, max = 100): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more characters)` : text;
}

/** Kubernetes' field path notation: spec.containers[0].image, metadata.labels[app.kubernetes.io/name]. */
export function formatFieldPath(path: PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (IDENT.test(seg)) out += out ? `.${shortText(seg)}` : shortText(seg);
    else out += `[${shortText(seg)}]`;
  }
  return out;
}

/** What Kubernetes shows instead of the contents of a Secret. */
export const REDACTED = '<secret contents redacted>';

function showValue(v: unknown): string {
  if (typeof v === 'string') return shortText(JSON.stringify(v));
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
  return `${formatFieldPath(e.path)}: ${fieldErrorMessage(e)}`;
}
