// The live objects an Application deployed, listed by its label (and an earlier Slipway's) and kept when their
// tracking annotation names the app: what `slipway diff` prunes and what deleting the app deletes.
import type { KubeObject } from '../kube/objects';
import { ObjectClient } from '../kubeclient/objectClient';
import { AppName, appSelector, legacySelector, trackedBy } from './tracking';

export type ResourceKind = { apiVersion: string; kind: string };

/** The app's objects of these types (types the cluster does not serve are skipped). */
export async function listTracked(client: ObjectClient, app: AppName, types: ResourceKind[]): Promise<KubeObject[]> {
  const owned: KubeObject[] = [];
  for (const t of types) {
    if (!(await client.resourceType(t.apiVersion, t.kind))) continue;
    const found = new Map<string, KubeObject>();
    for (const labelSelector of [appSelector(app), legacySelector(app)]) {
      for (const o of (await client.list(t.apiVersion, t.kind, { labelSelector })).items ?? [])
        found.set(o.metadata?.uid, { ...o, apiVersion: o.apiVersion ?? t.apiVersion, kind: o.kind ?? t.kind });
    }
    for (const o of found.values()) if (trackedBy(o, app)) owned.push(o);
  }
  return owned;
}

/** The types an app's status lists its resources with. */
export function statusTypes(resources: { group?: string; version: string; kind: string }[] = []): ResourceKind[] {
  const types = new Map<string, ResourceKind>();
  for (const r of resources) {
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    types.set(`${apiVersion}/${r.kind}`, { apiVersion, kind: r.kind });
  }
  return [...types.values()];
}
