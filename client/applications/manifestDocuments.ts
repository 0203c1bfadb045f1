// The texts the diff editor compares: a resource's desired manifest (its document in git at a revision) and its
// live object (without managedFields, status and other server bookkeeping), and an app's whole desired state at a
// revision against the live objects. Secret values are masked on both sides.
import type { Application, ResourceStatus } from '../../kube/application';
import { APP_LABEL, LEGACY_TRACKING_ANNOTATION, TRACKING_ID_ANNOTATION } from '../../kube/application';
import { isRecord } from '../../kube/objects';
import { maskSecret } from '../../kube/secretMask';
import { documentValue, readYamlDocuments } from '../../kube/yamlReader';
import { LineCounter, stringify } from 'yaml';
import type { ClusterConnection } from '../connection/clusterConnection';
import { fileAt, manifestFilesAt } from '../git/gitRead';
import { apiVersionOf, short, sourceOf } from './applicationModel';

type Obj = Record<string, unknown>;

const SERVER_METADATA = ['managedFields', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'selfLink'];
const SERVER_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'deployment.kubernetes.io/revision'];

/** A live object as people compare it with git: no status or server bookkeeping, Secret values masked. */
export function liveView(obj: Obj, opts: { dropTracking?: boolean } = {}): Obj {
  const { status: _status, ...rest } = obj;
  const metadata: Obj = { ...(isRecord(obj.metadata) ? obj.metadata : {}) };
  for (const k of SERVER_METADATA) delete metadata[k];
  const annotations: Obj = { ...(isRecord(metadata.annotations) ? metadata.annotations : {}) };
  for (const k of [
    ...SERVER_ANNOTATIONS,
    ...(opts.dropTracking ? [TRACKING_ID_ANNOTATION, LEGACY_TRACKING_ANNOTATION] : []),
  ])
    delete annotations[k];
  if (Object.keys(annotations).length) metadata.annotations = annotations;
  else delete metadata.annotations;
  if (opts.dropTracking && isRecord(metadata.labels)) {
    // Slipway's own mark; the user's labels (app.kubernetes.io/instance among them) are theirs and stay
    const { [APP_LABEL]: _app, ...labels } = metadata.labels;
    if (Object.keys(labels).length) metadata.labels = labels;
    else delete metadata.labels;
  }
  return maskSecret({ ...rest, metadata });
}

const yamlOf = (obj: unknown): string => stringify(obj, { lineWidth: 0 });

/** The live object of a resource as YAML; a comment saying so when it is not in the cluster. */
export async function liveYaml(c: ClusterConnection, r: ResourceStatus): Promise<string> {
  const ref = { apiVersion: apiVersionOf(r), kind: r.kind, namespace: r.namespace, name: r.name };
  const obj: Obj | undefined = await c.objects.find(ref);
  if (!obj) return `# ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name} is not in the cluster\n`;
  return yamlOf(liveView(obj));
}

/** The document of a file's text that holds line (1-based), as written (comments kept); Secrets masked. */
export function documentAtLine(text: string, line: number): string | undefined {
  const lineCounter = new LineCounter();
  const docs = readYamlDocuments(text, { lineCounter }).documents;
  const startLine = (d: (typeof docs)[number]) => lineCounter.linePos(d.range[0]).line;
  const doc = [...docs].reverse().find((d) => startLine(d) <= line) ?? docs[0];
  if (!doc) return undefined;
  const value = documentValue(doc);
  if (isRecord(value) && value.kind === 'Secret') return yamlOf(maskSecret(value));
  return text
    .slice(doc.range[0], doc.range[2])
    .replace(/^---[^\n]*\n/, '')
    .replace(/\s*$/, '\n');
}

