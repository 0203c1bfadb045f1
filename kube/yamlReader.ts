// The one way manifests and request bodies are read from text (API server, syncer, language server), within
// limits that keep every reader responsive and alive:
// - nesting: at most MAX_DEPTH levels of mappings and lists. kube-apiserver's decoders stop at 10,000 (Go's
//   encoding/json maxNestingDepth, go-yaml's max_indents/max_flow_level) because Go's stacks grow; the `yaml`
//   package recurses once per level and runs out of stack near 1,000 (fatally, when that happens inside V8's
//   regular expression compiler), and everything after it (validation, apply, copies) recurses too. The deepest
//   real manifests (CRDs whose schemas embed a pod template) nest about 40 levels: 100 leaves twice that.
// - size: at most MAX_ENTRIES keys and list items in one text, counted before parsing, so a body of a few
//   hundred thousand keys is refused in milliseconds instead of stalling the event loop for seconds. Larger
//   than any real object (a big CRD holds some 30,000); kube-apiserver has no such limit, only bytes.
// - mapping keys must be scalars (sigs.k8s.io/yaml refuses others too): the `yaml` package turns a list or
//   mapping key into a string, which costs time quadratic in its depth and makes keys megabytes long.
// - duplicate keys are found with one set per mapping (the `yaml` package compares each key with every
//   earlier one of its mapping, quadratic in the mapping's size).
import {
  Composer,
  CST,
  Document,
  DocumentOptions,
  isAlias,
  isCollection,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  ParseOptions,
  Parser,
  ScalarTag,
  SchemaOptions,
  YAMLParseError,
} from 'yaml';
import { withKubernetesScalars } from './yamlScalars';
import { NestingExcess, NestingLimits, scanJsonNesting, scanYamlNesting } from './nestingScan';

export const MAX_DEPTH = 100;
export const MAX_ENTRIES = 100_000;
/** aliases a document may expand; "billion laughs" documents blow past this at once */
export const MAX_ALIAS_COUNT = 100;

export const DEFAULT_LIMITS: NestingLimits = { maxDepth: MAX_DEPTH, maxEntries: MAX_ENTRIES };

export function limitMessage(excess: NestingExcess, limits: NestingLimits): string {
  return excess.kind === 'depth'
    ? `mappings and lists are nested more than ${limits.maxDepth} levels deep; Kubernetes objects need far fewer`
    : `more than ${limits.maxEntries.toLocaleString('en-US')} keys and list items; split it into smaller objects`;
}

/** A text over a limit, refused before it was parsed. */
export class NestingLimitError extends Error {
  constructor(
    readonly excess: NestingExcess,
    limits: NestingLimits,
  ) {
    super(limitMessage(excess, limits));
  }
}

/** JSON.parse within the limits; bad syntax throws JSON.parse's SyntaxError. */
export function readJson(text: string, limits: NestingLimits = DEFAULT_LIMITS): unknown {
  const excess = scanJsonNesting(text, limits);
  if (excess) throw new NestingLimitError(excess, limits);
  return JSON.parse(text);
}

export type ReadOptions = Omit<ParseOptions & DocumentOptions & SchemaOptions, 'uniqueKeys'> & {
  lineCounter?: LineCounter;
  limits?: NestingLimits;
};

export interface YamlRead {
  /** every document, with syntax errors, duplicate and non-scalar keys in its `errors` */
  documents: Document.Parsed[];
  /** a limit the text passed (the error says which, `excess` too); then `documents` is empty */
  refused?: YAMLParseError;
  excess?: NestingExcess;
  /** keys and list items the text holds (the exact count once parsed) */
  entries: number;
}

/** Every document of a YAML stream, as the `yaml` package's parseAllDocuments gives them, within the limits. */
export function readYamlDocuments(text: string, options: ReadOptions = {}): YamlRead {
  return read(text, options, false);
}

/**
 * A text holding one document, as the `yaml` package's parseDocument gives it (a second document is a
 * MULTIPLE_DOCS error); `documents` holds exactly one unless the text was refused.
 */
export function readYamlDocument(text: string, options: ReadOptions = {}): YamlRead {
  return read(text, options, true);
}

/**
 * One document's value, as the `yaml` package's parse gives it; throws NestingLimitError for a text over the
 * limits and the first YAMLParseError for anything else wrong.
 */
export function readYamlValue(text: string, limits: NestingLimits = DEFAULT_LIMITS): unknown {
  const r = read(text, { limits }, true);
  if (r.excess) throw new NestingLimitError(r.excess, limits);
  const doc = r.documents[0];
  if (doc.errors.length) throw doc.errors[0];
  return documentValue(doc);
}

/** A document's JSON value; throws when an alias expands past MAX_ALIAS_COUNT. */
export function documentValue(doc: Document.Parsed): unknown {
  return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
}

/** Whether a document's errors leave a value that is safe and cheap to build (no limit, no non-scalar key). */
export function hasValue(doc: Document.Parsed): boolean {
  return !doc.errors.some((e) => e.code === 'RESOURCE_EXHAUSTION' || e.code === 'NON_STRING_KEY');
}

