// Which sets (StatefulSets, DaemonSets) must sync when one of their pods or revisions changes.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { matchesLabels, specSelector } from '../../kube/labelSelector';
import { controllerOf, KubeObject } from '../../kube/objects';
import { InformerHandlers } from '../../kubeclient/informer';

/**
 * The object's controller if it has one of this kind; for an orphan, every set in its namespace whose
 * selector matches it (one of them may adopt it).
 */
export function setsToSync(
  obj: KubeObject,
  kind: string,
  sets: readonly KubeObject[],
): { namespace: string; name: string }[] {
  const ref = controllerOf(obj);
  const namespace = obj.metadata.namespace ?? '';
  if (ref) return ref.kind === kind && ref.apiVersion.startsWith('apps/') ? [{ namespace, name: ref.name }] : [];
  const out: { namespace: string; name: string }[] = [];
  for (const s of sets) {
    if (s.metadata.namespace !== obj.metadata.namespace) continue;
    const sel = specSelector(s as { spec?: { selector?: LabelSelector | null } });
    if (sel && matchesLabels(sel, obj.metadata.labels)) out.push({ namespace, name: s.metadata.name! });
  }
  return out;
}

/**
 * Informer handlers for objects sets own (pods, revisions): each change syncs the owning set; a change of
 * controller also syncs the previous owner, which has lost the object.
 */
export function ownedObjectHandlers(enqueueFor: (obj: KubeObject) => void): InformerHandlers {
  return {
    add: enqueueFor,
    update: (obj, old) => {
      const oldRef = controllerOf(old);
      const ref = controllerOf(obj);
      if (oldRef && (!ref || oldRef.uid !== ref.uid)) enqueueFor(old);
      enqueueFor(obj);
    },
    delete: enqueueFor,
  };
}
