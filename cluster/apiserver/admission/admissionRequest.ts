// The AdmissionRequest (admission.k8s.io) of a request at the version a webhook or policy takes it: what a
// webhook's AdmissionReview carries, and the `request` variable CEL expressions read.
import * as crypto from 'crypto';
import type { ResourceInfo } from '../../../kube/registry';
import type { AdmissionAttributes } from './attributes';

/**
 * The AdmissionRequest of a request at `resource` (the version the webhook is called at), without its objects:
 * what the review carries and what matchConditions read as `request`.
 */
export function admissionRequest(
  attrs: AdmissionAttributes,
  resource: ResourceInfo,
  uid: string,
): Record<string, unknown> {
  const requested = attrs.requestedAs ?? attrs.info;
  const sub = attrs.subresource || undefined;
  const subKind = attrs.subresourceKind;
  return {
    uid,
    kind: subKind ?? { group: resource.group, version: resource.version, kind: resource.kind },
    resource: { group: resource.group, version: resource.version, resource: resource.plural },
    ...(sub ? { subResource: sub } : {}),
    requestKind: subKind ?? { group: requested.group, version: requested.version, kind: requested.kind },
    requestResource: { group: requested.group, version: requested.version, resource: requested.plural },
    ...(sub ? { requestSubResource: sub } : {}),
    ...(attrs.name ? { name: attrs.name } : {}),
    ...(attrs.namespace ? { namespace: attrs.namespace } : {}),
    operation: attrs.operation,
    userInfo: attrs.user,
    dryRun: attrs.dryRun,
    options: attrs.options,
  };
}

/**
 * The `request` variable of matchConditions and policies: the AdmissionRequest with its strings and userInfo
 * present even when empty, as kube-apiserver's typed request reads them.
 */
export function celRequest(attrs: AdmissionAttributes, resource: ResourceInfo): Record<string, unknown> {
  const user = attrs.user;
  return {
    ...admissionRequest(attrs, resource, crypto.randomUUID()),
    name: attrs.name,
    namespace: attrs.namespace ?? '',
    userInfo: user
      ? { username: user.username, uid: user.uid ?? '', groups: user.groups, extra: user.extra ?? {} }
      : { username: '', uid: '', groups: [], extra: {} },
  };
}
