// Container runtimes by name. `simulated` is the only one so far.
import { SimulatedRuntime, SimulatedRuntimeOptions } from './simulated';
import { ContainerRuntime } from './types';

export type RuntimeName = 'simulated';

export function createRuntime(name: RuntimeName, opts: SimulatedRuntimeOptions): ContainerRuntime {
  switch (name) {
    case 'simulated':
      return new SimulatedRuntime(opts);
    default:
      throw new Error(`unknown container runtime ${JSON.stringify(name)}`);
  }
}

export * from './types';
