// What one Kubernetes object in a file tells the rest of the workspace: identity, labels, selectors,
// container ports and the objects it refers to by name, each with its range in the document. The summary is
// read from the value; each range is worked out from the tree when first read (most are never shown).

import type { PathSegment } from '../../kube/fieldErrors';
import { isRecord } from '../../kube/objects';
import { LocalRange } from '../documents/lineIndex';
import { YamlDoc } from '../documents/parsedFile';
import { nodeAtPath, YMap } from '../documents/yamlTree';
import { firstLineRange } from '../positions';

export type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim' | 'ServiceAccount' | 'Service';

export interface Reference {
  kind: RefKind;
  name: string;
  /** the name's value in the document */
  range: LocalRange;
  path: PathSegment[];
  /** optional: true on the reference (the pod starts without it) */
  optional: boolean;
}

export interface LabelMap {
  labels: Record<string, string>;
  path: PathSegment[];
  /** the key of the map (e.g. `matchLabels:` or `selector:`) */
  keyRange: LocalRange;
}

export interface ContainerPort {
  name?: string;
  port?: number;
}

export interface ServicePortRef {
  targetPort: string | number;
  range: LocalRange;
  path: PathSegment[];
}

export interface ResourceSummary {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  /** metadata.name's value, or the kind line when there is no name */
  nameRange: LocalRange;
  /** the whole document's content */
  range: LocalRange;
  labels: Record<string, string>;
  /** spec.selector(.matchLabels) of workloads and Services */
  selector?: LabelMap;
  /** labels of the pod template (or the Pod's own labels) */
  podLabels?: Record<string, string>;
  podLabelsPath?: PathSegment[];
  podSpecPath?: PathSegment[];
  containerPorts: ContainerPort[];
  servicePorts: ServicePortRef[];
  references: Reference[];
}

const POD_SPEC_PATHS: Record<string, PathSegment[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** Kinds whose pods run until stopped (a readiness probe matters for them). */
export const LONG_RUNNING = new Set([
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'ReplicationController',
]);

function get(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const seg of path) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isRecord(cur)) cur = cur[String(seg)];
    else return undefined;
  }
  return cur;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'object') out[k] = String(x);
  return out;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** The range of the node at a path the document has: a scalar's value, or a collection's first line. */
function nodeRange(doc: YamlDoc, path: PathSegment[]): LocalRange {
  const n = nodeAtPath(doc.tree, path)!;
  return n.kind === 'scalar' ? doc.range(n.start, n.end) : firstLineRange(doc, n);
}

/** The range of the key a path ends in, in a map the document has. */
function keyRange(doc: YamlDoc, path: PathSegment[]): LocalRange {
  const parent = nodeAtPath(doc.tree, path.slice(0, -1)) as YMap;
  const pair = parent.pairs.find((p) => p.key === String(path[path.length - 1]))!;
  return doc.range(pair.keyStart, pair.keyEnd);
}

/** A path's range, worked out when first read and then kept. */
class PathRange {
  private known: LocalRange | undefined;
  constructor(
    private readonly doc: YamlDoc,
    readonly path: PathSegment[],
    private readonly of: (doc: YamlDoc, path: PathSegment[]) => LocalRange,
  ) {}

  protected get lazyRange(): LocalRange {
    return (this.known ??= this.of(this.doc, this.path));
  }
}

class DocReference extends PathRange implements Reference {
  constructor(
    doc: YamlDoc,
    readonly kind: RefKind,
    readonly name: string,
    path: PathSegment[],
    readonly optional: boolean,
  ) {
    super(doc, path, nodeRange);
  }

  get range(): LocalRange {
    return this.lazyRange;
  }
}

class DocServicePort extends PathRange implements ServicePortRef {
  constructor(
    doc: YamlDoc,
    readonly targetPort: string | number,
    path: PathSegment[],
  ) {
    super(doc, path, nodeRange);
  }

  get range(): LocalRange {
    return this.lazyRange;
  }
}

class DocLabelMap extends PathRange implements LabelMap {
  constructor(
    doc: YamlDoc,
    readonly labels: Record<string, string>,
    path: PathSegment[],
  ) {
    super(doc, path, keyRange);
  }

  get keyRange(): LocalRange {
    return this.lazyRange;
  }
}

class Collector {
  readonly references: Reference[] = [];
  constructor(private readonly doc: YamlDoc) {}

  ref(kind: RefKind, value: unknown, path: PathSegment[], optional: unknown): void {
    if (typeof value !== 'string' || value === '' || !this.doc.has(path)) return;
    this.references.push(new DocReference(this.doc, kind, value, path, optional === true));
  }
}

