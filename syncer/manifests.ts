// Reads Kubernetes manifests from a folder: every .yaml/.yml/.json file, recursively, multi-document,
// with `kind: List` expanded. Syntax errors name the file and line.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  file: string;
  /** 1-based line of the document's start */
  line: number;
  object: any;
}

export class ManifestError extends Error {
  constructor(readonly file: string, readonly line: number, message: string) {
    super(`${file}:${line}: ${message}`);
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

export function parseManifests(file: string, text: string): Manifest[] {
  const out: Manifest[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  for (const doc of parseAllDocuments(text, { uniqueKeys: true })) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new ManifestError(file, e.linePos?.[0]?.line ?? lineOf(e.pos[0]), e.message.split('\n')[0]);
    }
    // aliases are capped so a YAML bomb cannot exhaust memory
    const obj = doc.toJS({ maxAliasCount: 100 });
    if (obj === null || obj === undefined) continue;
    const line = lineOf(doc.range[0]);
    if (typeof obj !== 'object' || Array.isArray(obj)) throw new ManifestError(file, line, 'a manifest must be a mapping with apiVersion and kind');
    if (obj.kind === 'List' && Array.isArray(obj.items)) {
      for (const item of obj.items) out.push({ file, line, object: item });
    } else {
      out.push({ file, line, object: obj });
    }
  }
  return out;
}

export function loadManifestDir(dir: string): Manifest[] {
  const files = fs.statSync(dir).isDirectory() ? listFiles(dir) : [dir];
  return files.flatMap((f) => parseManifests(f, fs.readFileSync(f, 'utf8')));
}
