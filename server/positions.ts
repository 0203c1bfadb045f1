// Where a field error belongs in the text: the value for a bad value, the key for an unknown field,
// the parent's key for a missing field; the nearest ancestor that exists when the path runs out.

import { FieldError, PathSegment, segmentName } from '../kube/fieldErrors';
import { YamlDoc } from './documents/parsedFile';
import { LocalRange } from './documents/lineIndex';
import { pairOf, YNode, YPair } from './documents/yamlTree';

interface Step {
  node: YNode;
  /** the pair that holds node as its value (undefined for sequence items and the root) */
  pair?: YPair;
}

/** The nodes along a path, as far as the document has them. */
export function walkPath(root: YNode | undefined, path: readonly PathSegment[]): Step[] {
  const steps: Step[] = [];
  if (!root) return steps;
  steps.push({ node: root });
  let cur = root;
  for (const segment of path) {
    const seg = segmentName(segment);
    if (cur.kind === 'map') {
      const p = pairOf(cur, String(seg));
      if (!p) break;
      steps.push({ node: p.value, pair: p });
      cur = p.value;
    } else if (cur.kind === 'seq') {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1;
      const item = cur.items[i];
      if (!item) break;
      steps.push({ node: item });
      cur = item;
    } else break;
  }
  return steps;
}

/** From a node's start to the end of its first line (a whole block would be too much to underline). */
export function firstLineRange(doc: YamlDoc, node: YNode): LocalRange {
  const nl = doc.text.indexOf('\n', node.start);
  let end = nl < 0 || nl > node.end ? node.end : nl;
  if (doc.text.charCodeAt(end - 1) === 13) end--;
  return doc.range(node.start, Math.max(node.start, end));
}

function keyRange(doc: YamlDoc, pair: YPair): LocalRange {
  return doc.range(pair.keyStart, pair.keyEnd);
}

/** The range that stands for a node: its key if it has one, else its first line. */
function anchorRange(doc: YamlDoc, step: Step): LocalRange {
  if (step.pair) return keyRange(doc, step.pair);
  if (step.node.kind === 'map' && step.node.pairs.length) return keyRange(doc, step.node.pairs[0]);
  return firstLineRange(doc, step.node);
}

function rootRange(doc: YamlDoc): LocalRange {
  const root = doc.tree;
  if (root?.kind === 'map') {
    const kind = pairOf(root, 'kind') ?? root.pairs[0];
    if (kind) return doc.range(kind.keyStart, Math.max(kind.keyEnd, kind.value.end));
  }
  return root ? firstLineRange(doc, root) : doc.range(0, 0);
}

export function fieldErrorRange(doc: YamlDoc, path: readonly PathSegment[], type: FieldError['type']): LocalRange {
  const steps = walkPath(doc.tree, path);
  if (steps.length === 0) return doc.range(0, 0);
  const found = steps.length === path.length + 1;
  const last = steps[steps.length - 1];
  if (steps.length === 1) return rootRange(doc);
  if (!found || type === 'FieldValueRequired') return anchorRange(doc, last);
  if (type === 'FieldValueUnknown') return anchorRange(doc, last);
  const node = last.node;
  if (node.kind === 'scalar' && !node.empty) return doc.range(node.start, node.end);
  if (node.kind === 'scalar') return anchorRange(doc, last);
  // a collection: its key, or the first line of a list item
  if (last.pair) return keyRange(doc, last.pair);
  return firstLineRange(doc, node);
}
