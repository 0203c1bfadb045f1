// What the kustomizations of the workspace do to the files they use, read from their own fields (no
// kustomize run): which files are patches or plugin configurations, the labels, namespace and name
// prefix/suffix each kustomization adds to its resources (through overlays), the ConfigMaps and Secrets
// its generators make, and the images whose tag it sets.

import { isRecord } from '../../kube/objects';
import type { ParsedFile } from '../documents/parsedFile';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** What a kustomization does to one of its resource files. */
export interface Transform {
  /** labels the pod templates get (and, for selector labels, the selectors) */
  templateLabels: Record<string, string>;
  selectorLabels: Record<string, string>;
  namespace?: string;
  prefix: string;
  suffix: string;
}

/** One kustomization's build: every resource file it includes (through bases and components) and its transform. */
export interface Rendering {
  uri: string;
  files: Map<string, Transform>;
}

export type PatchType = 'strategic' | 'json6902' | 'either';

export interface KustomizeModel {
  patchFiles: Map<string, PatchType>;
  pluginFiles: Set<string>;
  renderings: Rendering[];
  /** `Kind/name` of what generators make, as written and with the kustomization's prefix and suffix */
  generated: Set<string>;
  /** image names whose tag or digest a kustomization sets */
  taggedImages: Set<string>;
}

export interface FileSource {
  uris(): string[];
  get(uri: string): ParsedFile | undefined;
}

export function isKustomizationPath(uri: string): boolean {
  return KUSTOMIZATION_NAMES.includes(uri.slice(uri.lastIndexOf('/') + 1));
}

/** The kustomization's fields: its first document that is a map. */
function kustomizationOf(file: ParsedFile | undefined): Record<string, unknown> | undefined {
  for (const d of file?.docs ?? []) if (isRecord(d.doc.value)) return d.doc.value;
  return undefined;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'object') out[k] = String(x);
  return out;
}

/** A relative path of a kustomization, as a URI; undefined for remote ones (URLs, git). */
export function resolvePath(base: string, entry: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.startsWith('github.com/') || entry.includes('?ref=')) {
    return undefined;
  }
  try {
    return new URL(entry.replace(/\/+$/, ''), base).toString();
  } catch {
    return undefined;
  }
}

export function buildKustomizeModel(files: FileSource): KustomizeModel {
  const model: KustomizeModel = {
    patchFiles: new Map(),
    pluginFiles: new Set(),
    renderings: [],
    generated: new Set(),
    taggedImages: new Set(),
  };
  const kustomizations = new Map<string, Record<string, unknown>>();
  for (const uri of files.uris()) {
    if (!isKustomizationPath(uri)) continue;
    const k = kustomizationOf(files.get(uri));
    if (k) kustomizations.set(uri, k);
  }
  const kustomizationIn = (dir: string): string | undefined =>
    KUSTOMIZATION_NAMES.map((n) => `${dir}/${n}`).find((u) => kustomizations.has(u));
  const file = (base: string, entry: string): string | undefined => {
    const uri = resolvePath(base, entry);
    return uri && files.get(uri) ? uri : undefined;
  };

  const rendered = new Map<string, Map<string, Transform>>();
  const render = (uri: string, visiting: Set<string>): Map<string, Transform> => {
    const known = rendered.get(uri);
    if (known) return known;
    const out = new Map<string, Transform>();
    const k = kustomizations.get(uri);
    if (!k || visiting.has(uri)) return out;
    visiting.add(uri);
    const own = transformOf(k);
    const components: Transform[] = [];
    for (const entry of [...strings(k.resources), ...strings(k.bases), ...strings(k.components)]) {
      const target = resolvePath(uri, entry);
      if (!target) continue;
      if (files.get(target) && !isKustomizationPath(target)) {
        out.set(target, own);
        continue;
      }
      const child = kustomizationIn(target);
      if (!child) continue;
      for (const [f, t] of render(child, visiting)) out.set(f, combine(own, t));
      if (strings(k.components).includes(entry)) components.push(transformOf(kustomizations.get(child)!));
    }
    // a component changes everything its parent has gathered, not only its own resources
    for (const c of components) for (const [f, t] of out) out.set(f, combine(c, t));
    visiting.delete(uri);
    rendered.set(uri, out);
    return out;
  };

  for (const [uri, k] of kustomizations) {
    model.renderings.push({ uri, files: render(uri, new Set()) });
    for (const p of records(k.patches)) {
      const f = typeof p.path === 'string' ? file(uri, p.path) : undefined;
      if (f) model.patchFiles.set(f, 'either');
    }
    for (const p of strings(k.patchesStrategicMerge)) {
      const f = p.includes('\n') ? undefined : file(uri, p.trim());
      if (f) model.patchFiles.set(f, 'strategic');
    }
    for (const p of records(k.patchesJson6902)) {
      const f = typeof p.path === 'string' ? file(uri, p.path) : undefined;
      if (f) model.patchFiles.set(f, 'json6902');
    }
    for (const p of [...strings(k.generators), ...strings(k.transformers), ...strings(k.validators)]) {
      const f = file(uri, p);
      if (f) model.pluginFiles.add(f);
    }
    const prefix = typeof k.namePrefix === 'string' ? k.namePrefix : '';
    const suffix = typeof k.nameSuffix === 'string' ? k.nameSuffix : '';
    for (const [field, kind] of [
      ['configMapGenerator', 'ConfigMap'],
      ['secretGenerator', 'Secret'],
    ]) {
      for (const g of records(k[field])) {
        if (typeof g.name !== 'string') continue;
        model.generated.add(`${kind}/${g.name}`);
        model.generated.add(`${kind}/${prefix}${g.name}${suffix}`);
      }
    }
    for (const image of records(k.images)) {
      const tagged = typeof image.newTag === 'string' || typeof image.digest === 'string';
      if (typeof image.name === 'string' && tagged) model.taggedImages.add(image.name);
    }
  }
  return model;
}

function transformOf(k: Record<string, unknown>): Transform {
  const common = stringMap(k.commonLabels);
  const templateLabels = { ...common };
  const selectorLabels = { ...common };
  for (const l of records(k.labels)) {
    const pairs = stringMap(l.pairs);
    if (l.includeSelectors === true) Object.assign(selectorLabels, pairs);
    if (l.includeSelectors === true || l.includeTemplates === true) Object.assign(templateLabels, pairs);
  }
  return {
    templateLabels,
    selectorLabels,
    ...(typeof k.namespace === 'string' ? { namespace: k.namespace } : {}),
    prefix: typeof k.namePrefix === 'string' ? k.namePrefix : '',
    suffix: typeof k.nameSuffix === 'string' ? k.nameSuffix : '',
  };
}

/** An overlay's transform applied after its base's. */
function combine(outer: Transform, inner: Transform): Transform {
  const namespace = outer.namespace ?? inner.namespace;
  return {
    templateLabels: { ...inner.templateLabels, ...outer.templateLabels },
    selectorLabels: { ...inner.selectorLabels, ...outer.selectorLabels },
    ...(namespace !== undefined ? { namespace } : {}),
    prefix: outer.prefix + inner.prefix,
    suffix: inner.suffix + outer.suffix,
  };
}
