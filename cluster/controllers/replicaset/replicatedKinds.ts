// The kinds the ReplicaSet controller keeps: ReplicaSets and ReplicationControllers differ only in their
// group and their selector's shape (a LabelSelector, a bare label map), as Kubernetes runs one controller
// for both (pkg/controller/replication wraps the ReplicaSet controller).
import { selectorFromMap, specSelector, type Selector } from '../../../kube/labelSelector';
import type { ReplicationController } from 'kubernetes-types/core/v1';
import type { ReplicaSet } from '../kit/objects';

export interface ReplicatedKind {
  readonly typeMeta: { apiVersion: string; kind: string };
  readonly group: string;
  readonly resource: string;
  /** the controller's name in events and logs */
  readonly controllerName: string;
  selector(obj: ReplicaSet): Selector | undefined;
}

export const REPLICA_SET: ReplicatedKind = {
  typeMeta: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  group: 'apps',
  resource: 'replicasets',
  controllerName: 'replicaset-controller',
  selector: (rs) => specSelector(rs),
};

export const REPLICATION_CONTROLLER: ReplicatedKind = {
  typeMeta: { apiVersion: 'v1', kind: 'ReplicationController' },
  group: '',
  resource: 'replicationcontrollers',
  controllerName: 'replication-controller',
  selector: (rc) => {
    const map = (rc as unknown as ReplicationController).spec?.selector;
    return map && Object.keys(map).length ? selectorFromMap(map) : undefined;
  },
};
