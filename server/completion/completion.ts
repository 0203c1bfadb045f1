// Completion: keys at any depth with their documentation (required ones first), enum and boolean
// values, apiVersions and the kinds they serve, resource templates, label keys and values known in
// the workspace inside label maps and selectors, and object names inside references.

import {
  CompletionItem,
  CompletionItemKind,
  CompletionList,
  InsertTextFormat,
  InsertTextMode,
  MarkupKind,
  Position,
  Range,
} from 'vscode-languageserver';
import { apiVersionOf } from '../../kube/registry';
import {
  ChildField,
  childFields,
  childFieldsOfSchema,
  describeField,
  describeSchemaPath,
  FieldDescription,
  kindsWithSchemas,
} from '../../kube/schemas';
import { configSchemaOf } from '../configs/configSchemas';
import { resolveKind } from '../diagnostics/apiVersions';
import { YamlDoc } from '../documents/parsedFile';
import { placedAt } from '../documents/placement';
import { FeatureContext } from '../featureContext';
import { fieldMarkdown } from '../hover';
import { RefKind } from '../workspace/resources';
import { sameNamespace } from '../workspace/workspaceIndex';
import { yamlString } from '../yamlText';
import { cursorContext, CursorContext } from './cursorContext';
import { RESOURCE_SNIPPETS } from './snippets';

interface Kube {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
}

