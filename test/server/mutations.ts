// Seeded mutations of manifests for the fuzz tests: lines and bytes deleted, inserted, duplicated.

import * as fs from 'fs';
import * as path from 'path';
import { FIXTURES, REPO } from './lspClient';

export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function yamlUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlUnder(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(fs.readFileSync(full, 'utf8'));
  }
  return out;
}

export function corpus(): string[] {
  return [...yamlUnder(path.join(REPO, 'samples')), ...yamlUnder(FIXTURES)];
}

const SNIPPETS = [
  '- ',
  ': ',
  '  ',
  '---\n',
  '"',
  "'",
  '#',
  '{',
  '}',
  '[',
  ']',
  '&a ',
  '*a',
  '!!str ',
  '|',
  '>-',
  '? ',
  '\t',
  '\\',
  '\r\n',
  '%YAML 1.2\n',
  '...\n',
  ',',
  ':',
  'key: value',
  '\u00e9',
  '\ud83d\ude00',
  '\u0000',
  'null',
  '~',
  '0x1F',
  '.inf',
  '1e3',
  'True',
];

export function mutate(text: string, random: () => number, steps = 1 + Math.floor(random() * 4)): string {
  let t = text;
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  for (let s = 0; s < steps; s++) {
    const lines = t.split('\n');
    const i = Math.floor(random() * lines.length);
    switch (Math.floor(random() * 8)) {
      case 0:
        lines.splice(i, 1);
        t = lines.join('\n');
        break;
      case 1:
        lines.splice(i, 0, lines[Math.floor(random() * lines.length)]);
        t = lines.join('\n');
        break;
      case 2:
        lines[i] = ' '.repeat(Math.floor(random() * 4)) + lines[i];
        t = lines.join('\n');
        break;
      case 3:
        lines[i] = lines[i].slice(Math.min(lines[i].length, 1 + Math.floor(random() * 3)));
        t = lines.join('\n');
        break;
      case 4: {
        const at = Math.floor(random() * (t.length + 1));
        t = t.slice(0, at) + pick(SNIPPETS) + t.slice(at);
        break;
      }
      case 5: {
        const at = Math.floor(random() * t.length);
        t = t.slice(0, at) + t.slice(at + 1 + Math.floor(random() * 8));
        break;
      }
      case 6: {
        const at = Math.floor(random() * (t.length + 1));
        let bytes = '';
        for (let k = 0; k < 1 + random() * 6; k++) bytes += String.fromCharCode(Math.floor(random() * 256));
        t = t.slice(0, at) + bytes + t.slice(at);
        break;
      }
      default: {
        const j = Math.floor(random() * lines.length);
        [lines[i], lines[j]] = [lines[j], lines[i]];
        t = lines.join('\n');
      }
    }
  }
  return t;
}

export function binaryGarbage(random: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(Math.floor(random() * 256));
  return s;
}

export function aliasBomb(levels = 9): string {
  const lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const name = String.fromCharCode(97 + i);
    lines.push(
      `${name}: &${name} [${Array(9)
        .fill('*' + prev)
        .join(', ')}]`,
    );
  }
  return 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n' + lines.join('\n') + '\n';
}

/** A multi-document file of at least `lines` lines. */
export function longFile(lines: number): string {
  const docs: string[] = [];
  let count = 0;
  for (let i = 0; count < lines; i++) {
    const doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${i}\n  labels:\n    app: big\ndata:\n  key: "value ${i}"\n  script: |\n    echo ${i}\n    exit 0\n`;
    docs.push(doc);
    count += 12;
  }
  return docs.join('---\n');
}

/**
 * A multi-document file of about `bytes` characters: documents of the corpus, each mutated, joined by
 * `---`. The corpus repeats, so the same names appear again and again (duplicates on purpose).
 */
export function fuzzedFile(random: () => number, bytes: number, files: string[] = corpus()): string {
  const docs: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const doc = mutate(files[i % files.length], random);
    docs.push(doc);
    size += doc.length + 4;
  }
  return docs.join('\n---\n');
}

/** `count` copies of one ConfigMap (the same name in the same namespace), and the line of each name. */
export function duplicateConfigMaps(count: number): { text: string; nameLines: number[] } {
  const doc = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: twin\n  namespace: shop\ndata:\n  key: value\n';
  const nameLines: number[] = [];
  for (let i = 0; i < count; i++) nameLines.push(i * 8 + 3);
  return { text: Array(count).fill(doc).join('---\n'), nameLines };
}
