// The generic registry: create, read, update, patch and delete of any resource over the store, with the
// metadata rules of Kubernetes (uid, creationTimestamp, generation, resourceVersion preconditions,
// generateName, finalizers, graceful deletion, status subresource isolation, managedFields). What a kind
// does differently (initial status, allocations, grace periods, reactions to writes) is its strategy's.
import * as crypto from 'crypto';
import { ResourceInfo, apiVersionOf } from '../../kube/registry';
import { Store, StoreEntry, StoreError } from '../store/types';
import { admit, type AdmissionResult, FieldValidation } from './admission';
import { admitCreate, admitQuota, admitUpdate } from './admission/index';
import type { AdmissionOperation } from './admission/attributes';
import type { AdmissionWebhooks } from './admission/webhooks';
import { writeAttributes, type SubresourceView } from './admission/writeAttributes';
import { admitByPolicies } from './admission/policies/index';
import { ApiError, alreadyExists, badRequest, conflict, forbidden, notFound } from './apiErrors';
import { updateManagedFields } from '../../kube/patch';
import { fieldSchemaFor, type SchemaObject } from '../../kube/schemas';
import { deepEqual, isRecord, KubeObject, ObjectMeta } from '../../kube/objects';
import { clock, timestamp } from '../clock';
import { copyJson } from '../../kube/copyJson';
import { pooledRandomBytes } from '../randomBytes';
import type { Strategy } from './strategies/strategy';
import { statusWrittenMetadata } from './strategies/statusMetadata';
import type { UserInfo } from './access/userInfo';
import { convertedVersion } from './conversion';

export interface WriteOptions {
  dryRun?: boolean;
  /** who asks for the write (the strategies that record or check it: CSRs' spec.username, RBAC escalation) */
  requester?: UserInfo;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** the object already carries its new managedFields (server-side apply computed them) */
  managedFieldsComputed?: boolean;
  /** the version the client named, when the write is made in the stored one (for admission webhooks) */
  requestedAs?: ResourceInfo;
  /** the subresource admission sees a write made through (finalize), where the write itself is a plain update */
  admissionSubresource?: string;
  /** a write through a subresource admission sees as another kind (scale) */
  subresourceView?: SubresourceView;
}

export interface WriteResult {
  object: KubeObject;
  warnings: string[];
}

export interface DeleteOptions {
  dryRun?: boolean;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** who asks (admission policies and webhooks read it) */
  requester?: UserInfo;
  requestedAs?: ResourceInfo;
}

/** Kubernetes timestamps have second precision. */
export function nowTimestamp(): string {
  return timestamp();
}

export function storageKey(
  info: Pick<ResourceInfo, 'group' | 'plural' | 'namespaced' | 'storedAs'>,
  namespace: string | undefined,
  name?: string,
): string {
  // a version served by conversion reads and writes the objects of the version they are stored in
  const group = info.storedAs?.group ?? info.group;
  const base = `/registry/${group || 'core'}/${info.plural}/`;
  if (!info.namespaced) return name === undefined ? base : base + name;
  if (namespace === undefined) return base;
  return name === undefined ? `${base}${namespace}/` : `${base}${namespace}/${name}`;
}

const GENERATE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** The random suffix of generated names (generateName, kube-api-access-xxxxx). */
export function generateSuffix(): string {
  let s = '';
  const bytes = pooledRandomBytes(5);
  for (const b of bytes) s += GENERATE_CHARS[b % GENERATE_CHARS.length];
  return s;
}

/** The part of an object whose change bumps metadata.generation: everything but metadata and status. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, ...rest } = obj ?? {};
  return rest;
}

/** An update's metadata.generation: the stored one, one more when the spec (all but metadata and status) changed. */
function setGeneration(obj: KubeObject, old: KubeObject): void {
  const oldGen = old.metadata.generation;
  if (oldGen !== undefined) obj.metadata.generation = deepEqual(specOf(old), specOf(obj)) ? oldGen : oldGen + 1;
  else delete obj.metadata.generation;
}

/** The subresources that write part of an object through ObjectStorage.update. */
export type WriteSubresource = 'status' | 'ephemeralcontainers';

function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.some((s) => s.name === 'status');
}

// every object a write stores is built for that write (from the request body or a copy) and not used after
const HAND_OVER = { handOver: true } as const;

export type CustomSchemaLookup = (info: ResourceInfo) => SchemaObject | undefined;