function podSpecReferences(c: Collector, spec: unknown, base: PathSegment[]): void {
  if (!isRecord(spec)) return;
  for (const group of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(spec[group]).forEach((container, ci) => {
      if (!isRecord(container)) return;
      const at: PathSegment[] = [...base, group, ci];
      list(container.envFrom).forEach((src, i) => {
        if (!isRecord(src)) return;
        if (isRecord(src.configMapRef))
          c.ref(
            'ConfigMap',
            src.configMapRef.name,
            [...at, 'envFrom', i, 'configMapRef', 'name'],
            src.configMapRef.optional,
          );
        if (isRecord(src.secretRef))
          c.ref('Secret', src.secretRef.name, [...at, 'envFrom', i, 'secretRef', 'name'], src.secretRef.optional);
      });
      list(container.env).forEach((env, i) => {
        const from = isRecord(env) && isRecord(env.valueFrom) ? env.valueFrom : undefined;
        if (!from) return;
        if (isRecord(from.configMapKeyRef))
          c.ref(
            'ConfigMap',
            from.configMapKeyRef.name,
            [...at, 'env', i, 'valueFrom', 'configMapKeyRef', 'name'],
            from.configMapKeyRef.optional,
          );
        if (isRecord(from.secretKeyRef))
          c.ref(
            'Secret',
            from.secretKeyRef.name,
            [...at, 'env', i, 'valueFrom', 'secretKeyRef', 'name'],
            from.secretKeyRef.optional,
          );
      });
    });
  }
  list(spec.volumes).forEach((vol, i) => {
    if (!isRecord(vol)) return;
    const at: PathSegment[] = [...base, 'volumes', i];
    if (isRecord(vol.configMap))
      c.ref('ConfigMap', vol.configMap.name, [...at, 'configMap', 'name'], vol.configMap.optional);
    if (isRecord(vol.secret))
      c.ref('Secret', vol.secret.secretName, [...at, 'secret', 'secretName'], vol.secret.optional);
    if (isRecord(vol.persistentVolumeClaim))
      c.ref(
        'PersistentVolumeClaim',
        vol.persistentVolumeClaim.claimName,
        [...at, 'persistentVolumeClaim', 'claimName'],
        false,
      );
    if (isRecord(vol.projected)) {
      list(vol.projected.sources).forEach((src, j) => {
        if (!isRecord(src)) return;
        if (isRecord(src.configMap))
          c.ref(
            'ConfigMap',
            src.configMap.name,
            [...at, 'projected', 'sources', j, 'configMap', 'name'],
            src.configMap.optional,
          );
        if (isRecord(src.secret))
          c.ref('Secret', src.secret.name, [...at, 'projected', 'sources', j, 'secret', 'name'], src.secret.optional);
      });
    }
  });
  c.ref('ServiceAccount', spec.serviceAccountName, [...base, 'serviceAccountName'], false);
  list(spec.imagePullSecrets).forEach((s, i) => {
    if (isRecord(s)) c.ref('Secret', s.name, [...base, 'imagePullSecrets', i, 'name'], false);
  });
}

function ingressReferences(c: Collector, spec: unknown): void {
  if (!isRecord(spec)) return;
  const backend = (b: unknown, at: PathSegment[]): void => {
    if (isRecord(b) && isRecord(b.service)) c.ref('Service', b.service.name, [...at, 'service', 'name'], false);
  };
  backend(spec.defaultBackend, ['spec', 'defaultBackend']);
  list(spec.rules).forEach((rule, i) => {
    const paths = isRecord(rule) && isRecord(rule.http) ? list(rule.http.paths) : [];
    paths.forEach((p, j) => {
      if (isRecord(p)) backend(p.backend, ['spec', 'rules', i, 'http', 'paths', j, 'backend']);
    });
  });
  list(spec.tls).forEach((t, i) => {
    if (isRecord(t)) c.ref('Secret', t.secretName, ['spec', 'tls', i, 'secretName'], false);
  });
}

/** Where a custom resource's pod template keeps its labels, as workloads do. */
const CUSTOM_POD_LABELS: PathSegment[] = ['spec', 'template', 'metadata', 'labels'];

/** The ports a pod spec's containers declare (a Service's named targetPort refers to them). */
function containerPorts(spec: unknown): ContainerPort[] {
  const out: ContainerPort[] = [];
  if (!isRecord(spec)) return out;
  for (const container of [...list(spec.containers), ...list(spec.initContainers)]) {
    if (!isRecord(container)) continue;
    for (const p of list(container.ports)) {
      if (isRecord(p))
        out.push({
          ...(typeof p.name === 'string' ? { name: p.name } : {}),
          ...(typeof p.containerPort === 'number' ? { port: p.containerPort } : {}),
        });
    }
  }
  return out;
}

