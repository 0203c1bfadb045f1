// A file as the language server reads it: its YAML documents, each parsed once per distinct text
// (an edit re-parses only the documents whose text changed), with what they hold.

import { parseFast } from './fastYaml';
import { parseFull, parseFullStream, SyntaxProblem } from './yamlFallback';
import { lineStarts, LocalRange, Pos, positionAt } from './lineIndex';
import { YNode, nodeAtPath, scalarString } from './yamlTree';

export interface KubeIdentity {
  apiVersion: string;
  kind: string;
}

/** One YAML document, parsed; offsets and local ranges are relative to `text`. */
export class YamlDoc {
  readonly tree: YNode | undefined;
  readonly value: unknown;
  readonly errors: SyntaxProblem[];
  private lineStartsCache: number[] | undefined;
  /** which apiVersion and kind it declares, when both are strings: a Kubernetes object */
  readonly kube: KubeIdentity | undefined;
  /** where the document's own content starts and ends (offsets) */
  readonly span: [number, number];
  /** per-feature caches that depend only on the text (and a stamp the feature gives) */
  readonly memo = new Map<string, { stamp: unknown; value: unknown }>();

  constructor(readonly text: string, parsed: { tree: YNode | undefined; value: unknown; errors: SyntaxProblem[]; span: [number, number] }, starts?: number[]) {
    this.tree = parsed.tree;
    this.value = parsed.value;
    this.errors = parsed.errors;
    this.span = parsed.span;
    this.lineStartsCache = starts;
    const apiVersion = scalarString(nodeAtPath(this.tree, ['apiVersion']));
    const kind = scalarString(nodeAtPath(this.tree, ['kind']));
    this.kube = apiVersion !== undefined && kind !== undefined && this.tree?.kind === 'map' ? { apiVersion, kind } : undefined;
  }

  /** line starts of the text the offsets refer to */
  get starts(): number[] {
    return (this.lineStartsCache ??= lineStarts(this.text));
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
  doc: YamlDoc;
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

const cache = new Map<string, YamlDoc>();
const MAX_CACHED = 50_000;

function parseDoc(text: string): YamlDoc {
  const hit = cache.get(text);
  if (hit) {
    // keep recently used documents at the end of the eviction order
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  let doc: YamlDoc;
  const fast = parseFast(text);
  if (fast) doc = new YamlDoc(text, { tree: fast.tree, value: fast.value, errors: [], span: [0, text.length] });
  else {
    const full = parseFull(text);
    doc = new YamlDoc(text, { tree: full.tree, value: full.value, errors: full.errors, span: full.range });
  }
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(text, doc);
  return doc;
}

/** Splits a file into its YAML documents and parses each (from the cache when its text is known). */
export function parseFile(text: string): ParsedFile {
  const docs: PlacedDoc[] = [];
  // directives and explicit document ends change how documents are delimited: read the whole stream
  if (/^(?:%|\.\.\.)/m.test(text)) {
    const starts = lineStarts(text);
    parseFullStream(text).forEach((full, index) => {
      docs.push({ doc: new YamlDoc(text, { tree: full.tree, value: full.value, errors: full.errors, span: full.range }, starts), line: 0, offset: 0, index });
    });
    return { text, docs };
  }
  let chunkStart = 0;
  let chunkLine = 0;
  let line = 0;
  let pos = 0;
  const push = (end: number): void => {
    const chunk = text.slice(chunkStart, end);
    docs.push({ doc: parseDoc(chunk), line: chunkLine, offset: chunkStart, index: docs.length });
  };
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    if (text.charCodeAt(pos) === 45 && MARKER.test(text.slice(pos, Math.min(nl, pos + 4)))) {
      const only = MARKER_ONLY.test(text.slice(pos, nl));
      // text before the first marker is a document only if it holds something
      if (pos > 0 && (docs.length > 0 || /[^\s]/.test(text.slice(chunkStart, pos)))) push(pos);
      else if (pos > 0 && /\S/.test(text.slice(chunkStart, pos))) push(pos);
      if (only) {
        chunkStart = nl + 1;
        chunkLine = line + 1;
      } else {
        chunkStart = pos;
        chunkLine = line;
      }
    }
    pos = nl + 1;
    line++;
  }
  if (chunkStart <= text.length) push(text.length);
  if (docs.length > 1 && docs[docs.length - 1].doc.tree === undefined && docs[docs.length - 1].doc.errors.length === 0 && !/\S/.test(docs[docs.length - 1].doc.text)) docs.pop();
  return { text, docs };
}
