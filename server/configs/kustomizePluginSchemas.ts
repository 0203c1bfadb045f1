// The configurations of kustomize's builtin generators and transformers (`apiVersion: builtin`), named in a
// kustomization's generators or transformers: their fields as kustomize reads them.

import type { SchemaObject } from '../../kube/schemas';
import { generator, generatorOptions, PATCH_TARGET } from './kustomizationSchema';

const str = (description: string): SchemaObject => ({ type: 'string', description });
const bool = (description: string): SchemaObject => ({ type: 'boolean', description });
const stringMap = (description: string): SchemaObject => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  description,
});
const open = (description: string): SchemaObject => ({ 'x-kubernetes-preserve-unknown-fields': true, description });

const fieldSpecs: SchemaObject = {
  type: 'array',
  description: 'Where in which resources the transformer writes.',
  items: {
    type: 'object',
    properties: {
      path: str('Path of the field, `/`-separated (e.g. spec/selector/matchLabels).'),
      create: bool('Create the field when it is missing.'),
      group: str('API group of the resources.'),
      version: str('API version of the resources.'),
      kind: str('Kind of the resources.'),
    },
  },
};

function plugin(kind: string, description: string, fields: Record<string, SchemaObject>): SchemaObject {
  return {
    type: 'object',
    description,
    properties: {
      apiVersion: { type: 'string', enum: ['builtin'], description: 'builtin: one of kustomize’s own plugins.' },
      kind: { type: 'string', enum: [kind], description: `The ${kind} plugin.` },
      metadata: {
        type: 'object',
        properties: { name: str('Name of this configuration.'), namespace: str('Namespace it applies to.') },
        description: 'Name of this configuration.',
      },
      ...fields,
    },
  };
}

const configMapArgs = (kind: 'ConfigMap' | 'Secret'): Record<string, SchemaObject> => {
  // the generated object's name and namespace are the configuration's metadata
  const fields = Object.entries(generator(kind).items?.properties ?? {});
  return Object.fromEntries(fields.filter(([k]) => k !== 'name' && k !== 'namespace'));
};

export const BUILTIN_PLUGIN_SCHEMAS: Record<string, SchemaObject> = {
  LabelTransformer: plugin('LabelTransformer', 'Adds labels.', {
    labels: stringMap('The labels.'),
    fieldSpecs,
  }),
  AnnotationsTransformer: plugin('AnnotationsTransformer', 'Adds annotations.', {
    annotations: stringMap('The annotations.'),
    fieldSpecs,
  }),
  NamespaceTransformer: plugin('NamespaceTransformer', 'Sets the namespace (metadata.namespace holds it).', {
    fieldSpecs,
    unsetOnly: bool('Set the namespace only where none is set.'),
    setRoleBindingSubjects: {
      type: 'string',
      enum: ['defaultOnly', 'allServiceAccounts', 'none'],
      description: 'Which RoleBinding subjects get the namespace.',
    },
  }),
  PrefixSuffixTransformer: plugin('PrefixSuffixTransformer', 'Adds a prefix and suffix to names.', {
    prefix: str('The prefix.'),
    suffix: str('The suffix.'),
    fieldSpecs,
  }),
  PrefixTransformer: plugin('PrefixTransformer', 'Adds a prefix to names.', { prefix: str('The prefix.'), fieldSpecs }),
  SuffixTransformer: plugin('SuffixTransformer', 'Adds a suffix to names.', { suffix: str('The suffix.'), fieldSpecs }),
  ImageTagTransformer: plugin('ImageTagTransformer', 'Sets image names, tags and digests.', {
    imageTag: {
      type: 'object',
      properties: {
        name: str('The image name as written.'),
        newName: str('The name to use instead.'),
        newTag: { description: 'The tag to set.' },
        digest: str('The digest to set.'),
      },
    },
    fieldSpecs,
  }),
  ReplicaCountTransformer: plugin('ReplicaCountTransformer', 'Sets replica counts.', {
    replica: {
      type: 'object',
      properties: { name: str('Name of the workload.'), count: { type: 'integer', description: 'Replicas.' } },
    },
    fieldSpecs,
  }),
  PatchTransformer: plugin('PatchTransformer', 'Applies a strategic merge or JSON 6902 patch.', {
    patch: str('The patch itself.'),
    path: str('File holding the patch.'),
    target: PATCH_TARGET,
    options: open('allowNameChange, allowKindChange.'),
  }),
  PatchStrategicMergeTransformer: plugin('PatchStrategicMergeTransformer', 'Applies strategic merge patches.', {
    paths: { type: 'array', items: { type: 'string' }, description: 'Files holding patches.' },
    patches: str('The patches themselves.'),
  }),
  PatchJson6902Transformer: plugin('PatchJson6902Transformer', 'Applies a JSON 6902 patch.', {
    target: PATCH_TARGET,
    path: str('File holding the patch.'),
    jsonOp: str('The patch itself.'),
  }),
  ReplacementTransformer: plugin('ReplacementTransformer', 'Copies fields between resources.', {
    replacements: { type: 'array', items: open('A replacement.'), description: 'The replacements.' },
  }),
  HashTransformer: plugin('HashTransformer', 'Adds content hashes to generated names.', {}),
  ConfigMapGenerator: plugin('ConfigMapGenerator', 'Generates a ConfigMap (named by metadata).', {
    ...configMapArgs('ConfigMap'),
    options: generatorOptions(),
  }),
  SecretGenerator: plugin('SecretGenerator', 'Generates a Secret (named by metadata).', {
    ...configMapArgs('Secret'),
    options: generatorOptions(),
  }),
  HelmChartInflationGenerator: plugin('HelmChartInflationGenerator', 'Renders a Helm chart.', {
    ...Object.fromEntries(
      ['name', 'version', 'repo', 'releaseName', 'namespace', 'valuesFile', 'chartHome', 'nameTemplate'].map((k) => [
        k,
        str(k),
      ]),
    ),
    valuesInline: open('Values given inline.'),
    includeCRDs: bool("Render the chart's CRDs too."),
    additionalValuesFiles: { type: 'array', items: { type: 'string' }, description: 'More values files.' },
  }),
};
