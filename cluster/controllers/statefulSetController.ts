// The StatefulSet controller: pods with stable ordinal names (<set>-0 .. <set>-N-1), a hostname and
// subdomain each, and their own PersistentVolumeClaims from volumeClaimTemplates. OrderedReady creates
// one pod at a time in ordinal order and waits for each to be Running and Ready (scale down goes in
// reverse); Parallel does not wait. Updates roll from the highest ordinal down to the partition, one pod
// at a time; OnDelete leaves replacement to the user. Revisions of the pod template are
// ControllerRevisions; the status names the current and update revisions.
import { Selector, fromLabelSelector, matchesLabels } from '../../kube/labelSelector';
import { KubeObject, OwnerReference, deepClone } from '../../kube/objects';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { isPodAvailable, isPodReady } from './kit/podReadiness';
import { ownedObjectHandlers, setsToSync } from './owningSets';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import { ControllerHistory } from './history/controllerHistory';
import {
  ControllerRevision,
  REVISION_HASH_LABEL,
  applyRevision,
  equalRevision,
  findEqualRevisions,
  newRevision,
  nextRevision,
  revisionsToTruncate,
  sortRevisions,
  templatePatch,
} from './history/revisions';

const KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

import type {
  StatefulSet as StatefulSetObject,
  StatefulSetSpec,
  StatefulSetStatus as StatefulSetStatusObject,
} from 'kubernetes-types/apps/v1';
import type { PersistentVolumeClaim, Pod as PodObject, PodSpec, Volume } from 'kubernetes-types/core/v1';
import type { Stored } from './kit/objects';

type Pod = Stored<PodObject>;
// a stored StatefulSet always has a spec (validation requires selector and template)
type StatefulSet = Stored<StatefulSetObject> & { spec: StatefulSetSpec };

// ---------------------------------------------------------------------------------------------
// Pod identity, storage and state

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The set a pod's name says it belongs to and its ordinal (-1 when the name has none). */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(name);
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 0x7fffffff
    ? { parent: m[1], ordinal }
    : { parent: m[1], ordinal: -1 };
}

function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata.name ?? '').ordinal;
}

function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

function replicaCount(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

function inOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o < startOrdinal(set) + replicaCount(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map<string, Volume>((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every(
    (t) =>
      volumes.get(t.metadata?.name ?? '')?.persistentVolumeClaim?.claimName ===
      claimName(set, t.metadata?.name ?? '', ordinal),
  );
}

/** The claims a member pod uses, built from the set's templates. */
function claimsFor(set: StatefulSet, ordinal: number): Stored<PersistentVolumeClaim>[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => {
    const meta = t.metadata ?? {};
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, meta.name ?? '', ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
        ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      },
      spec: deepClone(t.spec ?? {}),
    };
  });
}

/** A member pod of set at ordinal, from set's template, not yet created. */
function newPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const template = set.spec.template ?? {};
  const tmeta = template.metadata ?? {};
  const name = podName(set, ordinal);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: {
        ...(tmeta.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [REVISION_HASH_LABEL]: revision,
      },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
      ownerReferences: [controllerRef(set, KIND)],
    },
    spec: deepClone(template.spec ?? ({} as PodSpec)),
  };
  const spec = pod.spec!;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  // the claims' volumes replace any template volume of the same name
  const claims = (set.spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
  spec.volumes = [
    ...claims.map((c: string) => ({ name: c, persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } })),
    ...(spec.volumes ?? []).filter((v) => !claims.includes(v.name)),
  ];
  if (spec.volumes.length === 0) delete spec.volumes;
  return pod;
}

/** The pod a missing ordinal gets: below the partition it stays at the current revision. */
function newVersionedPod(
  set: StatefulSet,
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  current: string,
  update: string,
  ordinal: number,
): Pod {
  const strategy = set.spec.updateStrategy ?? {};
  if (strategy.type === 'RollingUpdate') {
    const partition = strategy.rollingUpdate
      ? (strategy.rollingUpdate.partition ?? 0)
      : (set.status?.currentReplicas ?? 0);
    if (ordinal < startOrdinal(set) + partition) return newPod(currentSet, ordinal, current);
  }
  return newPod(updateSet, ordinal, update);
}

const phase = (p: Pod): string | undefined => p.status?.phase;
const isCreated = (p: Pod) => !!phase(p);
const isTerminating = (p: Pod) => !!p.metadata.deletionTimestamp;

/** Running and Ready (StatefulSet's isRunningAndReady). */
function isRunningAndReady(p: Pod): boolean {
  return phase(p) === 'Running' && isPodReady(p);
}

