// The NetworkPolicies as this process's informers hold them, resolved to each pod's rules
// (kube/networkPolicyRules.ts): for the NetworkPolicy controller, which keeps every pod's filter at its rules, and for
// the kubelet, which filters a new pod before its containers start. A pod of the host's network has no namespace of
// its own to filter and gets no rules.
import type { Namespace, Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { namespaceLabels, podRules, type PodRules, type PolicyWorld } from '../../kube/networkPolicyRules';
import type { Informer } from '../../kubeclient/informer';
import type { SharedInformers } from '../../kubeclient/sharedInformers';

export class PodPolicies {
  readonly policies: Informer;
  readonly pods: Informer;
  readonly namespaces: Informer;

  constructor(informers: SharedInformers) {
    this.policies = informers.get('networking.k8s.io', 'networkpolicies');
    this.pods = informers.pods();
    this.namespaces = informers.get('', 'namespaces');
  }

  /** resolves once the three caches hold what the API server holds (a policy missing would let traffic through) */
  async synced(): Promise<void> {
    await Promise.all([this.policies, this.pods, this.namespaces].map((i) => i.waitForSync()));
  }

  /** every pod with an address of its own (not the host's network) and its rules */
  all(): { pod: Pod; rules: PodRules }[] {
    const pods = (this.pods.list() as Pod[]).filter((p) => p.status?.podIP && !p.spec?.hostNetwork);
    const world = this.world(pods);
    const netpols = this.policies.list() as NetworkPolicy[];
    return pods.map((pod) => ({ pod, rules: podRules(pod, netpols, world) }));
  }

  /** The rules of a pod about to run at ip, which its status does not show yet. */
  of(pod: Pod, ip: string): PodRules {
    const uid = pod.metadata?.uid;
    const others = (this.pods.list() as Pod[]).filter(
      (p) => p.status?.podIP && !p.spec?.hostNetwork && p.metadata?.uid !== uid,
    );
    const self: Pod = { ...pod, status: { ...pod.status, podIP: ip } };
    return podRules(self, this.policies.list() as NetworkPolicy[], this.world([...others, self]));
  }

  private world(pods: Pod[]): PolicyWorld {
    return { pods, namespaces: namespaceLabels(this.namespaces.list() as Namespace[]) };
  }
}
