// Hover: a field's type, whether it is required, its description and allowed values, from the
// OpenAPI schema (built-in) or the CRD's schema; on a reference, the object it names.

import { Hover, MarkupKind, Position } from 'vscode-languageserver';
import {
  definitionFor,
  describeField,
  describeSchemaPath,
  FieldDescription,
  SchemaObject,
  schemaByName,
} from '../kube/schemas';
import { configSchemaOf } from './configs/configSchemas';
import { resolveKind } from './diagnostics/apiVersions';
import { YamlDoc } from './documents/parsedFile';
import { placedAt, toFileRange } from './documents/placement';
import { locate } from './documents/yamlTree';
import { contains, FeatureContext } from './featureContext';
import { summarize } from './workspace/resources';
import { WorkspaceIndex } from './workspace/workspaceIndex';

const PREVIEW_LINES = 20;

/** The description of a field of this document's kind, built-in or custom. */
export function describeAt(
  doc: YamlDoc,
  index: WorkspaceIndex,
  path: (string | number)[],
): FieldDescription | undefined {
  if (!doc.kube) return undefined;
  const r = resolveKind(doc, index);
  if (r.type === 'builtin') return describeField(doc.kube.apiVersion, doc.kube.kind, path);
  if (r.type === 'custom' && r.version.schema) return describeSchemaPath(r.version.schema, path);
  return undefined;
}

export function fieldMarkdown(name: string, d: FieldDescription): string {
  const parts = [`**${name}** \`${d.type}\`${d.required ? ' — required' : ''}`];
  if (d.description) parts.push(d.description);
  if (d.enum?.length) parts.push('Allowed values: ' + d.enum.map((v) => `\`${v}\``).join(', '));
  return parts.join('\n\n');
}

/** Hover in a kustomization or Chart.yaml: the field from the file's own schema. */
function configHover(doc: YamlDoc, line: number, offset: number, schema: SchemaObject): Hover | null {
  const loc = locate(doc.tree, offset);
  if (!loc || loc.path.length === 0) return null;
  const d = describeSchemaPath(schema, loc.path);
  if (!d) return null;
  const node = loc.onKey ? { start: loc.onKey.keyStart, end: loc.onKey.keyEnd } : loc.node;
  const name = [...loc.path].reverse().find((s) => typeof s === 'string') as string | undefined;
  return {
    contents: { kind: MarkupKind.Markdown, value: fieldMarkdown(name ?? '', d) },
    range: toFileRange(doc.range(node.start, node.end), line),
  };
}

export function hover(ctx: FeatureContext, pos: Position): Hover | null {
  const at = placedAt(ctx.file, pos);
  if (!at) return null;
  const { doc, line } = at.placed;
  const own = configSchemaOf(ctx.index, ctx.uri, at.placed);
  if (own) return configHover(doc, line, at.offset, own);
  if (!doc.kube) return null;
  const summary = summarize(doc);
  const ref = summary?.references.find((r) => contains(toFileRange(r.range, line), pos));
  if (ref && summary) {
    const targets = ctx.index.find(ref.kind, ref.name, summary.namespace);
    if (!targets.length)
      return {
        contents: { kind: MarkupKind.Markdown, value: `**${ref.kind} ${ref.name}** is not defined in the workspace` },
        range: toFileRange(ref.range, line),
      };
    const t = targets[0];
    const file = decodeURIComponent(t.uri.slice(t.uri.lastIndexOf('/') + 1));
    const text = t.placed.doc.text.slice(t.placed.doc.tree?.start ?? 0, t.placed.doc.tree?.end ?? 0).split('\n');
    const preview = text.slice(0, PREVIEW_LINES).join('\n') + (text.length > PREVIEW_LINES ? '\n# ...' : '');
    return {
      contents: {
        kind: MarkupKind.Markdown,
        value: `**${ref.kind} ${ref.name}** — ${file}:${t.placed.line + t.summary.nameRange.start.line + 1}\n\n\`\`\`yaml\n${preview}\n\`\`\``,
      },
      range: toFileRange(ref.range, line),
    };
  }
  const loc = locate(doc.tree, at.offset);
  if (!loc || loc.path.length === 0) return null;
  const range = loc.onKey
    ? toFileRange(doc.range(loc.onKey.keyStart, loc.onKey.keyEnd), line)
    : toFileRange(doc.range(loc.node.start, loc.node.end), line);
  if (loc.path.length === 1 && (loc.path[0] === 'kind' || loc.path[0] === 'apiVersion') && !loc.onKey) {
    const def = definitionFor(doc.kube.apiVersion, doc.kube.kind);
    const description = def ? schemaByName(def)?.description : undefined;
    if (description)
      return {
        contents: {
          kind: MarkupKind.Markdown,
          value: `**${doc.kube.kind}** \`${doc.kube.apiVersion}\`\n\n${description}`,
        },
        range,
      };
  }
  const d = describeAt(doc, ctx.index, loc.path);
  if (!d) return null;
  const name = [...loc.path].reverse().find((s) => typeof s === 'string') as string | undefined;
  return { contents: { kind: MarkupKind.Markdown, value: fieldMarkdown(name ?? doc.kube.kind, d) }, range };
}
