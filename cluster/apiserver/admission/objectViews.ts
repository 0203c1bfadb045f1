// A request's objects at the version a webhook or policy is called at, and a webhook's changes brought back to the
// stored version (matchPolicy Equivalent calls them at versions served by conversion). A subresource's own kind
// (a Scale) is the same at every version.
import { isRecord, type KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import { convertedVersion } from '../conversion';
import type { AdmissionAttributes } from './attributes';

/** `which` of the request's objects at `resource`'s version (a subresource's own kind, as it is). */
export function viewAt(
  attrs: AdmissionAttributes,
  resource: ResourceInfo,
  which: 'object' | 'oldObject',
): KubeObject | undefined {
  const stored = attrs[which];
  if (!stored || attrs.subresourceKind) return stored;
  return convertedVersion(resource)?.fromStorage(stored) ?? stored;
}

export function storedFrom(attrs: AdmissionAttributes, resource: ResourceInfo, viewed: KubeObject): KubeObject {
  if (attrs.subresourceKind) return viewed;
  return convertedVersion(resource)?.toStorage(viewed) ?? viewed;
}

/**
 * Makes `target` hold what `source` holds, keeping the identity of target and of its metadata (the write in
 * progress holds both).
 */
export function replaceContents(target: KubeObject, source: KubeObject): void {
  const meta = target.metadata;
  for (const k of Object.keys(target)) delete target[k];
  Object.assign(target, source);
  if (meta && isRecord(source.metadata)) {
    for (const k of Object.keys(meta)) delete meta[k];
    Object.assign(meta, source.metadata);
    target.metadata = meta;
  }
}
