// Every YAML file of the workspace (open documents win over what is on disk), with the Kubernetes
// objects each holds, looked up by kind and name, by labels, and the CRDs they define.

import { splitApiVersion } from '../../kube/registry';
import { projectOf } from '../configs/fileRoles';
import { parseFile, ParsedFile, PlacedDoc } from '../documents/parsedFile';
import { TimeSlices } from '../timeSlices';
import { catalogCrd, catalogCrds } from './crdCatalog';
import { ClusterCrds, CrdInfo, crdFromObject } from './crds';
import { DeployableUnits } from './deployableUnits';
import { Producers } from './producers';
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
  /** per kind and name, the namespaces it is defined in (and whether some definition leaves it open) */
  namespacesOf: Map<string, { open: boolean; named: Set<string> }>;
  /** objects by kind, name and exact namespace: each group is one object defined several times */
  byIdentity: Map<string, PlacedResource[]>;
  crds: Map<string, CrdInfo>;
  /** objects with pods, by each `key=value` of their pod labels */
  byPodLabel: Map<string, PlacedResource[]>;
  /** what each selector (in a namespace) selects, worked out once per view */
  selections: Map<string, Selection>;
  labelValues?: Map<string, Set<string>>;
}

/** The objects whose pods a selector selects, and the names of their container ports. */
export interface Selection {
  targets: PlacedResource[];
  portNames: Set<string>;
}

/** Another definition of the same object: how many there are, and the first few of them. */
export interface Duplicates {
  count: number;
  first: PlacedResource[];
}

// joined by a character no kind, name or namespace holds; an unset namespace differs from every set one
const identityKey = (s: ResourceSummary): string => `${s.kind}\0${s.name}\0${s.namespace ?? '\u0001'}`;

