// Pod rows: READY counts, the STATUS reason kubectl users know (Init:0/1, CrashLoopBackOff,
// Terminating, Completed, ...) and RESTARTS with the time of the last restart.

import type { Container, ContainerStateTerminated, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1';
import { AGE_COLUMN, Cell, column, NAME_COLUMN, printer, TableRowCondition } from './types';
import { int, parseTime, since } from './format';

const columns = [
  NAME_COLUMN,
  column('Ready', 'string', 'Ready containers out of all containers in the pod.'),
  column('Status', 'string', "Summary of the pod phase and its containers' states."),
  column('Restarts', 'string', 'Container restarts, with the time since the most recent one.'),
  AGE_COLUMN,
  column('IP', 'string', "The pod's primary IP address.", 1),
  column('Node', 'string', 'The node the pod is bound to.', 1),
  column('Nominated Node', 'string', 'The node the scheduler nominated for this pod while it preempts others.', 1),
  column('Readiness Gates', 'string', 'Readiness gates that are true out of all declared.', 1),
];

/** A list field as stored; the printers read whatever was stored without failing on odd shapes. */
function listOf<T>(v: T[] | undefined): (T | undefined)[] {
  return Array.isArray(v) ? v : [];
}

function conditionTrue(pod: Pod, type: string): boolean {
  const conds = listOf(pod.status?.conditions);
  return conds.some((c) => c?.type === type && c?.status === 'True');
}

/** Sidecars: init containers with restartPolicy Always keep running and count towards READY. */
function isSidecar(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function terminatedReason(t: ContainerStateTerminated, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  if (t.signal) return `${prefix}Signal:${t.signal}`;
  return `${prefix}ExitCode:${int(t.exitCode)}`;
}

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  lastRestart?: Date;
}

function later(a: Date | undefined, ts: unknown): Date | undefined {
  const t = parseTime(ts);
  return t && (!a || t > a) ? t : a;
}

/** The READY/STATUS/RESTARTS summary, following the rules kubectl's pod printer applies. */
export function summarizePod(pod: Pod): Summary {
  const spec = pod.spec ?? { containers: [] };
  const status = pod.status ?? {};
  const initSpecs = listOf(spec.initContainers);
  const sidecars = new Set(initSpecs.filter(isSidecar).map((c) => c?.name));
  const total = (Array.isArray(spec.containers) ? spec.containers.length : 0) + sidecars.size;
  let ready = 0;
  let restarts = 0;
  let lastRestart: Date | undefined;
  let sidecarRestarts = 0;
  let lastSidecarRestart: Date | undefined;

  let reason: string = status.reason || status.phase || '';
  if (listOf(status.conditions).some((c) => c?.type === 'PodScheduled' && c?.reason === 'SchedulingGated'))
    reason = 'SchedulingGated';

  let initializing = false;
  const initStatuses = listOf(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const c: Partial<ContainerStatus> = initStatuses[i] ?? {};
    const state = c.state ?? {};
    restarts += int(c.restartCount);
    lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
    const sidecar = sidecars.has(c.name);
    if (sidecar) {
      sidecarRestarts += int(c.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, c.lastState?.terminated?.finishedAt);
    }
    if (state.terminated && int(state.terminated.exitCode) === 0) continue;
    if (sidecar && c.started === true) {
      if (c.ready) ready++;
      continue;
    }
    // The first init container that has not finished decides the status.
    if (state.terminated) reason = terminatedReason(state.terminated, 'Init:');
    else if (state.waiting?.reason && state.waiting.reason !== 'PodInitializing')
      reason = 'Init:' + state.waiting.reason;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(pod, 'Initialized')) {
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = listOf(status.containerStatuses);
    // Walk backwards so the first container's state wins, as kubectl shows it.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c: Partial<ContainerStatus> = statuses[i] ?? {};
      const state = c.state ?? {};
      restarts += int(c.restartCount);
      lastRestart = later(lastRestart, c.lastState?.terminated?.finishedAt);
      if (state.waiting?.reason) reason = state.waiting.reason;
      else if (state.terminated) reason = terminatedReason(state.terminated, '');
      else if (c.ready && state.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = conditionTrue(pod, 'Ready') ? 'Running' : 'NotReady';
  }

  const terminal = status.phase === 'Succeeded' || status.phase === 'Failed';
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && !terminal) reason = 'Terminating';

  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: Pod): string {
  const gates = listOf(pod.spec?.readinessGates);
  if (gates.length === 0) return '<none>';
  const conds: (PodCondition | undefined)[] = listOf(pod.status?.conditions);
  const trueCount = gates.filter((g) => conds.find((c) => c?.type === g?.conditionType)?.status === 'True').length;
  return `${trueCount}/${gates.length}`;
}

function podCells(pod: Pod, now: Date): Cell[] {
  const s = summarizePod(pod);
  const restarts =
    s.restarts !== 0 && s.lastRestart
      ? `${s.restarts} (${since(s.lastRestart.toISOString(), now)} ago)`
      : String(s.restarts);
  const ip = pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>';
  return [
    pod.metadata?.name ?? '',
    `${s.ready}/${s.total}`,
    s.reason,
    restarts,
    since(pod.metadata?.creationTimestamp, now),
    ip,
    pod.spec?.nodeName || '<none>',
    pod.status?.nominatedNodeName || '<none>',
    readinessGates(pod),
  ];
}

function podConditions(pod: Pod): TableRowCondition[] | undefined {
  // Lets clients tell finished pods apart without reading the object.
  if (pod.status?.phase === 'Succeeded')
    return [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Succeeded',
        message: 'All containers in the pod exited successfully.',
      },
    ];
  if (pod.status?.phase === 'Failed')
    return [
      {
        type: 'Completed',
        status: 'True',
        reason: 'Failed',
        message: 'The pod finished and at least one container failed.',
      },
    ];
  return undefined;
}

export const podPrinter = printer<Pod>({ columns, cells: podCells, conditions: podConditions });
