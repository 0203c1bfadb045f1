// What counts as the user's: server-set metadata and status never do, and a Secret's stringData
// is only a write-time spelling of data.
import { isRecord } from '../../kube/objects';

/** metadata fields the API server or controllers set; never part of what the user wrote */
export const SERVER_METADATA = new Set([
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
]);

/** annotations written by tools and controllers on the user's behalf */
export const SERVER_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
]);

/** top-level fields not compared: identity is the caller's, status is the cluster's */
export const SKIPPED_TOP_LEVEL = new Set(['apiVersion', 'kind', 'status']);

/** A copy of metadata without server-set fields and annotations; ownerReferences go unless kept. */
function cleanMetadata(meta: unknown, keepOwnerReferences: boolean): unknown {
  if (!isRecord(meta)) return meta;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (SERVER_METADATA.has(k)) continue;
    if (k === 'ownerReferences' && !keepOwnerReferences) continue;
    if (k === 'annotations' && isRecord(v)) {
      const kept = Object.fromEntries(Object.entries(v).filter(([a]) => !SERVER_ANNOTATIONS.has(a)));
      if (Object.keys(kept).length) out.annotations = kept;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/**
 * The live object as the diff shows it: no status, no server-set metadata, and ownerReferences
 * only when the user wrote some (otherwise a controller set them).
 */
export function normalizeLive<T>(live: T, desired: unknown): T {
  if (!isRecord(live)) return live;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(live)) {
    if (k === 'status') continue;
    out[k] =
      k === 'metadata'
        ? cleanMetadata(v, isRecord(desired) && isRecord(desired.metadata) && desired.metadata.ownerReferences != null)
        : v;
  }
  return out as T;
}

/** The desired object without what is never compared, and a Secret's stringData folded into data. */
export function normalizeDesired<T>(desired: T): T {
  if (!isRecord(desired)) return desired;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired)) {
    if (k === 'status') continue;
    out[k] = k === 'metadata' ? cleanMetadata(v, true) : v;
  }
  return foldStringData(out) as T;
}

/** As the API server does on write: stringData entries become base64 data entries and win over them. */
export function foldStringData<T>(obj: T): T {
  if (!isRecord(obj) || obj.kind !== 'Secret' || !isRecord(obj.stringData)) return obj;
  const { stringData, ...rest } = obj;
  const data: Record<string, unknown> = isRecord(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(stringData as Record<string, unknown>))
    if (v != null) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  return { ...rest, data } as T;
}
