// A file as the language server reads it: its YAML documents, each parsed once per distinct text
// (an edit re-parses only the documents whose text changed), with what they hold. Documents around
// directives and `...` lines are read as a stream, as YAML defines them.

import { parseFast } from './fastYaml';
import { parseFull, parseFullStream, SyntaxProblem } from './yamlFallback';
import { LocalRange, Pos, positionAt, TextFacts } from './lineIndex';
import { PathSegment, segmentName } from '../../kube/fieldErrors';
import { isRecord } from '../../kube/objects';
import { YNode, nodeAtPath, scalarString } from './yamlTree';

export interface KubeIdentity {
  apiVersion: string;
  kind: string;
}

/** Reads a document's tree when it is first needed. */
export type TreeReader = () => YNode | undefined;

/** The apiVersion and kind a document's root map declares as strings. */
function kubeOfTree(tree: YNode | undefined): KubeIdentity | undefined {
  const apiVersion = scalarString(nodeAtPath(tree, ['apiVersion']));
  const kind = scalarString(nodeAtPath(tree, ['kind']));
  return apiVersion !== undefined && kind !== undefined && tree?.kind === 'map' ? { apiVersion, kind } : undefined;
}

/** The same, from a value that mirrors its tree (a plain object exactly where the tree has a map). */
function kubeOfValue(value: unknown): KubeIdentity | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind } = value;
  return typeof apiVersion === 'string' && typeof kind === 'string' ? { apiVersion, kind } : undefined;
}

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

/**
 * One YAML document, parsed; offsets and local ranges are relative to `text`. A document the fast parser read
 * gets its tree (positions) only when something asks for it: most documents of a big file never need one.
 */
export class YamlDoc {
  private treeReader: TreeReader | undefined;
  private builtTree: YNode | undefined;
  readonly value: unknown;
  readonly errors: SyntaxProblem[];
  private readonly facts: TextFacts;
  /** which apiVersion and kind it declares, when both are strings: a Kubernetes object */
  readonly kube: KubeIdentity | undefined;
  /** where the document's own content starts and ends (offsets) */
  readonly span: [number, number];
  /** per-feature caches that depend only on the text (and a stamp the feature gives) */
  readonly memo = new Map<string, { stamp: unknown; value: unknown }>();

  /** `parsed.tree` is a TreeReader when the value mirrors the tree (no aliases): then it is read when needed */
  constructor(
    readonly text: string,
    parsed: { tree: YNode | undefined | TreeReader; value: unknown; errors: SyntaxProblem[]; span: [number, number] },
    facts?: TextFacts,
  ) {
    if (typeof parsed.tree === 'function') this.treeReader = parsed.tree;
    else this.builtTree = parsed.tree;
    this.value = parsed.value;
    this.errors = parsed.errors;
    this.span = parsed.span;
    this.facts = facts ?? new TextFacts(text);
    this.kube = this.treeReader ? kubeOfValue(this.value) : kubeOfTree(this.builtTree);
  }

  /** the document's nodes with their offsets */
  get tree(): YNode | undefined {
    if (this.treeReader) {
      this.builtTree = this.treeReader();
      this.treeReader = undefined;
    }
    return this.builtTree;
  }

  /** Whether the tree has a node at `path`; answered from the value while the tree, which it mirrors, is unread. */
  has(path: readonly PathSegment[]): boolean {
    if (!this.treeReader) return nodeAtPath(this.builtTree, path) !== undefined;
    let cur = this.value;
    for (const segment of path) {
      const seg = segmentName(segment);
      if (Array.isArray(cur)) {
        cur = cur[typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : -1];
        if (cur === undefined) return false;
      } else if (isRecord(cur) && hasOwn(cur, String(seg))) cur = cur[String(seg)];
      else return false;
    }
    return true;
  }

  /** line starts of the text the offsets refer to */
  get starts(): number[] {
    return this.facts.starts;
  }

  /** where the text ends, trailing whitespace left out */
  get contentEnd(): number {
    return this.facts.contentEnd;
  }

  pos(offset: number): Pos {
    return positionAt(this.starts, offset);
  }

  range(start: number, end: number): LocalRange {
    return { start: this.pos(start), end: this.pos(end) };
  }

  /** A value derived from this document, computed once per stamp. */
  cached<T>(name: string, stamp: unknown, compute: () => T): T {
    const hit = this.memo.get(name);
    if (hit && hit.stamp === stamp) return hit.value as T;
    const value = compute();
    this.memo.set(name, { stamp, value });
    return value;
  }
}

/** A document in its file: add `line` to its local lines to get the file's lines. */
export interface PlacedDoc {
  readonly doc: YamlDoc;
  /** the text the document is parsed from (its own, or the stream region's it shares with its neighbours) */
  text: string;
  /** the file line where the document's text starts */
  line: number;
  /** the file offset where the document's text starts */
  offset: number;
  /** index of the document in the file */
  index: number;
}

export interface ParsedFile {
  text: string;
  docs: PlacedDoc[];
}

