// What admission knows of a request (kube-apiserver's admission.Attributes), for webhooks and policies alike: the
// operation, the resource, the objects and who asks. ObjectStorage fills it at the stored version; webhooks and
// policies may match it at another (matchPolicy Equivalent).
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import type { UserInfo } from '../access/userInfo';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  /** the resource as stored: the version ObjectStorage writes */
  info: ResourceInfo;
  /** the version the client asked for, when another than `info` (served by conversion) */
  requestedAs?: ResourceInfo;
  /** '' for the resource itself, else the subresource written ('status', 'scale') */
  subresource: string;
  /**
   * The kind of the objects when a subresource shows them as another (autoscaling/v1 Scale for `scale`): they
   * are then given as they are, at every version of the resource.
   */
  subresourceKind?: GroupVersionKind;
  namespace: string | undefined;
  name: string;
  /** the new object (CREATE, UPDATE), changed in place by mutating webhooks */
  object?: KubeObject;
  /** the stored object (UPDATE, DELETE) */
  oldObject?: KubeObject;
  /** who asks; undefined for the server's own writes, which policies judge and webhooks never see */
  user?: UserInfo;
  dryRun: boolean;
  /** CreateOptions, UpdateOptions or DeleteOptions, as the AdmissionReview carries them */
  options: Record<string, unknown>;
}
