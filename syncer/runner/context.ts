// What the parts of one Application's reconciler share: the runner's dependencies and its current state.
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { Application, ApplicationStatus } from '../../kube/application';
import { ObjectClient } from '../../kubeclient/objectClient';
import { LiveState } from '../liveState';
import { Backoff } from '../retryBackoff';
import type { Revisions } from './revisions';

export interface RunnerDeps {
  client: ObjectClient;
  /** where remote repositories are cloned */
  stateDir: string;
  log: (app: string, line: string) => void;
  fetchIntervalMs?: number;
  waveTimeoutMs?: number;
  /** how long rendering a kustomization may take; default 60 s */
  renderTimeoutMs?: number;
  /** back-off between retries of a failed sync; default 5 s doubling up to 3 min */
  retryBackoff?: Backoff;
  /** the cluster's CRDs, kept current by a watch the controller shares among apps */
  crds?: () => CustomResourceDefinition[];
  /** set when pods run as containers on this machine: what they run on; remote sources may not make pods */
  refuseRemotePods?: string;
}

/** One Application's reconciler as its parts see it. */
export interface RunnerContext {
  readonly deps: RunnerDeps;
  /** the Application as it is now */
  readonly app: Application;
  /** where namespaced manifests that name no namespace go */
  readonly destination: string;
  readonly live: LiveState;
  readonly revisions: Revisions;
  /** aborted when the runner stops: a sync waiting on a wave gives up at once */
  readonly stopping: AbortSignal;
  log(line: string): void;
  writeStatus(st: ApplicationStatus): Promise<void>;
}
