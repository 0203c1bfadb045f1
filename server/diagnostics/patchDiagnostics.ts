// Kustomize patches are partial objects: a strategic merge patch is checked for the fields and types it
// sets (never for required fields, and its `$patch`-style directives are allowed); a JSON 6902 patch is
// a list of operations.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { validateAgainstSchema } from '../../kube/crdSchema';
import type { FieldError } from '../../kube/fieldErrors';
import { childFields, childFieldsOfSchema } from '../../kube/schemas';
import { validateObject } from '../../kube/validation';
import type { YamlDoc } from '../documents/parsedFile';
import { pairOf, YNode } from '../documents/yamlTree';
import { firstLineRange } from '../positions';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { resolveKind } from './apiVersions';
import type { LocalDiagnostic } from './diagnostic';
import { fromResult } from './schema';

/** Errors a partial object may well have: missing fields, and strategic merge directives. */
function meaningfulInPatch(e: FieldError): boolean {
  if (e.type === 'FieldValueRequired') return false;
  const last = e.path[e.path.length - 1];
  return !(e.type === 'FieldValueUnknown' && typeof last === 'string' && last.startsWith('$'));
}

export function strategicPatchDiagnostics(doc: YamlDoc, index: WorkspaceIndex): LocalDiagnostic[] {
  if (!doc.kube) return [];
  const resolution = resolveKind(doc, index);
  if (resolution.type === 'problem') return resolution.diagnostics.filter((d) => d.code !== 'no-crd');
  return doc.cached('patch', resolution.type === 'custom' ? resolution.version : 'builtin', () => {
    const { apiVersion, kind } = doc.kube!;
    const schema = resolution.type === 'custom' ? resolution.version.schema : undefined;
    if (resolution.type === 'custom' && !schema) return [];
    const result = schema ? validateAgainstSchema(doc.value, schema) : validateObject(doc.value);
    const errors = [...result.unknownFields, ...result.errors].filter(meaningfulInPatch);
    return fromResult(doc, errors, (path) =>
      schema ? childFieldsOfSchema(schema, path) : childFields(apiVersion, kind, path),
    );
  });
}

const OPS = ['add', 'remove', 'replace', 'move', 'copy', 'test'];
const FIELDS = new Set(['op', 'path', 'value', 'from']);

function isPointer(node: YNode | undefined): boolean {
  return node?.kind === 'scalar' && typeof node.value === 'string' && (node.value === '' || node.value[0] === '/');
}

/** A JSON 6902 patch: a list of operations, each with a known op, a JSON pointer path, and value or from. */
export function jsonPatchDiagnostics(doc: YamlDoc): LocalDiagnostic[] {
  const root = doc.tree;
  const out: LocalDiagnostic[] = [];
  const error = (range: LocalDiagnostic['range'], message: string, code: LocalDiagnostic['code'] = 'schema') =>
    out.push({ range, severity: DiagnosticSeverity.Error, message, code });
  if (!root) return out;
  if (root.kind !== 'seq') {
    error(firstLineRange(doc, root), 'A JSON 6902 patch is a list of operations (- op: ..., path: ..., value: ...)');
    return out;
  }
  root.items.forEach((item, i) => {
    if (item.kind !== 'map') {
      error(firstLineRange(doc, item), `[${i}]: an operation is a map with op, path and value or from`);
      return;
    }
    for (const p of item.pairs) {
      if (!FIELDS.has(p.key))
        error(
          doc.range(p.keyStart, p.keyEnd),
          `[${i}].${p.key}: Unknown field: an operation has op, path, value, from`,
        );
    }
    const opPair = pairOf(item, 'op');
    const op = opPair?.value.kind === 'scalar' ? opPair.value.value : undefined;
    if (!opPair) error(firstLineRange(doc, item), `[${i}].op: Required value: one of ${OPS.join(', ')}`);
    else if (typeof op !== 'string' || !OPS.includes(op))
      error(
        doc.range(opPair.value.start, opPair.value.end),
        `[${i}].op: Unsupported value: ${JSON.stringify(op)}: supported values: ${OPS.join(', ')}`,
      );
    const pathPair = pairOf(item, 'path');
    if (!pathPair)
      error(firstLineRange(doc, item), `[${i}].path: Required value: a JSON pointer such as /spec/replicas`);
    else if (!isPointer(pathPair.value))
      error(
        doc.range(pathPair.value.start, pathPair.value.end),
        `[${i}].path: Invalid value: a JSON pointer starts with / (e.g. /spec/replicas)`,
      );
    if (typeof op !== 'string') return;
    if ((op === 'add' || op === 'replace' || op === 'test') && !pairOf(item, 'value'))
      error(doc.range(opPair!.keyStart, opPair!.keyEnd), `[${i}].value: Required value: "${op}" needs a value`);
    if (op === 'move' || op === 'copy') {
      const from = pairOf(item, 'from');
      if (!from) error(doc.range(opPair!.keyStart, opPair!.keyEnd), `[${i}].from: Required value: "${op}" needs from`);
      else if (!isPointer(from.value))
        error(doc.range(from.value.start, from.value.end), `[${i}].from: Invalid value: a JSON pointer starts with /`);
    }
  });
  return out;
}
