// How one resource of a revision reaches the cluster: server-side apply as field manager slipway (Slipway's way,
// whatever ServerSideApply says); a generateName manifest not yet created is created (generatedNames.ts); with
// the sync option Replace=true, created when missing, else replaced (PUT) whole, as `kubectl replace` does; with
// RespectIgnoreDifferences=true the Application's ignored fields are written as live has them.
import { FIELD_MANAGER } from '../kube/application';
import type { KubeObject } from '../kube/objects';
import { ObjectClient } from '../kubeclient/objectClient';
import { DesiredResource } from './desiredState';
import { isGenerated, toCreate } from './generatedNames';
import { LiveState } from './liveState';
import { NOTHING_IGNORED, type IgnoredDifferences } from './diff/ignoreDifferences';
import { hasSyncOption, respectsIgnoreDifferences } from './syncOptions';

export async function writeResource(
  client: ObjectClient,
  live: LiveState,
  r: DesiredResource,
  revision: string,
  appOptions: readonly string[] = [],
  ignored: IgnoredDifferences = NOTHING_IGNORED,
): Promise<{ object: KubeObject & { apiVersion: string; kind: string }; verb: string }> {
  if (respectsIgnoreDifferences(r.object, appOptions) && ignored.applies(r.object))
    r = { ...r, object: ignored.respect(r.object, live.get(r.ref)) };
  if (isGenerated(r) && !live.get(r.ref))
    return { object: await client.create(toCreate(r, revision)), verb: 'created' };
  if (hasSyncOption(r.object, 'Replace', 'true', appOptions)) {
    const current: KubeObject | undefined = live.get(r.ref) ?? (await client.find(r.ref));
    if (!current) return { object: await client.create(r.object), verb: 'created' };
    const rv = current.metadata?.resourceVersion;
    const object = {
      ...r.object,
      apiVersion: r.ref.apiVersion,
      kind: r.ref.kind,
      metadata: { ...r.object.metadata, resourceVersion: rv },
    };
    return { object: await client.replace(object, { fieldManager: FIELD_MANAGER }), verb: 'replaced' };
  }
  return { object: await client.apply(r.object, { fieldManager: FIELD_MANAGER, force: true }), verb: 'applied' };
}
