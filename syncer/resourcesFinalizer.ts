// Deleting an Application deletes what it deployed, as Argo CD's resources finalizer does: the syncer puts
// slipway.dev/resources-finalizer on every Application it manages; when one is deleted, its tracked objects are
// deleted (unless spec.syncPolicy.preserveResourcesOnDeletion, or the sync option Delete=false), then the finalizer is removed and the API server
// lets the Application go. So an app of apps that prunes a child removes the child's workloads too.
import {
  Application,
  APPLICATION_API_VERSION,
  APPLICATION_KIND,
  RESOURCES_FINALIZER,
  syncPolicyOf,
} from '../kube/application';
import { KubeApiError } from '../kubeclient/apiError';
import { ObjectClient } from '../kubeclient/objectClient';
import { listTracked, statusTypes } from './trackedObjects';
import { hasSyncOption } from './syncOptions';

const appRef = (app: Application) => ({
  apiVersion: APPLICATION_API_VERSION,
  kind: APPLICATION_KIND,
  namespace: app.metadata.namespace,
  name: app.metadata.name,
});

/** Adds the finalizer to an Application that is not being deleted and lacks it. */
export async function addResourcesFinalizer(client: ObjectClient, app: Application): Promise<void> {
  const finalizers = app.metadata.finalizers ?? [];
  if (app.metadata.deletionTimestamp || finalizers.includes(RESOURCES_FINALIZER)) return;
  // the resourceVersion makes the list replace safe: a concurrent change answers 409 and the next event retries
  await client.mergePatch(appRef(app), {
    metadata: { finalizers: [...finalizers, RESOURCES_FINALIZER], resourceVersion: app.metadata.resourceVersion },
  });
}

/** For an Application being deleted: deletes its objects (unless preserved), then removes the finalizer. */
export async function finalizeApplication(
  client: ObjectClient,
  app: Application,
  log: (line: string) => void,
): Promise<void> {
  const finalizers = app.metadata.finalizers ?? [];
  if (!app.metadata.deletionTimestamp || !finalizers.includes(RESOURCES_FINALIZER)) return;
  const self = { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' };
  if (syncPolicyOf(app).preserveResourcesOnDeletion) {
    log('the Application is being deleted; its resources are kept (preserveResourcesOnDeletion)');
  } else {
    for (const o of await listTracked(client, self, statusTypes(app.status?.resources))) {
      if (o.metadata?.deletionTimestamp) continue;
      if (hasSyncOption(o, 'Delete', 'false', syncPolicyOf(app).syncOptions)) {
        log(
          `kept ${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name} (Delete=false)`,
        );
        continue;
      }
      const ref = {
        apiVersion: o.apiVersion!,
        kind: o.kind!,
        namespace: o.metadata?.namespace,
        name: o.metadata!.name!,
      };
      await client.delete(ref).catch((e) => {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      });
      log(
        `deleted ${o.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name} (the Application is being deleted)`,
      );
    }
  }
  await client.mergePatch(appRef(app), {
    metadata: {
      finalizers: finalizers.filter((f) => f !== RESOURCES_FINALIZER),
      resourceVersion: app.metadata.resourceVersion,
    },
  });
}
