// Creating, deleting and fixing up a StatefulSet's pods and their claims (Kubernetes' stateful_pod_control.go),
// each write reported as an event worded as Kubernetes words it.
import type { KubeObject } from '../../../kube/objects';
import { ApiClient, resourcePath } from '../../../kubeclient/apiClient';
import { Informer } from '../../../kubeclient/informer';
import { EventRecorder } from '../events';
import { errorText, isAlreadyExists } from '../kit/apiErrors';
import { isNotFound } from '../../../kubeclient/apiError';
import type { Pod, StatefulSet } from '../kit/objects';
import { claimOwnersUpdate } from './claimRetention';
import { POD_INDEX_LABEL, POD_NAME_LABEL, claimsFor, identityMatches, ordinalOf } from './identity';

export class StatefulPodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly pods: Informer,
    private readonly claims: Informer,
  ) {}

  private podPath(namespace: string, name?: string): string {
    return resourcePath(this.pods.info, namespace, name);
  }

  private claimPath(namespace: string, name?: string): string {
    return resourcePath(this.claims.info, namespace, name);
  }

  /** A claim of this pod that is being deleted must be gone before the pod can be created again. */
  claimIsStale(set: StatefulSet, pod: Pod): boolean {
    const ordinal = ordinalOf(pod);
    return claimsFor(set, ordinal).some(
      (c) => !!this.claims.get(c.metadata.namespace, c.metadata.name)?.metadata?.deletionTimestamp,
    );
  }

  /** Creates the pod's missing claims; throws when one cannot be created or is being deleted. */
  async createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod))) {
      const existing = this.claims.get(claim.metadata.namespace, claim.metadata.name);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.client.create(this.claimPath(claim.metadata.namespace!), claim);
        this.recorder.record(
          set,
          'Normal',
          'SuccessfulCreate',
          `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`,
        );
      } catch (e) {
        if (isAlreadyExists(e)) continue; // the cache had not caught up
        errors.push(`failed to create PVC ${claim.metadata.name}: ${errorText(e)}`);
        this.recorder.record(
          set,
          'Warning',
          'FailedCreate',
          `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} ` +
            `failed error: ${errorText(e)}`,
        );
      }
    }
    if (errors.length) throw new Error(errors.join(', '));
  }

  /** Creates the claims, then the pod; false when the pod already existed (the cache lags). */
  async createPod(set: StatefulSet, pod: Pod): Promise<boolean> {
    try {
      await this.createClaims(set, pod);
    } catch (e) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let created: Pod;
    try {
      created = await this.client.create(this.podPath(set.metadata.namespace!), pod);
    } catch (e) {
      if (isAlreadyExists(e)) return false;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    this.recordPodEvent('create', set, pod);
    await this.fixClaimOwners(set, created);
    return true;
  }

  async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.client.delete(this.podPath(set.metadata.namespace!, pod.metadata.name), {
        preconditions: { uid: pod.metadata.uid },
      });
    } catch (e) {
      if (isNotFound(e)) return;
      this.recordPodEvent('delete', set, pod, e);
      throw e;
    }
    this.recordPodEvent('delete', set, pod);
  }

  /** Restores the identity labels of a member pod (its name, hostname and volumes are immutable). */
  async updatePodIdentity(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createClaims(set, pod);
    if (identityMatches(set, pod)) return;
    const labels = { [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinalOf(pod)) };
    try {
      await this.client.patch(
        this.podPath(set.metadata.namespace!, pod.metadata.name),
        { metadata: { labels } },
        'merge',
      );
    } catch (e) {
      if (isNotFound(e)) return;
      this.recordPodEvent('update', set, pod, e);
      throw e;
    }
    this.recordPodEvent('update', set, pod);
  }

  /** Sets the owner references of the pod's claims as the retention policy asks. */
  async fixClaimOwners(set: StatefulSet, pod: Pod): Promise<void> {
    for (const want of claimsFor(set, ordinalOf(pod))) {
      const claim = this.claims.get(want.metadata.namespace, want.metadata.name) as KubeObject | undefined;
      if (!claim) continue;
      const refs = claimOwnersUpdate(claim, set, pod);
      if (!refs) continue;
      const patch = [
        { op: 'test', path: '/metadata/resourceVersion', value: claim.metadata.resourceVersion },
        { op: 'add', path: '/metadata/ownerReferences', value: refs },
      ];
      try {
        await this.client.patch(this.claimPath(want.metadata.namespace!, want.metadata.name), patch, 'json');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** Events as the StatefulSet controller words them: "create Pod web-0 in StatefulSet web successful". */
  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    const title = verb[0].toUpperCase() + verb.slice(1);
    const what = `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name}`;
    if (err === undefined) this.recorder.record(set, 'Normal', `Successful${title}`, `${what} successful`);
    else this.recorder.record(set, 'Warning', `Failed${title}`, `${what} failed error: ${errorText(err)}`);
  }
}
