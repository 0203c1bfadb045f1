// CustomResourceDefinitions the server knows: those written in workspace files (which win, being what
// the user edits) and those the connected cluster serves, pushed by the editor.

import { isRecord } from '../../kube/objects';
import { SchemaObject } from '../../kube/schemas';
import { LocalRange } from '../documents/lineIndex';

export interface CrdVersion {
  name: string;
  served: boolean;
  schema?: SchemaObject;
}

export interface CrdInfo {
  group: string;
  kind: string;
  plural?: string;
  namespaced: boolean;
  versions: CrdVersion[];
  /** where it is defined: a workspace file (with the range of its name), the cluster, or the built-in catalog */
  source: { uri: string; range: LocalRange; line: number } | { cluster: true } | { catalog: string };
}

/** The parts of a CRD object (apiextensions.k8s.io v1 or v1beta1) that validation needs. */
export function crdFromObject(obj: unknown): Omit<CrdInfo, 'source'> | undefined {
  if (!isRecord(obj) || obj.kind !== 'CustomResourceDefinition' || !isRecord(obj.spec)) return undefined;
  const spec = obj.spec;
  const names = isRecord(spec.names) ? spec.names : {};
  if (typeof spec.group !== 'string' || typeof names.kind !== 'string') return undefined;
  const shared =
    isRecord(spec.validation) && isRecord(spec.validation.openAPIV3Schema)
      ? (spec.validation.openAPIV3Schema as SchemaObject)
      : undefined;
  const versions: CrdVersion[] = [];
  if (Array.isArray(spec.versions)) {
    for (const v of spec.versions) {
      if (!isRecord(v) || typeof v.name !== 'string') continue;
      const own =
        isRecord(v.schema) && isRecord(v.schema.openAPIV3Schema)
          ? (v.schema.openAPIV3Schema as SchemaObject)
          : undefined;
      const schema = own ?? shared;
      versions.push({ name: v.name, served: v.served !== false, ...(schema ? { schema } : {}) });
    }
  } else if (typeof spec.version === 'string') {
    versions.push({ name: spec.version, served: true, ...(shared ? { schema: shared } : {}) });
  }
  return {
    group: spec.group,
    kind: names.kind,
    ...(typeof names.plural === 'string' ? { plural: names.plural } : {}),
    namespaced: spec.scope !== 'Cluster',
    versions,
  };
}

export class ClusterCrds {
  private byKey = new Map<string, CrdInfo>();
  /** changes whenever the cluster's set changes */
  generation = 0;

  replace(items: unknown[]): void {
    this.byKey.clear();
    for (const item of items) {
      const crd = crdFromObject(item);
      if (crd) this.byKey.set(`${crd.group}/${crd.kind}`, { ...crd, source: { cluster: true } });
    }
    this.generation++;
  }

  get(group: string, kind: string): CrdInfo | undefined {
    return this.byKey.get(`${group}/${kind}`);
  }

  all(): CrdInfo[] {
    return [...this.byKey.values()];
  }
}
