// Container runtimes by name: `simulated` (no process runs) and `container` (the machine's container engine).
// `auto` is the engine when one answers, else the simulated runtime.
import { Clock } from '../clock';
import { EngineRuntime } from './container/containerRuntime';
import { Engine, findEngine } from './container/engine';
import { bridgeGateway, sandboxPid } from './container/podNetwork';
import type { LogRotation } from './logWriter';
import { SimulatedRuntime } from './simulated';
import { ContainerRuntime } from './types';

export type RuntimeKind = 'container' | 'simulated';
export type RuntimeChoice = RuntimeKind | 'auto';
export const RUNTIME_CHOICES: readonly RuntimeChoice[] = ['auto', 'container', 'simulated'];

export interface NodeRuntimeOptions {
  node: string;
  podCIDR: string;
  clock: Clock;
  /** when the containers' log files are rotated (default: the kubelet's 10Mi, 5 files) */
  logRotation?: LogRotation;
}

/** What the pods' network offers, which the cluster DNS and the NetworkPolicy controller adapt to. */
export interface PodNetwork {
  /** the address of this machine the pods reach it at (the cluster DNS listens there); with why when none */
  hostAddress?: string;
  why?: string;
  /** why NetworkPolicies are not enforced (unless the cluster filters inside the pods, through netnsPid) */
  policiesNotEnforced: string;
  /** the PID of a process in a pod's network namespace (its sandbox), for filtering there; undefined: none */
  netnsPid?: (podUid: string) => Promise<number | undefined>;
}

/** Makes each node's runtime of the kind chosen. */
export interface RuntimeFactory {
  kind: RuntimeKind;
  /** "podman://4.3.1 at unix:///run/podman/podman.sock", "simulated://1.0" */
  description: string;
  create(opts: NodeRuntimeOptions): Promise<ContainerRuntime>;
  podNetwork(): Promise<PodNetwork>;
}

/** why: said at start-up when the simulated runtime was not asked for (no engine answered `auto`) */
function simulated(why?: string): RuntimeFactory {
  return {
    kind: 'simulated',
    description: `simulated://1.0 (no process runs${why ? `: ${why}` : ''})`,
    create: async (opts) => new SimulatedRuntime(opts),
    podNetwork: async () => ({
      why: 'no process runs in a simulated pod',
      policiesNotEnforced: 'the simulated runtime runs no processes, so no traffic flows to allow or deny',
    }),
  };
}

function onEngine(engine: Engine, cluster: string): RuntimeFactory {
  return {
    kind: 'container',
    description: `${engine.name}://${engine.version} at ${engine.address}`,
    async create(opts) {
      const r = new EngineRuntime({ engine, cluster, ...opts });
      await r.start();
      return r;
    },
    async podNetwork() {
      const gateway = await bridgeGateway(engine.docker);
      return {
        hostAddress: gateway.address,
        why: gateway.why,
        policiesNotEnforced:
          `the pods share the ${engine.name} engine's default bridge network, which filters no traffic ` +
          'between containers',
        netnsPid: (podUid) => sandboxPid(engine.docker, cluster, podUid),
      };
    },
  };
}

/**
 * The runtime for a choice; `container` rejects with NoEngineError (naming what it tried) when no engine answers.
 * cluster names this cluster on the labels of what it runs.
 */
export async function chooseRuntime(choice: RuntimeChoice, cluster: string): Promise<RuntimeFactory> {
  if (choice === 'simulated') return simulated();
  if (choice === 'container') return onEngine(await findEngine(), cluster);
  try {
    return onEngine(await findEngine(), cluster);
  } catch {
    return simulated('no container engine answered; start Docker or Podman, or set DOCKER_HOST, for real containers');
  }
}

export { NoEngineError } from './container/engine';
export { DEFAULT_LOG_ROTATION, type LogRotation } from './logWriter';
export * from './types';
