// How controllers read the API server's refusals (NotFound is kubeclient's isNotFound).
import { KubeApiError } from '../../../kubeclient/apiError';

/** 409 on a create: an object of that name exists already (the cache had not caught up). */
export function isAlreadyExists(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 409;
}

/** An error's message as events word it: the API server's own message when it sent one. */
export function errorText(e: unknown): string {
  if (e instanceof KubeApiError) return e.body?.message ?? e.message;
  return e instanceof Error ? e.message : String(e);
}

/** A create refused because the namespace is being deleted: not the controller's failure, nothing to retry. */
export function isNamespaceTerminating(e: KubeApiError): boolean {
  const causes: unknown = e.body?.details?.causes;
  return Array.isArray(causes) && causes.some((c: { reason?: string } | null) => c?.reason === 'NamespaceTerminating');
}
