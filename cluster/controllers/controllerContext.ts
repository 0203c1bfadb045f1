// What every controller is given: an API client, the process's shared informers, an event recorder and
// the cluster clock. Controllers reach the cluster only through these.
import { ResourceInfo } from '../../kube/registry';
import { ApiClient } from '../../kubeclient/apiClient';
import { SharedInformers } from '../../kubeclient/sharedInformers';
import { Clock } from '../clock';
import type { ClusterIPRoutes } from '../network/clusterIPRoutes';
import type { HostNetwork } from '../network/hostNetwork';
import type { PodFirewall } from '../network/podFirewall';
import { EventRecorder } from './events';

/** What the pods' network offers, as the runtime and the cluster DNS found it at start. */
export interface ClusterNetwork {
  /** the address (port 53) the pods reach the cluster DNS at; undefined when they cannot */
  dnsAddress?: string;
  /** why the cluster does not enforce NetworkPolicies (when there is no podFirewall) */
  policiesNotEnforced: string;
  /** the pods' packet filters, which enforce NetworkPolicies; undefined when the cluster cannot write them */
  podFirewall?: PodFirewall;
  /** the routes that bring the pods' traffic for cluster IPs to this process; undefined when there can be none */
  clusterIPRoutes?: ClusterIPRoutes;
}

export interface ControllerContext {
  client: ApiClient;
  informers: SharedInformers;
  clock: Clock;
  /** an event recorder reporting as this component ("deployment-controller", "default-scheduler", ...) */
  recorder(component: string, host?: string): EventRecorder;
  resources(): readonly ResourceInfo[];
  /** the state folder's volumes/, the only place the hostpath provisioner makes or removes folders */
  volumesDir: string;
  /** the cluster CA's certificate (PEM), which in-cluster clients verify the API server with */
  caCert: string;
  /** what serves the developer's machine: Service endpoints, whether pod IPs answer, the ingress listener */
  network: HostNetwork;
  /** what the pods' network offers (the cluster DNS's address, NetworkPolicy enforcement) */
  podNetwork: ClusterNetwork;
  /** the cluster CA's key (PEM), which the CSR signer issues certificates with; undefined: no signing */
  caKey?: string;
}

export interface Controller {
  readonly name: string;
  /** registers informer handlers and starts work; resolves once it is running */
  start(ctx: ControllerContext): Promise<void>;
  stop(): void;
}
