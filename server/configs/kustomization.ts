// The one reading of a kustomization file: which files are kustomizations, which entries are remote, and the
// fields the language server follows (resources, patches, generators, labels, names, namespace, images), typed.
// What a user wrote in the wrong shape is left out here; the kustomization's own schema reports it.

import { isRecord } from '../../kube/objects';
import type { ParsedFile } from '../documents/parsedFile';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/** A `patches` or `patchesJson6902` entry: a file, or the patch written inline. */
export interface PatchEntry {
  path?: string;
  patch?: string;
}

export interface LabelsEntry {
  pairs: Record<string, string>;
  includeSelectors: boolean;
  includeTemplates: boolean;
}

export interface ImageEntry {
  name?: string;
  /** a newTag or digest is set */
  tagged: boolean;
}

export interface Kustomization {
  resources: string[];
  bases: string[];
  components: string[];
  patches: PatchEntry[];
  /** file paths, or patches written inline (text with a line break) */
  patchesStrategicMerge: string[];
  patchesJson6902: PatchEntry[];
  generators: string[];
  transformers: string[];
  validators: string[];
  /** names of the ConfigMaps and Secrets the generators make (as written, before prefix and suffix) */
  configMapGenerator: string[];
  secretGenerator: string[];
  commonLabels: Record<string, string>;
  labels: LabelsEntry[];
  namePrefix: string;
  nameSuffix: string;
  namespace?: string;
  images: ImageEntry[];
  helmCharts: number;
}

/** Whether a file name (the last part of a path or URI) is one kustomize reads as a kustomization. */
export function isKustomizationName(name: string): boolean {
  return KUSTOMIZATION_NAMES.includes(name);
}

/** Whether a path or URI names a kustomization file (asked of every document checked: no slicing). */
export function isKustomizationPath(uriOrPath: string): boolean {
  for (const name of KUSTOMIZATION_NAMES) {
    if (!uriOrPath.endsWith(name)) continue;
    const before = uriOrPath.length - name.length - 1;
    if (before < 0 || uriOrPath[before] === '/' || uriOrPath[before] === '\\') return true;
  }
  return false;
}

/** A resource, base or component kustomize fetches (a URL, a git repository) rather than reads from disk. */
export function isRemoteEntry(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@|^github\.com\//.test(entry) || entry.includes('?ref=');
}

/** A relative path of a kustomization, as a URI; undefined for remote ones. */
export function resolvePath(base: string, entry: string): string | undefined {
  if (isRemoteEntry(entry)) return undefined;
  try {
    return new URL(entry.replace(/\/+$/, ''), base).toString();
  } catch {
    return undefined;
  }
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const records = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isRecord) : []);
const optionalString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (x !== null && typeof x !== 'object') out[k] = String(x);
  return out;
}

function patchEntries(v: unknown): PatchEntry[] {
  // a bare file name is refused by kustomize (its schema says so) but still names the patch file it meant
  const named: PatchEntry[] = strings(v).map((path) => ({ path }));
  return named.concat(
    records(v).map((p) => {
      const path = optionalString(p.path);
      const patch = optionalString(p.patch);
      return { ...(path !== undefined ? { path } : {}), ...(patch !== undefined ? { patch } : {}) };
    }),
  );
}

const generatedNames = (v: unknown): string[] =>
  records(v).flatMap((g) => (typeof g.name === 'string' ? [g.name] : []));

/** A kustomization's fields from its parsed value; undefined when it is not a map. */
export function readKustomization(value: unknown): Kustomization | undefined {
  if (!isRecord(value)) return undefined;
  const namespace = optionalString(value.namespace);
  return {
    resources: strings(value.resources),
    bases: strings(value.bases),
    components: strings(value.components),
    patches: patchEntries(value.patches),
    patchesStrategicMerge: strings(value.patchesStrategicMerge),
    patchesJson6902: patchEntries(value.patchesJson6902),
    generators: strings(value.generators),
    transformers: strings(value.transformers),
    validators: strings(value.validators),
    configMapGenerator: generatedNames(value.configMapGenerator),
    secretGenerator: generatedNames(value.secretGenerator),
    commonLabels: stringMap(value.commonLabels),
    labels: records(value.labels).map((l) => ({
      pairs: stringMap(l.pairs),
      includeSelectors: l.includeSelectors === true,
      includeTemplates: l.includeTemplates === true,
    })),
    namePrefix: optionalString(value.namePrefix) ?? '',
    nameSuffix: optionalString(value.nameSuffix) ?? '',
    ...(namespace !== undefined ? { namespace } : {}),
    images: records(value.images).map((i) => ({
      ...(typeof i.name === 'string' ? { name: i.name } : {}),
      tagged: typeof i.newTag === 'string' || typeof i.digest === 'string',
    })),
    helmCharts: Array.isArray(value.helmCharts) ? value.helmCharts.length : 0,
  };
}

/** The resources, bases and components a kustomization gathers, in that order. */
export function gathered(k: Kustomization): string[] {
  return [...k.resources, ...k.bases, ...k.components];
}

/** A kustomization file's fields: its first document that is a map (read once per parse of the document). */
export function kustomizationOf(file: ParsedFile | undefined): Kustomization | undefined {
  for (const d of file?.docs ?? []) {
    const doc = d.doc;
    if (isRecord(doc.value)) return doc.cached('kustomization', 0, () => readKustomization(doc.value));
  }
  return undefined;
}
