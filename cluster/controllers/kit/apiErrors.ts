// How controllers read the API server's refusals.
import { ApiRequestError } from '../../client/apiClient';

/** A create refused because the namespace is being deleted: not the controller's failure, nothing to retry. */
export function isNamespaceTerminating(e: ApiRequestError): boolean {
  const causes: unknown = e.body?.details?.causes;
  return Array.isArray(causes) && causes.some((c: { reason?: string } | null) => c?.reason === 'NamespaceTerminating');
}