/** Namespaces match when equal, or when either manifest leaves it to `kubectl apply -n`. */
export function sameNamespace(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

export class WorkspaceIndex {
  private files = new Map<string, ParsedFile>();
  private generation = 0;
  /** per file, the generation at which it last changed what other documents see */
  private readonly changedAt = new Map<string, number>();
  private views?: Views;

  /** which files are applied together: duplicates count only there */
  readonly units = new DeployableUnits(this);
  /** what the workspace's Certificates, generators and StatefulSets make */
  readonly producers = new Producers(this);

  constructor(readonly cluster: ClusterCrds = new ClusterCrds()) {}

  /** Parses a file's text (reusing documents whose text is unchanged); returns the parsed file. */
  setText(uri: string, text: string, lazily = false): ParsedFile {
    const old = this.files.get(uri);
    if (old && old.text === text) return old;
    return this.store(uri, parseFile(text, lazily));
  }

  /** setText for a file parsed beforehand (the workspace scan parses as it reads, and adds all files at once). */
  setParsed(uri: string, parsed: ParsedFile): ParsedFile {
    const old = this.files.get(uri);
    if (old && old.text === parsed.text) return old;
    return this.store(uri, parsed);
  }

  /**
   * setText for the file being validated: its documents parsed a slice at a time (see TimeSlices), those a
   * request needed meanwhile already parsed; undefined when the text is no longer wanted.
   */
  async setTextInSlices(uri: string, text: string, slices: TimeSlices): Promise<ParsedFile | undefined> {
    const file = this.setText(uri, text, true);
    for (const placed of file.docs) {
      if (!(await slices.pause())) return undefined;
      void placed.doc;
    }
    return file;
  }

  private store(uri: string, parsed: ParsedFile): ParsedFile {
    const old = this.files.get(uri);
    this.files.set(uri, parsed);
    if (!old || !sameResources(old, parsed)) this.changedAt.set(uri, ++this.generation);
    return parsed;
  }

  remove(uri: string): void {
    if (this.files.delete(uri)) this.changedAt.set(uri, ++this.generation);
  }

  /**
   * When a file last changed what other documents see (a generation; 0 if never): whoever put the change into the
   * index (a validation, or a request that read the edited text first), this tells that others must look again.
   */
  lastChange(uri: string): number {
    return this.changedAt.get(uri) ?? 0;
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
    const namespacesOf = new Map<string, { open: boolean; named: Set<string> }>();
    const byIdentity = new Map<string, PlacedResource[]>();
    const crds = new Map<string, CrdInfo>();
    const byPodLabel = new Map<string, PlacedResource[]>();
    const push = <K, V>(map: Map<K, V[]>, key: K, value: V): void => {
      const list = map.get(key);
      if (list) list.push(value);
      else map.set(key, [value]);
    };
    // kustomize's and Helm's files, patches and tool configs are not objects of the cluster
    const project = projectOf(this);
    for (const [uri, file] of this.files) {
      for (const placed of file.docs) {
        const summary = summarize(placed.doc);
        if (!summary || project.roleOf(uri, placed) !== 'resource') continue;
        const r = { uri, placed, summary };
        resources.push(r);
        if (summary.name !== undefined) {
          const key = `${summary.kind}/${summary.name}`;
          push(byKindName, key, r);
          push(byIdentity, identityKey(summary), r);
          let ns = namespacesOf.get(key);
          if (!ns) namespacesOf.set(key, (ns = { open: false, named: new Set() }));
          if (summary.namespace) ns.named.add(summary.namespace);
          else ns.open = true;
        }
        for (const [k, v] of Object.entries(summary.podLabels ?? {})) push(byPodLabel, `${k}=${v}`, r);
        if (summary.kind === 'CustomResourceDefinition') {
          const crd = placed.doc.cached('crd', 0, () => crdFromObject(placed.doc.value));
          if (crd)
            crds.set(`${crd.group}/${crd.kind}`, {
              ...crd,
              source: { uri, range: summary.nameRange, line: placed.line },
            });
        }
      }
    }
    this.views = {
      generation: this.generation,
      resources,
      byKindName,
      namespacesOf,
      byIdentity,
      crds,
      byPodLabel,
      selections: new Map(),
    };
    return this.views;
  }

  resources(): PlacedResource[] {
    return this.view().resources;
  }

  /** Objects of a kind and name, in a namespace compatible with the given one. */
  find(kind: string, name: string, namespace?: string): PlacedResource[] {
    return (this.view().byKindName.get(`${kind}/${name}`) ?? []).filter((r) =>
      sameNamespace(r.summary.namespace, namespace),
    );
  }

  /** Whether find would return something, without building the list. */
  has(kind: string, name: string, namespace?: string): boolean {
    const ns = this.view().namespacesOf.get(`${kind}/${name}`);
    return !!ns && (!namespace || ns.open || ns.named.has(namespace));
  }

  /**
   * The other definitions of an object (same kind, name and namespace) in a file applied together with its own
   * (see DeployableUnits), the first `limit` of them listed.
   */
  duplicatesOf(self: PlacedResource, limit: number): Duplicates {
    const s = self.summary;
    if (s.name === undefined) return { count: 0, first: [] };
    const group = this.view().byIdentity.get(identityKey(s)) ?? [];
    const first: PlacedResource[] = [];
    let count = 0;
    for (const r of group) {
      if (r.uri === self.uri && r.placed.index === self.placed.index) continue;
      if (!this.units.share(self.uri, r.uri)) continue;
      count++;
      if (first.length < limit) first.push(r);
    }
    return { count, first };
  }

  /** Objects whose pods carry every label of the selector, in a compatible namespace. */
  podsMatching(selector: Record<string, string>, namespace: string | undefined): PlacedResource[] {
    return this.selection(selector, namespace).targets;
  }

  /** What a selector selects; identical selectors (many Services, or one checked often) share the work. */
  selection(selector: Record<string, string>, namespace: string | undefined): Selection {
    const view = this.view();
    const entries = Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify([namespace ?? null, entries]);
    const known = view.selections.get(key);
    if (known) return known;
    let smallest: PlacedResource[] = [];
    for (const [i, [k, v]] of entries.entries()) {
      const bucket = view.byPodLabel.get(`${k}=${v}`) ?? [];
      if (i === 0 || bucket.length < smallest.length) smallest = bucket;
      if (bucket.length === 0) break;
    }
    const targets =
      entries.length === 0
        ? []
        : smallest.filter(
            (r) =>
              sameNamespace(r.summary.namespace, namespace) &&
              entries.every(([k, v]) => r.summary.podLabels?.[k] === v),
          );
    const portNames = new Set<string>();
    for (const t of targets) for (const p of t.summary.containerPorts) if (p.name !== undefined) portNames.add(p.name);
    const selection = { targets, portNames };
    view.selections.set(key, selection);
    return selection;
  }

  /** Label keys and their values seen anywhere in the workspace (object and pod labels). */
  labelValues(): Map<string, Set<string>> {
    const view = this.view();
    if (view.labelValues) return view.labelValues;
    const out = new Map<string, Set<string>>();
    for (const r of view.resources) {
      for (const labels of [r.summary.labels, r.summary.podLabels ?? {}]) {
        for (const [k, v] of Object.entries(labels)) {
          const set = out.get(k) ?? new Set<string>();
          set.add(v);
          out.set(k, set);
        }
      }
    }
    return (view.labelValues = out);
  }

  /** The CRD for a group and kind: the workspace's, else the cluster's, else the built-in catalog's. */
  crd(group: string, kind: string): CrdInfo | undefined {
    return this.view().crds.get(`${group}/${kind}`) ?? this.cluster.get(group, kind) ?? catalogCrd(group, kind);
  }

  crds(): CrdInfo[] {
    const out = new Map<string, CrdInfo>();
    for (const c of catalogCrds()) out.set(`${c.group}/${c.kind}`, c);
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
    // the same text parses to the same document (without parsing it again to see)
    if (a.docs[i].text !== b.docs[i].text || a.docs[i].line !== b.docs[i].line) return false;
  }
  return true;
}