/** Running and available by podutil.IsPodAvailable, the rule every controller shares. */
function isRunningAndAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  return phase(p) === 'Running' && isPodAvailable(p, minReadySeconds, now);
}

function isUnavailable(p: Pod, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(p, minReadySeconds, now) || isTerminating(p);
}

function podRevision(p: Pod): string | undefined {
  return p.metadata.labels?.[REVISION_HASH_LABEL];
}

// ---------------------------------------------------------------------------------------------
// Claim ownership under persistentVolumeClaimRetentionPolicy

function retention(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted ?? 'Retain', whenScaled: p.whenScaled ?? 'Retain' };
}

/**
 * The owner references a claim should have: the set when whenDeleted is Delete (so deleting the set
 * deletes it), its pod once the pod is scaled away when whenScaled is Delete (so the claim goes with it).
 */
function wantedClaimOwners(set: StatefulSet, pod: Pod): { set: boolean; pod: boolean } {
  const policy = retention(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const podRef = policy.whenScaled === 'Delete' && scaledDown;
  const setRef = policy.whenDeleted === 'Delete' && !podRef;
  return { set: setRef, pod: podRef };
}

function hasOwner(obj: KubeObject, uid: string | undefined): boolean {
  return !!uid && !!obj.metadata.ownerReferences?.some((r) => r.uid === uid);
}

/** The claim's owner references per the policy, or undefined when they are already right. */
function claimOwnersUpdate(claim: KubeObject, set: StatefulSet, pod: Pod): OwnerReference[] | undefined {
  const want = wantedClaimOwners(set, pod);
  const setUid = set.metadata.uid;
  const podUid = pod.metadata.uid;
  const haveSet = hasOwner(claim, setUid);
  const havePod = hasOwner(claim, podUid);
  if (haveSet === want.set && (havePod === want.pod || !podUid)) return undefined;
  let refs = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== setUid && r.uid !== podUid);
  if (want.set)
    refs = [...refs, { apiVersion: KIND.apiVersion, kind: KIND.kind, name: set.metadata.name!, uid: setUid! }];
  if (want.pod && podUid) refs = [...refs, { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name!, uid: podUid }];
  return refs;
}

// ---------------------------------------------------------------------------------------------

function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404;
}

