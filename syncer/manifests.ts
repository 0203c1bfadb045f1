// Reads Kubernetes manifests: every .yaml/.yml/.json file of a folder (or of a git revision), recursively,
// multi-document, with `kind: List` expanded. Each manifest keeps its YAML node so a field path can be
// turned back into the file line a user must fix.
import * as fs from 'fs';
import * as path from 'path';
import { isMap, isNode, isScalar, isSeq, LineCounter, Node } from 'yaml';
import { PathSegment, segmentName, shortText } from '../kube/fieldErrors';
import { DEFAULT_LIMITS, documentValue, readYamlDocuments } from '../kube/yamlReader';
import { NestingExcess, NestingLimits } from '../kube/nestingScan';

export interface Manifest {
  file: string;
  /** 1-based line of the document's (or List item's) start */
  line: number;
  object: any;
  /** the YAML node of this object, for field → line */
  node?: Node;
  lines?: LineCounter;
}

export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
    readonly field?: string,
  ) {
    super(`${file}:${line}: ${field ? `${field}: ` : ''}${message}`);
  }
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (/\.(ya?ml|json)$/i.test(entry.name)) out.push(full);
  }
  return out;
}

/**
 * Parses one file within the shared reader's limits (nesting depth, keys and list items); every syntax error is
 * a ManifestError with its line (all documents are checked, not only the first). `entries` is what it held.
 */
export function parseManifestsChecked(
  file: string,
  text: string,
  limits: NestingLimits = DEFAULT_LIMITS,
): { manifests: Manifest[]; errors: ManifestError[]; entries: number; refused?: NestingExcess['kind'] } {
  const manifests: Manifest[] = [];
  const errors: ManifestError[] = [];
  const lines = new LineCounter();
  const read = readYamlDocuments(text, { lineCounter: lines, prettyErrors: false, limits });
  if (read.refused) {
    errors.push(new ManifestError(file, lines.linePos(read.refused.pos[0]).line, read.refused.message));
    return { manifests, errors, entries: read.entries, refused: read.excess?.kind };
  }
  const docs = read.documents;
  for (const doc of docs) {
    if (doc.errors.length) {
      for (const e of doc.errors) {
        errors.push(new ManifestError(file, lines.linePos(e.pos[0]).line, shortText(e.message.split('\n')[0], 200)));
      }
      continue;
    }
    let obj: unknown;
    try {
      obj = documentValue(doc);
    } catch (e) {
      errors.push(
        new ManifestError(file, lines.linePos(doc.range?.[0] ?? 0).line, shortText((e as Error).message, 200)),
      );
      continue;
    }
    if (obj === null || obj === undefined) continue;
    const start = isNode(doc.contents) && doc.contents.range ? doc.contents.range[0] : (doc.range?.[0] ?? 0);
    const line = lines.linePos(start).line;
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      errors.push(new ManifestError(file, line, 'a manifest must be a mapping with apiVersion and kind'));
      continue;
    }
    const o = obj as any;
    if (o.kind === 'List' && Array.isArray(o.items)) {
      const seq = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
      o.items.forEach((item: any, i: number) => {
        const node = isSeq(seq) ? (seq.items[i] as Node | undefined) : undefined;
        const itemLine = node?.range ? lines.linePos(node.range[0]).line : line;
        manifests.push({ file, line: itemLine, object: item, node, lines });
      });
    } else {
      manifests.push({ file, line, object: o, node: doc.contents as Node, lines });
    }
  }
  return { manifests, errors, entries: read.entries };
}

/** Parses one file, throwing the first syntax error. */
export function parseManifests(file: string, text: string): Manifest[] {
  const { manifests, errors } = parseManifestsChecked(file, text);
  if (errors.length) throw errors[0];
  return manifests;
}

/** The manifests of a file, or of every manifest file under a folder. */
export function loadManifestDir(dir: string): Manifest[] {
  const files = fs.statSync(dir).isDirectory() ? listFiles(dir) : [dir];
  return files.flatMap((f) => parseManifests(f, fs.readFileSync(f, 'utf8')));
}

/**
 * The line of a field inside a manifest: the value (or the key, for `key: true` callers wanting the key) at
 * that path, or its nearest ancestor that exists in the file (a missing required field points at its parent).
 */
export function lineOfField(m: Manifest, fieldPath: readonly PathSegment[]): number {
  if (!m.node || !m.lines) return m.line;
  let node: unknown = m.node;
  let best = m.line;
  for (const segment of fieldPath) {
    const seg = segmentName(segment);
    if (isMap(node)) {
      // keys compare as the object's keys do: `n:` is the key "false" to Kubernetes (YAML 1.1), 8080: is "8080"
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(seg));
      if (!pair) break;
      const keyNode = pair.key as Node | undefined;
      if (keyNode?.range) best = m.lines.linePos(keyNode.range[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      if (item.range) best = m.lines.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return best;
}
