// What a new pod sandbox's network gets before any container of the pod starts, as a CNI plugin sets it up: the
// filter of the NetworkPolicies selecting the pod at that moment (default-deny included), so no container of it
// ever runs unfiltered. Later changes are the NetworkPolicy controller's. Where the cluster cannot filter the pods
// (network/podFirewall.ts) there is nothing to set up.
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodFirewall } from '../network/podFirewall';
import type { PodPolicies } from '../network/podPolicies';

export interface PodNetworkSetup {
  /** Sets up the network of the pod's new sandbox at ip; rejects saying what failed (no container may start). */
  setUp(pod: Pod, ip: string): Promise<void>;
}

export function policyFilterSetup(firewall: PodFirewall, policies: PodPolicies): PodNetworkSetup {
  return {
    async setUp(pod, ip) {
      // a pod on the host's network has no namespace of its own: policies do not apply to it
      if (pod.spec?.hostNetwork) return;
      const uid = pod.metadata?.uid ?? '';
      await policies.synced();
      await firewall.newSandbox(uid);
      firewall.want(uid, ip, policies.of(pod, ip));
      let written: boolean;
      try {
        written = await firewall.settle(uid);
      } catch (e) {
        throw new Error(`the network policies selecting the pod could not be applied: ${(e as Error).message}`);
      }
      if (!written) throw new Error('the network policies selecting the pod could not be applied: its sandbox stopped');
    },
  };
}
