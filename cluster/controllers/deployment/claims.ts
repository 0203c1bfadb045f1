// Controller references (controller.ControllerRefManager): an owner adopts orphans its selector
// matches and releases what it controls but no longer matches. Adoption first re-reads the owner
// from the API server, so an owner that is going away, or was replaced by a namesake, adopts nothing.
import { ApiClient } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { controllerUid } from './ownerIndex';

export interface ClaimTarget {
  client: ApiClient;
  owner: any;
  ownerKind: { apiVersion: string; kind: string };
  /** the owner's URL, for the fresh read before adopting */
  ownerPath: string;
  /** the URL of a candidate, for the patches */
  pathOf(obj: any): string;
  matches(obj: any): boolean;
}

/**
 * Returns the candidates the owner controls after adopting and releasing. Candidates are the objects
 * it controls and the orphans of its namespace.
 */
export async function claim(t: ClaimTarget, candidates: readonly any[]): Promise<any[]> {
  const uid = t.owner.metadata.uid;
  const ownerDeleting = !!t.owner.metadata.deletionTimestamp;
  let canAdopt: Promise<void> | undefined;
  const errors: unknown[] = [];
  const claimed: any[] = [];
  await Promise.all(
    candidates.map(async (obj) => {
      const ctrl = controllerUid(obj);
      const match = t.matches(obj);
      try {
        if (ctrl === uid) {
          if (match) claimed.push(obj);
          else if (!ownerDeleting) await release(t, obj);
          return;
        }
        if (ctrl !== undefined || ownerDeleting || !match || obj.metadata.deletionTimestamp) return;
        canAdopt ??= recheckOwner(t);
        await canAdopt;
        const adopted = await adopt(t, obj);
        if (adopted) claimed.push(adopted);
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return;
        errors.push(e);
      }
    }),
  );
  if (errors.length) throw errors[0];
  return claimed;
}

async function recheckOwner(t: ClaimTarget): Promise<void> {
  const fresh = await t.client.get(t.ownerPath);
  if (fresh.metadata.uid !== t.owner.metadata.uid) throw new Error(`original ${t.ownerKind.kind} ${t.owner.metadata.namespace}/${t.owner.metadata.name} is gone: got uid ${fresh.metadata.uid}, wanted ${t.owner.metadata.uid}`);
  if (fresh.metadata.deletionTimestamp) throw new Error(`${t.ownerKind.kind} ${t.owner.metadata.namespace}/${t.owner.metadata.name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
}

async function adopt(t: ClaimTarget, obj: any): Promise<any> {
  const refs = [...(obj.metadata.ownerReferences ?? []), {
    apiVersion: t.ownerKind.apiVersion, kind: t.ownerKind.kind, name: t.owner.metadata.name, uid: t.owner.metadata.uid, controller: true, blockOwnerDeletion: true,
  }];
  // pinned to the version we looked at, so a concurrent change (another adopter) wins
  return t.client.patch(t.pathOf(obj), { metadata: { ownerReferences: refs, resourceVersion: obj.metadata.resourceVersion } }, 'merge');
}

async function release(t: ClaimTarget, obj: any): Promise<void> {
  const refs = (obj.metadata.ownerReferences ?? []).filter((r: any) => r.uid !== t.owner.metadata.uid);
  await t.client.patch(t.pathOf(obj), { metadata: { ownerReferences: refs.length ? refs : null, resourceVersion: obj.metadata.resourceVersion } }, 'merge');
}
