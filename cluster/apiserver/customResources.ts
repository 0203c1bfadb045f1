// CustomResourceDefinitions: a CRD's served versions become resources in discovery and routing, its
// openAPIV3Schema validates instances, and its status reports NamesAccepted and Established.
import type {
  CustomResourceDefinition,
  CustomResourceDefinitionNames,
  CustomResourceDefinitionSpec,
  CustomResourceDefinitionStatus,
} from 'kubernetes-types/apiextensions/v1';
import type { KubeObject } from '../../kube/objects';
import { ResourceInfo, ResourceRegistry, ALL_VERBS } from '../../kube/registry';
import type { PrinterColumn } from './tables/custom';
import type { SchemaObject } from '../../kube/schemas';

/** A CustomResourceDefinition as stored. */
export type Crd = KubeObject & CustomResourceDefinition;

export interface CustomResourceVersion {
  info: ResourceInfo;
  /** the version's openAPIV3Schema */
  schema: SchemaObject | undefined;
  printerColumns: PrinterColumn[];
  scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
}

export class CustomResources {
  private byCrd = new Map<string, CustomResourceVersion[]>();
  private byResource = new Map<string, CustomResourceVersion>();

  constructor(private readonly registry: ResourceRegistry) {}

  private static resourceKey(group: string, version: string, plural: string) {
    return `${group}/${version}/${plural}`;
  }

  /** Registers (or re-registers) a CRD's served versions. */
  register(crd: Crd): void {
    const crdName = crd.metadata.name ?? '';
    this.unregister(crdName);
    // a stored CRD passed validation; the fallbacks keep a damaged one from stopping the server
    const spec = crd.spec ?? ({} as Partial<CustomResourceDefinitionSpec>);
    const names = spec.names ?? ({} as CustomResourceDefinitionNames);
    const versions: CustomResourceVersion[] = [];
    for (const v of spec.versions ?? []) {
      if (v.served === false) continue;
      const subs = v.subresources ?? {};
      const info: ResourceInfo = {
        group: spec.group,
        version: v.name,
        kind: names.kind,
        listKind: names.listKind ?? `${names.kind}List`,
        plural: names.plural,
        singular: names.singular ?? String(names.kind).toLowerCase(),
        namespaced: spec.scope !== 'Cluster',
        shortNames: names.shortNames ?? [],
        categories: names.categories ?? [],
        verbs: ALL_VERBS,
        subresources: [
          ...(subs.status
            ? [
                {
                  name: 'status',
                  kind: names.kind,
                  group: spec.group,
                  version: v.name,
                  verbs: ['get', 'patch', 'update'],
                },
              ]
            : []),
          ...(subs.scale
            ? [{ name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] }]
            : []),
        ],
        custom: true,
      };
      const crv: CustomResourceVersion = {
        info,
        schema: v.schema?.openAPIV3Schema as SchemaObject | undefined,
        printerColumns: v.additionalPrinterColumns ?? [],
        scale: subs.scale,
      };
      versions.push(crv);
      this.registry.add(info);
      this.byResource.set(CustomResources.resourceKey(info.group, info.version, info.plural), crv);
    }
    this.byCrd.set(crdName, versions);
  }

  unregister(crdName: string): void {
    for (const v of this.byCrd.get(crdName) ?? []) {
      this.registry.remove(v.info.group, v.info.version, v.info.plural);
      this.byResource.delete(CustomResources.resourceKey(v.info.group, v.info.version, v.info.plural));
    }
    this.byCrd.delete(crdName);
  }

  lookup(info: ResourceInfo): CustomResourceVersion | undefined {
    return this.byResource.get(CustomResources.resourceKey(info.group, info.version, info.plural));
  }

  versionsOf(crdName: string): CustomResourceVersion[] {
    return this.byCrd.get(crdName) ?? [];
  }

  /** Schemas by kind for one group/version, for its OpenAPI document. */
  schemasFor(group: string, version: string): Map<string, SchemaObject> {
    const m = new Map<string, SchemaObject>();
    for (const v of this.byResource.values())
      if (v.info.group === group && v.info.version === version)
        m.set(v.info.kind, v.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
    return m;
  }
}

/** Status the API server reports once a CRD's names are accepted and it is served. */
export function establishedStatus(crd: Crd, now: string): CustomResourceDefinitionStatus {
  const names = crd.spec.names;
  const cond = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? names.kind.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    conditions: [
      cond('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      cond('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
    storedVersions: (crd.spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}
