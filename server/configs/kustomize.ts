// What the kustomizations of the workspace do to the files they use, read from their own fields (no
// kustomize run): which files are patches or plugin configurations, the labels, namespace and name
// prefix/suffix each kustomization adds to its resources (through overlays), the ConfigMaps and Secrets
// its generators make, and the images whose tag it sets.

import {
  gathered,
  isKustomizationPath,
  Kustomization,
  KUSTOMIZATION_NAMES,
  kustomizationOf,
  resolvePath,
} from './kustomization';
import type { ParsedFile } from '../documents/parsedFile';

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

export function buildKustomizeModel(files: FileSource): KustomizeModel {
  const model: KustomizeModel = {
    patchFiles: new Map(),
    pluginFiles: new Set(),
    renderings: [],
    generated: new Set(),
    taggedImages: new Set(),
  };
  const kustomizations = new Map<string, Kustomization>();
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
    for (const entry of gathered(k)) {
      const target = resolvePath(uri, entry);
      if (!target) continue;
      if (files.get(target) && !isKustomizationPath(target)) {
        out.set(target, own);
        continue;
      }
      const child = kustomizationIn(target);
      if (!child) continue;
      for (const [f, t] of render(child, visiting)) out.set(f, combine(own, t));
      if (k.components.includes(entry)) components.push(transformOf(kustomizations.get(child)!));
    }
    // a component changes everything its parent has gathered, not only its own resources
    for (const c of components) for (const [f, t] of out) out.set(f, combine(c, t));
    visiting.delete(uri);
    rendered.set(uri, out);
    return out;
  };

  for (const [uri, k] of kustomizations) {
    model.renderings.push({ uri, files: render(uri, new Set()) });
    for (const p of k.patches) {
      const f = p.path !== undefined ? file(uri, p.path) : undefined;
      if (f) model.patchFiles.set(f, 'either');
    }
    for (const p of k.patchesStrategicMerge) {
      const f = p.includes('\n') ? undefined : file(uri, p.trim());
      if (f) model.patchFiles.set(f, 'strategic');
    }
    for (const p of k.patchesJson6902) {
      const f = p.path !== undefined ? file(uri, p.path) : undefined;
      if (f) model.patchFiles.set(f, 'json6902');
    }
    for (const p of [...k.generators, ...k.transformers, ...k.validators]) {
      const f = file(uri, p);
      if (f) model.pluginFiles.add(f);
    }
    for (const [names, kind] of [
      [k.configMapGenerator, 'ConfigMap'],
      [k.secretGenerator, 'Secret'],
    ] as const) {
      for (const name of names) {
        model.generated.add(`${kind}/${name}`);
        model.generated.add(`${kind}/${k.namePrefix}${name}${k.nameSuffix}`);
      }
    }
    for (const image of k.images) if (image.name !== undefined && image.tagged) model.taggedImages.add(image.name);
  }
  return model;
}

function transformOf(k: Kustomization): Transform {
  const templateLabels = { ...k.commonLabels };
  const selectorLabels = { ...k.commonLabels };
  for (const l of k.labels) {
    if (l.includeSelectors) Object.assign(selectorLabels, l.pairs);
    if (l.includeSelectors || l.includeTemplates) Object.assign(templateLabels, l.pairs);
  }
  return {
    templateLabels,
    selectorLabels,
    ...(k.namespace !== undefined ? { namespace: k.namespace } : {}),
    prefix: k.namePrefix,
    suffix: k.nameSuffix,
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
