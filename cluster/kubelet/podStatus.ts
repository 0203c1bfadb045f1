// What the kubelet reports about a pod: phase, conditions and container statuses, derived from what the
// pod worker knows of its containers, following the rules of the kubelet's getPhase and the pod
// condition generators.
import type {
  Container,
  ContainerState,
  ContainerStateTerminated,
  ContainerStatus,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1';
import { timestamp } from '../clock';
import { ContainerExit, ImageRef } from '../runtime/types';
import type { Pod } from './kubelet';

/** A condition as the kubelet writes it (lastProbeTime null, as the real kubelet sends it). */
export type ReportedCondition = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime: null };

/** The merge patch of a pod's status: null removes what the kubelet no longer reports. */
export type StatusPatch = {
  [K in Exclude<keyof PodStatus, 'conditions' | ReportedStatusLists>]?: PodStatus[K] | null;
} & {
  conditions: (PodCondition | ReportedCondition)[];
  containerStatuses: ReportedContainerStatus[];
  initContainerStatuses: ReportedContainerStatus[] | null;
  ephemeralContainerStatuses: ReportedContainerStatus[] | null;
};

type ReportedStatusLists = 'containerStatuses' | 'initContainerStatuses' | 'ephemeralContainerStatuses';

export interface Terminated extends ContainerExit {
  containerID?: string;
}

/** One container of a pod as the pod worker tracks it across runs. */
export interface ContainerRun {
  name: string;
  /** ephemeral: added by kubectl debug to the running pod, run once and never restarted */
  kind: 'init' | 'sidecar' | 'regular' | 'ephemeral';
  spec: Container;
  restartCount: number;
  state: 'waiting' | 'running' | 'terminated';
  waiting?: { reason: string; message?: string };
  /** the runtime id of the current (or last) run */
  id?: string;
  image?: ImageRef;
  startedAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  ready: boolean;
  /** running and past its startup probe */
  started: boolean;
  /** was started at least once (a sidecar then counts as initialized) */
  everStarted: boolean;
}

export interface PodState {
  pod: Pod;
  hostIP: string;
  /** the runtime's name, the scheme of container IDs ("podman://…", "simulated://…") */
  runtime: string;
  podIP?: string;
  startTime?: number;
  /** the sandbox exists: PodReadyToStartContainers */
  sandboxReady: boolean;
  init: ContainerRun[];
  regular: ContainerRun[];
  /** they count for nothing in the phase or readiness, as in the kubelet */
  ephemeral: ContainerRun[];
  /** set once the pod can no longer run anything (Succeeded or Failed) */
  terminalPhase?: 'Succeeded' | 'Failed';
  reason?: string;
  message?: string;
  /** lastTransitionTime bookkeeping: type → status and when it took it */
  transitions: Map<string, { status: string; time: string }>;
}

export const OWNED_CONDITIONS = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
  'PodScheduled',
];

function containerID(runtime: string, r: { id?: string } | Terminated | undefined): string | undefined {
  const id = r && ('containerID' in r ? r.containerID : (r as { id?: string }).id);
  return id ? `${runtime}://${id}` : undefined;
}

function terminatedStatus(runtime: string, t: Terminated): ContainerStateTerminated {
  return {
    exitCode: t.exitCode,
    ...(t.signal ? { signal: t.signal } : {}),
    reason: t.reason,
    ...(t.message ? { message: t.message } : {}),
    startedAt: timestamp(t.startedAt),
    finishedAt: timestamp(t.finishedAt),
    ...(t.containerID ? { containerID: `${runtime}://${t.containerID}` } : {}),
  };
}

/** image is unset only while a container with no image in its spec has never been pulled */
type ReportedContainerStatus = Omit<ContainerStatus, 'image'> & { image?: string };

export function containerStatus(runtime: string, c: ContainerRun): ReportedContainerStatus {
  let state: ContainerState;
  if (c.state === 'running') state = { running: { startedAt: timestamp(c.startedAt) } };
  else if (c.state === 'terminated' && c.terminated) state = { terminated: terminatedStatus(runtime, c.terminated) };
  else
    state = {
      waiting: {
        reason: c.waiting?.reason ?? 'ContainerCreating',
        ...(c.waiting?.message ? { message: c.waiting.message } : {}),
      },
    };
  const id =
    c.state === 'running'
      ? containerID(runtime, c)
      : c.state === 'terminated'
        ? containerID(runtime, c.terminated)
        : containerID(runtime, c.lastTerminated);
  return {
    name: c.name,
    state,
    lastState: c.lastTerminated ? { terminated: terminatedStatus(runtime, c.lastTerminated) } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image?.image ?? c.spec.image,
    imageID: c.image?.imageID ?? '',
    ...(id ? { containerID: id } : {}),
    // the kubelet's startup tracking leaves ephemeral containers out
    ...(c.kind === 'ephemeral' ? {} : { started: c.started }),
  };
}

/** An init container is done once it exited 0; a sidecar once it has started. */
export function initDone(c: ContainerRun): boolean {
  if (c.kind === 'sidecar') return c.everStarted;
  return c.state === 'terminated' && c.terminated?.exitCode === 0;
}

