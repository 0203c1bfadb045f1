// Finalizers the API server adds to new objects itself.
import type { KubeObject } from '../../../kube/objects';

export function addFinalizer(obj: KubeObject, finalizer: string): void {
  const meta = (obj.metadata ??= {});
  const list: string[] = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  if (!list.includes(finalizer)) meta.finalizers = [...list, finalizer];
}
