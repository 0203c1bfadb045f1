// The API server's errors: ApiError and its constructors, metav1.Status failures with Kubernetes' codes and reasons.
import { causeField, FieldError, formatFieldError, fieldErrorMessage } from '../../kube/fieldErrors';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): object {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** "deployments.apps" as Kubernetes names a resource in messages */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');
export const forbidden = (message: string, details?: StatusDetails) => new ApiError(403, 'Forbidden', message, details);
export const methodNotAllowed = (message = 'the server does not allow this method on the requested resource') =>
  new ApiError(405, 'MethodNotAllowed', message);
export const unsupportedMediaType = (contentType: string) =>
  new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`,
  );
export const tooLarge = () => new ApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 3145728');
export const internalError = (message: string) =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);

export function notFound(plural: string, group: string, name?: string): ApiError {
  const qr = qualifiedResource(plural, group);
  return new ApiError(
    404,
    'NotFound',
    name ? `${qr} "${name}" not found` : 'the server could not find the requested resource',
    { name, group: group || undefined, kind: plural },
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function alreadyExists(plural: string, group: string, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, {
    name,
    group: group || undefined,
    kind: plural,
  });
}

export function conflict(
  plural: string,
  group: string,
  name: string,
  why = 'the object has been modified; please apply your changes to the latest version and try again',
): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": ${why}`,
    { name, group: group || undefined, kind: plural },
  );
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 422 with one cause per bad field: `Deployment.apps "web" is invalid: [spec.selector: Required value, ...]` */
export function invalid(kind: string, group: string, name: string, errors: FieldError[]): ApiError {
  const qk = group ? `${kind}.${group}` : kind;
  const parts = errors.map(formatFieldError);
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qk} "${name}" is invalid: ${summary}`, {
    name,
    group: group || undefined,
    kind,
    causes: errors.map((e) => ({ reason: e.type, message: fieldErrorMessage(e), field: causeField(e) })),
  });
}
