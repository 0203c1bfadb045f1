// What git says the cluster should hold at one revision: the manifests read from git objects, validated, and
// prepared for apply (tracking label and annotation, the destination namespace where none is written).
// Parsed files are cached by blob id, so a resync costs only the files that changed.
import type { KubeObject } from '../kube/objects';
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { ManifestErrorStatus } from '../kube/application';
import { deepClone } from '../kube/objects';
import { splitApiVersion } from '../kube/registry';
import { SourceFile } from './git/source';
import { Manifest, ManifestError, parseManifestsChecked } from './manifests';
import { MAX_DEPTH } from '../kube/yamlReader';
import { waveOf } from './plan';
import { checkEach, CustomKinds, customKindsOf, duplicates, isNamespaced } from './validate';
import { markTracked } from './tracking';
import { splitHooks } from './hooks/split';

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
  object: KubeObject;
  manifest: Manifest;
  wave: number;
}

export interface DesiredState {
  revision: string;
  /** what is applied, compared and pruned: every manifest but the hooks and those marked Skip */
  resources: DesiredResource[];
  problems: ManifestErrorStatus[];
  /** resource hooks (syncer/hooks/): created in their phase of each sync, never compared nor pruned */
  hooks?: DesiredResource[];
}

export function resourceKey(r: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  return `${splitApiVersion(r.apiVersion).group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
}

export function refOf(obj: any): ResourceRef {
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    ...(obj.metadata?.namespace ? { namespace: obj.metadata.namespace } : {}),
    // a manifest that leaves its name to the API server is known by its generateName until created
    name: obj.metadata?.name ?? obj.metadata?.generateName,
  };
}

export interface PrepareOptions {
  app: { name: string; namespace: string };
  /** namespace for namespaced manifests that name none */
  namespace: string;
  /** CRDs the cluster already has */
  clusterCrds: CustomResourceDefinition[];
}

interface FileEntry {
  parsed: ReturnType<typeof parseManifestsChecked>;
  /** problems of each manifest on its own, for one set of known custom kinds */
  checked?: { customKey: string; problems: ManifestErrorStatus[] };
  /** the prepared resources, for one app, destination and set of known custom kinds */
  prepared?: { key: string; resources: DesiredResource[] };
}

/**
 * Keys and list items the manifests of one revision may hold, so that reading a commit takes seconds at most
 * (a 2,000-manifest repository holds about 80,000).
 */
export const MAX_REVISION_ENTRIES = 500_000;

export class DesiredStateLoader {
  /** by blob id and path: a resync re-reads, re-checks and re-prepares only the files that changed */
  private readonly files = new Map<string, FileEntry>();

  build(revision: string, files: SourceFile[], opts: PrepareOptions): DesiredState {
    const entries: FileEntry[] = [];
    const live = new Set<string>();
    let used = 0;
    for (const f of files) {
      const cacheKey = `${f.blob}:${f.path}`;
      live.add(cacheKey);
      let e = this.files.get(cacheKey);
      if (!e) {
        const limits = { maxDepth: MAX_DEPTH, maxEntries: MAX_REVISION_ENTRIES - used };
        const parsed = parseManifestsChecked(f.path, f.text, limits);
        if (parsed.refused === 'entries') {
          // the revision's budget ran out here: say so once and read no further (nothing of it is applied)
          const err = parsed.errors[0];
          const limit = MAX_REVISION_ENTRIES.toLocaleString('en-US');
          const message = `the manifests of this revision hold more than ${limit} keys and list items; later files were not read`;
          entries.push({ parsed: { ...parsed, errors: [new ManifestError(err.file, err.line, message)] } });
          break;
        }
        this.files.set(cacheKey, (e = { parsed }));
      }
      used += e.parsed.entries;
      entries.push(e);
    }
    for (const k of this.files.keys()) if (!live.has(k)) this.files.delete(k);

    const manifests = entries.flatMap((e) => e.parsed.manifests);
    const problems: ManifestErrorStatus[] = entries.flatMap((e) =>
      e.parsed.errors.map((err) => ({
        file: err.file,
        line: err.line,
        message: err.message.replace(/^.*?:\d+: /, ''),
      })),
    );
    const revisionCrds = manifests
      .map((m) => m.object)
      .filter(
        (o) =>
          o?.kind === 'CustomResourceDefinition' &&
          typeof o.apiVersion === 'string' &&
          o.apiVersion.startsWith('apiextensions.k8s.io/'),
      );
    const custom: CustomKinds = customKindsOf(opts.clusterCrds);
    customKindsOf(revisionCrds, custom);
    // what the custom kinds are: CRD specs change their generation; the revision's own CRDs are part of its text
    const customKey = [
      ...opts.clusterCrds.map((c) => `${c.metadata?.uid}@${c.metadata?.generation}`),
      ...revisionCrds.map((c) => JSON.stringify(c.spec ?? null)),
    ].join('|');
    for (const e of entries) {
      if (e.checked?.customKey !== customKey)
        e.checked = { customKey, problems: checkEach(e.parsed.manifests, custom) };
      problems.push(...e.checked.problems);
    }
    problems.push(...duplicates(manifests));
    const resources: DesiredResource[] = [];
    if (!problems.length) {
      const prepKey = `${opts.app.namespace}/${opts.app.name}|${opts.namespace}|${customKey}`;
      for (const e of entries) {
        if (e.prepared?.key !== prepKey)
          e.prepared = { key: prepKey, resources: e.parsed.manifests.map((m) => prepare(m, opts, custom)) };
        resources.push(...e.prepared.resources);
      }
    }
    problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
    return { revision, problems, ...splitHooks(resources) };
  }
}

/** The object as applied: Slipway's tracking label and annotation, the destination namespace where none is written. */
function prepare(m: Manifest, opts: PrepareOptions, custom: CustomKinds): DesiredResource {
  const obj = deepClone(m.object);
  obj.metadata ??= {};
  if (isNamespaced(obj.apiVersion, obj.kind, custom)) obj.metadata.namespace ??= opts.namespace;
  else delete obj.metadata.namespace;
  markTracked(obj, opts.app);
  const ref = refOf(obj);
  return { key: resourceKey(ref), ref, object: obj, manifest: m, wave: waveOf(obj) };
}
