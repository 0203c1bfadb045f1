// The one error a Kubernetes API request fails with: the HTTP status and, when the server sent one, its
// Status object (reason, message, details). Status 0 is a cluster that could not be reached at all.

export class KubeApiError extends Error {
  /** the Status object's reason (NotFound, Conflict, AlreadyExists, Expired...), '' when there is none */
  readonly reason: string;

  constructor(
    readonly status: number,
    readonly body?: any,
    message?: string,
  ) {
    super(message ?? body?.message ?? `HTTP ${status}`);
    this.reason = typeof body?.reason === 'string' ? body.reason : '';
  }
}

/** The answer of an HTTP request that failed, or its parsed body: what every transport settles with. */
export function settleAnswer(status: number, body: unknown, what: string): unknown {
  if (status < 400) return body;
  const b = body as { message?: unknown } | undefined;
  const message = typeof b === 'object' && b && typeof b.message === 'string' ? b.message : `${what}: HTTP ${status}`;
  throw new KubeApiError(status, typeof body === 'object' ? body : undefined, message);
}

/** Whether e is the API's NotFound. */
export function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404;
}
