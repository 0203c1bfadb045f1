// Manifests with metadata.generateName and no name (Argo CD's hooks use them): the API server picks the name, so
// such a resource is created (POST), not applied, once per revision, marked with that revision. Until then it is
// known by its generateName (which, ending in '-' or not, is never taken for a live name); once created, the live
// object of this revision stands for it, under its generated name, in the comparison, the status and the sync.
import { DesiredResource, DesiredState, resourceKey } from './desiredState';
import { LiveState } from './liveState';

/** The revision that created an object from a generateName manifest. */
export const GENERATED_AT_ANNOTATION = 'slipway.dev/generated-at-revision';

/** Whether the resource leaves its name to the API server. */
export function isGenerated(r: DesiredResource): boolean {
  return !r.object.metadata?.name && !!r.object.metadata?.generateName;
}

/** The object to create for a generated resource at `revision`. */
export function toCreate(r: DesiredResource, revision: string): any {
  const metadata = r.object.metadata;
  return {
    ...r.object,
    metadata: { ...metadata, annotations: { ...metadata.annotations, [GENERATED_AT_ANNOTATION]: revision } },
  };
}

/** The desired state with each generated resource named after its live object of this revision, when there is one. */
export function resolveGenerated(desired: DesiredState, live: LiveState): DesiredState {
  if (!desired.resources.some(isGenerated)) return desired;
  const resources = desired.resources.map((r) => {
    if (!isGenerated(r)) return r;
    const found = live
      .list(r.ref)
      .find(
        (o) =>
          o.metadata?.generateName === r.object.metadata.generateName &&
          (o.metadata?.namespace ?? undefined) === r.ref.namespace &&
          o.metadata?.annotations?.[GENERATED_AT_ANNOTATION] === desired.revision &&
          !o.metadata?.deletionTimestamp,
      );
    if (!found) return r;
    const ref = { ...r.ref, name: found.metadata.name as string };
    const object = { ...r.object, metadata: { ...r.object.metadata, name: ref.name } };
    return { ...r, ref, key: resourceKey(ref), object };
  });
  return { ...desired, resources };
}
