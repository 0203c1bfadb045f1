// How one object of each kind reads in the Cluster view: label, description (kubectl's columns in a few words),
// tooltip and a codicon coloured by state. Pure functions of the object, so a change re-renders one element.
import type { DaemonSet, Deployment, StatefulSet } from 'kubernetes-types/apps/v1';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type {
  ConfigMap,
  Event,
  Namespace,
  Node,
  PersistentVolumeClaim,
  Pod,
  Secret,
  Service,
} from 'kubernetes-types/core/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';
import type { NodeIcon } from './treeNode';

export interface Presented {
  description: string;
  tooltip: string;
  icon: NodeIcon;
}

const GREEN = 'charts.green';
const YELLOW = 'charts.yellow';
const RED = 'charts.red';
const GREY = 'disabledForeground';

/** Reasons a container waits or ended with that mean it is broken, not just starting. */
const BROKEN = /BackOff|Err|Invalid|Failed|Error|OOMKilled/;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** kubectl's STATUS column of a pod: a container's waiting or terminated reason wins over the phase. */
export function podStatus(pod: Pod): string {
  if (pod.metadata?.deletionTimestamp) return 'Terminating';
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const reason = s.state?.waiting?.reason ?? (s.state?.terminated?.exitCode ? s.state.terminated.reason : undefined);
    if (reason && reason !== 'PodInitializing') return reason;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Pending';
}

export function podReady(pod: Pod): { ready: number; total: number; restarts: number } {
  const statuses = pod.status?.containerStatuses ?? [];
  return {
    ready: statuses.filter((s) => s.ready).length,
    total: pod.spec?.containers?.length ?? statuses.length,
    restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0),
  };
}

export function presentPod(pod: Pod): Presented {
  const status = podStatus(pod);
  const { ready, total, restarts } = podReady(pod);
  const icon: NodeIcon =
    status === 'Terminating'
      ? { id: 'circle-slash', color: GREY }
      : BROKEN.test(status) || status === 'Failed'
        ? { id: 'error', color: RED }
        : status === 'Succeeded' || status === 'Completed'
          ? { id: 'check', color: GREEN }
          : status === 'Running' && ready === total
            ? { id: 'pass', color: GREEN }
            : { id: 'clock', color: YELLOW };
  const lines = [
    `pod/${pod.metadata?.name}: ${status}, ${ready}/${total} ready, ${plural(restarts, 'restart')}`,
    pod.spec?.nodeName ? `node ${pod.spec.nodeName}${pod.status?.podIP ? `, IP ${pod.status.podIP}` : ''}` : '',
    ...(pod.status?.containerStatuses ?? []).map(
      (s) => `${s.name} (${s.image}): ${Object.keys(s.state ?? {})[0] ?? 'unknown'}${s.ready ? ', ready' : ''}`,
    ),
  ];
  return {
    description: `${status} · ${ready}/${total} · ${plural(restarts, 'restart')}`,
    tooltip: lines.filter(Boolean).join('\n'),
    icon,
  };
}

function replicaIcon(icon: string, ready: number, desired: number, failed = false): NodeIcon {
  if (failed) return { id: icon, color: RED };
  return { id: icon, color: ready >= desired ? GREEN : YELLOW };
}

export function presentDeployment(d: Deployment): Presented {
  const desired = d.spec?.replicas ?? 1;
  const ready = d.status?.readyReplicas ?? 0;
  const updated = d.status?.updatedReplicas ?? 0;
  const stalled = d.status?.conditions?.some((c) => c.type === 'Progressing' && c.status === 'False');
  const rolling = updated < desired || (d.status?.replicas ?? 0) > desired;
  const revision = d.metadata?.annotations?.['deployment.kubernetes.io/revision'];
  const state = stalled ? 'progress deadline exceeded' : d.spec?.paused ? 'paused' : rolling ? 'rolling out' : '';
  return {
    description: [`${ready}/${desired} ready`, state].filter(Boolean).join(' · '),
    tooltip: [
      `deployment/${d.metadata?.name}: ${ready}/${desired} ready, ${updated} up to date`,
      revision ? `revision ${revision}` : '',
      ...(d.spec?.template?.spec?.containers ?? []).map((c) => `${c.name}: ${c.image}`),
    ]
      .filter(Boolean)
      .join('\n'),
    icon: replicaIcon('layers', ready, desired, stalled),
  };
}

