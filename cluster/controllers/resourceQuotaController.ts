// The ResourceQuota controller: keeps each quota's status.hard (its spec.hard) and status.used (what the
// namespace's objects use, counted as the quota admission step counts: cluster/quota/usage.ts). Quotas are
// recounted when one of the commonly limited kinds changes in their namespace, and every 30 s for the rest
// (`count/<resource>` of any kind), as Kubernetes' controller resyncs.
import type { ResourceQuota, ResourceQuotaStatus } from 'kubernetes-types/core/v1';
import { deepEqual, keyOf, splitKey, type KubeObject } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { formatQuantity, groupBySource, inScopes, sumUsage } from '../quota/usage';
import { Controller, ControllerContext } from './controllerContext';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

type Quota = Stored<ResourceQuota>;

const WATCHED = ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims'];
const RESYNC_MS = 30_000;

export class ResourceQuotaController implements Controller {
  readonly name = 'resourcequota-controller';
  private ctx!: ControllerContext;
  private quotas!: Informer;
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.quotas = ctx.informers.get('', 'resourcequotas');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const quota = (q: KubeObject) => queue.add(keyOf(q));
    this.quotas.on({ add: quota, update: quota });
    const changed = (o: KubeObject) => {
      for (const q of this.quotas.list()) if (q.metadata.namespace === o.metadata.namespace) quota(q);
    };
    const watched = WATCHED.map((plural) => ctx.informers.get('', plural));
    for (const inf of watched) inf.on({ add: changed, update: changed, delete: changed });
    await Promise.all([this.quotas, ...watched].map((i) => i.waitForSync()));
    for (const q of this.quotas.list()) quota(q);
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const q: Quota | undefined = this.quotas.get(ns, name);
    if (!q) return;
    this.queue?.addAfter(key, RESYNC_MS, this.ctx.clock);
    const hard = q.spec?.hard ?? {};
    const used: Record<string, string> = {};
    for (const { resource, names } of groupBySource(Object.keys(hard))) {
      const info = this.ctx.resources().find((r) => r.group === resource.group && r.plural === resource.plural);
      // a count of a resource this cluster does not serve stays at zero
      const listed = info ? ((await this.ctx.client.list(resourcePath(info, ns))).items as KubeObject[]) : [];
      const items = listed.filter((o) => inScopes(q.spec?.scopes, resource, o));
      for (const [n, v] of Object.entries(sumUsage(resource, items, names))) used[n] = formatQuantity(v);
    }
    const status: ResourceQuotaStatus = { hard: { ...hard }, used };
    if (deepEqual(q.status ?? {}, status)) return;
    try {
      await this.ctx.client.update(resourcePath(this.quotas.info, ns, name, 'status'), {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        ...q,
        status,
      });
    } catch (e) {
      // changed or gone since: the informer brings the newer quota back here
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }
}
