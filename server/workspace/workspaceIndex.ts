// Every YAML file of the workspace (open documents win over what is on disk), with the Kubernetes
// objects each holds, looked up by kind and name, by labels, and the CRDs they define.

import { splitApiVersion } from '../../kube/registry';
import { parseFile, ParsedFile, PlacedDoc } from '../documents/parsedFile';
import { ClusterCrds, CrdInfo, crdFromObject } from './crds';
import { ResourceSummary, summarize } from './resources';

export interface PlacedResource {
  uri: string;
  placed: PlacedDoc;
  summary: ResourceSummary;
}

interface Views {
  generation: number;
  resources: PlacedResource[];
  byKindName: Map<string, PlacedResource[]>;
  crds: Map<string, CrdInfo>;
  /** objects with pods, by each `key=value` of their pod labels */
  byPodLabel: Map<string, PlacedResource[]>;
}

/** Namespaces match when equal, or when either manifest leaves it to `kubectl apply -n`. */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

export class WorkspaceIndex {
  private files = new Map<string, ParsedFile>();
  private generation = 0;
  private views?: Views;

  constructor(readonly cluster: ClusterCrds = new ClusterCrds()) {}

  /** Parses a file's text (reusing documents whose text is unchanged); returns the parsed file. */
  setText(uri: string, text: string): ParsedFile {
    const old = this.files.get(uri);
    if (old && old.text === text) return old;
    const parsed = parseFile(text);
    this.files.set(uri, parsed);
    if (!old || !sameResources(old, parsed)) this.generation++;
    return parsed;
  }

  remove(uri: string): void {
    if (this.files.delete(uri)) this.generation++;
  }

  get(uri: string): ParsedFile | undefined {
    return this.files.get(uri);
  }

  uris(): string[] {
    return [...this.files.keys()];
  }

  /** Changes whenever what other documents can see changes (resources, CRDs, cluster CRDs). */
  stamp(): string {
    return `${this.generation}/${this.cluster.generation}`;
  }

  touch(): void {
    this.generation++;
  }

  private view(): Views {
    if (this.views && this.views.generation === this.generation) return this.views;
    const resources: PlacedResource[] = [];
    const byKindName = new Map<string, PlacedResource[]>();
    const crds = new Map<string, CrdInfo>();
    const byPodLabel = new Map<string, PlacedResource[]>();
    for (const [uri, file] of this.files) {
      for (const placed of file.docs) {
        const summary = summarize(placed.doc);
        if (!summary) continue;
        const r = { uri, placed, summary };
        resources.push(r);
        if (summary.name !== undefined) {
          const key = `${summary.kind}/${summary.name}`;
          const list = byKindName.get(key);
          if (list) list.push(r);
          else byKindName.set(key, [r]);
        }
        for (const [k, v] of Object.entries(summary.podLabels ?? {})) {
          const key = `${k}=${v}`;
          const list = byPodLabel.get(key);
          if (list) list.push(r);
          else byPodLabel.set(key, [r]);
        }
        if (summary.kind === 'CustomResourceDefinition') {
          const crd = placed.doc.cached('crd', 0, () => crdFromObject(placed.doc.value));
          if (crd) crds.set(`${crd.group}/${crd.kind}`, { ...crd, source: { uri, range: summary.nameRange, line: placed.line } });
        }
      }
    }
    this.views = { generation: this.generation, resources, byKindName, crds, byPodLabel };
    return this.views;
  }

  resources(): PlacedResource[] {
    return this.view().resources;
  }

  /** Objects of a kind and name, in a namespace compatible with the given one. */
  find(kind: string, name: string, namespace?: string): PlacedResource[] {
    return (this.view().byKindName.get(`${kind}/${name}`) ?? []).filter((r) => sameNamespace(r.summary.namespace, namespace));
  }

  /** Objects whose pods carry every label of the selector, in a compatible namespace. */
  podsMatching(selector: Record<string, string>, namespace: string | undefined): PlacedResource[] {
    const entries = Object.entries(selector);
    if (entries.length === 0) return [];
    const [k0, v0] = entries[0];
    return (this.view().byPodLabel.get(`${k0}=${v0}`) ?? []).filter(
      (r) => sameNamespace(r.summary.namespace, namespace) && entries.every(([k, v]) => r.summary.podLabels?.[k] === v),
    );
  }

  /** Label keys and their values seen anywhere in the workspace (object and pod labels). */
  labelValues(): Map<string, Set<string>> {
    const out = new Map<string, Set<string>>();
    for (const r of this.resources()) {
      for (const labels of [r.summary.labels, r.summary.podLabels ?? {}]) {
        for (const [k, v] of Object.entries(labels)) {
          const set = out.get(k) ?? new Set<string>();
          set.add(v);
          out.set(k, set);
        }
      }
    }
    return out;
  }

  /** The CRD for a group and kind: the workspace's, else the cluster's. */
  crd(group: string, kind: string): CrdInfo | undefined {
    return this.view().crds.get(`${group}/${kind}`) ?? this.cluster.get(group, kind);
  }

  crds(): CrdInfo[] {
    const out = new Map<string, CrdInfo>();
    for (const c of this.cluster.all()) out.set(`${c.group}/${c.kind}`, c);
    for (const [k, c] of this.view().crds) out.set(k, c);
    return [...out.values()];
  }

  /** The CRD and version serving an apiVersion/kind, when one does. */
  crdFor(apiVersion: string, kind: string): CrdInfo | undefined {
    const { group } = splitApiVersion(apiVersion);
    return group ? this.crd(group, kind) : undefined;
  }
}

/** Whether two parses of a file hold the same documents (then nothing outside the file changes). */
function sameResources(a: ParsedFile, b: ParsedFile): boolean {
  if (a.docs.length !== b.docs.length) return false;
  for (let i = 0; i < a.docs.length; i++) {
    if (a.docs[i].doc !== b.docs[i].doc || a.docs[i].line !== b.docs[i].line) return false;
  }
  return true;
}