function restartsOn(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** The pod phase, as the kubelet's getPhase decides it. */
export function podPhase(s: PodState): string {
  if (s.terminalPhase) return s.terminalPhase;
  const policy = s.pod.spec?.restartPolicy ?? 'Always';
  let pendingInit = false;
  for (const c of s.init) {
    if (c.kind === 'sidecar') {
      if (!initDone(c)) pendingInit = true;
      continue;
    }
    if (initDone(c)) continue;
    if (c.state === 'terminated' && policy === 'Never') return 'Failed';
    pendingInit = true;
    break;
  }
  if (pendingInit) return 'Pending';
  let waiting = 0,
    running = 0,
    stopped = 0,
    succeeded = 0;
  for (const c of s.regular) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.terminated?.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Whether nothing in the pod will run again: every container stopped for good. */
export function nothingWillRun(s: PodState): boolean {
  const policy = s.pod.spec?.restartPolicy ?? 'Always';
  const phase = podPhase(s);
  if (
    phase === 'Failed' &&
    s.init.some((c) => c.kind === 'init' && c.state === 'terminated' && c.terminated?.exitCode !== 0)
  )
    return true;
  if (phase !== 'Succeeded' && phase !== 'Failed') return false;
  return s.regular.every((c) => c.state === 'terminated' && !restartsOn(policy, c.terminated!.exitCode));
}

function condition(s: PodState, type: string, status: boolean, reason?: string, message?: string): ReportedCondition {
  const st = status ? 'True' : 'False';
  const prev = s.transitions.get(type);
  let time = prev?.time;
  if (!prev || prev.status !== st) {
    time = timestamp();
    s.transitions.set(type, { status: st, time });
  }
  return {
    type,
    status: st,
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
}

export function podConditions(
  s: PodState,
  phase: string,
  otherConditions: PodCondition[],
): (PodCondition | ReportedCondition)[] {
  const terminalDone = phase === 'Succeeded' || phase === 'Failed';
  const notInitialized = s.init.filter((c) => !initDone(c)).map((c) => c.name);
  const initialized = phase === 'Succeeded' || notInitialized.length === 0;
  const readyMembers = [...s.init.filter((c) => c.kind === 'sidecar'), ...s.regular];
  const unready = readyMembers.filter((c) => !c.ready).map((c) => c.name);
  let containersReady: ReportedCondition;
  let ready: ReportedCondition;
  if (terminalDone) {
    containersReady = condition(s, 'ContainersReady', false, 'PodCompleted');
    ready = condition(s, 'Ready', false, 'PodCompleted');
  } else if (!initialized) {
    const msg = `containers with incomplete status: [${notInitialized.join(' ')}]`;
    containersReady = condition(
      s,
      'ContainersReady',
      false,
      'ContainersNotReady',
      `containers with unready status: [${unready.join(' ')}]`,
    );
    ready = condition(s, 'Ready', false, 'ContainersNotInitialized', msg);
  } else if (unready.length) {
    const msg = `containers with unready status: [${unready.join(' ')}]`;
    containersReady = condition(s, 'ContainersReady', false, 'ContainersNotReady', msg);
    ready = condition(s, 'Ready', false, 'ContainersNotReady', msg);
  } else {
    containersReady = condition(s, 'ContainersReady', true);
    const gateProblems: string[] = [];
    for (const g of s.pod.spec?.readinessGates ?? []) {
      const c = otherConditions.find((x) => x.type === g.conditionType);
      if (!c) gateProblems.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
      else if (c.status !== 'True')
        gateProblems.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
    }
    ready = gateProblems.length
      ? condition(s, 'Ready', false, 'ReadinessGatesNotReady', gateProblems.join(', '))
      : condition(s, 'Ready', true);
  }
  const initCond = initialized
    ? condition(s, 'Initialized', true, phase === 'Succeeded' ? 'PodCompleted' : undefined)
    : condition(
        s,
        'Initialized',
        false,
        'ContainersNotInitialized',
        `containers with incomplete status: [${notInitialized.join(' ')}]`,
      );
  const scheduled = condition(s, 'PodScheduled', true);
  return [
    condition(s, 'PodReadyToStartContainers', s.sandboxReady),
    initCond,
    ready,
    containersReady,
    scheduled,
    ...otherConditions,
  ];
}

/** The status object the kubelet writes (merge patch: keys it no longer reports are null). */
export function apiStatus(s: PodState, currentConditions: PodCondition[] = []): StatusPatch {
  const phase = podPhase(s);
  const other = currentConditions.filter((c) => c && !OWNED_CONDITIONS.includes(c.type));
  return {
    phase,
    conditions: podConditions(s, phase, other),
    hostIP: s.hostIP,
    hostIPs: [{ ip: s.hostIP }],
    podIP: s.podIP ?? null,
    podIPs: s.podIP ? [{ ip: s.podIP }] : null,
    startTime: s.startTime !== undefined ? timestamp(s.startTime) : null,
    initContainerStatuses: s.init.length ? s.init.map((c) => containerStatus(s.runtime, c)) : null,
    containerStatuses: s.regular.map((c) => containerStatus(s.runtime, c)),
    ephemeralContainerStatuses: s.ephemeral.length ? s.ephemeral.map((c) => containerStatus(s.runtime, c)) : null,
    reason: s.reason ?? null,
    message: s.message ?? null,
  };
}
