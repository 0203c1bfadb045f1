// Helm templates: only what the template syntax cannot change is judged. The actions are blanked out; a
// document that then parses and names a known kind is checked for unknown fields and wrong types in its
// static parts. Nothing is said about missing fields, fields an action touches, or documents the actions
// leave unreadable.

import { validateAgainstSchema } from '../../kube/crdSchema';
import { FieldError, segmentName } from '../../kube/fieldErrors';
import { childFields, childFieldsOfSchema } from '../../kube/schemas';
import { validateObject } from '../../kube/validation';
import { blankActions, Span, templateActions } from '../configs/helmTemplates';
import { parseFile, YamlDoc } from '../documents/parsedFile';
import { nodeAtPath, YNode } from '../documents/yamlTree';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import { resolveKind } from './apiVersions';
import type { LocalDiagnostic } from './diagnostic';
import { fromResult } from './schema';

/** The key of the pair a path ends in (for unknown fields: the key is what is wrong). */
function keySpan(root: YNode | undefined, path: FieldError['path']): Span | undefined {
  const parent = nodeAtPath(root, path.slice(0, -1));
  if (parent?.kind !== 'map') return undefined;
  const name = String(segmentName(path[path.length - 1]));
  const pair = parent.pairs.find((p) => p.key === name);
  return pair && [pair.keyStart, pair.keyEnd];
}

/** Whether a span (with `toLineEnd`, or the rest of its last line, where an action may write) holds an action. */
function touchesAction(text: string, span: Span | undefined, actions: Span[], toLineEnd = true): boolean {
  if (!span) return true;
  const nl = toLineEnd ? text.indexOf('\n', span[1]) : span[1];
  const end = nl < 0 ? text.length : nl;
  return actions.some(([s, e]) => s < end && e > span[0]);
}

export function templateDiagnostics(doc: YamlDoc, index: WorkspaceIndex): LocalDiagnostic[] {
  return doc.cached('template', index.stamp(), () => {
    const actions = templateActions(doc.text);
    const blanked = parseFile(blankActions(doc.text, actions)).docs;
    const staticDoc = blanked.length === 1 ? blanked[0].doc : undefined;
    if (!staticDoc?.kube || staticDoc.errors.length) return [];
    const resolution = resolveKind(staticDoc, index);
    if (resolution.type === 'problem') return [];
    const schema = resolution.type === 'custom' ? resolution.version.schema : undefined;
    if (resolution.type === 'custom' && !schema) return [];
    const result = schema ? validateAgainstSchema(staticDoc.value, schema) : validateObject(staticDoc.value);
    const errors = [...result.unknownFields, ...result.errors].filter((e) => {
      // a missing or null value is what an action most often supplies
      if (e.type === 'FieldValueRequired' || e.value === null) return false;
      const text = staticDoc.text;
      // an unknown key is wrong whatever an action writes after it
      if (e.type === 'FieldValueUnknown') return !touchesAction(text, keySpan(staticDoc.tree, e.path), actions, false);
      const node = nodeAtPath(staticDoc.tree, e.path);
      const key = keySpan(staticDoc.tree, e.path);
      return !!node && !touchesAction(text, [key ? key[0] : node.start, node.end], actions);
    });
    const { apiVersion, kind } = staticDoc.kube;
    return fromResult(staticDoc, errors, (path) =>
      schema ? childFieldsOfSchema(schema, path) : childFields(apiVersion, kind, path),
    );
  });
}
