// A kustomization's local paths (resources, components, patch files) that name nothing: `kustomize build`
// stops there, so the editor says so on the entry.

import { existsSync } from 'fs';
import { fileURLToPath } from 'url';
import { DiagnosticSeverity } from 'vscode-languageserver';
import { resolvePath } from '../configs/kustomization';
import type { YamlDoc } from '../documents/parsedFile';
import { nodeAtPath, YNode } from '../documents/yamlTree';
import type { LocalDiagnostic } from './diagnostic';

function exists(uri: string): boolean {
  try {
    return existsSync(fileURLToPath(uri));
  } catch {
    return true;
  }
}

/** The path entries of a kustomization: each with where it is written. */
function pathEntries(tree: YNode | undefined): { field: string; node: YNode }[] {
  const out: { field: string; node: YNode }[] = [];
  for (const field of ['resources', 'components', 'bases', 'patchesStrategicMerge']) {
    const list = nodeAtPath(tree, [field]);
    if (list?.kind === 'seq') list.items.forEach((node, i) => out.push({ field: `${field}[${i}]`, node }));
  }
  for (const field of ['patches', 'patchesJson6902']) {
    const list = nodeAtPath(tree, [field]);
    if (list?.kind !== 'seq') continue;
    list.items.forEach((item, i) => {
      const node = nodeAtPath(item, ['path']);
      if (node) out.push({ field: `${field}[${i}].path`, node });
    });
  }
  return out;
}

export function kustomizationPathDiagnostics(uri: string, doc: YamlDoc): LocalDiagnostic[] {
  if (!uri.startsWith('file:')) return [];
  const out: LocalDiagnostic[] = [];
  for (const { field, node } of pathEntries(doc.tree)) {
    if (node.kind !== 'scalar' || typeof node.value !== 'string' || node.value.includes('\n')) continue;
    const target = resolvePath(uri, node.value.trim());
    if (!target || exists(target)) continue;
    const missing = `${field}: "${node.value}" does not exist (paths are relative to this folder)`;
    out.push({
      range: doc.range(node.start, node.end),
      severity: DiagnosticSeverity.Warning,
      message: `${missing}: kustomize build stops here`,
      code: 'missing-reference',
    });
  }
  return out;
}
