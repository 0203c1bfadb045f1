// The YAML shape the language server works on: maps, sequences and scalars with source offsets
// (relative to the document's own text), whichever parser produced them.

import { PathSegment, segmentName } from '../../kube/fieldErrors';

export type YNode = YMap | YSeq | YScalar;

export interface YMap {
  kind: 'map';
  start: number;
  end: number;
  pairs: YPair[];
}

export interface YSeq {
  kind: 'seq';
  start: number;
  end: number;
  items: YNode[];
}

export interface YScalar {
  kind: 'scalar';
  start: number;
  end: number;
  /** the resolved value; undefined for an alias (its target is not followed) */
  value: unknown;
  /** true when the node stands for an empty value (`key:` with nothing after it) */
  empty?: boolean;
}

export interface YPair {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: YNode;
}

/** Maps with more pairs than this get a key index, so looking up every key of a big map stays linear. */
const INDEXED_PAIRS = 16;
const pairIndexes = new WeakMap<YMap, Map<string, YPair>>();

export function pairOf(map: YMap, key: string): YPair | undefined {
  const pairs = map.pairs;
  if (pairs.length > INDEXED_PAIRS) {
    let byKey = pairIndexes.get(map);
    if (!byKey) {
      // later pairs overwrite earlier ones: the last one wins, as in the resolved value
      byKey = new Map(pairs.map((p) => [p.key, p]));
      pairIndexes.set(map, byKey);
    }
    return byKey.get(key);
  }
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i].key === key) return pairs[i];
  return undefined;
}

export function childOf(node: YNode | undefined, segment: PathSegment): YNode | undefined {
  if (!node) return undefined;
  const seg = segmentName(segment);
  if (node.kind === 'map') return pairOf(node, String(seg))?.value;
  if (node.kind === 'seq' && typeof seg === 'number') return node.items[seg];
  if (node.kind === 'seq' && /^\d+$/.test(String(seg))) return node.items[Number(seg)];
  return undefined;
}

/** The node at a path, or undefined when some segment is missing. */
export function nodeAtPath(root: YNode | undefined, path: readonly PathSegment[]): YNode | undefined {
  let cur = root;
  for (const seg of path) {
    cur = childOf(cur, seg);
    if (!cur) return undefined;
  }
  return cur;
}

export function scalarString(node: YNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

export interface Located {
  /** path of the innermost node containing the offset */
  path: (string | number)[];
  node: YNode;
  /** the pair whose key contains the offset, when the offset is on a key */
  onKey?: YPair;
  /** the pair whose value is `node`, if any */
  pair?: YPair;
}

/** The innermost node at an offset, and whether the offset is on a key. */
export function locate(root: YNode | undefined, offset: number): Located | undefined {
  if (!root) return undefined;
  const path: (string | number)[] = [];
  let node: YNode = root;
  let pair: YPair | undefined;
  for (;;) {
    if (node.kind === 'map') {
      let next: YPair | undefined;
      for (const p of node.pairs) {
        if (offset >= p.keyStart && offset <= p.keyEnd)
          return { path: [...path, p.key], node: p.value, onKey: p, pair: p };
        if (offset >= p.value.start && offset <= p.value.end && !(p.value.kind === 'scalar' && p.value.empty)) next = p;
      }
      if (!next) return { path, node, pair };
      path.push(next.key);
      pair = next;
      node = next.value;
      continue;
    }
    if (node.kind === 'seq') {
      const i = node.items.findIndex((it) => offset >= it.start && offset <= it.end);
      if (i < 0) return { path, node, pair };
      path.push(i);
      pair = undefined;
      node = node.items[i];
      continue;
    }
    return { path, node, pair };
  }
}
