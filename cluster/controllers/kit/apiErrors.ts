// How controllers read the API server's refusals.
import { KubeApiError } from '../../../kubeclient/apiError';

/** A create refused because the namespace is being deleted: not the controller's failure, nothing to retry. */
export function isNamespaceTerminating(e: KubeApiError): boolean {
  const causes: unknown = e.body?.details?.causes;
  return Array.isArray(causes) && causes.some((c: { reason?: string } | null) => c?.reason === 'NamespaceTerminating');
}
