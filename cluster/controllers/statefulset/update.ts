// One step of a StatefulSet toward its spec (stateful_set_control.go's updateStatefulSet): missing ordinals
// created and condemned ones (beyond replicas) deleted, in ordinal order waiting for each pod (OrderedReady)
// or all at once in growing batches (Parallel); then the rolling update, from the highest ordinal down to
// the partition, one pod at a time. OnDelete leaves replacement to the user.
import { EventRecorder } from '../events';
import type { Pod, StatefulSet } from '../kit/objects';
import { ControllerRevision, applyRevision } from '../history/revisions';
import {
  identityMatches,
  inOrdinalRange,
  newVersionedPod,
  ordinalOf,
  podRevision,
  replicaCount,
  startOrdinal,
  storageMatches,
} from './identity';
import { StatefulPodControl } from './podControl';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating, isUnavailable, phase } from './podState';
import { ReplicaStatus, replicaStatus } from './status';

export interface UpdateContext {
  control: StatefulPodControl;
  recorder: EventRecorder;
  /** the cluster clock (status is counted at the time it is returned) */
  now(): number;
}

/** One step toward the desired state; returns the status to record. */
export async function updateStatefulSet(
  ctx: UpdateContext,
  set: StatefulSet,
  current: ControllerRevision,
  update: ControllerRevision,
  collisionCount: number,
  pods: Pod[],
): Promise<ReplicaStatus> {
  const currentSet = applyRevision(set, current);
  const updateSet = applyRevision(set, update);
  const minReady = set.spec.minReadySeconds ?? 0;
  const now = ctx.now();
  const start = startOrdinal(set);
  const count = replicaCount(set);

  const replicas: Pod[] = new Array(count);
  const condemned: Pod[] = [];
  for (const p of pods) {
    const o = ordinalOf(p);
    if (inOrdinalRange(p, set)) replicas[o - start] = p;
    else if (o >= 0) condemned.push(p);
  }
  for (let i = 0; i < count; i++) {
    replicas[i] ??= newVersionedPod(
      set,
      currentSet,
      updateSet,
      current.metadata.name!,
      update.metadata.name!,
      start + i,
    );
  }
  condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));
  const statusNow = () => replicaStatus(set, current, update, collisionCount, [...replicas, ...condemned], ctx.now());

  let firstUnavailable: Pod | undefined;
  for (const p of replicas) if (!firstUnavailable && isUnavailable(p, minReady, now)) firstUnavailable = p;
  for (let i = condemned.length - 1; i >= 0; i--)
    if (!firstUnavailable && isUnavailable(condemned[i], minReady, now)) firstUnavailable = condemned[i];

  if (set.metadata.deletionTimestamp) return statusNow();
  const monotonic = set.spec.podManagementPolicy !== 'Parallel';

  const replicaStep = (i: number) => processReplica(ctx, set, updateSet, monotonic, replicas, i, now);
  if (await runForAll(replicas.length, replicaStep, monotonic)) return statusNow();
  const ownersStep = (i: number) => ctx.control.fixClaimOwners(updateSet, condemned[i]).then(() => false);
  if (await runForAll(condemned.length, ownersStep, monotonic)) return statusNow();
  const condemnedStep = (i: number) => processCondemned(ctx, set, firstUnavailable, monotonic, condemned[i], now);
  if (await runForAll(condemned.length, condemnedStep, monotonic)) return statusNow();

  const status = statusNow();
  const strategy = set.spec.updateStrategy ?? {};
  if (strategy.type === 'OnDelete') return status;

  // roll from the highest ordinal down to the partition, one pod at a time, waiting for each
  const updateMin = strategy.rollingUpdate?.partition ?? 0;
  for (let target = replicas.length - 1; target >= updateMin; target--) {
    const pod = replicas[target];
    if (podRevision(pod) !== update.metadata.name && !isTerminating(pod)) {
      await ctx.control.deletePod(set, pod);
      status.currentReplicas--;
      return status;
    }
    if (isUnavailable(pod, minReady, now)) return status;
  }
  return status;
}

/**
 * Runs fn over n items: in order, stopping at the first that says to stop (OrderedReady), or all at
 * once in growing batches (Parallel). True when the sync should end here.
 */
async function runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
  if (monotonic) {
    for (let i = 0; i < n; i++) if (await fn(i)) return true;
    return false;
  }
  let next = 0;
  for (let batch = 1; next < n; batch = Math.min(batch * 2, 500)) {
    const results = await Promise.allSettled(Array.from({ length: Math.min(batch, n - next) }, (_, k) => fn(next + k)));
    next += results.length;
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    if (failed) throw failed.reason;
  }
  return false;
}

/** Brings one in-range ordinal along; true means wait (OrderedReady) or stop this sync. */
async function processReplica(
  ctx: UpdateContext,
  set: StatefulSet,
  updateSet: StatefulSet,
  monotonic: boolean,
  replicas: Pod[],
  i: number,
  now: number,
): Promise<boolean> {
  const pod = replicas[i];
  // a pod that ended (evicted, node lost, or simply exited) is replaced by a fresh one of the same name
  if (phase(pod) === 'Failed' || phase(pod) === 'Succeeded') {
    if (!isTerminating(pod)) {
      const failed = phase(pod) === 'Failed';
      ctx.recorder.record(
        set,
        'Warning',
        failed ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
        `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ` +
          `${failed ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`,
      );
      await ctx.control.deletePod(set, pod);
    }
    return true;
  }
  if (!isCreated(pod)) {
    if (ctx.control.claimIsStale(set, pod)) return true;
    await ctx.control.createPod(set, pod);
    // OrderedReady waits for this pod to be Running and Ready before the next
    return monotonic;
  }
  if (phase(pod) === 'Pending') await ctx.control.createClaims(set, pod);
  if (isTerminating(pod) && monotonic) return true;
  if (!isRunningAndReady(pod) && monotonic) return true;
  if (!isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0, now) && monotonic) return true;

  if (!identityMatches(set, pod) || !storageMatches(set, pod)) await ctx.control.updatePodIdentity(updateSet, pod);
  await ctx.control.fixClaimOwners(updateSet, pod);
  return false;
}

/** Deletes one pod beyond replicas; OrderedReady waits for the pods before it unless this is the first unavailable. */
async function processCondemned(
  ctx: UpdateContext,
  set: StatefulSet,
  firstUnavailable: Pod | undefined,
  monotonic: boolean,
  pod: Pod,
  now: number,
): Promise<boolean> {
  if (isTerminating(pod)) return monotonic;
  if (!isRunningAndReady(pod) && monotonic && pod !== firstUnavailable) return true;
  if (!isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0, now) && monotonic && pod !== firstUnavailable)
    return true;
  await ctx.control.deletePod(set, pod);
  return true;
}
