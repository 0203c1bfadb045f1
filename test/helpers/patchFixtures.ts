// Hand-built FieldSchema trees for the patch tests. They copy the x-kubernetes-* metadata of the
// real apps/v1 and v1 OpenAPI documents for the fields the tests touch. (No tests live here.)
import { FieldSchema } from '../../kube/fieldSchema';

type Meta = Partial<Pick<FieldSchema, 'patchMergeKey' | 'patchStrategy' | 'listType' | 'listMapKeys' | 'mapType'>>;

function node(
  type: FieldSchema['type'],
  props: Record<string, FieldSchema> | undefined,
  elements: FieldSchema | undefined,
  meta: Meta,
): FieldSchema {
  return {
    type,
    ...meta,
    field: (name) => (props && Object.prototype.hasOwnProperty.call(props, name) ? props[name] : undefined),
    elements: () => elements,
  };
}

export const str = node('string', undefined, undefined, {});
export const int = node('integer', undefined, undefined, {});
export const bool = node('boolean', undefined, undefined, {});
export const intOrString = node('int-or-string', undefined, undefined, {});
export const obj = (props: Record<string, FieldSchema>, meta: Meta = {}): FieldSchema =>
  node('object', props, undefined, meta);
export const map = (values: FieldSchema, meta: Meta = {}): FieldSchema => node('map', undefined, values, meta);
export const list = (items: FieldSchema, meta: Meta = {}): FieldSchema => node('array', undefined, items, meta);

const byName = (items: FieldSchema, strategy = 'merge'): FieldSchema =>
  list(items, { patchMergeKey: 'name', patchStrategy: strategy, listType: 'map', listMapKeys: ['name'] });

export const objectMeta = obj({
  name: str,
  generateName: str,
  namespace: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: str,
  deletionTimestamp: str,
  labels: map(str),
  annotations: map(str),
  finalizers: list(str, { patchStrategy: 'merge', listType: 'set' }),
  ownerReferences: list(obj({ apiVersion: str, kind: str, name: str, uid: str, controller: bool }), {
    patchMergeKey: 'uid',
    patchStrategy: 'merge',
    listType: 'map',
    listMapKeys: ['uid'],
  }),
  managedFields: list(
    obj({ manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: obj({}) }),
  ),
});

const envVar = obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str }) }) });

const containerPort = obj({ name: str, containerPort: int, protocol: str, hostPort: int });

export const container = obj({
  name: str,
  image: str,
  imagePullPolicy: str,
  command: list(str, { listType: 'atomic' }),
  args: list(str, { listType: 'atomic' }),
  env: byName(envVar),
  ports: list(containerPort, {
    patchMergeKey: 'containerPort',
    patchStrategy: 'merge',
    listType: 'map',
    listMapKeys: ['containerPort', 'protocol'],
  }),
  volumeMounts: list(obj({ name: str, mountPath: str, readOnly: bool }), {
    patchMergeKey: 'mountPath',
    patchStrategy: 'merge',
    listType: 'map',
    listMapKeys: ['mountPath'],
  }),
  resources: obj({ limits: map(intOrString), requests: map(intOrString) }),
});

const volume = obj({
  name: str,
  emptyDir: obj({ medium: str, sizeLimit: intOrString }),
  configMap: obj({ name: str, defaultMode: int }),
  secret: obj({ secretName: str }),
});

export const podSpec = obj({
  containers: byName(container),
  initContainers: byName(container),
  volumes: byName(volume, 'merge,retainKeys'),
  restartPolicy: str,
  nodeSelector: map(str, { mapType: 'atomic' }),
  serviceAccountName: str,
});

export const deploymentSchema = obj({
  apiVersion: str,
  kind: str,
  metadata: objectMeta,
  spec: obj({
    replicas: int,
    paused: bool,
    revisionHistoryLimit: int,
    selector: obj({ matchLabels: map(str) }, { mapType: 'atomic' }),
    strategy: obj(
      { type: str, rollingUpdate: obj({ maxSurge: intOrString, maxUnavailable: intOrString }) },
      { patchStrategy: 'retainKeys' },
    ),
    template: obj({ metadata: objectMeta, spec: podSpec }),
  }),
  status: obj({ replicas: int, readyReplicas: int, observedGeneration: int }),
});

export const serviceSchema = obj({
  apiVersion: str,
  kind: str,
  metadata: objectMeta,
  spec: obj({
    type: str,
    selector: map(str, { mapType: 'atomic' }),
    ports: list(obj({ name: str, port: int, targetPort: intOrString, protocol: str }), {
      patchMergeKey: 'port',
      patchStrategy: 'merge',
      listType: 'map',
      listMapKeys: ['port', 'protocol'],
    }),
  }),
});

/** Every key anywhere in a value, to check that no patch directive reached a result. */
export function allKeys(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      allKeys(x, out);
    }
  }
  return out;
}