export function presentStatefulSet(s: StatefulSet): Presented {
  const desired = s.spec?.replicas ?? 1;
  const ready = s.status?.readyReplicas ?? 0;
  return {
    description: `${ready}/${desired} ready`,
    tooltip: `statefulset/${s.metadata?.name}: ${ready}/${desired} ready, ${s.status?.updatedReplicas ?? 0} updated`,
    icon: replicaIcon('database', ready, desired),
  };
}

export function presentDaemonSet(d: DaemonSet): Presented {
  const desired = d.status?.desiredNumberScheduled ?? 0;
  const ready = d.status?.numberReady ?? 0;
  return {
    description: `${ready}/${desired} ready`,
    tooltip: `daemonset/${d.metadata?.name}: ${ready} of ${desired} scheduled pods ready`,
    icon: replicaIcon('server-environment', ready, desired),
  };
}

export function presentJob(j: Job): Presented {
  const completions = j.spec?.completions ?? 1;
  const succeeded = j.status?.succeeded ?? 0;
  const failed = j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  const complete = j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
  const state = failed ? `Failed: ${failed.reason ?? ''}` : complete ? 'Complete' : `${j.status?.active ?? 0} active`;
  return {
    description: `${succeeded}/${completions} · ${state}`,
    tooltip: `job/${j.metadata?.name}: ${succeeded} of ${completions} completions, ${state}${failed?.message ? `\n${failed.message}` : ''}`,
    icon: failed ? { id: 'run-all', color: RED } : { id: 'run-all', color: complete ? GREEN : YELLOW },
  };
}

export function presentCronJob(c: CronJob): Presented {
  const active = c.status?.active?.length ?? 0;
  const last = c.status?.lastScheduleTime;
  return {
    description: [c.spec?.schedule, c.spec?.suspend ? 'suspended' : '', active ? `${active} active` : '']
      .filter(Boolean)
      .join(' · '),
    tooltip: `cronjob/${c.metadata?.name}: "${c.spec?.schedule}"${c.spec?.timeZone ? ` (${c.spec.timeZone})` : ''}${last ? `\nlast scheduled ${last}` : ''}`,
    icon: { id: 'watch', color: c.spec?.suspend ? GREY : undefined },
  };
}

