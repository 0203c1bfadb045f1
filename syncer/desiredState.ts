// What git says the cluster should hold at one revision: the manifests read from git objects, validated, and
// prepared for apply (tracking label and annotation, the destination namespace where none is written).
// Parsed files are cached by blob id, so a resync costs only the files that changed.
import { INSTANCE_LABEL, ManifestErrorStatus, TRACKING_ANNOTATION } from '../kube/application';
import { deepClone } from '../kube/objects';
import { splitApiVersion } from '../kube/registry';
import { SourceFile } from './git/source';
import { Manifest, parseManifestsChecked } from './manifests';
import { waveOf } from './plan';
import { CustomKinds, customKindsOf, isNamespaced, validateManifests } from './validate';

export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface DesiredResource {
  /** group/kind/namespace/name */
  key: string;
  ref: ResourceRef;
  object: any;
  manifest: Manifest;
  wave: number;
}

export interface DesiredState {
  revision: string;
  resources: DesiredResource[];
  problems: ManifestErrorStatus[];
}

export function resourceKey(r: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  return `${splitApiVersion(r.apiVersion).group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

export function refOf(obj: any): ResourceRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}), name: obj.metadata?.name };
}

export interface PrepareOptions {
  app: { name: string; namespace: string };
  /** namespace for namespaced manifests that name none */
  namespace: string;
  /** CRDs the cluster already has */
  clusterCrds: any[];
}

export class DesiredStateLoader {
  private readonly parsed = new Map<string, ReturnType<typeof parseManifestsChecked>>();

  /** Parses (or reuses) each file; drops cache entries for blobs no longer present. */
  parse(files: SourceFile[]): { manifests: Manifest[]; problems: ManifestErrorStatus[] } {
    const manifests: Manifest[] = [];
    const problems: ManifestErrorStatus[] = [];
    const live = new Set<string>();
    for (const f of files) {
      const cacheKey = `${f.blob}:${f.path}`;
      live.add(cacheKey);
      let r = this.parsed.get(cacheKey);
      if (!r) this.parsed.set(cacheKey, (r = parseManifestsChecked(f.path, f.text)));
      manifests.push(...r.manifests);
      for (const e of r.errors) problems.push({ file: e.file, line: e.line, message: e.message.replace(/^.*?:\d+: /, '') });
    }
    for (const k of this.parsed.keys()) if (!live.has(k)) this.parsed.delete(k);
    return { manifests, problems };
  }

  build(revision: string, files: SourceFile[], opts: PrepareOptions): DesiredState {
    const { manifests, problems } = this.parse(files);
    const custom: CustomKinds = customKindsOf(opts.clusterCrds);
    customKindsOf(manifests.map((m) => m.object).filter((o) => o?.kind === 'CustomResourceDefinition' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('apiextensions.k8s.io/')), custom);
    problems.push(...validateManifests(manifests, custom));
    const resources: DesiredResource[] = [];
    if (!problems.length) {
      for (const m of manifests) {
        const obj = deepClone(m.object);
        obj.metadata ??= {};
        if (isNamespaced(obj.apiVersion, obj.kind, custom)) obj.metadata.namespace ??= opts.namespace;
        else delete obj.metadata.namespace;
        obj.metadata.labels = { ...obj.metadata.labels, [INSTANCE_LABEL]: opts.app.name };
        obj.metadata.annotations = { ...obj.metadata.annotations, [TRACKING_ANNOTATION]: `${opts.app.namespace}/${opts.app.name}` };
        const ref = refOf(obj);
        resources.push({ key: resourceKey(ref), ref, object: obj, manifest: m, wave: waveOf(obj) });
      }
    }
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    return { revision, resources, problems };
  }
}
