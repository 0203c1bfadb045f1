// Enforces NetworkPolicies where the cluster can filter the pods' traffic (network/podFirewall.ts: real containers
// whose bridge is on this machine's kernel, the cluster with CAP_NET_ADMIN): every change to a policy, a pod (its IP,
// labels) or a namespace (labels) recomputes each running pod's rules, and a pod whose rules changed gets its whole
// filter table rewritten. Each policy gets a Normal event `Enforced` when created or its spec changes. Where the
// cluster cannot filter, a policy instead gets a Warning event `NotEnforced` saying why, rather than look in force.
import type { Namespace, Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { namespaceLabels, podRules, type PolicyWorld } from '../../kube/networkPolicyRules';
import type { KubeObject } from '../../kube/objects';
import type { Informer, InformerHandlers } from '../../kubeclient/informer';
import type { PodFirewall } from '../network/podFirewall';
import { Controller, ControllerContext } from './controllerContext';
import type { EventRecorder } from './events';
import { WorkQueue } from './workQueue';

/** the work queue's one key: any change may change any pod's peers, so every pod is recomputed */
const ALL = 'all';

export class NetworkPolicyController implements Controller {
  readonly name = 'network-policy-controller';
  private readonly watching: { informer: Informer; handlers: InformerHandlers }[] = [];
  private queue?: WorkQueue;
  /** pod UID → the pod IP and rules its filter table was last written for */
  private readonly written = new Map<string, string>();

  async start(ctx: ControllerContext): Promise<void> {
    const recorder = ctx.recorder(this.name);
    const firewall = ctx.podNetwork.podFirewall;
    const policies = ctx.informers.get('networking.k8s.io', 'networkpolicies');
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
    this.watch(policies, {
      add: report,
      update: (policy, old) => {
        if (policy.metadata?.generation !== old?.metadata?.generation) report(policy);
      },
    });
    if (!firewall) return;
    const pods = ctx.informers.pods();
    const namespaces = ctx.informers.get('', 'namespaces');
    const queue = new WorkQueue(() => this.sync(firewall, recorder, policies, pods, namespaces), 1);
    this.queue = queue;
    const changed: InformerHandlers = {
      add: () => queue.add(ALL),
      update: () => queue.add(ALL),
      delete: () => queue.add(ALL),
    };
    for (const informer of [policies, pods, namespaces]) this.watch(informer, changed);
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
  private async sync(
    firewall: PodFirewall,
    recorder: EventRecorder,
    policies: Informer,
    pods: Informer,
    namespaces: Informer,
  ): Promise<void> {
    const all = (pods.list() as Pod[]).filter((p) => p.status?.podIP && !p.spec?.hostNetwork);
    const world: PolicyWorld = { pods: all, namespaces: namespaceLabels(namespaces.list() as Namespace[]) };
    const netpols = policies.list() as NetworkPolicy[];
    const failed: string[] = [];
    const present = new Set<string>();
    const computed = all.map((pod) => ({ pod, rules: podRules(pod, netpols, world) }));
    firewall.setRules(new Map(computed.map(({ pod, rules }) => [pod.status?.podIP ?? '', rules])));
    for (const { pod, rules } of computed) {
      const uid = pod.metadata?.uid ?? '';
      present.add(uid);
      const key = `${pod.status?.podIP} ${JSON.stringify(rules)}`;
      const before = this.written.get(uid);
      if (key === before) continue;
      // a pod no policy ever isolated has an empty table already
      if (before === undefined && !rules.ingress && !rules.egress) {
        this.written.set(uid, key);
        continue;
      }
      try {
        if (await firewall.apply(uid, rules)) this.written.set(uid, key);
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
    for (const uid of this.written.keys()) if (!present.has(uid)) this.written.delete(uid);
    if (failed.length) throw new Error(`network policies not applied to ${failed.join(', ')}`);
  }
}