function isAlreadyExists(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 409;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private ctx!: ControllerContext;
  private recorder!: EventRecorder;
  private sets!: Informer;
  private pods!: Informer;
  private claims!: Informer;
  private revisionInformer!: Informer;
  private history!: ControllerHistory;
  private readonly queue = new WorkQueue((key) => this.sync(key));

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.get('apps', 'statefulsets');
    this.pods = ctx.informers.pods();
    this.claims = ctx.informers.get('', 'persistentvolumeclaims');
    this.revisionInformer = ctx.informers.get('apps', 'controllerrevisions');
    this.history = new ControllerHistory(ctx.client, this.revisionInformer, KIND, (ns, name) => this.setPath(ns, name));

    const enqueueSet = (s: StatefulSet) => this.enqueue(s.metadata.namespace, s.metadata.name);
    this.sets.on({ add: enqueueSet, update: enqueueSet, delete: enqueueSet });
    this.pods.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    this.revisionInformer.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    // a claim going away while its pod waits may need creating again
    this.claims.on({ delete: (c) => this.enqueueClaimOwner(c) });

    await Promise.all([
      this.sets.waitForSync(),
      this.pods.waitForSync(),
      this.claims.waitForSync(),
      this.revisionInformer.waitForSync(),
    ]);
    for (const s of this.sets.list()) enqueueSet(s);
  }

  stop(): void {
    this.queue.stop();
  }

  private setPath(namespace: string, name?: string, sub?: string): string {
    let p = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/statefulsets`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (sub) p += `/${sub}`;
    return p;
  }

  private podPath(namespace: string, name?: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private claimPath(namespace: string, name?: string): string {
    return `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims${name !== undefined ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private enqueue(namespace: string | undefined, name: string | undefined): void {
    if (namespace && name) this.queue.add(`${namespace}/${name}`);
  }

  /** A pod or revision changed: its controlling set syncs, or, for an orphan, every set that could adopt it. */
  private enqueueFor(obj: KubeObject): void {
    for (const s of setsToSync(obj, KIND.kind, this.sets.list())) this.enqueue(s.namespace, s.name);
  }

  private enqueueClaimOwner(claim: KubeObject): void {
    const { parent } = parentAndOrdinal(claim.metadata.name ?? '');
    for (const s of this.sets.list() as StatefulSet[]) {
      if (s.metadata.namespace === claim.metadata.namespace && parent.endsWith(`-${s.metadata.name}`))
        this.enqueue(s.metadata.namespace, s.metadata.name);
    }
  }

  // -------------------------------------------------------------------------------------------

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.sets.get(namespace, name) as StatefulSet | undefined;
    if (!cached) return;
    const set = deepClone(cached);
    let selector: Selector;
    try {
      selector = fromLabelSelector(set.spec.selector);
    } catch (e) {
      this.recorder.record(set, 'Warning', 'InvalidSelector', `invalid selector: ${errorText(e)}`);
      return;
    }
    const pods = await this.claimPods(set, selector);
    const revisions = sortRevisions(await this.history.list(set, selector));
    const { current, update, collisionCount } = await this.revisions(set, revisions);
    let status: StatefulSetStatus | undefined;
    let failure: unknown;
    try {
      status = await this.updateStatefulSet(set, current, update, collisionCount, pods);
    } catch (e) {
      failure = e;
    }
    if (status) await this.writeStatus(set, status);
    await this.truncateHistory(set, pods, revisions, current, update);
    if (failure) throw failure;
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status && status.availableReplicas !== replicaCount(set))
      this.queue.addAfter(key, minReady * 1000, this.ctx.clock);
  }

  /** The set's pods: members by name that it controls, after adoption and release by selector. */
  private claimPods(set: StatefulSet, selector: Selector): Promise<Pod[]> {
    const ns = set.metadata.namespace!;
    const members = (this.pods.list() as Pod[]).filter(
      (p) => p.metadata.namespace === ns && parentAndOrdinal(p.metadata.name ?? '').parent === set.metadata.name,
    );
    return claimObjects<Pod>(members, {
      client: this.ctx.client,
      owner: set,
      ownerRef: controllerRef(set, KIND),
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      path: (p) => this.podPath(ns, p.metadata.name),
      canAdopt: recheckOwner(this.ctx.client, this.setPath(ns, set.metadata.name), set.metadata.uid),
    });
  }

  /**
   * The current revision (what status says the pods were at) and the update revision (the template
   * now). A template equal to an older revision makes that revision the newest again (a rollback).
   */
  private async revisions(set: StatefulSet, revisions: ControllerRevision[]) {
    const collision = { count: set.status?.collisionCount ?? 0 };
    const candidate = newRevision(set, KIND, {
      templateLabels: set.spec.template?.metadata?.labels,
      data: templatePatch(set),
      revision: nextRevision(revisions),
      collisionCount: collision.count,
      annotations: set.metadata.annotations,
    });
    const equal = findEqualRevisions(revisions, candidate);
    const last = revisions[revisions.length - 1];
    let update: ControllerRevision;
    if (equal.length > 0 && equalRevision(last, equal[equal.length - 1])) update = last;
    else if (equal.length > 0) update = await this.history.renumber(equal[equal.length - 1], candidate.revision);
    else update = await this.history.create(set, candidate, collision);
    const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount: collision.count };
  }

  private statusOf(
    set: StatefulSet,
    current: ControllerRevision,
    update: ControllerRevision,
    collisionCount: number,
    pods: Pod[],
  ): StatefulSetStatus {
    const minReady = set.spec.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    const s: StatefulSetStatus = {
      observedGeneration: set.metadata.generation,
      replicas: 0,
      readyReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      availableReplicas: 0,
      currentRevision: current.metadata.name!,
      updateRevision: update.metadata.name!,
      collisionCount,
    };
    for (const p of pods) {
      if (isCreated(p)) s.replicas++;
      if (isRunningAndReady(p)) {
        s.readyReplicas++;
        if (isRunningAndAvailable(p, minReady, now)) s.availableReplicas++;
      }
      if (isCreated(p) && !isTerminating(p)) {
        if (podRevision(p) === current.metadata.name) s.currentReplicas++;
        if (podRevision(p) === update.metadata.name) s.updatedReplicas++;
      }
    }
    return s;
  }

  /** One step toward the desired state; returns the status to record. */
  private async updateStatefulSet(
    set: StatefulSet,
    current: ControllerRevision,
    update: ControllerRevision,
    collisionCount: number,
    pods: Pod[],
  ): Promise<StatefulSetStatus> {
    const currentSet = applyRevision(set, current);
    const updateSet = applyRevision(set, update);
    const minReady = set.spec.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
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
    const statusNow = () => this.statusOf(set, current, update, collisionCount, [...replicas, ...condemned]);

    let firstUnavailable: Pod | undefined;
    for (const p of replicas) if (!firstUnavailable && isUnavailable(p, minReady, now)) firstUnavailable = p;
    for (let i = condemned.length - 1; i >= 0; i--)
      if (!firstUnavailable && isUnavailable(condemned[i], minReady, now)) firstUnavailable = condemned[i];

    if (set.metadata.deletionTimestamp) return statusNow();
    const monotonic = set.spec.podManagementPolicy !== 'Parallel';

    if (
      await this.runForAll(
        replicas.length,
        (i) => this.processReplica(set, updateSet, monotonic, replicas, i, now),
        monotonic,
      )
    )
      return statusNow();
    if (
      await this.runForAll(
        condemned.length,
        (i) => this.fixClaimOwners(updateSet, condemned[i]).then(() => false),
        monotonic,
      )
    )
      return statusNow();
    if (
      await this.runForAll(
        condemned.length,
        (i) => this.processCondemned(set, firstUnavailable, monotonic, condemned[i], now),
        monotonic,
      )
    ) {
      return statusNow();
    }

    const status = statusNow();
    const strategy = set.spec.updateStrategy ?? {};
    if (strategy.type === 'OnDelete') return status;

    // roll from the highest ordinal down to the partition, one pod at a time, waiting for each
    const updateMin = strategy.rollingUpdate?.partition ?? 0;
    for (let target = replicas.length - 1; target >= updateMin; target--) {
      const pod = replicas[target];
      if (podRevision(pod) !== update.metadata.name && !isTerminating(pod)) {
        await this.deletePod(set, pod);
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
  private async runForAll(n: number, fn: (i: number) => Promise<boolean>, monotonic: boolean): Promise<boolean> {
    if (monotonic) {
      for (let i = 0; i < n; i++) if (await fn(i)) return true;
      return false;
    }
    let next = 0;
    for (let batch = 1; next < n; batch = Math.min(batch * 2, 500)) {
      const results = await Promise.allSettled(
        Array.from({ length: Math.min(batch, n - next) }, (_, k) => fn(next + k)),
      );
      next += results.length;
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) throw failed.reason;
    }
    return false;
  }

  /** Brings one in-range ordinal along; true means wait (OrderedReady) or stop this sync. */
  private async processReplica(
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
        this.recorder.record(
          set,
          'Warning',
          phase(pod) === 'Failed' ? 'RecreatingFailedPod' : 'RecreatingTerminatedPod',
          `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${phase(pod) === 'Failed' ? 'failed' : 'terminated'} Pod ${pod.metadata.name}`,
        );
        await this.deletePod(set, pod);
      }
      return true;
    }
    if (!isCreated(pod)) {
      if (this.claimIsStale(set, pod)) return true;
      await this.createPod(set, pod);
      // OrderedReady waits for this pod to be Running and Ready before the next
      return monotonic;
    }
    if (phase(pod) === 'Pending') await this.createClaims(set, pod);
    if (isTerminating(pod) && monotonic) return true;
    if (!isRunningAndReady(pod) && monotonic) return true;
    if (!isRunningAndAvailable(pod, set.spec.minReadySeconds ?? 0, now) && monotonic) return true;

    if (!identityMatches(set, pod) || !storageMatches(set, pod)) await this.updatePodIdentity(updateSet, pod);
    await this.fixClaimOwners(updateSet, pod);
    return false;
  }

  private async processCondemned(
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
    await this.deletePod(set, pod);
    return true;
  }

  /** A claim of this pod that is being deleted must be gone before the pod can be created again. */
  private claimIsStale(set: StatefulSet, pod: Pod): boolean {
    const ordinal = ordinalOf(pod);
    return claimsFor(set, ordinal).some(
      (c) => !!this.claims.get(c.metadata.namespace, c.metadata.name)?.metadata?.deletionTimestamp,
    );
  }

  /** Creates the pod's missing claims; throws when one cannot be created or is being deleted. */
  private async createClaims(set: StatefulSet, pod: Pod): Promise<void> {
    const errors: string[] = [];
    for (const claim of claimsFor(set, ordinalOf(pod))) {
      const existing = this.claims.get(claim.metadata.namespace, claim.metadata.name);
      if (existing) {
        if (existing.metadata.deletionTimestamp) errors.push(`pvc ${claim.metadata.name} is being deleted`);
        continue;
      }
      try {
        await this.ctx.client.create(this.claimPath(claim.metadata.namespace!), claim);
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
          `create Claim ${claim.metadata.name} for Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(e)}`,
        );
      }
    }
    if (errors.length) throw new Error(errors.join(', '));
  }

  /** Creates the claims, then the pod; false when the pod already existed (the cache lags). */
  private async createPod(set: StatefulSet, pod: Pod): Promise<boolean> {
    try {
      await this.createClaims(set, pod);
    } catch (e) {
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    let created: Pod;
    try {
      created = await this.ctx.client.create(this.podPath(set.metadata.namespace!), pod);
    } catch (e) {
      if (isAlreadyExists(e)) return false;
      this.recordPodEvent('create', set, pod, e);
      throw e;
    }
    this.recordPodEvent('create', set, pod);
    await this.fixClaimOwners(set, created);
    return true;
  }

  private async deletePod(set: StatefulSet, pod: Pod): Promise<void> {
    try {
      await this.ctx.client.delete(this.podPath(set.metadata.namespace!, pod.metadata.name), {
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
  private async updatePodIdentity(set: StatefulSet, pod: Pod): Promise<void> {
    await this.createClaims(set, pod);
    if (identityMatches(set, pod)) return;
    const labels = { [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ordinalOf(pod)) };
    try {
      await this.ctx.client.patch(
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
  private async fixClaimOwners(set: StatefulSet, pod: Pod): Promise<void> {
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
        await this.ctx.client.patch(this.claimPath(want.metadata.namespace!, want.metadata.name), patch, 'json');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
  }

  /** Events as the StatefulSet controller words them: "create Pod web-0 in StatefulSet web successful". */
  private recordPodEvent(verb: string, set: StatefulSet, pod: Pod, err?: unknown): void {
    const title = verb[0].toUpperCase() + verb.slice(1);
    if (err === undefined) {
      this.recorder.record(
        set,
        'Normal',
        `Successful${title}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`,
      );
    } else {
      this.recorder.record(
        set,
        'Warning',
        `Failed${title}`,
        `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} failed error: ${errorText(err)}`,
      );
    }
  }

  /** Records the status when it differs from what the set shows; a finished rolling update makes the update revision current. */
  private async writeStatus(set: StatefulSet, status: StatefulSetStatus): Promise<void> {
    if (
      set.spec.updateStrategy?.type === 'RollingUpdate' &&
      status.updatedReplicas === status.replicas &&
      status.readyReplicas === status.replicas
    ) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    const old: Partial<StatefulSetStatusObject> = set.status ?? {};
    const same =
      (status.observedGeneration ?? 0) <= (old.observedGeneration ?? 0) &&
      status.replicas === (old.replicas ?? 0) &&
      status.currentReplicas === (old.currentReplicas ?? 0) &&
      status.readyReplicas === (old.readyReplicas ?? 0) &&
      status.updatedReplicas === (old.updatedReplicas ?? 0) &&
      status.availableReplicas === (old.availableReplicas ?? 0) &&
      status.currentRevision === (old.currentRevision ?? '') &&
      status.updateRevision === (old.updateRevision ?? '') &&
      status.collisionCount === (old.collisionCount ?? 0);
    if (same) return;
    // zero counters are omitted as the Go structs omit them; null removes a stale value
    const omitZero = (v: number) => (v ? v : null);
    const patch = {
      status: {
        observedGeneration: status.observedGeneration ?? null,
        replicas: status.replicas,
        readyReplicas: omitZero(status.readyReplicas),
        currentReplicas: omitZero(status.currentReplicas),
        updatedReplicas: omitZero(status.updatedReplicas),
        availableReplicas: status.availableReplicas,
        currentRevision: status.currentRevision || null,
        updateRevision: status.updateRevision || null,
        collisionCount: status.collisionCount,
      },
    };
    try {
      await this.ctx.client.patch(this.setPath(set.metadata.namespace!, set.metadata.name, 'status'), patch, 'merge');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit that no pod and neither status revision uses. */
  private async truncateHistory(
    set: StatefulSet,
    pods: Pod[],
    revisions: ControllerRevision[],
    current: ControllerRevision,
    update: ControllerRevision,
  ) {
    const live = new Set<string>([current.metadata.name!, update.metadata.name!]);
    for (const p of pods) {
      const r = podRevision(p);
      if (r) live.add(r);
    }
    const limit = set.spec.revisionHistoryLimit ?? 10;
    for (const r of revisionsToTruncate(revisions, (r) => live.has(r.metadata.name!), limit))
      await this.history.delete(r);
  }
}
