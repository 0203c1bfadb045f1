// How controllers read the API server's refusals.
import { KubeApiError } from '../../../kubeclient/apiError';

/** 404: the object is gone (deleted meanwhile, or never seen by the API server). */
export function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404;
}

/** 409 on a create: an object of that name exists already (the cache had not caught up). */
export function isAlreadyExists(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 409;
}

/** An error's message as events and logs word it. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A create refused because the namespace is being deleted: not the controller's failure, nothing to retry. */
export function isNamespaceTerminating(e: KubeApiError): boolean {
  const causes: unknown = e.body?.details?.causes;
  return Array.isArray(causes) && causes.some((c: { reason?: string } | null) => c?.reason === 'NamespaceTerminating');
}
