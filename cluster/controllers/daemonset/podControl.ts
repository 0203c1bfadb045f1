// Creating, deleting and (without a scheduler) binding a DaemonSet's pods (Kubernetes' syncNodes), with the
// expectations that keep the controller from acting on a pod cache behind its own writes.
import { ApiClient, resourcePath } from '../../../kubeclient/apiClient';
import { Informer } from '../../../kubeclient/informer';
import { EventRecorder } from '../events';
import { errorText } from '../kit/apiErrors';
import { isNotFound } from '../../../kubeclient/apiError';
import { Expectations } from '../kit/expectations';
import type { DaemonSet, Pod } from '../kit/objects';
import { newDaemonPod } from './daemonPods';
import { targetNode } from './placement';

/**
 * A daemon pod no scheduler has looked at for this long (no PodScheduled condition) is bound to its node
 * directly, so DaemonSets still work when the cluster runs without a scheduler.
 */
const BIND_FALLBACK_MS = 30_000;

export class DaemonPodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly pods: Informer,
    readonly expectations: Expectations,
    /** syncs the DaemonSet again after ms */
    private readonly requeueAfter: (key: string, ms: number) => void,
  ) {}

  private podPath(namespace: string, name?: string, sub?: string): string {
    return resourcePath(this.pods.info, namespace, name, sub);
  }

  /**
   * Expectations met by what the pod cache shows now: a created pod is in it, a deleted one is gone or
   * terminating. Until then the controller does not act on a stale view.
   */
  expectationsMet(key: string, namespace: string): boolean {
    const expectations = this.expectations;
    for (const name of expectations.pendingCreations(key))
      if (this.pods.get(namespace, name)) expectations.creationObserved(key, name);
    const deletes = expectations.pendingDeletions(key);
    if (deletes.size) {
      const live = new Map<string, Pod>();
      for (const p of this.pods.list() as Pod[])
        if (p.metadata.namespace === namespace && p.metadata.uid && deletes.has(p.metadata.uid))
          live.set(p.metadata.uid, p);
      for (const uid of deletes) {
        const p = live.get(uid);
        if (!p || p.metadata.deletionTimestamp) expectations.deletionObserved(key, uid);
      }
    }
    return expectations.satisfied(key);
  }

  /** Creates on the nodes in growing batches (1, 2, 4, ...), stopping at the first batch with a failure; deletes. */
  async syncNodes(key: string, ds: DaemonSet, remove: Pod[], create: string[], hash: string): Promise<void> {
    const ns = ds.metadata.namespace!;
    const errors: unknown[] = [];
    for (let next = 0, batch = 1; next < create.length && errors.length === 0; batch = Math.min(batch * 2, 250)) {
      const chunk = create.slice(next, next + batch);
      next += chunk.length;
      await Promise.all(
        chunk.map(async (nodeName) => {
          try {
            const pod = await this.client.create(this.podPath(ns), newDaemonPod(ds, nodeName, hash));
            this.expectations.expectCreation(key, pod.metadata.name);
            this.recorder.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            errors.push(e);
            this.recorder.record(ds, 'Warning', 'FailedCreate', `Error creating: ${errorText(e)}`);
          }
        }),
      );
    }
    if (create.length) this.requeueAfter(key, BIND_FALLBACK_MS + 100);
    await Promise.all(
      remove.map(async (p) => {
        try {
          await this.client.delete(this.podPath(ns, p.metadata.name), { preconditions: { uid: p.metadata.uid } });
          this.expectations.expectDeletion(key, p.metadata.uid!);
          this.recorder.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (isNotFound(e)) return;
          errors.push(e);
          this.recorder.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorText(e)}`);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  /**
   * Binds daemon pods nobody has scheduled: the scheduler normally places them (their node affinity
   * allows only one node), but without one running they would stay Pending forever.
   */
  async bindStranded(key: string, pods: Pod[], now: number): Promise<void> {
    let wait = Infinity;
    for (const p of pods) {
      if (p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
      if ((p.status?.conditions ?? []).some((c) => c.type === 'PodScheduled')) continue;
      const node = targetNode(p);
      if (!node) continue;
      const age = now - (Date.parse(p.metadata.creationTimestamp ?? '') || now);
      if (age < BIND_FALLBACK_MS) {
        wait = Math.min(wait, BIND_FALLBACK_MS - age);
        continue;
      }
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      };
      try {
        await this.client.create(this.podPath(p.metadata.namespace!, p.metadata.name, 'binding'), binding);
      } catch {
        // bound meanwhile, or gone: the next sync sees it
      }
    }
    if (wait !== Infinity) this.requeueAfter(key, wait + 100);
  }
}
