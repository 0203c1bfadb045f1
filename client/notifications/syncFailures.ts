// Which Application failures deserve a notification, free of `vscode`: a failed operation (a sync, a rollback)
// or an app left Degraded. Each failure is announced once: the same app, revision and kind of failure is not
// announced again, however often the syncer retries it or the status is rewritten.
import type { Application, ResourceStatus } from '../../kube/application';
import type { ClusterConnection } from '../connection/clusterConnection';
import { NAMESPACED_KINDS, objectRef } from '../cluster/clusterKinds';
import type { ObjectRef } from '../cluster/treeNode';

export interface AppRef {
  namespace: string;
  name: string;
}

export interface SyncFailureNotice {
  /** app, revision and kind of failure: what makes two failures the same */
  key: string;
  app: AppRef;
  severity: 'error' | 'warning';
  message: string;
  /** the workload whose logs tell why, when the app names one that is not healthy */
  workload?: ObjectRef;
}

const LOG_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Pod'];
/** How operations read in a message: the syncer calls a sync of a new commit "commit". */
const OPERATION_NAMES: Record<string, string> = {
  commit: 'sync',
  autoRollback: 'automatic rollback',
  selfHeal: 'self-heal',
};
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : 'an unknown revision');

/** The app's first workload that is Degraded, else the first one that is not Healthy. */
export function unhealthyWorkload(app: Application): ObjectRef | undefined {
  const workloads = (app.status?.resources ?? []).filter((r) => LOG_KINDS.includes(r.kind));
  const pick: ResourceStatus | undefined =
    workloads.find((r) => r.health?.status === 'Degraded') ??
    workloads.find((r) => r.health && r.health.status !== 'Healthy');
  const kind = pick && NAMESPACED_KINDS.find((k) => k.kind === pick.kind);
  if (!pick || !kind) return undefined;
  const namespace = pick.namespace ?? app.spec.destination?.namespace ?? app.metadata.namespace ?? 'default';
  return objectRef(kind, namespace, pick.name);
}

/** The failure an Application's status shows now, if any. */
export function failureOf(app: Application): SyncFailureNotice | undefined {
  const st = app.status;
  const ref: AppRef = { namespace: app.metadata.namespace ?? 'default', name: app.metadata.name };
  const id = `${ref.namespace}/${ref.name}`;
  const op = st?.operationState;
  if (op?.phase === 'Failed') {
    // an operation that names no revision (a rollback to an entry that is not there) is the same failure however
    // often it is asked for
    const revision = op.revision;
    const what = `${OPERATION_NAMES[op.operation] ?? op.operation}${revision ? ` of ${short(revision)}` : ''}`;
    return {
      key: `${id}@${revision ?? ''}:${op.operation} failed`,
      app: ref,
      severity: 'error',
      message: `${ref.name}: ${what} failed: ${op.message ?? 'no reason given'}`,
      workload: unhealthyWorkload(app),
    };
  }
  if (st?.health?.status === 'Degraded' && op?.phase !== 'Running') {
    const revision = st.sync?.revision;
    const workload = unhealthyWorkload(app);
    const why = st.health.message ?? (workload ? `${workload.kind.toLowerCase()}/${workload.name} is not healthy` : '');
    return {
      key: `${id}@${revision ?? ''}:Degraded`,
      app: ref,
      severity: 'warning',
      message: `${ref.name} is Degraded at ${short(revision)}${why ? `: ${why}` : ''}`,
      workload,
    };
  }
  return undefined;
}

/** Follows the Applications of connections and calls announce once per distinct failure. */
export class SyncFailureWatcher {
  private readonly announced = new Set<string>();
  private connection: ClusterConnection | undefined;

  constructor(private readonly announce: (notice: SyncFailureNotice) => void) {}

  /** Follows this connection's Applications (failures already announced stay announced). */
  follow(connection: ClusterConnection | undefined): void {
    this.connection = connection;
    if (!connection) return;
    const inf = connection.applications();
    const seen = (a: Application) => {
      if (this.connection === connection) this.check(a);
    };
    inf.on({ add: seen, update: seen });
    for (const a of inf.list()) seen(a);
  }

  private check(app: Application): void {
    const notice = failureOf(app);
    if (!notice || this.announced.has(notice.key)) return;
    this.announced.add(notice.key);
    this.announce(notice);
  }
}
