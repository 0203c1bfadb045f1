// The scale subresource: an autoscaling/v1 Scale of a workload's replicas (at the paths a CRD names for
// custom resources); PUT or PATCH of it writes spec.replicas, admitted as that Scale (kind autoscaling/v1 Scale,
// subresource scale), as kube-apiserver admits it.
import type { Scale } from 'kubernetes-types/autoscaling/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { copyJson } from '../../../kube/copyJson';
import { fromLabelSelector, selectorFromMap, selectorToString } from '../../../kube/labelSelector';
import { isRecord, type KubeObject } from '../../../kube/objects';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from '../../../kube/patch';
import { ApiError, methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import type { SubresourceView } from '../admission/writeAttributes';
import { storageKey } from '../objectStorage';
import { readPatch } from '../handlers/patch';
import { send, writeOptions, type RequestScope } from '../handlers/scope';

type ScalePaths = { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };

function pathOf(p: string): string[] {
  return p.replace(/^\./, '').split('.');
}

function valueAt(obj: unknown, p: string): unknown {
  return pathOf(p).reduce<unknown>((a, k) => (isRecord(a) ? a[k] : undefined), obj);
}

function scaleOf(obj: KubeObject, custom: ScalePaths | undefined): Scale {
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  const status = isRecord(obj.status) ? obj.status : undefined;
  const replicas = custom ? valueAt(obj, custom.specReplicasPath) : spec?.replicas;
  const statusReplicas = custom ? valueAt(obj, custom.statusReplicasPath) : status?.replicas;
  let selector: string | undefined;
  if (custom?.labelSelectorPath) selector = valueAt(obj, custom.labelSelectorPath) as string | undefined;
  else if (isRecord(spec?.selector)) {
    // the plain query string, as the real server sends; ReplicationControllers have a bare label map
    const s = spec.selector;
    selector = selectorToString(
      s.matchLabels || s.matchExpressions
        ? fromLabelSelector(s as LabelSelector)
        : selectorFromMap(s as Record<string, string>),
    );
  }
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: (replicas as number | undefined) ?? 0 },
    status: { replicas: (statusReplicas as number | undefined) ?? 0, ...(selector ? { selector } : {}) },
  };
}

export async function serveScale(scope: RequestScope, method: string, name: string): Promise<void> {
  const { api, info, namespace: ns } = scope;
  const custom = info.custom ? api.customResources.lookup(info)?.scale : undefined;
  const cur = api.storage.get(info, ns, name);
  const current = scaleOf(cur, custom);
  if (method === 'GET') return send(scope, 200, current);
  let scale: unknown;
  if (method === 'PUT') {
    scale = decodeBody(await readBody(scope.req), scope.req.headers['content-type'] ?? 'application/json');
    const rv = isRecord(scale) && isRecord(scale.metadata) ? scale.metadata.resourceVersion : undefined;
    if (rv && rv !== cur.metadata.resourceVersion)
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${info.plural}.${info.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, group: info.group, kind: info.plural },
      );
  } else if (method === 'PATCH') {
    const { type, patch } = await readPatch(scope);
    scale =
      type === 'json'
        ? applyJsonPatch(copyJson(current), patch)
        : type === 'strategic'
          ? applyStrategicMergePatch(copyJson(current), patch, undefined)
          : applyMergePatch(copyJson(current), patch);
  } else {
    throw methodNotAllowed();
  }
  const replicas = isRecord(scale) && isRecord(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
      {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
            field: 'spec.replicas',
          },
        ],
      },
    );
  }
  const next = copyJson(cur);
  setReplicas(next, custom, replicas);
  const r = await api.storage.update(info, ns, name, next, {
    ...writeOptions(scope),
    subresourceView: scaleView(custom),
    current: api.store.get(storageKey(info, ns, name)),
  });
  send(scope, 200, scaleOf(r.object, custom));
}

function setReplicas(obj: KubeObject, custom: ScalePaths | undefined, replicas: unknown): void {
  const path = pathOf(custom ? custom.specReplicasPath : 'spec.replicas');
  let o: Record<string, unknown> = obj;
  for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[path[path.length - 1]] = replicas;
}

/** Admission sees a scale write as kube-apiserver shows it: the Scale, its replicas what webhooks may change. */
function scaleView(custom: ScalePaths | undefined): SubresourceView {
  return {
    subresource: 'scale',
    kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
    toView: (obj) => scaleOf(obj, custom) as KubeObject,
    fromView: (obj, view) => setReplicas(obj, custom, isRecord(view.spec) ? view.spec.replicas : undefined),
  };
}