function refusal(excess: NestingExcess, limits: NestingLimits, textLength: number): YamlRead {
  const at = Math.min(excess.offset, Math.max(textLength - 1, 0));
  return {
    documents: [],
    refused: new YAMLParseError([at, at + 1], 'RESOURCE_EXHAUSTION', limitMessage(excess, limits)),
    excess,
    entries: 0,
  };
}

function read(text: string, options: ReadOptions, single: boolean): YamlRead {
  const { limits = DEFAULT_LIMITS, lineCounter, ...rest } = options;
  const scanned = scanYamlNesting(text, limits);
  if (scanned) return refusal(scanned, limits, text.length);
  const tokens = Array.from(new Parser(lineCounter?.addNewLine).parse(text));
  const counted = countTokens(tokens, limits);
  if ('kind' in counted) return refusal(counted, limits, text.length);
  const composer = new Composer({
    ...rest,
    uniqueKeys: false,
    // Kubernetes reads manifests as YAML 1.1 (go-yaml v2): merge keys, and scalars resolved as it does
    version: '1.1',
    customTags: (tags) => withKubernetesScalars(tags as ScalarTag[]),
  });
  const documents: Document.Parsed[] = [];
  for (const doc of single ? composer.compose(tokens, true, text.length) : composer.compose(tokens)) {
    if (single && documents.length) {
      documents[0].errors.push(
        new YAMLParseError(
          [doc.range[0], doc.range[1]],
          'MULTIPLE_DOCS',
          'Source contains multiple documents; please use YAML.parseAllDocuments()',
        ),
      );
      break;
    }
    inspect(doc, limits);
    documents.push(doc);
  }
  return { documents, entries: counted.entries };
}

type Item = { key?: CST.Token | null; value?: CST.Token };

/** Exact depth and entries of the parsed token tree, without recursion. */
function countTokens(tokens: CST.Token[], limits: NestingLimits): NestingExcess | { entries: number } {
  let entries = 0;
  const stack: { token: CST.Token; depth: number }[] = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push({ token: t.value, depth: 0 });
  while (stack.length) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > limits.maxDepth) return { kind: 'depth', offset: token.offset };
    entries += token.items.length;
    if (entries > limits.maxEntries) return { kind: 'entries', offset: token.offset };
    for (const item of token.items as Item[]) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return { entries };
}

/**
 * Adds to doc.errors: duplicate keys, keys that are mappings or lists, and nesting past the limit once aliases
 * are expanded. One pass, no recursion.
 */
function inspect(doc: Document.Parsed, limits: NestingLimits): void {
  const root = doc.contents as Node | null;
  if (!root) return;
  const added: YAMLParseError[] = [];
  const anchors = new Map<string, Node>();
  /** nesting below each finished node, aliases expanded; a node still open has none (an alias cycle) */
  const height = new Map<Node, number>();
  const stack: { node: Node; done: boolean }[] = [{ node: root, done: false }];
  const start = (n: Node | null | undefined): number => n?.range?.[0] ?? doc.range[0];
  const heightOf = (n: unknown): number => {
    if (isAlias(n)) {
      const target = anchors.get(n.source);
      return target ? (height.get(target) ?? Infinity) : 0;
    }
    return isCollection(n) ? (height.get(n as Node) ?? 0) : 0;
  };
  while (stack.length) {
    const frame = stack.pop()!;
    const node = frame.node;
    if (!frame.done) {
      if (node.anchor) anchors.set(node.anchor, node);
      if (!isCollection(node)) continue;
      frame.done = true;
      stack.push(frame);
      const children: Node[] = [];
      if (isMap(node)) {
        for (const p of node.items) {
          if (p.key && typeof p.key === 'object') children.push(p.key as Node);
          if (p.value && typeof p.value === 'object') children.push(p.value as Node);
        }
      } else if (isSeq(node)) {
        for (const it of node.items) if (it && typeof it === 'object') children.push(it as Node);
      }
      for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i], done: false });
      continue;
    }
    let h = 0;
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const p of node.items) {
        const key = p.key as Node | null;
        if (isCollection(key) || (isAlias(key) && heightOf(key) > 0)) {
          added.push(
            new YAMLParseError(
              [start(key), start(key) + 1],
              'NON_STRING_KEY',
              'a mapping key must be a plain value, not a mapping or list: Kubernetes objects are JSON, whose keys are strings',
            ),
          );
        } else {
          const v = isScalar(key) ? key.value : key === null ? null : undefined;
          if (v !== undefined || key === null) {
            if (seen.has(v))
              added.push(new YAMLParseError([start(key), start(key) + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
            else seen.add(v);
          }
        }
        h = Math.max(h, heightOf(key), heightOf(p.value));
      }
    } else if (isSeq(node)) {
      for (const it of node.items) h = Math.max(h, heightOf(it));
    }
    height.set(node, h + 1);
  }
  if (heightOf(root) > limits.maxDepth) {
    added.push(
      new YAMLParseError(
        [start(root), start(root) + 1],
        'RESOURCE_EXHAUSTION',
        `${limitMessage({ kind: 'depth', offset: start(root) }, limits)} once its aliases are expanded`,
      ),
    );
  }
  if (added.length) {
    doc.errors.push(...added);
    doc.errors.sort((a, b) => a.pos[0] - b.pos[0]);
  }
}