/** The labels at a path (its last segment a key, so the document has them in a map when it has them at all). */
function labelMap(doc: YamlDoc, path: PathSegment[], value: unknown): LabelMap | undefined {
  if (!isRecord(value) || !doc.has(path)) return undefined;
  return new DocLabelMap(doc, stringMap(value), path);
}

/** A summary's own ranges, worked out when first read. */
class SummaryRanges {
  private nameRange: LocalRange | undefined;
  private documentRange: LocalRange | undefined;
  constructor(private readonly doc: YamlDoc) {}

  /** metadata.name's value, or the kind when the name is not there */
  get name(): LocalRange {
    if (this.nameRange) return this.nameRange;
    const { doc } = this;
    const nameNode = nodeAtPath(doc.tree, ['metadata', 'name']);
    const kindNode = nodeAtPath(doc.tree, ['kind']);
    const nameAt = nameNode?.kind === 'scalar' && !nameNode.empty ? nameNode : kindNode;
    return (this.nameRange = nameAt ? doc.range(nameAt.start, nameAt.end) : doc.range(0, 0));
  }

  /** the whole document's content */
  get document(): LocalRange {
    if (this.documentRange) return this.documentRange;
    const tree = this.doc.tree;
    return (this.documentRange = tree ? this.doc.range(tree.start, tree.end) : this.doc.range(0, 0));
  }
}

/** The summary of a Kubernetes object document, or undefined for anything else. */
export function summarize(doc: YamlDoc): ResourceSummary | undefined {
  return doc.cached('summary', 0, () => build(doc));
}

function build(doc: YamlDoc): ResourceSummary | undefined {
  if (!doc.kube || !isRecord(doc.value)) return undefined;
  const obj = doc.value;
  const { apiVersion, kind } = doc.kube;
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const c = new Collector(doc);
  const ranges = new SummaryRanges(doc);
  const summary: ResourceSummary = {
    apiVersion,
    kind,
    ...(typeof meta.name === 'string' ? { name: meta.name } : {}),
    ...(typeof meta.namespace === 'string' ? { namespace: meta.namespace } : {}),
    get nameRange() {
      return ranges.name;
    },
    get range() {
      return ranges.document;
    },
    labels: stringMap(meta.labels),
    containerPorts: [],
    servicePorts: [],
    references: c.references,
  };
  const podSpecPath = POD_SPEC_PATHS[kind];
  if (podSpecPath) {
    summary.podSpecPath = podSpecPath;
    const labelsPath = [...podSpecPath.slice(0, -1), 'metadata', 'labels'];
    summary.podLabelsPath = labelsPath;
    summary.podLabels = stringMap(get(obj, labelsPath));
    const spec = get(obj, podSpecPath);
    podSpecReferences(c, spec, podSpecPath);
    summary.containerPorts = containerPorts(spec);
    if (kind !== 'Pod' && kind !== 'CronJob') {
      const sel = get(obj, ['spec', 'selector', 'matchLabels']);
      const path: PathSegment[] =
        kind === 'ReplicationController' ? ['spec', 'selector'] : ['spec', 'selector', 'matchLabels'];
      const lm = labelMap(doc, path, kind === 'ReplicationController' ? get(obj, ['spec', 'selector']) : sel);
      if (lm) summary.selector = lm;
    }
  } else if (apiVersion.includes('.') && isRecord(get(obj, CUSTOM_POD_LABELS))) {
    // a custom resource with a pod template (an Argo Rollout, an operator's workload) makes pods too
    summary.podLabelsPath = CUSTOM_POD_LABELS;
    summary.podLabels = stringMap(get(obj, CUSTOM_POD_LABELS));
    summary.containerPorts = containerPorts(get(obj, ['spec', 'template', 'spec']));
  }
  if (kind === 'Service' && apiVersion === 'v1') {
    const lm = labelMap(doc, ['spec', 'selector'], get(obj, ['spec', 'selector']));
    if (lm) summary.selector = lm;
    list(get(obj, ['spec', 'ports'])).forEach((p, i) => {
      if (!isRecord(p) || (typeof p.targetPort !== 'string' && typeof p.targetPort !== 'number')) return;
      const path: PathSegment[] = ['spec', 'ports', i, 'targetPort'];
      if (doc.has(path)) summary.servicePorts.push(new DocServicePort(doc, p.targetPort, path));
    });
  }
  if (kind === 'Ingress') ingressReferences(c, obj.spec);
  return summary;
}
