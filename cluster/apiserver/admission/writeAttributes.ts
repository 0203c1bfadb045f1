// The admission attributes of a write ObjectStorage makes, with the options object the AdmissionReview carries.
// Writes through subresources other than status have none (they are not admitted here): kube-apiserver admits
// those (scale, finalize) with their own kinds, which are not built here.
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import type { DeleteOptions, WriteOptions } from '../objectStorage';
import type { AdmissionAttributes, AdmissionOperation } from './attributes';

type Options = (WriteOptions & { subresource?: string }) | DeleteOptions;

export function writeAttributes(
  operation: AdmissionOperation,
  info: ResourceInfo,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
  opts: Options,
): AdmissionAttributes | undefined {
  if ('admissionSubresource' in opts && opts.admissionSubresource) return undefined;
  const meta = (object ?? oldObject)?.metadata;
  const name = meta?.name ?? '';
  const isNamespace = info.group === '' && info.plural === 'namespaces';
  return {
    operation,
    info,
    requestedAs: opts.requestedAs,
    subresource: ('subresource' in opts && opts.subresource) || '',
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
