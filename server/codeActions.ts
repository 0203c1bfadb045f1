// Quick fixes: the apiVersion that replaces a removed or wrong one, the field an unknown one was
// meant to be, a supported value for an unsupported one, and a selector matching the template labels.

import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, TextEdit } from 'vscode-languageserver';
import { isRecord } from '../kube/objects';
import { SOURCE } from './diagnostics/diagnostic';
import { placedAt } from './documents/placement';
import { nodeAtPath, pairOf } from './documents/yamlTree';
import { FeatureContext } from './featureContext';
import { yamlString } from './yamlText';

const MAX_VALUE_FIXES = 6;

function fix(title: string, uri: string, diagnostic: Diagnostic, edits: TextEdit[], preferred = false): CodeAction {
  return {
    title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    edit: { changes: { [uri]: edits } },
    ...(preferred ? { isPreferred: true } : {}),
  };
}

/** Rewrites spec.selector.matchLabels (or a ReplicationController's selector) as the template labels. */
function selectorFix(ctx: FeatureContext, uri: string, d: Diagnostic): CodeAction | undefined {
  const at = placedAt(ctx.file, d.range.start);
  if (!at) return undefined;
  const { doc, line } = at.placed;
  const value = doc.value;
  const kind = doc.kube?.kind;
  if (!isRecord(value) || !kind) return undefined;
  const templatePath = kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  const selectorPath = kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'selector'] : ['spec', 'selector'];
  let labels: unknown = value;
  for (const seg of [...templatePath, 'metadata', 'labels']) labels = isRecord(labels) ? labels[seg] : undefined;
  if (!isRecord(labels) || Object.keys(labels).length === 0) return undefined;
  const holderPath = kind === 'ReplicationController' ? selectorPath.slice(0, -1) : selectorPath;
  const fieldName = kind === 'ReplicationController' ? 'selector' : 'matchLabels';
  const holder = nodeAtPath(doc.tree, holderPath);
  if (holder?.kind !== 'map') return undefined;
  const pair = pairOf(holder, fieldName);
  const toPos = (offset: number) => {
    const p = doc.pos(offset);
    return { line: p.line + line, character: p.character };
  };
  const lines = (indent: number) =>
    Object.entries(labels as Record<string, unknown>).map(
      ([k, v]) => `${' '.repeat(indent)}${yamlString(k)}: ${yamlString(String(v))}`,
    );
  let edit: TextEdit;
  if (pair) {
    const keyCol = doc.pos(pair.keyStart).character;
    const colon = doc.text.indexOf(':', pair.keyEnd);
    const end = pair.value.kind === 'scalar' && pair.value.empty ? colon + 1 : pair.value.end;
    edit = TextEdit.replace({ start: toPos(colon + 1), end: toPos(end) }, '\n' + lines(keyCol + 2).join('\n'));
  } else {
    const first = holder.pairs[0];
    if (!first) return undefined;
    const col = doc.pos(first.keyStart).character;
    edit = TextEdit.insert(toPos(first.keyStart), `${fieldName}:\n${lines(col + 2).join('\n')}\n${' '.repeat(col)}`);
  }
  return fix('Make the selector match the template labels', uri, d, [edit], true);
}

export function codeActions(ctx: FeatureContext, params: CodeActionParams): CodeAction[] {
  const uri = params.textDocument.uri;
  const out: CodeAction[] = [];
  for (const d of params.context.diagnostics) {
    if (d.source !== SOURCE) continue;
    const data = isRecord(d.data) ? d.data : {};
    switch (d.code) {
      case 'removed-api':
      case 'unknown-kind':
      case 'crd-version':
        if (typeof data.replacement === 'string')
          out.push(
            fix(
              `Change apiVersion to ${data.replacement}`,
              uri,
              d,
              [TextEdit.replace(d.range, data.replacement)],
              true,
            ),
          );
        break;
      case 'unknown-field':
        if (typeof data.rename === 'string')
          out.push(fix(`Rename to ${data.rename}`, uri, d, [TextEdit.replace(d.range, data.rename)], true));
        break;
      case 'schema':
        if (Array.isArray(data.supported)) {
          for (const v of data.supported.slice(0, MAX_VALUE_FIXES)) {
            if (typeof v === 'string')
              out.push(fix(`Change to ${v}`, uri, d, [TextEdit.replace(d.range, yamlString(v))]));
          }
        }
        break;
      case 'selector-mismatch': {
        const a = selectorFix(ctx, uri, d);
        if (a) out.push(a);
        break;
      }
    }
  }
  return out;
}
