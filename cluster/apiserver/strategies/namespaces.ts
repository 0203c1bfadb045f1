// Namespaces: a new one is Active; deleting one marks it Terminating until the namespace controller has
// emptied it and removed "kubernetes" from spec.finalizers (through the finalize subresource). The
// namespaces the cluster cannot do without may not be deleted, as kube-apiserver's NamespaceLifecycle
// admission refuses default, kube-system and kube-public; kube-node-lease too here, as the nodes'
// heartbeats live there and nothing would recreate it.
import type { Namespace } from 'kubernetes-types/core/v1';
import { isRecord, type KubeObject } from '../../../kube/objects';
import { copyJson } from '../../../kube/copyJson';
import { forbidden } from '../apiErrors';
import type { Strategy } from './strategy';

export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

type NamespaceObject = KubeObject & Namespace;

/** A namespace waits for its content to go while spec.finalizers still lists "kubernetes". */
function hasPendingSpecFinalizers(obj: KubeObject): boolean {
  const finalizers = (obj as NamespaceObject).spec?.finalizers;
  return Array.isArray(finalizers) && finalizers.length > 0;
}

export const namespaceStrategy: Strategy = {
  initialStatus: () => ({ phase: 'Active' }),

  validateDelete(name) {
    if (!IMMORTAL_NAMESPACES.has(name)) return;
    throw forbidden(`namespaces "${name}" is forbidden: this namespace may not be deleted`, {
      name,
      kind: 'namespaces',
    });
  },

  pendingFinalization: hasPendingSpecFinalizers,

  beginDelete(obj) {
    if (hasPendingSpecFinalizers(obj)) obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
  },

  finalize(current, requested) {
    const spec = isRecord(requested) && isRecord(requested.spec) ? requested.spec : {};
    const next = copyJson(current) as NamespaceObject;
    next.spec = { ...(next.spec ?? {}), finalizers: (spec.finalizers as string[] | undefined) ?? [] };
    return next;
  },
};