/** A resource's manifest in git at revision, from the file and line its status names. */
export async function desiredYaml(repo: string, revision: string, r: ResourceStatus): Promise<string> {
  const source = sourceOf(r);
  if (!source) return `# ${r.kind}/${r.name}: the syncer recorded no manifest file for it\n`;
  if (source.file.endsWith(' (rendered)'))
    return `# ${r.kind}/${r.name} is rendered by kustomize from ${source.file.replace(/ \(rendered\)$/, '')}\n`;
  const text = await fileAt(repo, revision, source.file);
  if (text === undefined) return `# ${source.file} is not in ${short(revision)}\n`;
  return documentAtLine(text, source.line) ?? `# no manifest at ${source.file}:${source.line}\n`;
}

/** Live's values at the paths desired sets: what the syncer compares, without defaults and server fields. */
function project(live: unknown, desired: unknown): unknown {
  if (isRecord(desired) && isRecord(live))
    return Object.fromEntries(
      Object.keys(desired)
        .filter((k) => k in live)
        .map((k) => [k, project(live[k], desired[k])]),
    );
  if (Array.isArray(desired) && Array.isArray(live))
    return live.map((v, i) => (i < desired.length ? project(v, desired[i]) : v));
  return live;
}

/** A Secret's stringData as the API server stores it (in data), so git and live compare key by key. */
function asStored(o: Obj): Obj {
  if (o.kind !== 'Secret' || !isRecord(o.stringData)) return o;
  const { stringData, ...rest } = o;
  const encoded = Object.entries(stringData).map(([k, v]) => [k, Buffer.from(String(v)).toString('base64')]);
  return { ...rest, data: { ...(isRecord(o.data) ? o.data : {}), ...Object.fromEntries(encoded) } };
}

export interface AppComparison {
  desired: string;
  live: string;
  /** resources whose desired and live differ, as Kind/name */
  differing: string[];
}

/**
 * The app's manifests at revision against the live objects, one document per resource in the same order; the
 * live side shows only the fields git sets (server defaults and bookkeeping would drown the differences).
 */
export async function compareApp(
  c: ClusterConnection,
  app: Application,
  repo: string,
  revision: string,
): Promise<AppComparison> {
  const destination = app.spec.destination?.namespace || app.metadata.namespace || 'default';
  const desired = new Map<string, Obj>();
  for (const file of await manifestFilesAt(repo, revision, app.spec.source.path)) {
    const text = (await fileAt(repo, revision, file)) ?? '';
    for (const doc of readYamlDocuments(text).documents) {
      const v = documentValue(doc);
      const items = isRecord(v) && v.kind === 'List' && Array.isArray(v.items) ? v.items : [v];
      for (const o of items) {
        if (!isRecord(o) || typeof o.kind !== 'string' || !isRecord(o.metadata)) continue;
        const type = await c.objects.resourceType(String(o.apiVersion), o.kind).catch(() => undefined);
        const ns = type?.namespaced ? String(o.metadata.namespace ?? destination) : undefined;
        desired.set(`${o.kind}/${ns ? `${ns}/` : ''}${String(o.metadata.name)}`, o);
      }
    }
  }
  const out = { desired: [] as string[], live: [] as string[], differing: [] as string[] };
  for (const key of [...desired.keys()].sort()) {
    const d = asStored(desired.get(key)!);
    const [kind, ...rest] = key.split('/');
    const name = rest.pop()!;
    const ref = { apiVersion: String(d.apiVersion), kind, namespace: rest[0], name };
    const live: Obj | undefined = await c.objects.find(ref).catch(() => undefined);
    const dText = `# ${key}\n${yamlOf(maskSecret(d))}`;
    const lText = live
      ? `# ${key}\n${yamlOf(project(liveView(live, { dropTracking: true }), maskSecret(d)))}`
      : `# ${key}: not in the cluster\n`;
    out.desired.push(dText);
    out.live.push(lText);
    if (dText !== lText) out.differing.push(key);
  }
  return { desired: out.desired.join('---\n'), live: out.live.join('---\n'), differing: out.differing };
}
