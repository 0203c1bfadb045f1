// The full YAML parser (the `yaml` package, through kube/yamlReader and its limits) for documents the fast
// parser leaves alone: it reports syntax errors and duplicate keys with their positions, and caps alias expansion.

import { Document, isAlias, isMap, isPair, isScalar, isSeq, YAMLParseError } from 'yaml';
import { documentValue, hasValue, MAX_ALIAS_COUNT, readYamlDocument, readYamlDocuments } from '../../kube/yamlReader';
import { YNode, YPair } from './yamlTree';

export interface SyntaxProblem {
  start: number;
  end: number;
  message: string;
  code: string;
}

export interface FullParse {
  tree: YNode | undefined;
  /** undefined when the value could not be built (alias expansion over the cap) */
  value: unknown;
  errors: SyntaxProblem[];
  /** where the document starts and ends in the text it was parsed from */
  range: [number, number];
}

export { MAX_ALIAS_COUNT };
const MAX_DEPTH = 500;

const OPTIONS = { prettyErrors: false, keepSourceTokens: false, logLevel: 'error' as const };

function convert(node: unknown, depth: number, fallbackAt: number): YNode {
  if (depth > MAX_DEPTH) return { kind: 'scalar', start: fallbackAt, end: fallbackAt, value: undefined };
  if (isMap(node)) {
    const [start, end] = node.range ?? [fallbackAt, fallbackAt];
    const pairs: YPair[] = [];
    for (const p of node.items) {
      if (!isPair(p)) continue;
      const k = p.key as { range?: [number, number, number] } | null;
      const keyRange: [number, number] = k?.range ? [k.range[0], k.range[1]] : [start, start];
      const key = isScalar(k) ? String(k.value ?? '') : k == null ? '' : String(k);
      const value: YNode =
        p.value == null
          ? { kind: 'scalar', start: keyRange[1] + 1, end: keyRange[1] + 1, value: null, empty: true }
          : convert(p.value, depth + 1, keyRange[1]);
      pairs.push({ key, keyStart: keyRange[0], keyEnd: keyRange[1], value });
    }
    return { kind: 'map', start, end, pairs };
  }
  if (isSeq(node)) {
    const [start, end] = node.range ?? [fallbackAt, fallbackAt];
    return { kind: 'seq', start, end, items: node.items.map((it) => convert(it, depth + 1, start)) };
  }
  if (isScalar(node)) {
    const [start, end] = node.range ?? [fallbackAt, fallbackAt];
    const empty = node.value === null && start === end;
    return { kind: 'scalar', start, end, value: node.value, ...(empty ? { empty } : {}) };
  }
  if (isAlias(node)) {
    const [start, end] = node.range ?? [fallbackAt, fallbackAt];
    return { kind: 'scalar', start, end, value: undefined };
  }
  return { kind: 'scalar', start: fallbackAt, end: fallbackAt, value: null, empty: true };
}

function fromDocument(doc: Document.Parsed, textLength: number): FullParse {
  const errors: SyntaxProblem[] = doc.errors.map((e) => ({
    start: Math.min(e.pos[0], textLength),
    end: Math.min(Math.max(e.pos[1], e.pos[0]), textLength),
    message: e.message,
    code: e.code,
  }));
  let tree: YNode | undefined;
  let value: unknown;
  try {
    tree = doc.contents == null ? undefined : convert(doc.contents, 0, doc.range[0]);
    // a document over the reader's limits or with a mapping or list as a key has no value (building one is
    // what costs seconds)
    value = hasValue(doc) ? documentValue(doc) : undefined;
  } catch (e) {
    value = undefined;
    const at = firstAlias(doc) ?? [doc.range[0], doc.range[0]];
    const message =
      e instanceof RangeError
        ? 'Document is nested too deeply to be read'
        : `Alias expansion exceeds the limit of ${MAX_ALIAS_COUNT} aliases: ${(e as Error).message}`;
    errors.push({ start: at[0], end: at[1], message, code: 'ALIAS_LIMIT' });
  }
  return { tree, value, errors, range: [doc.range[0], doc.range[2] ?? doc.range[1]] };
}

function firstAlias(doc: Document.Parsed): [number, number] | undefined {
  let found: [number, number] | undefined;
  const visit = (n: unknown, depth: number): void => {
    if (found || depth > MAX_DEPTH) return;
    if (isAlias(n) && n.range) {
      found = [n.range[0], n.range[1]];
      return;
    }
    if (isMap(n))
      for (const p of n.items) {
        visit(p.key, depth + 1);
        visit(p.value, depth + 1);
      }
    else if (isSeq(n)) for (const it of n.items) visit(it, depth + 1);
  };
  visit(doc.contents, 0);
  return found;
}

function refused(e: YAMLParseError, text: string): FullParse {
  const error = { start: e.pos[0], end: e.pos[1], message: e.message, code: e.code };
  return { tree: undefined, value: undefined, errors: [error], range: [0, text.length] };
}

/** One document's text (no document markers between documents). */
export function parseFull(text: string): FullParse {
  try {
    const read = readYamlDocument(text, OPTIONS);
    return read.refused ? refused(read.refused, text) : fromDocument(read.documents[0], text.length);
  } catch (e) {
    return {
      tree: undefined,
      value: undefined,
      errors: [
        {
          start: 0,
          end: Math.min(text.length, 1),
          message: `YAML could not be read: ${(e as Error).message}`,
          code: 'UNREADABLE',
        },
      ],
      range: [0, text.length],
    };
  }
}

/** A whole file with directives or document end markers, which splitting by lines cannot follow. */
export function parseFullStream(text: string): FullParse[] {
  try {
    const read = readYamlDocuments(text, OPTIONS);
    if (read.refused) return [refused(read.refused, text)];
    // an empty stream (comments only) holds no document
    return read.documents.map((d) => fromDocument(d, text.length));
  } catch (e) {
    return [
      {
        tree: undefined,
        value: undefined,
        errors: [
          {
            start: 0,
            end: Math.min(text.length, 1),
            message: `YAML could not be read: ${(e as Error).message}`,
            code: 'UNREADABLE',
          },
        ],
        range: [0, text.length],
      },
    ];
  }
}
