// Objects an earlier Slipway deployed carry the app.kubernetes.io/instance label instead of Slipway's own: they
// get Slipway's app label once, so the app's watches (which select by it) see them, and the next sync replaces
// their old marks (or prunes them when git no longer has them).
import { APP_LABEL, TRACKING_ID_ANNOTATION } from '../kube/application';
import { ObjectClient } from '../kubeclient/objectClient';
import { AppName, legacySelector, trackedBy } from './tracking';

/** Labels the app's objects of one type that only an earlier Slipway's marks name; returns how many. */
export async function labelLegacyObjects(
  client: ObjectClient,
  type: { apiVersion: string; kind: string },
  app: AppName,
): Promise<number> {
  const list = await client.list(type.apiVersion, type.kind, { labelSelector: legacySelector(app) });
  let labelled = 0;
  for (const o of list.items ?? []) {
    const meta = o.metadata ?? {};
    if (meta.labels?.[APP_LABEL] !== undefined || meta.annotations?.[TRACKING_ID_ANNOTATION] !== undefined) continue;
    if (!trackedBy(o, app)) continue;
    const ref = { apiVersion: type.apiVersion, kind: type.kind, namespace: meta.namespace, name: meta.name };
    await client.mergePatch(ref, { metadata: { labels: { [APP_LABEL]: app.name } } });
    labelled++;
  }
  return labelled;
}
