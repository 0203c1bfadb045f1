// The namespace controller: a namespace being deleted has its content deleted, then its "kubernetes"
// finalizer removed (PUT namespaces/<name>/finalize), after which the API server removes it.
import type { KubeObject } from '../../kube/objects';
import { ResourceInfo } from '../../kube/registry';
import { ApiClient, resourcePath } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { WorkQueue } from './workQueue';

export class NamespaceController {
  private readonly informer: Informer;
  private readonly queue: WorkQueue;
  private retry = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly client: ApiClient,
    private readonly resources: () => readonly ResourceInfo[],
  ) {
    const ns = resources().find((r) => r.group === '' && r.plural === 'namespaces')!;
    this.informer = new Informer(client, ns);
    this.queue = new WorkQueue((name) => this.sync(name), 2);
    const check = (o: KubeObject) => o.metadata?.deletionTimestamp && this.queue.add(o.metadata.name!);
    this.informer.on({ add: check, update: check });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  stop(): void {
    this.informer.stop();
    this.queue.stop();
    for (const t of this.retry.values()) clearTimeout(t);
  }

  private async sync(name: string): Promise<void> {
    const ns = this.informer.get(undefined, name);
    if (!ns?.metadata?.deletionTimestamp) return;
    let remaining = 0;
    for (const info of this.resources()) {
      // versions served by conversion hold the same objects as their stored version
      if (!info.namespaced || info.storedAs || !info.verbs.includes('list') || !info.verbs.includes('delete')) continue;
      const path = resourcePath(info, name);
      const list = await this.client.list(path);
      if (!list.items?.length) continue;
      remaining += list.items.length;
      if (info.verbs.includes('deletecollection')) {
        await this.client.delete(path, { propagationPolicy: 'Background' });
      } else {
        // kinds without deletecollection (Services) go one by one
        for (const item of list.items) {
          await this.client
            .delete(resourcePath(info, name, item.metadata.name), { propagationPolicy: 'Background' })
            .catch(() => undefined);
        }
      }
    }
    if (remaining > 0) {
      // content with finalizers or grace periods takes a while: look again shortly
      clearTimeout(this.retry.get(name));
      this.retry.set(
        name,
        setTimeout(() => this.queue.add(name), 250),
      );
      return;
    }
    const finalizers = (ns.spec?.finalizers ?? []).filter((f: string) => f !== 'kubernetes');
    const nsInfo = this.informer.info;
    await this.client.update(resourcePath(nsInfo, undefined, name, 'finalize'), {
      ...ns,
      spec: { ...ns.spec, finalizers },
    });
  }
}
