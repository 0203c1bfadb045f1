// PATCH: JSON patch, merge patch, strategic merge patch and server-side apply, with Kubernetes' retry on
// conflicting concurrent writes (unless the patch pins a resourceVersion).
import { ResourceInfo, apiVersionOf } from '../../kube/registry';
import {
  applyJsonPatch,
  applyMergePatch,
  applyStrategicMergePatch,
  serverSideApply,
  formatApplyConflicts,
  type JsonObject,
} from '../../kube/patch';
import { fieldSchemaFor } from '../../kube/schemas';
import type { FieldSchema } from '../../kube/fieldSchema';
import { isRecord, type KubeObject, type ObjectMeta } from '../../kube/objects';
import { ApiError, badRequest, unsupportedMediaType } from './apiErrors';
import { ObjectStorage, WriteOptions, WriteResult, WriteSubresource, nowTimestamp, storageKey } from './objectStorage';
import { convertedVersion } from './conversion';
import { Store } from '../store/types';
import { copyJson } from '../../kube/copyJson';

/**
 * Patches that name no resourceVersion are retried on conflicts until they land, as kube-apiserver's
 * GuaranteedUpdate does; many writers racing on one object need more than a handful of rounds, and a random
 * wait keeps them from colliding again in step.
 */
const MAX_ATTEMPTS = 100;
const backOff = (attempt: number) => new Promise((r) => setTimeout(r, 1 + Math.random() * Math.min(50, attempt * 4)));

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export function patchTypeOf(contentType: string): PatchType {
  switch (contentType) {
    case 'application/json-patch+json':
      return 'json';
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/apply-patch+yaml':
    case 'application/apply-patch+json':
    case 'application/apply-patch+cbor':
      return 'apply';
    default:
      throw unsupportedMediaType(contentType);
  }
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
  subresource?: WriteSubresource;
}

/**
 * RFC 7386 merge patch that copies only the objects along the patch's paths and shares the rest of target
 * (frozen stored data) with the result; the patch's own values are taken as they are (the request owns
 * them). metadata is always a fresh copy, as writes set fields of it.
 */
function mergePatchSharing(target: unknown, patch: unknown): unknown {
  const out = mergeShared(target, patch);
  if (isRecord(out)) out.metadata = { ...(isRecord(out.metadata) ? out.metadata : {}) };
  return out;
}

function mergeShared(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Record<string, unknown> = isRecord(target) ? { ...target } : {};
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) delete out[k];
    else {
      const merged = mergeShared(Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined, v);
      // an own "__proto__" key is data, not the prototype
      if (k === '__proto__')
        Object.defineProperty(out, k, { value: merged, enumerable: true, writable: true, configurable: true });
      else out[k] = merged;
    }
  }
  return out;
}

function asApiError(e: unknown): never {
  if (e instanceof ApiError) throw e;
  // patch functions throw errors that may carry an HTTP status or code
  const err = e as { status?: unknown; code?: unknown; message?: unknown } | null | undefined;
  const status = err?.status === 422 || err?.code === 422 ? 422 : 400;
  if (status === 422) throw new ApiError(422, 'Invalid', String(err?.message ?? e));
  throw badRequest(String(err?.message ?? e));
}

