// Runs the cluster's controllers as API clients of the API server.
import { ResourceInfo } from '../../kube/registry';
import { ApiClient, ClientConfig } from '../client/apiClient';
import { GarbageCollector } from './garbageCollector';
import { NamespaceController } from './namespaceController';

export class ControllerManager {
  private readonly client: ApiClient;
  private gc?: GarbageCollector;
  private ns?: NamespaceController;

  constructor(config: ClientConfig, private readonly resources: () => readonly ResourceInfo[]) {
    this.client = new ApiClient(config, 'slipway-controller-manager');
  }

  async start(): Promise<void> {
    this.gc = new GarbageCollector(this.client, this.resources().filter((r) => !r.custom));
    this.ns = new NamespaceController(this.client, this.resources);
    await Promise.all([this.gc.start(), this.ns.start()]);
  }

  stop(): void {
    this.gc?.stop();
    this.ns?.stop();
    this.client.close();
  }
}
