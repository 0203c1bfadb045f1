// NetworkPolicies are admitted and stored, but no runtime of this cluster filters the pods' traffic (the simulated
// one runs nothing; the container runtime's pods share the engine's bridge, which filters nothing between them).
// Rather than let a policy look in force, each one gets a Warning event `NotEnforced` saying why, when it is
// created or its spec changes (and again for every policy when the cluster starts).
import type { KubeObject } from '../../kube/objects';
import type { Informer, InformerHandlers } from '../../kubeclient/informer';
import { Controller, ControllerContext } from './controllerContext';

export class NetworkPolicyController implements Controller {
  readonly name = 'network-policy-controller';
  private watching?: { informer: Informer; handlers: InformerHandlers };

  async start(ctx: ControllerContext): Promise<void> {
    const recorder = ctx.recorder(this.name);
    const warn = (policy: KubeObject) => {
      recorder.record(
        policy,
        'Warning',
        'NotEnforced',
        `network policies are not enforced by this cluster's runtime (${ctx.podNetwork.policiesNotEnforced}): ` +
          'traffic this policy would deny still flows',
      );
    };
    const handlers: InformerHandlers = {
      add: warn,
      update: (policy, old) => {
        if (policy.metadata?.generation !== old?.metadata?.generation) warn(policy);
      },
    };
    const informer = ctx.informers.get('networking.k8s.io', 'networkpolicies').on(handlers);
    this.watching = { informer, handlers };
  }

  stop(): void {
    this.watching?.informer.off(this.watching.handlers);
  }
}
