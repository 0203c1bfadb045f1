// The shape of kustomize's own files (Kustomization and Component, kustomize v5), as an OpenAPI schema
// the editor validates, completes and describes them by.

import type { SchemaObject } from '../../kube/schemas';

const str = (description: string): SchemaObject => ({ type: 'string', description });
const bool = (description: string): SchemaObject => ({ type: 'boolean', description });
const strings = (description: string): SchemaObject => ({ type: 'array', items: { type: 'string' }, description });
const stringMap = (description: string): SchemaObject => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});
/** Anything: a field whose content kustomize passes on (values, replacement specs). */
const open = (description: string): SchemaObject => ({ 'x-kubernetes-preserve-unknown-fields': true, description });

export const PATCH_TARGET: SchemaObject = {
  type: 'object',
  description: 'Which resources the patch applies to.',
  properties: {
    group: str('API group of the targets.'),
    version: str('API version of the targets.'),
    kind: str('Kind of the targets.'),
    name: str('Name of the target (a regular expression).'),
    namespace: str('Namespace of the targets.'),
    labelSelector: str('Label selector the targets match.'),
    annotationSelector: str('Annotation selector the targets match.'),
  },
};

export function generator(kind: 'ConfigMap' | 'Secret'): SchemaObject {
  return {
    type: 'array',
    description: `${kind}s to generate; each gets a hash suffix that references to it follow.`,
    items: {
      type: 'object',
      required: ['name'],
      properties: {
        name: str(`Name of the ${kind} (before prefix, suffix and hash).`),
        namespace: str(`Namespace of the ${kind}.`),
        behavior: {
          type: 'string',
          enum: ['create', 'replace', 'merge'],
          description: `create a new ${kind}, or replace or merge into one of the same name from a base.`,
        },
        files: strings('Files whose content becomes entries (`key=path` to choose the key).'),
        literals: strings('`key=value` entries.'),
        envs: strings('Env files whose `key=value` lines become entries.'),
        env: str('An env file whose `key=value` lines become entries (deprecated: use envs).'),
        options: generatorOptions(),
        ...(kind === 'Secret' ? { type: str('Type of the Secret (default Opaque).') } : {}),
      },
    },
  };
}

export function generatorOptions(): SchemaObject {
  return {
    type: 'object',
    description: 'Options for generated ConfigMaps and Secrets.',
    properties: {
      labels: stringMap('Labels added to the generated objects.'),
      annotations: stringMap('Annotations added to the generated objects.'),
      disableNameSuffixHash: bool('Keep the name as written (no content hash suffix).'),
      immutable: bool('Mark the generated objects immutable.'),
    },
  };
}

