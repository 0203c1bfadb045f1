// Where the cursor is in the YAML structure, read from indentation alone so it works while the text
// is half typed and does not parse: the path of the enclosing object, whether a key or a value is
// being typed, the word typed so far and the keys the object already has.

export interface CursorContext {
  /** key: the object's path (a key is typed); value: the field's path (its value is typed) */
  mode: 'key' | 'value';
  path: (string | number)[];
  /** what has been typed of the key or value */
  prefix: string;
  /** character range of the prefix on the line */
  replaceStart: number;
  replaceEnd: number;
  /** column where keys of the object start */
  indent: number;
  /** keys the object already has */
  existingKeys: Set<string>;
  /** the value is typed after `- ` (an item of a list) */
  listItem: boolean;
}

interface LineInfo {
  blank: boolean;
  lead: number;
  dashes: number[];
  content: number;
  key?: string;
  hasValue: boolean;
}

const KEY = /^((?:"[^"]*"|'[^']*'|[^\s#'"][^#]*?)):(?:\s+(.*))?$/;

function unquote(k: string): string {
  return (k.startsWith('"') && k.endsWith('"')) || (k.startsWith("'") && k.endsWith("'")) ? k.slice(1, -1) : k;
}

function analyzeLine(raw: string): LineInfo {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  let p = 0;
  while (p < text.length && text[p] === ' ') p++;
  const lead = p;
  if (p === text.length || text[p] === '#') return { blank: true, lead, dashes: [], content: p, hasValue: false };
  const dashes: number[] = [];
  while (text[p] === '-' && (p + 1 === text.length || text[p + 1] === ' ')) {
    dashes.push(p);
    p++;
    while (p < text.length && text[p] === ' ') p++;
  }
  const rest = text.slice(p).replace(/\s+#.*$/, '');
  const m = KEY.exec(rest);
  if (m)
    return {
      blank: false,
      lead,
      dashes,
      content: p,
      key: unquote(m[1].trim()),
      hasValue: !!m[2] && m[2].trim() !== '',
    };
  return { blank: false, lead, dashes, content: p, hasValue: rest.trim() !== '' };
}

/**
 * The path of the node whose content starts at column `col` on line `lineIdx` (the line itself not
 * included), walking up through parents by indentation.
 */
function parentPath(lines: string[], lineIdx: number, col: number, ownDashes: number[]): (string | number)[] {
  const path: (string | number)[] = [];
  let ind = col;
  let seqParent = false;
  if (ownDashes.length) {
    for (let i = ownDashes.length - 1; i >= 0; i--) path.unshift(0);
    ind = ownDashes[0];
    seqParent = true;
  }
  for (let j = lineIdx - 1; j >= 0 && (ind > 0 || seqParent); j--) {
    const info = analyzeLine(lines[j]);
    if (info.blank) continue;
    if (info.lead >= ind) {
      // inside a list, the key at the list's own column (with no dash) is the one that holds it; earlier items
      // and deeper lines are passed over
      if (seqParent && info.lead === ind && info.key !== undefined && !info.dashes.length) {
        path.unshift(info.key);
        seqParent = false;
      }
      continue;
    }
    // a line left of `ind`: its key holds what is below when its content starts left of `ind`, and so do its
    // list dashes left of `ind` (each an item index)
    if (info.key !== undefined && info.content < ind) {
      path.unshift(info.key);
      ind = info.content;
      seqParent = false;
    }
    const inner = info.dashes.filter((d) => d < ind);
    if (inner.length) {
      for (let i = inner.length - 1; i >= 0; i--) path.unshift(0);
      ind = inner[0];
      seqParent = true;
    }
  }
  return path;
}

/** Keys already present at column `col` in the block around line `lineIdx`. */
function siblingKeys(lines: string[], lineIdx: number, col: number, onItemLine: boolean): Set<string> {
  const keys = new Set<string>();
  for (let j = lineIdx - 1; j >= 0 && !onItemLine; j--) {
    const info = analyzeLine(lines[j]);
    if (info.blank) continue;
    if (info.content === col && info.key !== undefined) keys.add(info.key);
    if (info.content === col && info.dashes.length) break; // the line that starts this list item
    if (info.lead < col) break;
  }
  for (let j = lineIdx + 1; j < lines.length; j++) {
    const info = analyzeLine(lines[j]);
    if (info.blank) continue;
    if (info.lead < col) break;
    // a `- ` item at the keys' own column is the list value of a key above (compact style), not a new item
    if (info.lead === col && !info.dashes.length && info.key !== undefined) keys.add(info.key);
  }
  return keys;
}

export function cursorContext(text: string, line: number, character: number): CursorContext {
  const lines = text.split('\n');
  const raw = (lines[line] ?? '').replace(/\r$/, '');
  const before = raw.slice(0, Math.min(character, raw.length));
  let p = 0;
  while (p < before.length && before[p] === ' ') p++;
  const dashes: number[] = [];
  while (before[p] === '-' && (p + 1 === before.length || before[p + 1] === ' ')) {
    dashes.push(p);
    p++;
    while (p < before.length && before[p] === ' ') p++;
  }
  const content = p;
  const typed = before.slice(content);
  const kv = /^((?:"[^"]*"|'[^']*'|[^\s#'"][^#:]*?)):\s+(.*)$/.exec(typed);
  // the rest of the word under the cursor is replaced too
  const after = raw.slice(before.length);
  const tail = /^[^\s:]*/.exec(after)![0];
  const parents = parentPath(lines, line, content, dashes);
  if (kv) {
    const key = unquote(kv[1].trim());
    const valueText = kv[2];
    const quoteless = valueText.replace(/^["']/, '');
    return {
      mode: 'value',
      path: [...parents, key],
      prefix: quoteless,
      replaceStart: before.length - valueText.length,
      replaceEnd: before.length + tail.length,
      indent: content,
      existingKeys: new Set(),
      listItem: false,
    };
  }
  const isKey = !/[:]/.test(typed);
  const listValue = dashes.length > 0 && isKey;
  const existingKeys = siblingKeys(lines, line, content, dashes.length > 0);
  return {
    mode: 'key',
    path: parents,
    prefix: typed,
    replaceStart: content,
    replaceEnd: before.length + tail.length,
    indent: content,
    existingKeys,
    listItem: listValue,
  };
}