export async function patchObject(
  storage: ObjectStorage,
  store: Store,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  type: PatchType,
  patch: unknown,
  opts: PatchOptions,
): Promise<WriteResult & { created: boolean }> {
  const converted = convertedVersion(info);
  if (type === 'apply' && converted && isRecord(patch)) {
    // managedFields track the stored version's fields, so an apply through another version is converted first
    // and applied there (fields the converted version cannot name are left to their managers)
    const applied = {
      ...patch,
      apiVersion: patch.apiVersion ?? apiVersionOf(info),
      kind: patch.kind ?? info.kind,
      metadata: isRecord(patch.metadata) ? patch.metadata : {},
    };
    if (applied.apiVersion !== apiVersionOf(info) || applied.kind !== info.kind)
      throw badRequest(`apply patch apiVersion ${String(applied.apiVersion)} does not match ${apiVersionOf(info)}`);
    const stored = converted.toStorage(applied as KubeObject);
    const r = await patchObject(storage, store, converted.storage, namespace, name, type, stored, opts);
    return { ...r, object: converted.fromStorage(r.object) };
  }
  const schema = info.custom ? undefined : fieldSchemaFor(apiVersionOf(info), info.kind);
  if (type === 'apply') {
    if (!opts.fieldManager)
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    if (!isRecord(patch)) throw badRequest('apply patch must be an object');
    if (patch.metadata !== undefined && !isRecord(patch.metadata)) {
      throw badRequest('apply patch: metadata must be an object');
    }
  }
  // the resourceVersion a patch names, which it must apply to (a JSON patch names none this way)
  const pinned = type !== 'json' && isRecord(patch) && isRecord(patch.metadata) && patch.metadata.resourceVersion;
  for (let attempt = 0; ; attempt++) {
    const key = storageKey(info, namespace, name);
    const cur = store.get(key);
    if (!cur) {
      if (type === 'apply' && !opts.subresource) {
        const { object } = runApply(undefined, patch as JsonObject, opts, schema, info);
        try {
          const r = await storage.create(info, namespace, object, { ...opts, fieldManager: undefined });
          return { ...r, created: true };
        } catch (e) {
          // apply is create-or-update: another request created the object first, so apply onto it instead
          // (its write may still be on its way to disk, invisible to reads: wait a moment for it)
          if (!(e instanceof ApiError && e.code === 409 && e.reason === 'AlreadyExists' && attempt < MAX_ATTEMPTS))
            throw e;
          await backOff(attempt);
          continue;
        }
      }
      throw notFoundFor(info, name);
    }
    // JSON, merge and strategic merge patches copy what they patch; apply works on its own copy
    const served = converted ? converted.fromStorage(cur.value) : cur.value;
    const live = type === 'apply' ? copyJson(served) : served;
    let next: unknown;
    let manager = opts.fieldManager;
    try {
      switch (type) {
        case 'json':
          next = applyJsonPatch(live, patch);
          break;
        // a status write takes only status, labels and annotations from the result (and changes nothing in
        // it), so it may share what the patch leaves alone with the stored object
        case 'merge':
          next = opts.subresource === 'status' ? mergePatchSharing(live, patch) : applyMergePatch(live, patch);
          break;
        case 'strategic':
          next = applyStrategicMergePatch(live, patch, schema);
          break;
        case 'apply': {
          const r = runApply(live as JsonObject, patch as JsonObject, opts, schema, info);
          next = r.object;
          manager = undefined; // runApply already recorded the Apply entry
          break;
        }
      }
    } catch (e) {
      asApiError(e);
    }
    // a patch may leave anything at all (null, a list, metadata: "x"): that is the request's fault, a 400
    if (!isRecord(next) || (next.metadata !== undefined && !isRecord(next.metadata))) {
      throw badRequest(`the ${type} patch leaves no valid object: the result and its metadata must be JSON objects`);
    }
    const meta = (next.metadata ??= {}) as ObjectMeta;
    // a pinned version is taken as sent (one that is not a string never matches, a 409)
    if (meta.resourceVersion === undefined || type === 'apply')
      meta.resourceVersion = pinned ? (pinned as string) : cur.value.metadata.resourceVersion;
    try {
      const r = await storage.update(info, namespace, name, next, {
        ...opts,
        fieldManager: manager,
        managedFieldsComputed: type === 'apply',
        current: cur,
      });
      return { ...r, created: false };
    } catch (e) {
      // someone else wrote in between: re-read and re-apply the patch, as the real API server does
      // (the competing write may still be on its way to disk, invisible to reads: wait a moment for it)
      if (e instanceof ApiError && e.code === 409 && e.reason === 'Conflict' && !pinned && attempt < MAX_ATTEMPTS) {
        await backOff(attempt);
        continue;
      }
      throw e;
    }
  }
}

function notFoundFor(info: ResourceInfo, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${info.group ? `${info.plural}.${info.group}` : info.plural} "${name}" not found`,
    { name, group: info.group || undefined, kind: info.plural },
  );
}

function runApply(
  live: JsonObject | undefined,
  applied: JsonObject,
  opts: PatchOptions,
  schema: FieldSchema | undefined,
  info: ResourceInfo,
): { object: JsonObject } {
  const av = apiVersionOf(info);
  if (applied.apiVersion && applied.apiVersion !== av)
    throw badRequest(`apply patch apiVersion ${applied.apiVersion} does not match ${av}`);
  if (applied.kind && applied.kind !== info.kind)
    throw badRequest(`apply patch kind ${applied.kind} does not match ${info.kind}`);
  const r = serverSideApply({
    live,
    applied,
    manager: opts.fieldManager!,
    force: !!opts.force,
    schema,
    apiVersion: av,
    now: nowTimestamp(),
  });
  if (r.conflicts.length) {
    const f = formatApplyConflicts(r.conflicts, av);
    throw new ApiError(409, 'Conflict', f.message, { causes: f.causes });
  }
  return { object: r.object };
}
