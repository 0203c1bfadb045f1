// Diagnostics of documents that are not cluster resources (see configs/fileRoles): each is judged by
// what reads it, so kustomize's and Helm's files are never reported as unknown kinds or incomplete objects.

import { validateAgainstSchema } from '../../kube/crdSchema';
import type { FieldError } from '../../kube/fieldErrors';
import { childFieldsOfSchema, SchemaObject } from '../../kube/schemas';
import { configSchemaFor } from '../configs/configSchemas';
import type { DocRole } from '../configs/fileRoles';
import type { YamlDoc } from '../documents/parsedFile';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import type { LocalDiagnostic } from './diagnostic';
import { kustomizationPathDiagnostics } from './kustomizationPaths';
import { inlinePatchDiagnostics } from './inlinePatches';
import { jsonPatchDiagnostics, strategicPatchDiagnostics } from './patchDiagnostics';
import { fromResult } from './schema';
import { syntaxDiagnostics } from './syntax';
import { templateDiagnostics } from './templateDiagnostics';

/** kustomize 5 refuses a patch named by its bare file name: say the form it reads. */
function withPatchForm(e: FieldError): FieldError {
  const [field] = e.path;
  const listed = (field === 'patches' || field === 'patchesJson6902') && e.path.length === 2;
  if (!listed || typeof e.value !== 'string' || e.value.includes('\n')) return e;
  return { ...e, detail: `${e.detail ?? 'must be of type object'}: write it as "- path: ${e.value}"` };
}

function ownSchemaDiagnostics(doc: YamlDoc, schema: SchemaObject, role: DocRole): LocalDiagnostic[] {
  return doc.cached('configSchema', schema, () => {
    const result = validateAgainstSchema(doc.value ?? {}, schema, { kubeOpenAPIWording: false });
    const errors = [...result.unknownFields, ...result.errors];
    return fromResult(doc, role === 'kustomization' ? errors.map(withPatchForm) : errors, (path) =>
      childFieldsOfSchema(schema, path),
    );
  });
}

export function configFileDiagnostics(
  uri: string,
  role: DocRole,
  doc: YamlDoc,
  index: WorkspaceIndex,
): LocalDiagnostic[] {
  // a template's syntax is Go's before it is YAML's
  if (role === 'not-yaml') return [];
  if (role === 'template') return templateDiagnostics(doc, index);
  const out = syntaxDiagnostics(doc);
  if (doc.errors.length) return out;
  const schema = configSchemaFor(role, doc);
  if (schema && doc.tree) out.push(...ownSchemaDiagnostics(doc, schema, role));
  if (role === 'strategic-patch') out.push(...strategicPatchDiagnostics(doc, index));
  if (role === 'json-patch') out.push(...jsonPatchDiagnostics(doc));
  if (role === 'kustomization')
    out.push(...kustomizationPathDiagnostics(uri, doc), ...inlinePatchDiagnostics(doc, index));
  return out;
}
