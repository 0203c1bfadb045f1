// The schema of a file kustomize or Helm reads (a kustomization, a builtin plugin's configuration, a
// Chart.yaml), for validation, completion and hover alike.

import type { SchemaObject } from '../../kube/schemas';
import type { PlacedDoc, YamlDoc } from '../documents/parsedFile';
import { CHART_SCHEMA } from './chartSchema';
import { DocRole, projectOf, ProjectSource } from './fileRoles';
import { KUSTOMIZATION_SCHEMA } from './kustomizationSchema';
import { BUILTIN_PLUGIN_SCHEMAS } from './kustomizePluginSchemas';

export function configSchemaFor(role: DocRole, doc: YamlDoc): SchemaObject | undefined {
  if (role === 'kustomization') return KUSTOMIZATION_SCHEMA;
  if (role === 'chart') return CHART_SCHEMA;
  if (role === 'kustomize-plugin' && doc.kube?.apiVersion === 'builtin') {
    const kind = doc.kube.kind;
    return Object.prototype.hasOwnProperty.call(BUILTIN_PLUGIN_SCHEMAS, kind)
      ? BUILTIN_PLUGIN_SCHEMAS[kind]
      : undefined;
  }
  return undefined;
}

/** The config schema of a document of the workspace, when it is such a file. */
export function configSchemaOf(index: ProjectSource, uri: string, placed: PlacedDoc): SchemaObject | undefined {
  return configSchemaFor(projectOf(index).roleOf(uri, placed), placed.doc);
}
