// The admission attributes of a write ObjectStorage makes, with the options object the AdmissionReview carries.
// A write through `scale` is admitted as kube-apiserver does, with the Scale the subresource shows (its
// SubresourceView); one through `finalize` as a write of namespaces/finalize.
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import type { DeleteOptions, WriteOptions } from '../objectStorage';
import type { AdmissionAttributes, AdmissionOperation, GroupVersionKind } from './attributes';

/** A subresource that shows the object as another kind (scale: an autoscaling/v1 Scale), as admission sees it. */
export interface SubresourceView {
  subresource: string;
  kind: GroupVersionKind;
  /** the object as the subresource shows it */
  toView(obj: KubeObject): KubeObject;
  /** brings what a mutating webhook changed in the view back to the object */
  fromView(obj: KubeObject, view: KubeObject): void;
}

type Options = (WriteOptions & { subresource?: string }) | DeleteOptions;

export function writeAttributes(
  operation: AdmissionOperation,
  info: ResourceInfo,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  opts: Options,
): AdmissionAttributes | undefined {
  const view = 'subresourceView' in opts ? opts.subresourceView : undefined;
  if (view) {
    const objects = { object: object && view.toView(object), oldObject: oldObject && view.toView(oldObject) };
    const attrs = writeAttributes(operation, info, object, oldObject, { ...opts, subresourceView: undefined });
    return attrs && { ...attrs, ...objects, subresource: view.subresource, subresourceKind: view.kind };
  }
  const meta = (object ?? oldObject)?.metadata;
  const name = meta?.name ?? '';
  const isNamespace = info.group === '' && info.plural === 'namespaces';
  return {
    operation,
    info,
    requestedAs: opts.requestedAs,
    subresource:
      ('subresource' in opts && opts.subresource) ||
      ('admissionSubresource' in opts && opts.admissionSubresource) ||
      '',
    // kube-apiserver gives a Namespace's requests its own name as their namespace
    namespace: isNamespace ? name : meta?.namespace,
    name,
    object,
    oldObject,
    user: opts.requester,
    dryRun: !!opts.dryRun,
    options: optionsObject(operation, opts),
  };
}

function optionsObject(operation: AdmissionOperation, opts: Options): Record<string, unknown> {
  const dryRun = opts.dryRun ? { dryRun: ['All'] } : {};
  const typeMeta = { apiVersion: 'meta.k8s.io/v1' };
  if (operation === 'DELETE') {
    const d = opts as DeleteOptions;
    return {
      kind: 'DeleteOptions',
      ...typeMeta,
      ...(d.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: d.gracePeriodSeconds } : {}),
      ...(d.preconditions ? { preconditions: d.preconditions } : {}),
      ...(d.propagationPolicy ? { propagationPolicy: d.propagationPolicy } : {}),
      ...dryRun,
    };
  }
  const w = opts as WriteOptions;
  return {
    kind: operation === 'CREATE' ? 'CreateOptions' : 'UpdateOptions',
    ...typeMeta,
    ...dryRun,
    ...(w.fieldManager ? { fieldManager: w.fieldManager } : {}),
  };
}
