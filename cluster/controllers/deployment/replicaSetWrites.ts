// The Deployment controller's writes to its ReplicaSets (Kubernetes' deployment sync.go): the new ReplicaSet
// found (its annotations and revision brought up to date) or created as <deployment>-<pod-template-hash>,
// ReplicaSets scaled with their desired/max annotations and a ScalingReplicaSet event, and old ones cleaned up.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { copyJson } from '../../../kube/copyJson';
import { ApiClient, ResourceLocation, resourcePath } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { Clock } from '../../clock';
import { errorText, isNamespaceTerminating } from '../kit/apiErrors';
import type { Deployment, ReplicaSet } from '../kit/objects';
import { controllerUid } from '../kit/ownerIndex';
import { PROGRESSING, Reasons, getCondition, newDeploymentCondition, setCondition } from './conditions';
import { SpamFilteredRecorder } from './eventFilter';
import {
  maxRevision,
  replicaSetsToCleanUp,
  REVISION_ANNOTATION,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
} from './history';
import { ScaleResult } from './ops';
import { POD_TEMPLATE_HASH_LABEL, computeHash, equalIgnoreHash } from './podTemplateHash';
import { hasProgressDeadline } from './progress';
import {
  byCreation,
  maxSurge,
  newRSNewReplicas,
  replicasAnnotationsNeedUpdate,
  setReplicasAnnotations,
  specReplicas,
} from './replicas';

export const DEPLOYMENT_KIND = { apiVersion: 'apps/v1', kind: 'Deployment' } as const;
const RS_KIND = { apiVersion: 'apps/v1', kind: 'ReplicaSet' } as const;

/** How the writes reach the Deployment's status: now, or with the status the same sync writes later. */
export interface DeploymentStatusWriter {
  update(d: Deployment): Promise<void>;
  markUnwritten(d: Deployment): void;
}

export class ReplicaSetWrites {
  constructor(
    private readonly client: ApiClient,
    private readonly rss: ResourceLocation,
    private readonly recorder: SpamFilteredRecorder,
    private readonly clock: Clock,
    private readonly status: DeploymentStatusWriter,
  ) {}

