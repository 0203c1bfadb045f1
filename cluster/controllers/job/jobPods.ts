// The pods each Job controls, by Job uid, kept from the pods informer's events so a pass never scans every pod.
import type { LivePod as Pod } from '../kit/objects';

/** The Job a pod's controller reference names, if its controller is a Job. */
export function jobRefOf(pod: Pod): { name: string; uid: string } | undefined {
  const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
  return ref && ref.kind === 'Job' && String(ref.apiVersion ?? '').startsWith('batch/') ? ref : undefined;
}

export function podKey(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

export class PodsByJob {
  private readonly byJob = new Map<string, Map<string, Pod>>();

  /** A pod added or changed (old: as it was), moving to its new Job's entry if its controller changed. */
  upsert(pod: Pod, old?: Pod): void {
    const oldRef = old && jobRefOf(old);
    const ref = jobRefOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) this.byJob.get(oldRef.uid)?.delete(podKey(old));
    if (!ref) return;
    let m = this.byJob.get(ref.uid);
    if (!m) this.byJob.set(ref.uid, (m = new Map()));
    m.set(podKey(pod), pod);
  }

  remove(pod: Pod, jobUid: string): void {
    const m = this.byJob.get(jobUid);
    m?.delete(podKey(pod));
    if (m && !m.size) this.byJob.delete(jobUid);
  }

  of(jobUid: string): Pod[] {
    return [...(this.byJob.get(jobUid)?.values() ?? [])];
  }
}