/** apiVersion and kind as written, even when the document does not parse yet. */
function identity(doc: YamlDoc): Kube {
  const apiVersion = /^apiVersion:[ \t]*["']?([^\s"'#]+)/m.exec(doc.text)?.[1];
  const kind = /^kind:[ \t]*["']?([^\s"'#]+)/m.exec(doc.text)?.[1];
  const namespace = /^  namespace:[ \t]*["']?([^\s"'#]+)/m.exec(doc.text)?.[1];
  return { ...(apiVersion ? { apiVersion } : {}), ...(kind ? { kind } : {}), ...(namespace ? { namespace } : {}) };
}

type Schema = {
  children(path: (string | number)[]): ChildField[];
  describe(path: (string | number)[]): FieldDescription | undefined;
};

function schemaOf(ctx: FeatureContext, doc: YamlDoc, kube: Kube): Schema | undefined {
  const { apiVersion, kind } = kube;
  if (!apiVersion || !kind) return undefined;
  const fakeDoc = doc.kube ? doc : ({ kube: { apiVersion, kind } } as YamlDoc);
  const r = resolveKind(fakeDoc, ctx.index);
  if (r.type === 'builtin')
    return { children: (p) => childFields(apiVersion, kind, p), describe: (p) => describeField(apiVersion, kind, p) };
  if (r.type === 'custom' && r.version.schema) {
    const s = r.version.schema;
    return { children: (p) => childFieldsOfSchema(s, p), describe: (p) => describeSchemaPath(s, p) };
  }
  return undefined;
}

const LABEL_MAPS = new Set(['labels', 'matchLabels', 'nodeSelector']);

function isLabelMap(path: (string | number)[], kind?: string): boolean {
  const last = path[path.length - 1];
  if (typeof last === 'string' && LABEL_MAPS.has(last)) return true;
  return kind === 'Service' && path.length === 2 && path[0] === 'spec' && path[1] === 'selector';
}

/** The kind of object a field names, for reference completion. */
export function referenceKind(path: (string | number)[], kind?: string): RefKind | undefined {
  const [a, b] = path.slice(-2).map(String);
  if (b === 'name' && (a === 'configMapRef' || a === 'configMapKeyRef' || a === 'configMap')) return 'ConfigMap';
  if (b === 'name' && (a === 'secretRef' || a === 'secretKeyRef' || a === 'secret')) return 'Secret';
  if (b === 'secretName' && (a === 'secret' || kind === 'Ingress')) return 'Secret';
  if (b === 'claimName') return 'PersistentVolumeClaim';
  if (b === 'serviceAccountName') return 'ServiceAccount';
  if (b === 'name' && a === 'service' && kind === 'Ingress') return 'Service';
  if (b === 'name' && path.length >= 3 && String(path[path.length - 3]) === 'imagePullSecrets') return 'Secret';
  return undefined;
}

function apiVersions(ctx: FeatureContext): { apiVersion: string; kinds: string[] }[] {
  const m = new Map<string, Set<string>>();
  const add = (v: string, k: string) => {
    const set = m.get(v) ?? new Set<string>();
    set.add(k);
    m.set(v, set);
  };
  for (const k of kindsWithSchemas())
    if (!k.kind.endsWith('List') && k.kind !== 'Status' && !k.kind.endsWith('Options') && k.kind !== 'WatchEvent')
      add(apiVersionOf(k), k.kind);
  for (const crd of ctx.index.crds())
    for (const v of crd.versions) if (v.served) add(`${crd.group}/${v.name}`, crd.kind);
  return [...m.entries()].map(([apiVersion, kinds]) => ({ apiVersion, kinds: [...kinds].sort() }));
}

function scalarText(v: string): string {
  return yamlString(v);
}

export function completion(ctx: FeatureContext, pos: Position): CompletionList {
  const at = placedAt(ctx.file, pos);
  if (!at) return { isIncomplete: false, items: [] };
  const { doc, line } = at.placed;
  const localLine = pos.line - line;
  const cur = cursorContext(doc.text, localLine, pos.character);
  const range: Range = {
    start: { line: pos.line, character: cur.replaceStart },
    end: { line: pos.line, character: cur.replaceEnd },
  };
  const kube = identity(doc);
  const own = configSchemaOf(ctx.index, ctx.uri, at.placed);
  const schema: Schema | undefined = own
    ? { children: (p) => childFieldsOfSchema(own, p), describe: (p) => describeSchemaPath(own, p) }
    : schemaOf(ctx, doc, kube);
  const items =
    cur.mode === 'value' ? valueItems(ctx, cur, kube, schema, range) : keyItems(ctx, doc, cur, kube, schema, range);
  return { isIncomplete: false, items };
}

function valueItems(
  ctx: FeatureContext,
  cur: CursorContext,
  kube: Kube,
  schema: Schema | undefined,
  range: Range,
  fieldPath = cur.path,
): CompletionItem[] {
  const path = fieldPath;
  const out: CompletionItem[] = [];
  const value = (
    label: string,
    detail?: string,
    kind: CompletionItemKind = CompletionItemKind.Value,
    doc?: string,
  ): CompletionItem => ({
    label,
    kind,
    textEdit: { range, newText: scalarText(label) },
    filterText: label,
    ...(detail ? { detail } : {}),
    ...(doc ? { documentation: { kind: MarkupKind.Markdown, value: doc } } : {}),
  });
  // a kustomization or Chart.yaml lists its own apiVersions and kinds
  const own = path.length === 1 ? schema?.describe(path)?.enum : undefined;
  if (own) return own.map((v) => value(String(v), undefined, CompletionItemKind.EnumMember));
  if (path.length === 1 && path[0] === 'apiVersion') {
    return apiVersions(ctx).map((v) =>
      value(
        v.apiVersion,
        v.kinds.slice(0, 6).join(', ') + (v.kinds.length > 6 ? ', ...' : ''),
        CompletionItemKind.Module,
      ),
    );
  }
  if (path.length === 1 && path[0] === 'kind') {
    const all = apiVersions(ctx);
    const list = kube.apiVersion ? all.filter((v) => v.apiVersion === kube.apiVersion) : all;
    const seen = new Set<string>();
    for (const v of list)
      for (const k of v.kinds)
        if (!seen.has(k)) {
          seen.add(k);
          out.push(value(k, v.apiVersion, CompletionItemKind.Class));
        }
    return out;
  }
  const parent = path.slice(0, -1);
  if (isLabelMap(parent, kube.kind)) {
    const key = String(path[path.length - 1]);
    const values = ctx.index.labelValues().get(key);
    for (const v of values ?? []) out.push(value(v, `label ${key}`));
    return out;
  }
  const ref = referenceKind(path, kube.kind);
  if (ref) {
    const seen = new Set<string>();
    for (const r of ctx.index.resources()) {
      const s = r.summary;
      if (s.kind !== ref || s.name === undefined || seen.has(s.name) || !sameNamespace(s.namespace, kube.namespace))
        continue;
      seen.add(s.name);
      const file = decodeURIComponent(r.uri.slice(r.uri.lastIndexOf('/') + 1));
      out.push(value(s.name, `${ref} in ${file}`, CompletionItemKind.Reference));
    }
    return out;
  }
  const d = schema?.describe(path);
  if (d?.enum) for (const v of d.enum) out.push(value(v, d.type, CompletionItemKind.EnumMember));
  else if (d?.type === 'boolean')
    for (const v of ['true', 'false'])
      out.push({ label: v, kind: CompletionItemKind.Value, textEdit: { range, newText: v } });
  return out;
}

function keyItems(
  ctx: FeatureContext,
  doc: YamlDoc,
  cur: CursorContext,
  kube: Kube,
  schema: Schema | undefined,
  range: Range,
): CompletionItem[] {
  const out: CompletionItem[] = [];
  if (
    (cur.path.length === 0 && !doc.tree) ||
    (cur.path.length === 0 && doc.tree?.kind === 'map' && doc.tree.pairs.length <= 1 && !kube.kind)
  ) {
    for (const s of RESOURCE_SNIPPETS) {
      out.push({
        label: s.label,
        kind: CompletionItemKind.Snippet,
        detail: 'Kubernetes object',
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: s.body },
        sortText: '2' + s.label,
      });
    }
  }
  // a list item of scalars (`- |`): the list's values
  if (cur.listItem && schema) {
    const d = schema.describe(cur.path);
    if (d?.enum || d?.type === 'boolean') return valueItems(ctx, cur, kube, schema, range, cur.path);
  }
  if (isLabelMap(cur.path, kube.kind)) {
    for (const [k, values] of ctx.index.labelValues()) {
      if (cur.existingKeys.has(k)) continue;
      out.push({
        label: k,
        kind: CompletionItemKind.Property,
        detail: `label (${[...values].slice(0, 3).join(', ')})`,
        textEdit: { range, newText: `${yamlString(k)}: ` },
      });
    }
    return out;
  }
  if (cur.path.length === 0) {
    for (const k of ['apiVersion', 'kind']) {
      if (!cur.existingKeys.has(k) && !schema)
        out.push({
          label: k,
          kind: CompletionItemKind.Property,
          textEdit: { range, newText: `${k}: ` },
          sortText: '0' + k,
          command: { title: 'Suggest', command: 'editor.action.triggerSuggest' },
        });
    }
  }
  if (!schema) return out;
  const indent = ' '.repeat(cur.indent + 2);
  for (const f of schema.children(cur.path)) {
    if (cur.existingKeys.has(f.name)) continue;
    const isList = f.type.startsWith('[]');
    const objectLike =
      !isList &&
      !['string', 'integer', 'boolean', 'number', 'IntOrString', 'Quantity'].includes(f.type) &&
      !f.type.startsWith('map[');
    let newText = `${f.name}: `;
    if (isList)
      newText = f.type === '[]string' || f.type === '[]integer' ? `${f.name}:\n${indent}- ` : `${f.name}:\n${indent}- `;
    else if (objectLike || f.type.startsWith('map[')) newText = `${f.name}:\n${indent}`;
    out.push({
      label: f.name,
      kind: CompletionItemKind.Property,
      detail: f.type + (f.required ? ' (required)' : ''),
      documentation: { kind: MarkupKind.Markdown, value: fieldMarkdown(f.name, f) },
      sortText: (f.required ? '0' : '1') + f.name,
      textEdit: { range, newText },
      insertTextMode: InsertTextMode.asIs,
      ...(f.enum || f.type === 'boolean' || (cur.path.length === 0 && (f.name === 'apiVersion' || f.name === 'kind'))
        ? { command: { title: 'Suggest', command: 'editor.action.triggerSuggest' } }
        : {}),
    });
  }
  return out;
}