export function presentService(s: Service): Presented {
  const ports = (s.spec?.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  return {
    description: [s.spec?.type ?? 'ClusterIP', s.spec?.clusterIP, ports].filter(Boolean).join(' · '),
    tooltip: `service/${s.metadata?.name}: ${s.spec?.type ?? 'ClusterIP'} ${s.spec?.clusterIP ?? ''}\nports ${ports || 'none'}`,
    icon: { id: 'plug' },
  };
}

export function presentIngress(i: Ingress): Presented {
  const hosts = (i.spec?.rules ?? []).map((r) => r.host ?? '*').join(', ');
  return {
    description: hosts || '*',
    tooltip: `ingress/${i.metadata?.name}: ${hosts || 'any host'}${i.spec?.ingressClassName ? `\nclass ${i.spec.ingressClassName}` : ''}`,
    icon: { id: 'globe' },
  };
}

export function presentConfigMap(c: ConfigMap): Presented {
  const keys = [...Object.keys(c.data ?? {}), ...Object.keys(c.binaryData ?? {})];
  return {
    description: plural(keys.length, 'key'),
    tooltip: `configmap/${c.metadata?.name}: ${keys.join(', ') || 'no keys'}`,
    icon: { id: 'symbol-property' },
  };
}

/** A Secret's type and key names; its values are never read into the view. */
export function presentSecret(s: Secret): Presented {
  const keys = Object.keys(s.data ?? {});
  return {
    description: `${s.type ?? 'Opaque'} · ${plural(keys.length, 'key')}`,
    tooltip: `secret/${s.metadata?.name}: ${s.type ?? 'Opaque'}\nkeys ${keys.join(', ') || 'none'} (values hidden)`,
    icon: { id: 'lock' },
  };
}

export function presentClaim(c: PersistentVolumeClaim): Presented {
  const phase = c.status?.phase ?? 'Pending';
  const size = c.status?.capacity?.storage ?? c.spec?.resources?.requests?.storage ?? '';
  return {
    description: [phase, size, c.spec?.storageClassName].filter(Boolean).join(' · '),
    tooltip: `persistentvolumeclaim/${c.metadata?.name}: ${phase}${c.spec?.volumeName ? ` to ${c.spec.volumeName}` : ''}`,
    icon: { id: 'archive', color: phase === 'Bound' ? GREEN : phase === 'Lost' ? RED : YELLOW },
  };
}

export function presentNamespace(ns: Namespace, pinned: boolean): Presented {
  const phase = ns.status?.phase ?? 'Active';
  return {
    description: [pinned ? 'pinned' : '', phase === 'Active' ? '' : phase].filter(Boolean).join(' · '),
    tooltip: `namespace/${ns.metadata?.name}: ${phase}${pinned ? ' (pinned to the top)' : ''}`,
    icon: { id: pinned ? 'pinned' : 'symbol-namespace', color: phase === 'Active' ? undefined : GREY },
  };
}

export function presentNode(n: Node): Presented {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  const isReady = ready?.status === 'True';
  const zone = n.metadata?.labels?.['topology.kubernetes.io/zone'];
  const version = n.status?.nodeInfo?.kubeletVersion;
  const unschedulable = n.spec?.unschedulable ? 'SchedulingDisabled' : '';
  return {
    description: [isReady ? 'Ready' : 'NotReady', unschedulable, zone, version].filter(Boolean).join(' · '),
    tooltip: [
      `node/${n.metadata?.name}: ${isReady ? 'Ready' : `NotReady${ready?.message ? `: ${ready.message}` : ''}`}`,
      `allocatable: ${n.status?.allocatable?.cpu ?? '?'} CPU, ${n.status?.allocatable?.memory ?? '?'}, ${n.status?.allocatable?.pods ?? '?'} pods`,
    ].join('\n'),
    icon: { id: isReady ? 'vm-running' : 'vm-outline', color: isReady ? GREEN : RED },
  };
}

export function eventTime(e: Event): string {
  return e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? '';
}

export function presentEvent(e: Event): Presented & { label: string } {
  const what = `${e.involvedObject?.kind?.toLowerCase()}/${e.involvedObject?.name}`;
  const warning = e.type === 'Warning';
  const count = (e.count ?? 1) > 1 ? ` (x${e.count})` : '';
  return {
    label: `${e.reason ?? 'Event'}: ${what}`,
    description: `${e.message ?? ''}${count}`,
    tooltip: `${e.type ?? 'Normal'} ${e.reason ?? ''} on ${what}${e.involvedObject?.namespace ? ` in ${e.involvedObject.namespace}` : ''}${count}\n${e.message ?? ''}\nlast seen ${eventTime(e)}`,
    icon: warning ? { id: 'warning', color: 'problemsWarningIcon.foreground' } : { id: 'info' },
  };
}

/** The presentation of an object of one of the namespaced kinds, by its resource name. */
export function presentObject(plural: string, obj: object): Presented {
  switch (plural) {
    case 'deployments':
      return presentDeployment(obj as Deployment);
    case 'statefulsets':
      return presentStatefulSet(obj as StatefulSet);
    case 'daemonsets':
      return presentDaemonSet(obj as DaemonSet);
    case 'jobs':
      return presentJob(obj as Job);
    case 'cronjobs':
      return presentCronJob(obj as CronJob);
    case 'services':
      return presentService(obj as Service);
    case 'ingresses':
      return presentIngress(obj as Ingress);
    case 'configmaps':
      return presentConfigMap(obj as ConfigMap);
    case 'secrets':
      return presentSecret(obj as Secret);
    case 'persistentvolumeclaims':
      return presentClaim(obj as PersistentVolumeClaim);
    default:
      return presentPod(obj as Pod);
  }
}
