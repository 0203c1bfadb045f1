// YAML syntax errors and duplicate keys, where the parser found them.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { YamlDoc } from '../documents/parsedFile';
import { locate, YNode, YPair } from '../documents/yamlTree';
import { LocalDiagnostic } from './diagnostic';

function pairStartingAt(node: YNode | undefined, offset: number, depth = 0): YPair | undefined {
  if (!node || depth > 200) return undefined;
  if (node.kind === 'map') {
    for (const p of node.pairs) {
      if (p.keyStart === offset) return p;
      const inner = pairStartingAt(p.value, offset, depth + 1);
      if (inner) return inner;
    }
  } else if (node.kind === 'seq') {
    for (const it of node.items) {
      const inner = pairStartingAt(it, offset, depth + 1);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** An error the parser places at the end of the text (an unclosed quote or bracket) belongs where that node starts. */
function unterminatedStart(doc: YamlDoc, start: number): number | undefined {
  const trimmed = doc.text.replace(/\s+$/, '').length;
  if (start < trimmed || trimmed === 0) return undefined;
  const loc = locate(doc.tree, trimmed - 1);
  return loc && loc.node.start < trimmed ? loc.node.start : undefined;
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
      const pair = pairStartingAt(doc.tree, start);
      if (pair) end = Math.max(end, pair.keyEnd);
    }
    if (end === start && start < doc.text.length && doc.text[start] !== '\n') end = start + 1;
    return {
      range: doc.range(start, end),
      severity: DiagnosticSeverity.Error,
      message: duplicate ? `Duplicate key: ${doc.text.slice(start, end)} (a key may appear only once in a map)` : e.message,
      code: duplicate ? 'duplicate-key' : 'yaml-syntax',
    };
  });
}
