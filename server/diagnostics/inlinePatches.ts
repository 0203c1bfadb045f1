// Patches a kustomization writes inline (`patches: - patch: |- ...`, an inline `patchesStrategicMerge` entry,
// `patchesJson6902: - patch: ...`) are checked as patch files are: a strategic merge patch as a partial object, a
// JSON 6902 patch as a list of operations. In a literal block (`|`, `|-`) each diagnostic lands on its own line
// of the block; a patch written any other way (quoted, folded) is reported on its whole value.

import type { PlacedDoc, YamlDoc } from '../documents/parsedFile';
import { parseFile } from '../documents/parsedFile';
import type { LocalRange, Pos } from '../documents/lineIndex';
import { nodeAtPath, YNode } from '../documents/yamlTree';
import type { WorkspaceIndex } from '../workspace/workspaceIndex';
import type { LocalDiagnostic } from './diagnostic';
import { jsonPatchDiagnostics, strategicPatchDiagnostics } from './patchDiagnostics';
import { syntaxDiagnostics } from './syntax';

type InlineType = 'strategic' | 'json6902' | 'either';

interface InlinePatch {
  node: YNode & { kind: 'scalar' };
  text: string;
  type: InlineType;
}

/** The patches written inline in a kustomization, each with the node of its text. */
function inlinePatches(tree: YNode | undefined): InlinePatch[] {
  const out: InlinePatch[] = [];
  const add = (node: YNode | undefined, type: InlineType, multiLineOnly = false): void => {
    if (node?.kind !== 'scalar' || typeof node.value !== 'string') return;
    if (multiLineOnly && !node.value.includes('\n')) return;
    out.push({ node, text: node.value, type });
  };
  for (const [field, type] of [
    ['patches', 'either'],
    ['patchesJson6902', 'json6902'],
  ] as const) {
    const list = nodeAtPath(tree, [field]);
    if (list?.kind === 'seq') for (const item of list.items) add(nodeAtPath(item, ['patch']), type);
  }
  // an entry without a line break is a file's path
  const merges = nodeAtPath(tree, ['patchesStrategicMerge']);
  if (merges?.kind === 'seq') for (const item of merges.items) add(item, 'strategic', true);
  return out;
}

/**
 * Where a position of the patch text is in the kustomization: for a literal block, line for line below its header
 * and shifted by the block's indentation; otherwise undefined (the caller uses the whole value).
 */
function literalBlockPlacement(doc: YamlDoc, node: YNode): ((p: Pos) => Pos) | undefined {
  const text = doc.text;
  const nl = text.indexOf('\n', node.start);
  // an explicit indentation indicator (`|2`) is rare; its lines are placed on the whole value
  if (nl < 0 || !/^\|[-+]?[ \t]*(?:#.*)?\r?$/.test(text.slice(node.start, nl))) return undefined;
  const headerLine = doc.pos(node.start).line;
  const starts = doc.starts;
  let indent = -1;
  for (let line = headerLine + 1; line < starts.length && indent < 0; line++) {
    const lineText = text.slice(starts[line], line + 1 < starts.length ? starts[line + 1] : text.length);
    const content = lineText.search(/[^ \r\n]/);
    if (content >= 0) indent = content;
  }
  if (indent < 0) return undefined;
  return (p) => ({ line: headerLine + 1 + p.line, character: p.character + indent });
}

function checked(placed: PlacedDoc, type: InlineType, index: WorkspaceIndex): LocalDiagnostic[] {
  const doc = placed.doc;
  const out = syntaxDiagnostics(doc);
  if (doc.errors.length) return out;
  const json = type === 'json6902' || (type === 'either' && doc.tree?.kind === 'seq');
  return out.concat(json ? jsonPatchDiagnostics(doc) : strategicPatchDiagnostics(doc, index));
}

/** Diagnostics of a kustomization's inline patches, placed in the kustomization's own text. */
export function inlinePatchDiagnostics(doc: YamlDoc, index: WorkspaceIndex): LocalDiagnostic[] {
  return doc.cached('inlinePatches', index.stamp(), () => {
    const out: LocalDiagnostic[] = [];
    for (const patch of inlinePatches(doc.tree)) {
      const place = literalBlockPlacement(doc, patch.node);
      const whole = doc.range(patch.node.start, patch.node.end);
      for (const placed of parseFile(patch.text).docs) {
        for (const d of checked(placed, patch.type, index)) {
          const inPatch = (p: Pos): Pos => ({ line: p.line + placed.line, character: p.character });
          const range: LocalRange = place
            ? { start: place(inPatch(d.range.start)), end: place(inPatch(d.range.end)) }
            : whole;
          // a quick fix's edit is exact only where the diagnostic is placed line for line
          out.push({
            range,
            severity: d.severity,
            message: d.message,
            code: d.code,
            ...(place && d.data ? { data: d.data } : {}),
          });
        }
      }
    }
    return out;
  });
}
