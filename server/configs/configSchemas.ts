// The schema of a file kustomize or Helm reads (a kustomization, a Chart.yaml), for validation, completion
// and hover alike.

import type { SchemaObject } from '../../kube/schemas';
import type { PlacedDoc } from '../documents/parsedFile';
import { CHART_SCHEMA } from './chartSchema';
import { DocRole, projectOf, ProjectSource } from './fileRoles';
import { KUSTOMIZATION_SCHEMA } from './kustomizationSchema';

export function configSchemaFor(role: DocRole): SchemaObject | undefined {
  if (role === 'kustomization') return KUSTOMIZATION_SCHEMA;
  if (role === 'chart') return CHART_SCHEMA;
  return undefined;
}

/** The config schema of a document of the workspace, when it is such a file. */
export function configSchemaOf(index: ProjectSource, uri: string, placed: PlacedDoc): SchemaObject | undefined {
  return configSchemaFor(projectOf(index).roleOf(uri, placed));
}
