// The conversions of the versions served from another stored version, by group/version/resource.
import { BUILTIN_RESOURCES, apiVersionOf, type ResourceInfo } from '../../../kube/registry';
import type { Conversion } from './conversion';
import { eventsV1 } from './events';
import { horizontalPodAutoscalerV1 } from './horizontalPodAutoscalers';

export type { Conversion } from './conversion';

const CONVERSIONS = new Map<string, Conversion>([
  ['autoscaling/v1/horizontalpodautoscalers', horizontalPodAutoscalerV1],
  ['events.k8s.io/v1/events', eventsV1],
]);

export interface ConvertedVersion extends Conversion {
  /** the version the objects are stored in */
  storage: ResourceInfo;
}

/** How a served version reaches its stored objects; undefined when it is the stored version itself. */
export function convertedVersion(info: ResourceInfo): ConvertedVersion | undefined {
  const stored = info.storedAs;
  if (!stored) return undefined;
  const conversion = CONVERSIONS.get(`${apiVersionOf(info)}/${info.plural}`);
  const storage = BUILTIN_RESOURCES.find(
    (r) => r.group === stored.group && r.version === stored.version && r.plural === info.plural,
  );
  if (!conversion || !storage) throw new Error(`no conversion from ${apiVersionOf(stored)} to ${apiVersionOf(info)}`);
  return { ...conversion, storage };
}