const properties: Record<string, SchemaObject> = {
  apiVersion: {
    type: 'string',
    enum: ['kustomize.config.k8s.io/v1beta1', 'kustomize.config.k8s.io/v1alpha1'],
    description: 'kustomize.config.k8s.io/v1beta1 for a Kustomization, v1alpha1 for a Component.',
  },
  kind: { type: 'string', enum: ['Kustomization', 'Component'], description: 'Kustomization or Component.' },
  metadata: {
    type: 'object',
    description: 'Name and annotations of the kustomization (not applied to a cluster).',
    properties: {
      name: str('Name of the kustomization.'),
      namespace: str('Namespace of the kustomization.'),
      labels: stringMap('Labels of the kustomization.'),
      annotations: stringMap('Annotations of the kustomization.'),
    },
  },
  resources: strings('Files, directories (with their own kustomization) and URLs of the resources to include.'),
  components: strings('Components (kind Component) to apply to the resources.'),
  bases: strings('Deprecated: directories to include; use resources.'),
  crds: strings('CRD files whose schemas tell kustomize how to merge custom resources.'),
  namespace: str('Namespace set on every resource.'),
  namePrefix: str('Prefix added to every resource name (and to references to them).'),
  nameSuffix: str('Suffix added to every resource name (and to references to them).'),
  commonLabels: stringMap('Labels added to every resource, its selectors and its pod templates.'),
  labels: {
    type: 'array',
    description: 'Labels added to resources, with a choice of whether selectors and pod templates get them.',
    items: {
      type: 'object',
      properties: {
        pairs: stringMap('The labels.'),
        includeSelectors: bool('Add the labels to selectors too (and to pod templates).'),
        includeTemplates: bool('Add the labels to pod templates too.'),
        fields: open('Further fields to put the labels in.'),
      },
    },
  },
  commonAnnotations: stringMap('Annotations added to every resource.'),
  images: {
    type: 'array',
    description: 'Image names, tags and digests to set in containers.',
    items: {
      type: 'object',
      properties: {
        name: str('The image name as the resources write it.'),
        newName: str('The name to use instead.'),
        // YAML reads `newTag: 2` as a number; kustomize's own versions differ on it, so no type is imposed
        newTag: { description: 'The tag to set.' },
        digest: str('The digest to set (wins over newTag).'),
        tagSuffix: str('A suffix added to the tag.'),
      },
    },
  },
  replicas: {
    type: 'array',
    description: 'Replica counts to set on workloads by name.',
    items: {
      type: 'object',
      properties: {
        name: str('Name of the workload.'),
        count: { type: 'integer', description: 'The number of replicas.' },
      },
    },
  },
  patches: {
    type: 'array',
    description: 'Strategic merge or JSON 6902 patches, from a file (path) or inline (patch), with targets.',
    items: {
      type: 'object',
      properties: {
        path: str('File holding the patch.'),
        patch: str('The patch itself.'),
        target: PATCH_TARGET,
        options: {
          type: 'object',
          properties: {
            allowNameChange: bool('The patch may change the name.'),
            allowKindChange: bool('The patch may change the kind.'),
          },
        },
      },
    },
  },
  patchesStrategicMerge: strings('Deprecated: strategic merge patches (files or inline); use patches.'),
  patchesJson6902: {
    type: 'array',
    description: 'Deprecated: JSON 6902 patches with their targets; use patches.',
    items: {
      type: 'object',
      properties: { target: PATCH_TARGET, path: str('File holding the patch.'), patch: str('The patch itself.') },
    },
  },
  configMapGenerator: generator('ConfigMap'),
  secretGenerator: generator('Secret'),
  generatorOptions: generatorOptions(),
  helmCharts: {
    type: 'array',
    description: 'Helm charts to render into resources (kustomize build --enable-helm).',
    items: {
      type: 'object',
      properties: {
        name: str('Name of the chart.'),
        version: str('Version of the chart.'),
        repo: str('Repository URL of the chart.'),
        releaseName: str('Release name for the templates.'),
        namespace: str('Namespace for the templates.'),
        nameTemplate: str('Template for the release name.'),
        valuesFile: str('A values file.'),
        additionalValuesFiles: strings('More values files.'),
        valuesInline: open('Values given inline.'),
        valuesMerge: {
          type: 'string',
          enum: ['merge', 'override', 'replace'],
          description: 'How inline values combine.',
        },
        includeCRDs: bool("Render the chart's CRDs too."),
        skipHooks: bool('Leave out hooks.'),
        skipTests: bool('Leave out tests.'),
        apiVersions: strings('API versions for Capabilities.APIVersions.'),
        kubeVersion: str('Kubernetes version for Capabilities.KubeVersion.'),
      },
    },
  },
  helmGlobals: {
    type: 'object',
    properties: { chartHome: str('Where charts are kept.'), configHome: str('Helm configuration folder.') },
  },
  generators: strings('Files or directories of generator configurations (plugins).'),
  transformers: strings('Files or directories of transformer configurations (plugins).'),
  validators: strings('Files or directories of validator configurations (plugins).'),
  replacements: {
    type: 'array',
    items: open('A replacement: source and targets, or a path to a file of them.'),
    description: 'Values copied from one field of a resource into fields of others.',
  },
  vars: { type: 'array', items: open('A var.'), description: 'Deprecated: use replacements.' },
  configurations: strings('Files of transformer configurations (field specs).'),
  openapi: open('A custom OpenAPI schema for merging.'),
  buildMetadata: {
    type: 'array',
    items: { type: 'string', enum: ['managedByLabel', 'originAnnotations', 'transformerAnnotations'] },
    description: 'Build information to add to resources.',
  },
  sortOptions: open('How output resources are ordered.'),
  helmChartInflationGenerator: { type: 'array', items: open('A chart.'), description: 'Deprecated: use helmCharts.' },
  inventory: open('Deprecated: an inventory object for pruning.'),
};

/** A Kustomization or Component (kustomize.config.k8s.io): no field is required. */
export const KUSTOMIZATION_SCHEMA: SchemaObject = {
  type: 'object',
  description: "kustomize's build instructions for a directory: resources to include and how to change them.",
  properties,
};
