// Containers from a remote repository are not run on the developer's machine unless they allow it: with the
// embedded cluster on a container engine, an Application whose source is a URL would otherwise run whatever that
// repository's next commit says. Its pod-making manifests are refused, each named, and nothing of it is applied.
import type { ManifestErrorStatus } from '../kube/application';
import type { DesiredResource } from './desiredState';

const POD_MAKERS = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
]);

/** A built-in workload, or any object with a pod template (custom workloads such as Argo Rollouts). */
function makesPods(r: DesiredResource): boolean {
  if (POD_MAKERS.has(r.ref.kind)) return true;
  const spec = (r.object as { spec?: { template?: { spec?: { containers?: unknown } } } }).spec;
  return Array.isArray(spec?.template?.spec?.containers);
}

/** One problem per manifest that would run containers; `runtime` says what they would run on. */
export function remotePodProblems(resources: DesiredResource[], runtime: string): ManifestErrorStatus[] {
  return resources.filter(makesPods).map((r) => ({
    file: r.manifest.file,
    line: r.manifest.line,
    message:
      `${r.ref.kind} ${r.ref.name}: this Application's source is a remote repository, and its pods would run as ` +
      `real containers on this machine (${runtime}); allow it with \`slipway up --allow-remote-containers\`, or ` +
      'run the cluster with --runtime simulated',
  }));
}