/** The strategy of a resource: what its kind does differently (strategies/). */
export type StrategyLookup = (info: ResourceInfo) => Strategy;

export class ObjectStorage {
  constructor(
    private readonly store: Store,
    private readonly customSchema: CustomSchemaLookup,
    private readonly strategyOf: StrategyLookup,
    private readonly webhooks?: AdmissionWebhooks,
  ) {}

  get(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject {
    const e = this.store.get(storageKey(info, namespace, name));
    if (!e) throw notFound(info.plural, info.group, name);
    return servedView(info)(e.value);
  }

  tryGet(info: ResourceInfo, namespace: string | undefined, name: string): KubeObject | undefined {
    const e = this.store.get(storageKey(info, namespace, name));
    return e && servedView(info)(e.value);
  }

  private checkNamespace(info: ResourceInfo, namespace: string | undefined, forCreate: boolean): void {
    if (!info.namespaced) return;
    if (!namespace) throw badRequest('the server could not find the requested resource: a namespace is required');
    const ns = this.store.get(`/registry/core/namespaces/${namespace}`);
    if (!ns)
      throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, {
        name: namespace,
        kind: 'namespaces',
      });
    if (forCreate && ns.value.metadata?.deletionTimestamp) {
      throw forbidden(
        `${info.plural} "${'(new)'}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        {
          causes: [
            {
              reason: 'NamespaceTerminating',
              message: `namespace ${namespace} is being terminated`,
              field: 'metadata.namespace',
            },
          ],
        },
      );
    }
  }

  /** Fills and checks apiVersion, kind and namespace of a body against the URL it was sent to. */
  private checkTypeAndNamespace(
    info: ResourceInfo,
    namespace: string | undefined,
    obj: unknown,
  ): asserts obj is KubeObject {
    if (!isRecord(obj)) throw badRequest('the body must be a JSON or YAML object');
    const apiVersion = apiVersionOf(info);
    if (obj.apiVersion === undefined || obj.apiVersion === '') obj.apiVersion = apiVersion;
    if (obj.kind === undefined || obj.kind === '') obj.kind = info.kind;
    if (obj.apiVersion !== apiVersion || obj.kind !== info.kind) {
      throw badRequest(
        `the API version in the data (${obj.apiVersion}) does not match the expected API version (${apiVersion})` +
          (obj.kind !== info.kind ? ` or kind (${obj.kind} vs ${info.kind})` : ''),
      );
    }
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!isRecord(obj.metadata)) throw badRequest('metadata must be an object');
    const meta: ObjectMeta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace;
    } else {
      delete meta.namespace;
    }
  }

  async create(
    info: ResourceInfo,
    namespace: string | undefined,
    body: unknown,
    opts: WriteOptions,
  ): Promise<WriteResult> {
    this.checkTypeAndNamespace(info, namespace, body);
    const converted = convertedVersion(info);
    if (converted) {
      const r = await this.create(converted.storage, namespace, converted.toStorage(body), {
        ...opts,
        requestedAs: info,
      });
      return { ...r, object: converted.fromStorage(r.object) };
    }
    this.checkNamespace(info, namespace, true);
    const obj = body;
    const meta = obj.metadata;
    // kube-apiserver generates the name after mutating admission, which sees only generateName; the checks
    // before name the object as it will be stored, with the suffix chosen now
    const suffix = !meta.name && meta.generateName ? generateSuffix() : undefined;
    const named = <T>(check: () => T): T => {
      if (suffix === undefined || meta.name || !meta.generateName) return check();
      meta.name = meta.generateName + suffix;
      try {
        return check();
      } finally {
        delete meta.name;
      }
    };
    for (const f of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'selfLink',
    ])
      delete meta[f];
    const strategy = this.strategyOf(info);
    if (hasStatusSubresource(info)) {
      const status = strategy.initialStatus?.(obj);
      if (status === undefined) delete obj.status;
      else obj.status = status;
    }
    const uid = crypto.randomUUID();
    const readmit = () =>
      named(() => admit(info, obj, undefined, opts.fieldValidation ?? 'Warn', this.customSchema(info), uid));
    const { warnings } = readmit();
    named(() => admitCreate(this.store, info, obj));
    warnings.push(...(await this.mutatingAdmission('CREATE', info, obj, undefined, opts, readmit)));
    // kube-apiserver's BeforeCreate: the name, the system fields and the strategy's, so validating admission
    // sees the object as it is stored
    if (!meta.name && meta.generateName) meta.name = meta.generateName + (suffix ?? generateSuffix());
    meta.uid = uid;
    meta.creationTimestamp = nowTimestamp();
    strategy.prepareForCreate?.(obj, !!opts.dryRun, opts.requester);
    if ('spec' in obj || info.custom) meta.generation = 1;
    let created: KubeObject;
    try {
      warnings.push(...(await this.validatingAdmission('CREATE', info, obj, undefined, opts)));
      admitQuota(this.store, info, obj);
      this.trackManager(info, undefined, obj, opts);
      if (opts.dryRun) return { object: withTypeMeta(info, obj), warnings };
      try {
        created = (await this.store.create(storageKey(info, namespace, meta.name), obj, HAND_OVER)).value;
      } catch (err) {
        throw this.mapStoreError(err, info, meta.name ?? '');
      }
    } catch (err) {
      if (!opts.dryRun) strategy.abortCreate?.(obj);
      throw err;
    }
    await strategy.afterWrite?.(created, undefined);
    return { object: withTypeMeta(info, created), warnings };
  }

  /**
   * Replaces an object (PUT, or the result of a PATCH). `subresource` 'status' takes only the status,
   * 'ephemeralcontainers' only a pod's spec.ephemeralContainers; otherwise the status of kinds with a status
   * subresource is kept.
   */
  async update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions & {
      subresource?: WriteSubresource;
      current?: StoreEntry;
      /** a write the API server makes itself (pods/binding): no admission, status taken from the body */
      internal?: boolean;
    },
  ): Promise<WriteResult> {
    this.checkTypeAndNamespace(info, namespace, body);
    const converted = convertedVersion(info);
    if (converted) {
      const r = await this.update(converted.storage, namespace, name, converted.toStorage(body), {
        ...opts,
        requestedAs: info,
      });
      return { ...r, object: converted.fromStorage(r.object) };
    }
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    body.metadata.name = name;
    const key = storageKey(info, namespace, name);
    const cur = opts.current ?? this.store.get(key);
    if (!cur) throw notFound(info.plural, info.group, name);
    const old = cur.value;
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion)
      throw conflict(info.plural, info.group, name);
    let obj: KubeObject;
    if (opts.subresource === 'status') {
      obj = this.statusWrite(info, old, body);
    } else if (opts.subresource === 'ephemeralcontainers') {
      // the stored pod with the request's ephemeral containers (kube-apiserver's dropNonEphemeralContainerUpdates);
      // a copy, as admission defaults the result in place
      obj = copyJson(old);
      const spec = isRecord(obj.spec) ? obj.spec : (obj.spec = {});
      spec.ephemeralContainers = isRecord(body.spec) ? body.spec.ephemeralContainers : undefined;
    } else {
      obj = body;
    }
    // fields the server owns are never taken from the client
    const meta = obj.metadata;
    meta.uid = old.metadata.uid;
    meta.creationTimestamp = old.metadata.creationTimestamp;
    meta.namespace = old.metadata.namespace;
    if (old.metadata.deletionTimestamp) {
      meta.deletionTimestamp = old.metadata.deletionTimestamp;
      if (old.metadata.deletionGracePeriodSeconds !== undefined)
        meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    } else {
      delete meta.deletionTimestamp;
      delete meta.deletionGracePeriodSeconds;
    }
    if (opts.subresource !== 'status' && !opts.internal) {
      const strategy = this.strategyOf(info);
      if (!opts.subresource) strategy.prepareForUpdate?.(obj, old, opts.requester);
      // kube-apiserver's PrepareForUpdate puts the stored status back after mutating admission, which sees the
      // status the client sent; the checks judge the object with the status it will be stored with
      const keepsStatus = !opts.subresource && hasStatusSubresource(info);
      const readmit = () =>
        withStatusOf(keepsStatus ? old : undefined, obj, () =>
          admit(info, obj, old, opts.fieldValidation ?? 'Warn', this.customSchema(info)),
        );
      const { warnings } = readmit();
      admitUpdate(this.store, info, obj);
      warnings.push(...(await this.mutatingAdmission('UPDATE', info, obj, old, opts, readmit)));
      if (keepsStatus) setStatus(obj, old.status);
      // kube-apiserver's BeforeUpdate (allocations, generation), so validating admission sees the object as
      // it is stored; what it allocated is given back when the write then fails
      strategy.beforeUpdate?.(obj, old, !!opts.dryRun);
      setGeneration(obj, old);
      let r: WriteResult;
      try {
        warnings.push(...(await this.validatingAdmission('UPDATE', info, obj, old, opts)));
        admitQuota(this.store, info, obj, old);
        r = await this.commit(info, key, cur, old, obj, opts, warnings);
      } catch (err) {
        if (!opts.dryRun) strategy.abortUpdate?.(obj);
        throw err;
      }
      if (!opts.dryRun) await strategy.afterWrite?.(r.object, old);
      return r;
    }
    const warnings = opts.internal ? [] : await this.mutatingAdmission('UPDATE', info, obj, old, opts);
    // kube-apiserver's status strategies run after mutating admission: what a webhook changed outside the
    // status is dropped before validating admission sees the object
    if (opts.subresource === 'status') obj = this.statusWrite(info, old, obj);
    // the server's own writes (pods/binding) leave the generation as it is, as kube-apiserver's binding does
    if (opts.internal) obj.metadata.generation = old.metadata.generation;
    else setGeneration(obj, old);
    if (!opts.internal) warnings.push(...(await this.validatingAdmission('UPDATE', info, obj, old, opts)));
    return this.commit(info, key, cur, old, obj, opts, warnings);
  }

  /**
   * A status write: the stored object with the written status, and the labels and annotations its kind's
   * status strategy lets it change (strategies/statusMetadata.ts). What is not written stays shared with the
   * stored (frozen) object.
   */
  private statusWrite(info: ResourceInfo, old: KubeObject, written: KubeObject): KubeObject {
    const obj: KubeObject = { ...old, metadata: { ...old.metadata }, status: written.status };
    if (written.status === undefined) delete obj.status;
    for (const field of statusWrittenMetadata(info))
      if (written.metadata[field] !== undefined) obj.metadata[field] = written.metadata[field];
    this.strategyOf(info).prepareForStatusUpdate?.(obj, old);
    return obj;
  }

  /** The mutating admission webhooks on a write (admission/webhooks/): their warnings. */
  private async mutatingAdmission(
    operation: AdmissionOperation,
    info: ResourceInfo,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    opts: WriteOptions | DeleteOptions,
    readmit?: () => AdmissionResult,
  ): Promise<string[]> {
    const attrs = writeAttributes(operation, info, obj, old, opts);
    const view = 'subresourceView' in opts ? opts.subresourceView : undefined;
    const revalidate = () => {
      // what webhooks changed in a subresource's view (a Scale's replicas) is the object's change
      if (view && obj && attrs?.object) view.fromView(obj, attrs.object);
      return readmit?.().warnings ?? [];
    };
    return (await this.webhooks?.mutate(attrs, revalidate)) ?? [];
  }

  /**
   * Validating admission on a write, as kube-apiserver's plugin order has it: ValidatingAdmissionPolicies
   * (admission/policies/), then the validating webhooks. Their warnings; throws the first refusal.
   */
  private async validatingAdmission(
    operation: AdmissionOperation,
    info: ResourceInfo,
    obj: KubeObject | undefined,
    old: KubeObject | undefined,
    opts: WriteOptions | DeleteOptions,
  ): Promise<string[]> {
    const attrs = writeAttributes(operation, info, obj, old, opts);
    if (!attrs) return [];
    const warnings = admitByPolicies(this.store, attrs);
    return [...warnings, ...((await this.webhooks?.validate(attrs)) ?? [])];
  }

  private async commit(
    info: ResourceInfo,
    key: string,
    cur: StoreEntry,
    old: KubeObject,
    obj: KubeObject,
    opts: WriteOptions & { subresource?: WriteSubresource },
    warnings: string[],
  ): Promise<WriteResult> {
    const meta = obj.metadata;
    delete meta.resourceVersion;
    this.trackManager(info, old, obj, opts);
    // nothing changed: Kubernetes answers with the stored object and writes nothing
    // an apply that only changes who owns what (same values) is still written, as its ownership matters later
    const ownership = (o: KubeObject) =>
      (o.metadata.managedFields ?? []).map((m) => {
        const { time: _t, ...rest } = m as Record<string, unknown>;
        return rest;
      });
    const unchanged =
      deepEqual(stripVolatile(old), stripVolatile(obj)) &&
      (!opts.managedFieldsComputed || deepEqual(ownership(old), ownership(obj)));
    if (unchanged) {
      meta.managedFields = old.metadata.managedFields;
      meta.resourceVersion = old.metadata.resourceVersion;
      if (deepEqual(old, obj)) return { object: withTypeMeta(info, old), warnings };
    }
    if (opts.dryRun) {
      meta.resourceVersion = old.metadata.resourceVersion;
      return { object: withTypeMeta(info, obj), warnings };
    }
    // the last finalizer removed from an object being deleted: the object goes
    // (a pod in its grace period stays until the kubelet deletes it with grace 0, whatever is written to it)
    if (
      meta.deletionTimestamp &&
      !meta.finalizers?.length &&
      !this.strategyOf(info).pendingFinalization?.(obj) &&
      !((meta.deletionGracePeriodSeconds ?? 0) > 0)
    ) {
      try {
        const e = await this.store.delete(key, cur.modRevision);
        await this.released(info, e.value);
        return { object: withTypeMeta(info, e.value), warnings };
      } catch (err) {
        throw this.mapStoreError(err, info, meta.name ?? '');
      }
    }
    try {
      const e = await this.store.update(key, obj, cur.modRevision, HAND_OVER);
      return { object: withTypeMeta(info, e.value), warnings };
    } catch (err) {
      throw this.mapStoreError(err, info, meta.name ?? '');
    }
  }

  private trackManager(
    info: ResourceInfo,
    old: KubeObject | undefined,
    obj: KubeObject,
    opts: WriteOptions & { subresource?: WriteSubresource },
  ): void {
    if (opts.managedFieldsComputed) return;
    if (!opts.fieldManager) {
      if (old) obj.metadata.managedFields = old.metadata.managedFields;
      return;
    }
    const managed = updateManagedFields({
      old: old && trackedPart(old, opts.subresource),
      updated: trackedPart(obj, opts.subresource),
      manager: opts.fieldManager,
      operation: 'Update',
      apiVersion: apiVersionOf(info),
      now: nowTimestamp(),
      schema: info.custom ? undefined : fieldSchemaFor(apiVersionOf(info), info.kind),
    });
    if (managed !== undefined) obj.metadata.managedFields = managed;
    else delete obj.metadata.managedFields;
  }

  async delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): Promise<{ object: KubeObject; pending: boolean; warnings: string[] }> {
    const converted = convertedVersion(info);
    if (converted) {
      const r = await this.delete(converted.storage, namespace, name, { ...opts, requestedAs: info });
      return { ...r, object: converted.fromStorage(r.object) };
    }
    this.strategyOf(info).validateDelete?.(name);
    const stored = this.store.get(storageKey(info, namespace, name))?.value;
    const attrs = stored && writeAttributes('DELETE', info, undefined, stored, opts);
    const warnings = [
      ...((await this.webhooks?.mutate(attrs)) ?? []),
      ...((await this.webhooks?.validate(attrs)) ?? []),
    ];
    // a write racing the delete is not the client's conflict: try again against the newer object,
    // as the real API server does (unless the client pinned a resourceVersion)
    for (let attempt = 0; ; attempt++) {
      try {
        return { ...(await this.deleteOnce(info, namespace, name, opts)), warnings };
      } catch (e) {
        const retry =
          e instanceof ApiError &&
          e.code === 409 &&
          e.reason === 'Conflict' &&
          !opts.preconditions?.resourceVersion &&
          attempt < 10;
        if (!retry || /Precondition failed/.test(e.message)) throw e;
        await new Promise((r) => setTimeout(r, 1 + attempt * 2));
      }
    }
  }

  private async deleteOnce(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
  ): Promise<{ object: KubeObject; pending: boolean }> {
    const key = storageKey(info, namespace, name);
    const cur = this.store.get(key);
    if (!cur) throw notFound(info.plural, info.group, name);
    const old = cur.value;
    const pre = opts.preconditions ?? {};
    if (pre.uid && pre.uid !== old.metadata.uid) {
      throw conflict(
        info.plural,
        info.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`,
      );
    }
    if (pre.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
      throw conflict(
        info.plural,
        info.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`,
      );
    }
    const attrs = writeAttributes('DELETE', info, undefined, old, opts);
    if (attrs) admitByPolicies(this.store, attrs); // a delete's warnings reach no client
    const obj = copyJson(old);
    const meta = obj.metadata;
    const finalizers: string[] = meta.finalizers ?? [];
    const policy = opts.propagationPolicy;
    const add = (f: string) => {
      if (!finalizers.includes(f)) finalizers.push(f);
    };
    const drop = (f: string) => {
      const i = finalizers.indexOf(f);
      if (i >= 0) finalizers.splice(i, 1);
    };
    if (policy === 'Foreground') {
      add('foregroundDeletion');
      drop('orphan');
    } else if (policy === 'Orphan') {
      add('orphan');
      drop('foregroundDeletion');
    }
    if (finalizers.length) meta.finalizers = finalizers;

    const strategy = this.strategyOf(info);
    const grace = strategy.gracePeriod?.(obj, opts.gracePeriodSeconds) ?? 0;
    const needsGrace = grace > 0;
    const pendingFinalization = strategy.pendingFinalization?.(obj) ?? false;
    if (finalizers.length || needsGrace || pendingFinalization) {
      if (!meta.deletionTimestamp) {
        meta.deletionTimestamp = timestamp(clock().now() + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
        if (meta.generation !== undefined) meta.generation += 1;
      } else if (grace < (meta.deletionGracePeriodSeconds ?? Infinity)) {
        // a shorter grace period (down to the kubelet's final 0) may replace a longer one, never the reverse
        meta.deletionTimestamp = timestamp(clock().now() + grace * 1000);
        meta.deletionGracePeriodSeconds = grace;
      }
      strategy.beginDelete?.(obj);
      if (opts.dryRun) return { object: withTypeMeta(info, obj), pending: true };
      try {
        const e = await this.store.update(key, obj, cur.modRevision, HAND_OVER);
        return { object: withTypeMeta(info, e.value), pending: true };
      } catch (err) {
        throw this.mapStoreError(err, info, name);
      }
    }
    if (opts.dryRun) return { object: withTypeMeta(info, old), pending: false };
    try {
      const e = await this.store.delete(key, cur.modRevision);
      await this.released(info, e.value);
      return { object: withTypeMeta(info, e.value), pending: false };
    } catch (err) {
      throw this.mapStoreError(err, info, name);
    }
  }

  private async released(info: ResourceInfo, obj: KubeObject): Promise<void> {
    await this.strategyOf(info).afterDelete?.(obj);
  }

  mapStoreError(err: unknown, info: ResourceInfo, name: string): unknown {
    if (err instanceof StoreError) {
      switch (err.code) {
        case 'AlreadyExists':
          return alreadyExists(info.plural, info.group, name);
        case 'NotFound':
          return notFound(info.plural, info.group, name);
        case 'Conflict':
          return conflict(info.plural, info.group, name);
        default:
          return err;
      }
    }
    return err;
  }
}

/**
 * What an Update entry of managedFields can own: status is not tracked for Update entries (the bookkeeping
 * drops it), and a status write takes nothing but status, labels and annotations from its body, so its
 * other fields equal the stored ones. Leaving those parts out of the diff gives the same entries for less.
 */
function trackedPart(obj: KubeObject, subresource: WriteSubresource | undefined): object {
  if (subresource === 'status') return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata };
  if (!('status' in obj)) return obj;
  const { status: _s, ...rest } = obj;
  return rest;
}

function setStatus(obj: KubeObject, status: unknown): void {
  if (status === undefined) delete obj.status;
  else obj.status = status;
}

/** Runs check on obj with the status of `from` (when given) in place of its own, which is put back after. */
function withStatusOf<T>(from: KubeObject | undefined, obj: KubeObject, check: () => T): T {
  if (!from) return check();
  const own = obj.status;
  setStatus(obj, from.status);
  try {
    return check();
  } finally {
    setStatus(obj, own);
  }
}

function stripVolatile(obj: KubeObject): object {
  const { metadata, ...rest } = obj;
  const { resourceVersion: _r, managedFields: _m, generation: _g, ...m } = metadata ?? {};
  return { ...rest, metadata: m };
}

/** A stored object as the version a request names shows it: converted, when that version is not the stored one. */
export function servedView(info: ResourceInfo): (stored: KubeObject) => KubeObject {
  const converted = convertedVersion(info);
  return converted ? (obj) => converted.fromStorage(obj) : (obj) => withTypeMeta(info, obj);
}

/** Stored objects omit nothing, but list items from older writes may; responses always carry type meta. */
export function withTypeMeta<T extends KubeObject>(info: ResourceInfo, obj: T): T {
  if (obj && (obj.apiVersion === undefined || obj.kind === undefined)) {
    return { kind: info.kind, apiVersion: apiVersionOf(info), ...obj };
  }
  return obj;
}
