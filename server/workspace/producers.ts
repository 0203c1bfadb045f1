// Objects that exist in the cluster without being written in git, made by something the workspace does hold:
// the Secret of a cert-manager Certificate (or of an Ingress cert-manager watches), of a SealedSecret or an
// ExternalSecret; kustomize's configMapGenerator and secretGenerator output (referenced by name, the hash
// suffix optional); the claims of a StatefulSet's volumeClaimTemplates (`<template>-<statefulset>-<ordinal>`); the
// objects of Helm templates, by the names their static text allows (configs/templateNames.ts).

import { isRecord } from '../../kube/objects';
import { projectOf } from '../configs/fileRoles';
import { isKustomizationPath, kustomizationOf } from '../configs/kustomization';
import { templateNames } from '../configs/templateNames';
import type { RefKind } from './resources';
import type { WorkspaceIndex } from './workspaceIndex';

const CERT_MANAGER_ANNOTATIONS = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer'];
/** the suffix kustomize appends to generated names: a dash and ten characters of a hash */
const HASH_SUFFIX = /^-[a-z0-9]{10}$/;
const ORDINAL = /^(.+)-(\d+)$/;

function get(value: unknown, ...keys: string[]): unknown {
  let cur = value;
  for (const k of keys) cur = isRecord(cur) ? cur[k] : undefined;
  return cur;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

interface Produced {
  /** names made, by kind */
  names: Map<RefKind, Set<string>>;
  /** names kustomize generators make (a reference may carry the hash suffix), by kind */
  generated: Map<RefKind, Set<string>>;
  /** `<template>-<statefulset>` of every volumeClaimTemplate: its claims add `-<ordinal>` */
  claimPrefixes: Set<string>;
  /** what Helm templates may name their objects, by kind, where an action writes part of the name */
  templated: Map<RefKind, RegExp[]>;
}

const REF_KINDS = new Set<string>(['ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ServiceAccount', 'Service']);
const isRefKind = (kind: string): kind is RefKind => REF_KINDS.has(kind);

function collect(index: WorkspaceIndex): Produced {
  const names = new Map<RefKind, Set<string>>();
  const generated = new Map<RefKind, Set<string>>();
  const claimPrefixes = new Set<string>();
  const add = (map: Map<RefKind, Set<string>>, kind: RefKind, name: unknown): void => {
    if (typeof name !== 'string' || !name) return;
    const set = map.get(kind) ?? new Set<string>();
    set.add(name);
    map.set(kind, set);
  };
  for (const r of index.resources()) {
    const v = r.placed.doc.value;
    const { kind, apiVersion } = r.summary;
    const group = apiVersion.split('/')[0];
    if (kind === 'Certificate' && group === 'cert-manager.io') add(names, 'Secret', get(v, 'spec', 'secretName'));
    else if (kind === 'SealedSecret' && group === 'bitnami.com')
      add(names, 'Secret', get(v, 'spec', 'template', 'metadata', 'name') ?? r.summary.name);
    else if (kind === 'ExternalSecret' && group === 'external-secrets.io')
      add(names, 'Secret', get(v, 'spec', 'target', 'name') ?? r.summary.name);
    else if (kind === 'Ingress' && CERT_MANAGER_ANNOTATIONS.some((a) => get(v, 'metadata', 'annotations', a)))
      for (const tls of list(get(v, 'spec', 'tls'))) add(names, 'Secret', get(tls, 'secretName'));
    else if (kind === 'StatefulSet' && r.summary.name)
      for (const t of list(get(v, 'spec', 'volumeClaimTemplates'))) {
        const template = get(t, 'metadata', 'name');
        if (typeof template === 'string') claimPrefixes.add(`${template}-${r.summary.name}`);
      }
  }
  const templated = new Map<RefKind, RegExp[]>();
  const project = projectOf(index);
  for (const uri of index.uris()) {
    for (const placed of index.get(uri)?.docs ?? []) {
      if (project.roleOf(uri, placed) !== 'template') continue;
      for (const t of templateNames(placed.doc)) {
        if (!isRefKind(t.kind)) continue;
        if (t.name !== undefined) add(names, t.kind, t.name);
        if (t.pattern) templated.set(t.kind, [...(templated.get(t.kind) ?? []), t.pattern]);
      }
    }
  }
  for (const uri of index.uris()) {
    if (!isKustomizationPath(uri)) continue;
    const k = kustomizationOf(index.get(uri));
    for (const name of k?.configMapGenerator ?? []) add(generated, 'ConfigMap', name);
    for (const name of k?.secretGenerator ?? []) add(generated, 'Secret', name);
  }
  return { names, generated, claimPrefixes, templated };
}

/** What the workspace's producers make, worked out once per change of the index. */
export class Producers {
  private cache?: { stamp: string; produced: Produced };

  constructor(private readonly index: WorkspaceIndex) {}

  /** Whether something in the workspace makes an object of this kind and name. */
  produces(kind: RefKind, name: string): boolean {
    const stamp = this.index.stamp();
    if (this.cache?.stamp !== stamp) this.cache = { stamp, produced: collect(this.index) };
    const p = this.cache.produced;
    if (p.names.get(kind)?.has(name)) return true;
    for (const g of p.generated.get(kind) ?? []) {
      if (name === g || (name.startsWith(g) && HASH_SUFFIX.test(name.slice(g.length)))) return true;
    }
    if (p.templated.get(kind)?.some((pattern) => pattern.test(name))) return true;
    const ordinal = kind === 'PersistentVolumeClaim' ? ORDINAL.exec(name) : null;
    return !!ordinal && p.claimPrefixes.has(ordinal[1]);
  }
}
