// Typed objects as a controller reads them from its informers. kubernetes-types declares every field
// optional, metadata included; an object the API server stored always has metadata and a name, so controllers
// work with Stored<T>: the kubernetes-types shape with those required (and our ObjectMeta's extra keys allowed).
import type {
  DaemonSet as DaemonSetObject,
  DaemonSetSpec,
  Deployment as DeploymentObject,
  ReplicaSet as ReplicaSetObject,
  StatefulSet as StatefulSetObject,
  StatefulSetSpec,
} from 'kubernetes-types/apps/v1';
import type { Job as JobObject, JobSpec } from 'kubernetes-types/batch/v1';
import type { Node as NodeObject, Pod as PodObject, Service as ServiceObject } from 'kubernetes-types/core/v1';
import type { KubeObject, ObjectMeta } from '../../../kube/objects';

export type Stored<T> = KubeObject & T & { metadata: ObjectMeta & { name: string } };

/** As read back from the API server (an informer's cache, a write's response): the uid is set too. */
export type Live<T> = Stored<T> & { metadata: { uid: string } };

/** The kinds the workload controllers read and write. */
export type Pod = Stored<PodObject>;
export type LivePod = Live<PodObject>;
export type ReplicaSet = Stored<ReplicaSetObject>;
export type Deployment = Stored<DeploymentObject>;
// a stored DaemonSet or StatefulSet always has a spec (validation requires selector and template)
export type DaemonSet = Stored<DaemonSetObject> & { spec: DaemonSetSpec };
export type StatefulSet = Stored<StatefulSetObject> & { spec: StatefulSetSpec };
export type Node = Stored<NodeObject>;
export type Service = Stored<ServiceObject>;
// a stored Job always has a spec (validation requires the template)
export type Job = Live<JobObject> & { spec: JobSpec };
