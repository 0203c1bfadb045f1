// YAML syntax errors and duplicate keys, where the parser found them.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { YamlDoc } from '../documents/parsedFile';
import { locate, YNode, YPair } from '../documents/yamlTree';
import { LocalDiagnostic } from './diagnostic';

const MAX_QUOTED = 80;

/** Every pair of the document by where its key starts, built once (a document may have many duplicate keys). */
function pairsByKeyStart(doc: YamlDoc): Map<number, YPair> {
  return doc.cached('pairsByKeyStart', 0, () => {
    const out = new Map<number, YPair>();
    const stack: YNode[] = doc.tree ? [doc.tree] : [];
    for (let node = stack.pop(); node; node = stack.pop()) {
      if (node.kind === 'map') {
        for (const p of node.pairs) {
          if (!out.has(p.keyStart)) out.set(p.keyStart, p);
          stack.push(p.value);
        }
      } else if (node.kind === 'seq') {
        for (const item of node.items) stack.push(item);
      }
    }
    return out;
  });
}

/** An error the parser places at the end of the text (an unclosed quote or bracket) belongs where that node starts. */
function unterminatedStart(doc: YamlDoc, start: number): number | undefined {
  const trimmed = doc.contentEnd;
  if (start < trimmed || trimmed === 0) return undefined;
  const loc = locate(doc.tree, trimmed - 1);
  return loc && loc.node.start < trimmed ? loc.node.start : undefined;
}

/** A key quoted in a message: long keys (hostile or generated) are cut. */
function quotedKey(text: string): string {
  return text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text;
}

export function syntaxDiagnostics(doc: YamlDoc): LocalDiagnostic[] {
  return doc.errors.map((e) => {
    // an error at the end of the text still needs one character to show on
    let start = Math.min(e.start, doc.text.length);
    let end = Math.max(start, Math.min(e.end, doc.text.length));
    const duplicate = e.code === 'DUPLICATE_KEY';
    const moved = unterminatedStart(doc, start);
    if (moved !== undefined) {
      start = moved;
      const nl = doc.text.indexOf('\n', start);
      end = nl < 0 ? doc.text.length : nl;
    } else if (duplicate) {
      const pair = pairsByKeyStart(doc).get(start);
      if (pair) end = Math.max(end, pair.keyEnd);
    }
    if (end === start && start < doc.text.length && doc.text[start] !== '\n') end = start + 1;
    return {
      range: doc.range(start, end),
      severity: DiagnosticSeverity.Error,
      message: duplicate
        ? `Duplicate key: ${quotedKey(doc.text.slice(start, end))} (a key may appear only once in a map)`
        : e.message,
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
    };
  });
}
