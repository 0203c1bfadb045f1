// Reads and writes the ControllerRevisions of one workload kind through the API server: list (with
// adoption and release by selector), create (stepping around name collisions), renumber and delete.
import { Selector, matchesLabels } from '../../../kube/labelSelector';
import { KubeObject, deepEqual } from '../../../kube/objects';
import { ApiClient } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { Informer } from '../../../kubeclient/informer';
import { OwnerKind, claimObjects, controllerRef, recheckOwner } from '../kit/claims';
import { ControllerRevision, REVISION_HASH_LABEL, revisionName } from './revisions';
import { revisionHash } from './hash';

function revisionsPath(namespace: string, name?: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/controllerrevisions${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
}

export class ControllerHistory {
  constructor(
    private readonly client: ApiClient,
    private readonly revisions: Informer,
    private readonly kind: OwnerKind,
    /** the URL path of an owner, for the fresh read before adoption */
    private readonly ownerPath: (namespace: string, name: string) => string,
  ) {}

  /** The revisions owner controls, after adopting orphans its selector matches and releasing the rest. */
  async list(owner: KubeObject, selector: Selector): Promise<ControllerRevision[]> {
    const ns = owner.metadata.namespace ?? '';
    const candidates = this.revisions.list().filter((r: ControllerRevision) => r.metadata.namespace === ns);
    return claimObjects<ControllerRevision>(candidates, {
      client: this.client,
      owner,
      ownerRef: controllerRef(owner, this.kind),
      matches: (r) => matchesLabels(selector, r.metadata.labels),
      path: (r) => revisionsPath(ns, r.metadata.name),
      canAdopt: recheckOwner(this.client, this.ownerPath(ns, owner.metadata.name ?? ''), owner.metadata.uid),
    });
  }

  /**
   * Creates rev. When its name is taken by a revision with other data, collision.count goes up and the
   * name is hashed again; an existing revision with the same data is returned as it is.
   */
  async create(owner: KubeObject, rev: ControllerRevision, collision: { count: number }): Promise<ControllerRevision> {
    const ns = owner.metadata.namespace ?? '';
    for (let attempt = 0; attempt < 100; attempt++) {
      const hash = revisionHash(rev.data, collision.count);
      const body = {
        ...rev,
        metadata: {
          ...rev.metadata,
          name: revisionName(owner.metadata.name ?? '', hash),
          labels: { ...rev.metadata.labels, [REVISION_HASH_LABEL]: hash },
        },
      };
      try {
        return await this.client.create(revisionsPath(ns), body);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409)) throw e;
        const existing: ControllerRevision = await this.client.get(revisionsPath(ns, body.metadata.name));
        if (deepEqual(existing.data, rev.data)) return existing;
        collision.count++;
      }
    }
    throw new Error(`could not find a free ControllerRevision name for ${owner.metadata.name}`);
  }

  /**
   * Creates rev under the name it has. Returns the revision already there when it holds the same data,
   * or undefined when the name is taken by other data (the caller bumps its collision count).
   */
  async createOrGet(rev: ControllerRevision): Promise<ControllerRevision | undefined> {
    const ns = rev.metadata.namespace ?? '';
    try {
      return await this.client.create(revisionsPath(ns), rev);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
      const existing: ControllerRevision = await this.client.get(revisionsPath(ns, rev.metadata.name));
      return deepEqual(existing.data, rev.data) ? existing : undefined;
    }
  }

  /** Gives an existing revision a new number (a rollback makes an old revision the newest). */
  async renumber(rev: ControllerRevision, revision: number): Promise<ControllerRevision> {
    if (rev.revision === revision) return rev;
    return this.client.patch(revisionsPath(rev.metadata.namespace ?? '', rev.metadata.name), { revision }, 'merge');
  }

  async delete(rev: ControllerRevision): Promise<void> {
    try {
      await this.client.delete(revisionsPath(rev.metadata.namespace ?? '', rev.metadata.name), {
        preconditions: { uid: rev.metadata.uid },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }

  /** Writes any change to a revision (labels, for example). */
  async update(rev: ControllerRevision): Promise<ControllerRevision> {
    return this.client.update(revisionsPath(rev.metadata.namespace ?? '', rev.metadata.name), rev);
  }
}