const MARKER = /^---(?=[ \t\r]|$)/;
const MARKER_ONLY = /^---[ \t]*(?:#.*)?\r?$/;

/** A line that only a stream reader follows: a directive, or an explicit document end. */
const STREAM_LINE = /^(?:%|\.\.\.)/m;
const DIRECTIVE_LINE = /^%/m;

/** Parsed documents by text: one document's text, or a stream region's (several documents). */
const cache = new Map<string, YamlDoc[]>();
const MAX_CACHED = 50_000;

function cached(text: string, parse: (text: string) => YamlDoc[]): YamlDoc[] {
  const hit = cache.get(text);
  if (hit) {
    // keep recently used documents at the end of the eviction order
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const docs = parse(text);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(text, docs);
  return docs;
}

/** The tree of a text the fast parser read: it reads it again, the same way, with positions. */
function fastTree(text: string): YNode | undefined {
  return (parseFast(text) ?? parseFull(text)).tree;
}

function parseDoc(text: string): YamlDoc {
  return cached(text, () => {
    const fast = parseFast(text, false);
    if (fast) {
      const tree = () => fastTree(text);
      return [new YamlDoc(text, { tree, value: fast.value, errors: [], span: [0, text.length] })];
    }
    const full = parseFull(text);
    return [new YamlDoc(text, { tree: full.tree, value: full.value, errors: full.errors, span: full.range })];
  })[0];
}

/** Documents read as a stream: they share the region's text and tell themselves apart by their spans. */
function parseRegion(text: string): YamlDoc[] {
  return cached(text, () => {
    const facts = new TextFacts(text);
    return parseFullStream(text).map(
      (full) => new YamlDoc(text, { tree: full.tree, value: full.value, errors: full.errors, span: full.range }, facts),
    );
  });
}

/** A document's text in its file, before it is parsed. */
interface Chunk {
  text: string;
  line: number;
  offset: number;
  /** the `---` line that opened it, when that line is not part of its text */
  marker?: { line: number; offset: number };
}

/**
 * What is parsed as one: a document, or a region of documents read as a stream (a document with
 * directives or an explicit end, and the document its directives apply to).
 */
type Unit = { chunk: Chunk } | { region: Chunk };

/** The documents' texts, split at `---` lines. */
function splitDocuments(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let marker: Chunk['marker'];
  let line = 0;
  let pos = 0;
  const push = (end: number): void => {
    const chunk: Chunk = { text: text.slice(chunkStart, end), line: chunkLine, offset: chunkStart };
    if (marker) chunk.marker = marker;
    chunks.push(chunk);
  };
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    if (text.charCodeAt(pos) === 45 && MARKER.test(text.slice(pos, Math.min(nl, pos + 4)))) {
      const only = MARKER_ONLY.test(text.slice(pos, nl));
      // text before the first marker is a document only if it holds something
      if (pos > 0 && (chunks.length > 0 || /\S/.test(text.slice(chunkStart, pos)))) push(pos);
      if (only) {
        chunkStart = nl + 1;
        chunkLine = line + 1;
        marker = { line, offset: pos };
      } else {
        chunkStart = pos;
        chunkLine = line;
        marker = undefined;
      }
    }
    pos = nl + 1;
    line++;
  }
  if (chunkStart <= text.length) push(text.length);
  return chunks;
}

/**
 * Groups the chunks into what is parsed as one. Only the documents around directives and `...` lines are
 * read as a stream, so one such line does not make a big file one slow parse that no edit can reuse.
 */
function unitsOf(text: string, chunks: Chunk[]): Unit[] {
  const units: Unit[] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c = chunks[i];
    if (!STREAM_LINE.test(c.text)) {
      units.push({ chunk: c });
      continue;
    }
    // directives apply to the document after them: read on until a chunk without any
    let j = i;
    while (DIRECTIVE_LINE.test(chunks[j].text) && j + 1 < chunks.length) j++;
    // from the `---` line that opened it, so the region starts in the state the stream was in
    const start = c.marker ?? { line: c.line, offset: c.offset };
    const end = chunks[j].offset + chunks[j].text.length;
    units.push({ region: { text: text.slice(start.offset, end), line: start.line, offset: start.offset } });
    i = j;
  }
  return units;
}

/** A document parsed when first asked for (a request needs only the one under the cursor). */
class LazyDoc implements PlacedDoc {
  private parsed: YamlDoc | undefined;

  constructor(
    readonly text: string,
    readonly line: number,
    readonly offset: number,
    readonly index: number,
  ) {}

  get doc(): YamlDoc {
    return (this.parsed ??= parseDoc(this.text));
  }
}

function placeUnits(text: string, units: Unit[]): ParsedFile {
  const docs: PlacedDoc[] = [];
  for (const unit of units) {
    if ('chunk' in unit) {
      const c = unit.chunk;
      docs.push(new LazyDoc(c.text, c.line, c.offset, docs.length));
      continue;
    }
    // how many documents a region holds is known only once it is read
    const r = unit.region;
    for (const doc of parseRegion(r.text)) {
      docs.push({ doc, text: r.text, line: r.line, offset: r.offset, index: docs.length });
    }
  }
  const last = docs[docs.length - 1];
  const blank = docs.length > 1 && !/\S/.test(last.text);
  if (blank && last.doc.tree === undefined && last.doc.errors.length === 0) docs.pop();
  return { text, docs };
}

/**
 * Splits a file into its YAML documents. Each is parsed (from the cache when its text is known) now, or
 * with `lazily` when first used; documents around directives and `...` lines are read at once.
 */
export function parseFile(text: string, lazily = false): ParsedFile {
  const file = placeUnits(text, unitsOf(text, splitDocuments(text)));
  if (!lazily) for (const d of file.docs) void d.doc;
  return file;
}
