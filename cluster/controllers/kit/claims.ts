// Adoption and release (kubernetes' ControllerRefManager), the one claim manager of every controller
// (ReplicaSets' pods, Deployments' ReplicaSets, StatefulSets' and DaemonSets' pods and ControllerRevisions):
// an owner claims the orphans it matches and lets go of what it controls but no longer matches. Writes are
// JSON patches guarded by uid and resourceVersion, so a stale cache can never overwrite someone else's change.
import { KubeObject, OwnerReference, controllerOf } from '../../../kube/objects';
import { ApiClient } from '../../../kubeclient/apiClient';
import { isNotFound } from '../../../kubeclient/apiError';

/** The kind of an owner, as its owner references name it. */
export interface OwnerKind {
  apiVersion: string;
  kind: string;
}

/** metav1.NewControllerRef: the owner reference a controller puts on what it creates or adopts. */
export function controllerRef(owner: KubeObject, kind: OwnerKind): OwnerReference {
  return {
    apiVersion: kind.apiVersion,
    kind: kind.kind,
    name: owner.metadata.name ?? '',
    uid: owner.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export interface ClaimOptions {
  client: ApiClient;
  owner: KubeObject;
  ownerRef: OwnerReference;
  /** whether the owner's selector matches obj */
  matches(obj: KubeObject): boolean;
  /** the URL path of a claimed object */
  path(obj: KubeObject): string;
  /**
   * Checked once before the first adoption: the owner read fresh from the API server still has the same
   * uid and is not being deleted (a cached owner may already be gone).
   */
  canAdopt(): Promise<boolean>;
}

/** The owner references set to refs; none left removes the field, as Kubernetes' release leaves it. */
export function ownerPatch(obj: KubeObject, refs: OwnerReference[]): unknown[] {
  return [
    { op: 'test', path: '/metadata/uid', value: obj.metadata.uid },
    { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
    refs.length
      ? { op: 'add', path: '/metadata/ownerReferences', value: refs }
      : { op: 'remove', path: '/metadata/ownerReferences' },
  ];
}

/** The objects owner controls after adopting matching orphans and releasing non-matching ones. */
export async function claimObjects<T extends KubeObject>(objs: readonly T[], opts: ClaimOptions): Promise<T[]> {
  const claimed: T[] = [];
  const ownerUid = opts.owner.metadata.uid;
  const ownerDeleting = !!opts.owner.metadata.deletionTimestamp;
  let adoptable: Promise<boolean> | undefined;
  for (const obj of objs) {
    const ref = controllerOf(obj);
    const matches = opts.matches(obj);
    if (ref) {
      if (ref.uid !== ownerUid) continue;
      if (matches) {
        claimed.push(obj);
        continue;
      }
      // a controller being deleted keeps what it has; otherwise it lets go
      if (ownerDeleting) continue;
      const refs = (obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
      try {
        await opts.client.patch(opts.path(obj), ownerPatch(obj, refs), 'json');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      continue;
    }
    if (!matches || ownerDeleting || obj.metadata.deletionTimestamp) continue;
    adoptable ??= opts.canAdopt();
    if (!(await adoptable)) continue;
    try {
      const adopted = await opts.client.patch(
        opts.path(obj),
        ownerPatch(obj, [...(obj.metadata.ownerReferences ?? []), opts.ownerRef]),
        'json',
      );
      claimed.push(adopted as T);
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return claimed;
}

/** canAdopt for claimObjects: reads the owner fresh and checks its uid and deletion. */
export function recheckOwner(client: ApiClient, ownerPath: string, uid: string | undefined): () => Promise<boolean> {
  return async () => {
    try {
      const fresh = await client.get(ownerPath);
      return fresh?.metadata?.uid === uid && !fresh.metadata.deletionTimestamp;
    } catch (e) {
      if (isNotFound(e)) return false;
      throw e;
    }
  };
}
