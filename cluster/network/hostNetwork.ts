// What the cluster's components that serve the developer's machine share: whether pod IPs answer from this machine
// (pods run as real containers) and the one chooser of Service endpoints, so the LoadBalancer and NodePort
// listeners, the cluster IP proxy and the ingress balance and keep session affinity alike.
import type { SharedInformers } from '../../kubeclient/sharedInformers';
import type { IngressListener } from './ingressListener';
import { ServiceEndpoints } from './serviceEndpoints';

/** Host listeners bind loopback only: a developer's cluster is not served to the network around the machine. */
export const HOST_ADDRESS = '127.0.0.1';

export interface HostNetworkOptions {
  /** whether the host reaches pod IPs: true when pods run as real containers */
  podsReachable?: boolean;
  /** the ingress listener; undefined when none was asked for or its port was taken */
  ingress?: IngressListener;
  /** the ingress's HTTPS listener, when one was asked for */
  ingressTls?: IngressListener;
}

export interface HostNetwork {
  readonly podsReachable: boolean;
  readonly endpoints: ServiceEndpoints;
  readonly ingress?: IngressListener;
  readonly ingressTls?: IngressListener;
}

export function hostNetwork(informers: SharedInformers, opts: HostNetworkOptions): HostNetwork {
  let endpoints: ServiceEndpoints | undefined;
  return {
    podsReachable: opts.podsReachable ?? false,
    ingress: opts.ingress,
    ingressTls: opts.ingressTls,
    // made on first use, so a cluster that serves nothing to the host watches no EndpointSlices for it
    get endpoints() {
      return (endpoints ??= new ServiceEndpoints(
        informers.get('', 'services'),
        informers.get('discovery.k8s.io', 'endpointslices'),
      ));
    },
  };
}