  /** getAllReplicaSetsAndSyncRevision */
  async newAndOld(
    d: Deployment,
    rsList: readonly ReplicaSet[],
    create: boolean,
  ): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
    const sorted = [...rsList].sort(byCreation);
    const existing = sorted.find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
    const oldRSs = sorted.filter((rs) => rs !== existing);
    const newRS = await this.newReplicaSet(d, existing, oldRSs, create);
    return { newRS, oldRSs };
  }

  /**
   * getNewReplicaSet: brings an existing new ReplicaSet's annotations and revision up to date (a
   * rollback raises an old revision to max+1), or creates it when asked.
   */
  private async newReplicaSet(
    d: Deployment,
    existing: ReplicaSet | undefined,
    oldRSs: ReplicaSet[],
    create: boolean,
  ): Promise<ReplicaSet | undefined> {
    const newRevision = maxRevision(oldRSs) + 1;
    const now = this.clock.now();
    if (existing) {
      const rs = copyJson(existing);
      const annotationsUpdated = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = d.spec?.minReadySeconds ?? 0;
      const spec = rs.spec!;
      if (annotationsUpdated || (spec.minReadySeconds ?? 0) !== minReady) {
        spec.minReadySeconds = minReady;
        return this.client.update(resourcePath(this.rss, rs.metadata.namespace, rs.metadata.name), {
          ...RS_KIND,
          ...rs,
        });
      }
      let needsUpdate = setDeploymentRevision(d, rs.metadata.annotations?.[REVISION_ANNOTATION] ?? '');
      d.status ??= {};
      if (hasProgressDeadline(d) && !getCondition(d.status, PROGRESSING)) {
        setCondition(
          d.status,
          newDeploymentCondition(
            PROGRESSING,
            'True',
            Reasons.FoundNewReplicaSet,
            `Found new replica set "${rs.metadata.name}"`,
            now,
          ),
        );
        needsUpdate = true;
      }
      if (needsUpdate) await this.status.update(d);
      return rs;
    }
    if (!create) return undefined;

    const collisionCount = d.status?.collisionCount;
    const dspec = d.spec!;
    const hash = computeHash(dspec.template, collisionCount);
    const template = copyJson(dspec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const selector: LabelSelector = copyJson(dspec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
    const rs: ReplicaSet = {
      ...RS_KIND,
      metadata: {
        // deterministic, so a retried create finds its earlier attempt
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: { ...template.metadata.labels },
        ownerReferences: [
          {
            ...DEPLOYMENT_KIND,
            name: d.metadata.name,
            uid: d.metadata.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      spec: { replicas: 0, minReadySeconds: dspec.minReadySeconds ?? 0, selector, template },
    };
    rs.spec!.replicas = newRSNewReplicas(d, [...oldRSs, rs], rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: ReplicaSet;
    let alreadyExisted = false;
    try {
      created = await this.client.create(resourcePath(this.rss, rs.metadata.namespace), rs);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409 && e.body?.reason === 'AlreadyExists') {
        alreadyExisted = true;
        const found = await this.client.get(resourcePath(this.rss, rs.metadata.namespace, rs.metadata.name));
        if (controllerUid(found) === d.metadata.uid && equalIgnoreHash(dspec.template, found.spec?.template)) {
          created = found;
        } else {
          // a different template hashed to the same name: vary the hash and try again
          d.status ??= {};
          d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
          await this.status.update(d);
          throw e;
        }
      } else if (e instanceof KubeApiError && isNamespaceTerminating(e)) {
        throw e;
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${errorText(e)}`;
        if (hasProgressDeadline(d)) {
          d.status ??= {};
          setCondition(
            d.status,
            newDeploymentCondition(PROGRESSING, 'False', Reasons.FailedReplicaSetCreate, msg, now),
          );
          await this.status.update(d).catch(() => undefined);
        }
        this.recorder.record(d, 'Warning', Reasons.FailedReplicaSetCreate, msg);
        throw e;
      }
    }
    if (!alreadyExisted && specReplicas(rs) > 0) {
      this.recorder.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata.name} from 0 to ${specReplicas(rs)}`,
      );
    }
    let needsUpdate = setDeploymentRevision(d, String(newRevision));
    if (!alreadyExisted && hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(
        d.status,
        newDeploymentCondition(
          PROGRESSING,
          'True',
          Reasons.NewReplicaSet,
          `Created new replica set "${created.metadata.name}"`,
          now,
        ),
      );
      needsUpdate = true;
    }
    if (needsUpdate) this.status.markUnwritten(d);
    return created;
  }

  async scaleAndRecord(rs: ReplicaSet, replicas: number, d: Deployment): Promise<ScaleResult> {
    if (specReplicas(rs) === replicas) return { scaled: false, rs };
    return this.scale(rs, replicas, d);
  }

  /** scaleReplicaSet: the new size and the desired/max annotations, with a ScalingReplicaSet event. */
  async scale(rs: ReplicaSet, replicas: number, d: Deployment): Promise<ScaleResult> {
    const sizeChanged = specReplicas(rs) !== replicas;
    const max = specReplicas(d) + maxSurge(d);
    if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, specReplicas(d), max)) return { scaled: false, rs };
    const before = specReplicas(rs);
    const next = copyJson(rs);
    next.spec!.replicas = replicas;
    setReplicasAnnotations(next, specReplicas(d), max);
    const written = await this.client.update(resourcePath(this.rss, rs.metadata.namespace, rs.metadata.name), {
      ...RS_KIND,
      ...next,
    });
    if (sizeChanged) {
      const op = before < replicas ? 'up' : 'down';
      this.recorder.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled ${op} replica set ${rs.metadata.name} from ${before} to ${replicas}`,
      );
    }
    return { scaled: sizeChanged, rs: written };
  }

  /** cleanupDeployment: deletes old, fully scaled-down ReplicaSets beyond revisionHistoryLimit. */
  async cleanup(oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void> {
    for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
      try {
        await this.client.delete(resourcePath(this.rss, rs.metadata.namespace, rs.metadata.name), {
          preconditions: { uid: rs.metadata.uid },
        });
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      }
    }
  }
}
