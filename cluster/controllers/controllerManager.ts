// Runs the cluster's controllers as API clients of the API server, sharing informers and a clock.
import { ResourceInfo } from '../../kube/registry';
import { ApiClient, ClientConfig } from '../../kubeclient/apiClient';
import { SharedInformers } from '../../kubeclient/sharedInformers';
import { clock } from '../clock';
import { ClusterNetwork, Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { GarbageCollector } from './garbageCollector';
import { NamespaceController } from './namespaceController';
import { CONTROLLERS } from './index';
import { HostNetwork, hostNetwork, type HostNetworkOptions } from '../network/hostNetwork';

export class ControllerManager {
  private readonly client: ApiClient;
  private readonly informers: SharedInformers;
  private gc?: GarbageCollector;
  private ns?: NamespaceController;
  private readonly controllers: Controller[] = [];
  private readonly network: HostNetwork;
  private readonly caCert: string;
  private podNetwork: ClusterNetwork = { policiesNotEnforced: 'the cluster has no network policy enforcement' };

  constructor(
    config: ClientConfig,
    private readonly resources: () => readonly ResourceInfo[],
    private readonly volumesDir: string,
    network: HostNetworkOptions = {},
    /** the cluster CA's key, which the CSR signer issues certificates with */
    private readonly caKey?: string,
  ) {
    this.caCert = config.ca;
    this.client = ApiClient.forCluster(config, 'slipway-controller-manager');
    this.informers = new SharedInformers(this.client, resources);
    this.network = hostNetwork(this.informers, network);
  }

  context(): ControllerContext {
    return {
      client: this.client,
      informers: this.informers,
      clock: clock(),
      recorder: (component, host) => new EventRecorder(this.client, { component, host }),
      resources: this.resources,
      volumesDir: this.volumesDir,
      caCert: this.caCert,
      network: this.network,
      podNetwork: this.podNetwork,
      caKey: this.caKey,
    };
  }

  /** the process's shared informers, for components that are not controllers (the cluster DNS) */
  get sharedInformers(): SharedInformers {
    return this.informers;
  }

  async start(podNetwork?: ClusterNetwork): Promise<void> {
    if (podNetwork) this.podNetwork = podNetwork;
    this.gc = new GarbageCollector(
      this.client,
      this.resources().filter((r) => !r.custom),
    );
    this.ns = new NamespaceController(this.client, this.resources);
    const ctx = this.context();
    for (const make of CONTROLLERS) this.controllers.push(make());
    await Promise.all([this.gc.start(), this.ns.start(), ...this.controllers.map((c) => c.start(ctx))]);
  }

  stop(): void {
    for (const c of this.controllers) c.stop();
    this.gc?.stop();
    this.ns?.stop();
    this.informers.stop();
    this.client.close();
  }
}
