// Enforces NetworkPolicies where the cluster can filter the pods' traffic (network/podFirewall.ts: real containers
// whose bridge is on this machine's kernel, the cluster with CAP_NET_ADMIN): a new pod's filter is written by the
// kubelet before its containers start (kubelet/podNetworkSetup.ts); then every change to a policy, a pod (its IP,
// labels) or a namespace (labels) recomputes each running pod's rules, and a pod whose rules changed gets its whole
// filter table rewritten. Each policy gets a Normal event `Enforced` when created or its spec changes. Where the
// cluster cannot filter, a policy instead gets a Warning event `NotEnforced` saying why, rather than look in force.
import type { KubeObject } from '../../kube/objects';
import type { Informer, InformerHandlers } from '../../kubeclient/informer';
import type { PodFirewall } from '../network/podFirewall';
import { PodPolicies } from '../network/podPolicies';
import { Controller, ControllerContext } from './controllerContext';
import type { EventRecorder } from './events';
import { WorkQueue } from './workQueue';

/** the work queue's one key: any change may change any pod's peers, so every pod is recomputed */
const ALL = 'all';

export class NetworkPolicyController implements Controller {
  readonly name = 'network-policy-controller';
  private readonly watching: { informer: Informer; handlers: InformerHandlers }[] = [];
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    const recorder = ctx.recorder(this.name);
    const firewall = ctx.podNetwork.podFirewall;
    const policies = new PodPolicies(ctx.informers);
    const report = (policy: KubeObject) => {
      if (firewall) {
        recorder.record(
          policy,
          'Normal',
          'Enforced',
          'enforced in the network namespaces of the pods it selects and at Service cluster IPs (traffic from and ' +
            'to the node, this machine, always passes, as do the connections NodePorts, LoadBalancers and the ' +
            'Ingress relay from outside the cluster)',
        );
      } else {
        recorder.record(
          policy,
          'Warning',
          'NotEnforced',
          `network policies are not enforced by this cluster's runtime (${ctx.podNetwork.policiesNotEnforced}): ` +
            'traffic this policy would deny still flows',
        );
      }
    };
    this.watch(policies.policies, {
      add: report,
      update: (policy, old) => {
        if (policy.metadata?.generation !== old?.metadata?.generation) report(policy);
      },
    });
    if (!firewall) return;
    const queue = new WorkQueue(() => this.sync(firewall, recorder, policies), 1);
    this.queue = queue;
    const changed: InformerHandlers = {
      add: () => queue.add(ALL),
      update: () => queue.add(ALL),
      delete: () => queue.add(ALL),
    };
    for (const informer of [policies.policies, policies.pods, policies.namespaces]) this.watch(informer, changed);
  }

  stop(): void {
    for (const w of this.watching) w.informer.off(w.handlers);
    this.queue?.stop();
  }

  private watch(informer: Informer, handlers: InformerHandlers): void {
    informer.on(handlers);
    this.watching.push({ informer, handlers });
  }

  /** Rewrites the filter table of each pod whose rules changed; rejects (to be retried) when one could not be. */
  private async sync(firewall: PodFirewall, recorder: EventRecorder, policies: PodPolicies): Promise<void> {
    const failed: string[] = [];
    const all = policies.all();
    for (const { pod, rules } of all) firewall.want(pod.metadata?.uid ?? '', pod.status?.podIP ?? '', rules);
    for (const { pod } of all) {
      try {
        await firewall.settle(pod.metadata?.uid ?? '');
      } catch (e) {
        const name = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        failed.push(name);
        recorder.record(
          pod as KubeObject,
          'Warning',
          'NetworkPolicyFailed',
          `the network policies selecting pod ${name} could not be applied (${(e as Error).message}); ` +
            'the cluster retries, meanwhile the pod keeps its previous filter',
        );
      }
    }
    // a deleted pod's filter went with its network namespace
    firewall.retain(new Set(policies.pods.list().map((p: KubeObject) => p.metadata?.uid ?? '')));
    if (failed.length) throw new Error(`network policies not applied to ${failed.join(', ')}`);
  }
}
