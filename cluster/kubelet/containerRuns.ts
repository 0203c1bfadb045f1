// A container's run record as a pod worker starts with it: fresh, or, when the node restarted, carried on from
// the status the API server still shows (restart count, last termination; finished init containers and ephemeral
// containers that ran stay done).
import type { Container, ContainerStateTerminated, ContainerStatus } from 'kubernetes-types/core/v1';
import type { ContainerRun } from './podStatus';

export function newRun(
  spec: Container,
  kind: ContainerRun['kind'],
  previous: ContainerStatus | undefined,
  now: number,
): ContainerRun {
  const run: ContainerRun = {
    name: spec.name,
    kind,
    spec,
    restartCount: 0,
    state: 'waiting',
    waiting: { reason: kind === 'regular' ? 'ContainerCreating' : 'PodInitializing' },
    ready: false,
    started: false,
    everStarted: false,
  };
  if (!previous) return run;
  // an ephemeral container runs once: one that ran before the node restarted stays finished
  if (kind === 'ephemeral') {
    const ran = previous.state?.terminated ?? previous.state?.running;
    if (!ran) return run;
    run.state = 'terminated';
    run.waiting = undefined;
    run.everStarted = true;
    run.terminated = previous.state?.terminated
      ? fromApiTerminated(previous.state.terminated)
      : {
          exitCode: 255,
          reason: 'Unknown',
          startedAt: Date.parse(previous.state?.running?.startedAt ?? '') || 0,
          finishedAt: now,
        };
    return run;
  }
  // the node restarted: containers that ran before are gone and start again as their next attempt
  run.restartCount = Number(previous.restartCount) || 0;
  const t = previous.state?.terminated ?? previous.lastState?.terminated;
  if (kind === 'init' && previous.state?.terminated?.exitCode === 0) {
    run.state = 'terminated';
    run.terminated = fromApiTerminated(previous.state.terminated);
    run.waiting = undefined;
    run.everStarted = true;
    return run;
  }
  if (previous.state?.running) {
    run.lastTerminated = {
      exitCode: 255,
      reason: 'Unknown',
      startedAt: Date.parse(previous.state.running.startedAt ?? '') || 0,
      finishedAt: now,
    };
    run.restartCount++;
  } else if (t) {
    run.lastTerminated = fromApiTerminated(t);
    if (previous.state?.terminated) run.restartCount++;
  }
  return run;
}

function fromApiTerminated(t: ContainerStateTerminated): ContainerRun['terminated'] {
  return {
    exitCode: Number(t.exitCode) || 0,
    reason: t.reason ?? (Number(t.exitCode) ? 'Error' : 'Completed'),
    message: t.message,
    startedAt: Date.parse(t.startedAt ?? '') || 0,
    finishedAt: Date.parse(t.finishedAt ?? '') || 0,
    containerID: typeof t.containerID === 'string' ? t.containerID.replace(/^[a-z]+:\/\//, '') : undefined,
  };
}
