// A fast parser for the YAML that Kubernetes manifests are written in: block maps and sequences,
// plain and simply quoted scalars on one line, flow sequences and maps of such scalars that open and
// close on one line (`args: ["--config", "/etc/app"]`), literal block scalars, comments. It builds the
// value in one pass over the lines, and the tree in the same pass when asked (positions are needed only
// where something is reported or asked about, so documents read it again then). Anything else (nested or
// multi-line flow collections, anchors, tags, folded or multi-line scalars, escapes, duplicate keys, odd
// indentation) returns undefined, and the caller parses with the `yaml` package, which then also reports
// the errors. The two agree on every document this one accepts (test/server/fastYaml.test.ts compares
// them).

import { plainScalarValue } from '../../kube/yamlScalars';
import { YMap, YNode, YPair, YScalar, YSeq } from './yamlTree';

class Unsupported extends Error {}

// a lone carriage return is checked apart: the alternation would make this scan several times slower
const UNSUPPORTED_CHARS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\t\ufeff\u2028\u2029]/;

function hasUnsupportedChars(text: string): boolean {
  if (UNSUPPORTED_CHARS.test(text)) return true;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1))
    if (text.charCodeAt(i + 1) !== 10) return true;
  return false;
}
// plain keys we accept start like names and contain nothing that could change their meaning
const PLAIN_KEY = /^[A-Za-z0-9_.\/$][^\s#:{}\[\],&*!|>'"%@`]*(?: [^\s#:{}\[\],&*!|>'"%@`]+)*$/;
const INDICATOR_START = /^[\[\]{},&*!|>'"%@`#?:-]/;
// `-`, `?` and `:` start a plain scalar when what follows cannot make them an indicator
const PLAIN_AFTER_INDICATOR = /^[-?:][^\s#,\[\]{}]/;
// inside a flow collection a plain scalar stops at `,`, `]`, `}`; these would need the full rules
const FLOW_PLAIN_UNSURE = /[:#\[{"']/;

/** A plain scalar's value as Kubernetes reads it (kube/yamlScalars.ts: YAML 1.1, as go-yaml v2). */
export function resolvePlain(raw: string): unknown {
  // most scalars start with a letter that no null, boolean or number starts with (n, y, t, f, o do)
  const c = raw.charCodeAt(0) | 0x20;
  if (c >= 97 && c <= 122 && c !== 110 && c !== 121 && c !== 116 && c !== 102 && c !== 111) return raw;
  return plainScalarValue(raw);
}

/** indexOf that stops at `end` instead of searching the rest of the text. */
function indexBefore(t: string, ch: string, from: number, end: number): number {
  const c = ch.charCodeAt(0);
  for (let i = from; i < end; i++) if (t.charCodeAt(i) === c) return i;
  return -1;
}

// The line table, shared by every parse (one runs at a time, start to end) so that a document's
// lines cost no allocation: where each line starts, ends (before a \r) and its indentation, and
// whether it is blank (empty, spaces only, or a comment).
let lineStart = new Int32Array(256);
let lineEnd = new Int32Array(256);
let lineIndent = new Int32Array(256);
let lineBlank = new Uint8Array(256);

function growLines(): void {
  const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
    const b = new (a.constructor as { new (n: number): T })(a.length * 2);
    b.set(a);
    return b;
  };
  lineStart = grow(lineStart);
  lineEnd = grow(lineEnd);
  lineIndent = grow(lineIndent);
  lineBlank = grow(lineBlank);
}

/** A `key:` entry's key, where it starts and where its colon is. */
interface KeyAt {
  pos: number;
  colon: number;
  key: string;
}

export interface FastParse {
  /** undefined when the text is empty, or when no tree was asked for */
  tree: YNode | undefined;
  value: unknown;
}

/**
 * Each method reading a node returns its value and, when trees are built, leaves the node in `built`. Which
 * texts are declined never depends on whether trees are built: a tree asked for later always comes.
 */
class Parser {
  /** number of lines in the table */
  private readonly count: number;
  private i = 0;
  /** the tree node of the value the last read returned (only when withTree) */
  private built: YNode | undefined;
  /** where the last flow scalar ended */
  private flowScalarEnd = 0;

  constructor(
    private readonly text: string,
    private readonly withTree: boolean,
  ) {
    let start = 0;
    let count = 0;
    const n = text.length;
    while (start <= n) {
      let nl = text.indexOf('\n', start);
      if (nl < 0) nl = n;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      let p = start;
      while (p < end && text.charCodeAt(p) === 32) p++;
      if (count === lineStart.length) growLines();
      lineStart[count] = start;
      lineEnd[count] = end;
      lineIndent[count] = p - start;
      lineBlank[count] = p === end || text.charCodeAt(p) === 35 ? 1 : 0;
      count++;
      start = nl + 1;
    }
    this.count = count;
  }

  parse(): FastParse {
    for (let li = 0; li < this.count; li++) {
      if (lineBlank[li] || lineIndent[li] > 0) continue;
      const at = lineStart[li];
      const c = this.text.charCodeAt(at);
      // directives and document markers belong to the multi-document path
      if (c === 37 || this.text.startsWith('---', at) || this.text.startsWith('...', at)) throw new Unsupported();
    }
    const first = this.nextContent(0);
    if (first < 0) return { tree: undefined, value: null };
    const value = this.node(first, lineIndent[first], -1);
    if (this.nextContent(this.i) >= 0) throw new Unsupported();
    return { tree: this.built, value };
  }

  private nextContent(from: number): number {
    for (let j = from; j < this.count; j++) if (!lineBlank[j]) return j;
    return -1;
  }

  private isDash(pos: number, end: number): boolean {
    return this.text.charCodeAt(pos) === 45 && (pos + 1 === end || this.text.charCodeAt(pos + 1) === 32);
  }

  /** A node whose first line is li, starting at column col. */
  private node(li: number, col: number, parentIndent: number): unknown {
    const pos = lineStart[li] + col;
    const end = lineEnd[li];
    if (this.isDash(pos, end)) return this.seq(li, col);
    if (!this.opensFlow(pos) && this.keyAt(pos, end)) return this.map(li, col);
    const v = this.inline(li, pos, parentIndent);
    const next = this.nextContent(this.i);
    if (next >= 0 && lineIndent[next] > parentIndent) throw new Unsupported();
    return v;
  }

  private opensFlow(pos: number): boolean {
    const c = this.text.charCodeAt(pos);
    return c === 91 || c === 123;
  }

  /** the last key read, by where it starts: a map's first key is asked for before the map is read */
  private lastKey: KeyAt | undefined;

  /** The key at pos, if the line holds a `key:` entry there. */
  private keyAt(pos: number, end: number): KeyAt | undefined {
    if (this.lastKey?.pos === pos) return this.lastKey;
    const t = this.text;
    let colon = -1;
    for (let p = pos; p < end; p++) {
      const c = t.charCodeAt(p);
      if (c === 58 && (p + 1 === end || t.charCodeAt(p + 1) === 32)) {
        colon = p;
        break;
      }
      if (c === 35 && p > pos && t.charCodeAt(p - 1) === 32) return undefined;
    }
    if (colon < 0) return undefined;
    const key = t.slice(pos, colon);
    if (!PLAIN_KEY.test(key)) throw new Unsupported();
    if (key === '__proto__' || typeof resolvePlain(key) !== 'string') throw new Unsupported();
    return (this.lastKey = { pos, colon, key });
  }

  private map(li: number, col: number): Record<string, unknown> {
    const t = this.text;
    const tree: YMap | undefined = this.withTree
      ? { kind: 'map', start: lineStart[li] + col, end: lineStart[li] + col, pairs: [] }
      : undefined;
    const value: Record<string, unknown> = {};
    for (;;) {
      const pos = lineStart[li] + col;
      const end = lineEnd[li];
      const k = this.keyAt(pos, end);
      if (!k) throw new Unsupported();
      if (Object.prototype.hasOwnProperty.call(value, k.key)) throw new Unsupported();
      let p = k.colon + 1;
      while (p < end && t.charCodeAt(p) === 32) p++;
      value[k.key] =
        p === end || t.charCodeAt(p) === 35 ? this.child(li, col, true, k.colon + 1) : this.inline(li, p, col);
      if (tree) {
        const child = this.built!;
        tree.pairs.push({ key: k.key, keyStart: pos, keyEnd: k.colon, value: child });
        tree.end = Math.max(child.end, k.colon + 1);
      }
      const next = this.nextContent(this.i);
      if (next < 0) break;
      if (lineIndent[next] < col) break;
      if (lineIndent[next] > col) throw new Unsupported();
      if (this.isDash(lineStart[next] + col, lineEnd[next])) throw new Unsupported();
      li = next;
    }
    this.built = tree;
    return value;
  }

  private seq(li: number, col: number): unknown[] {
    const t = this.text;
    const tree: YSeq | undefined = this.withTree
      ? { kind: 'seq', start: lineStart[li] + col, end: lineStart[li] + col + 1, items: [] }
      : undefined;
    const value: unknown[] = [];
    for (;;) {
      const pos = lineStart[li] + col;
      const end = lineEnd[li];
      if (!this.isDash(pos, end)) throw new Unsupported();
      let q = pos + 1;
      while (q < end && t.charCodeAt(q) === 32) q++;
      if (q === end || t.charCodeAt(q) === 35) value.push(this.child(li, col, false, pos + 1));
      else if (this.isDash(q, end)) throw new Unsupported();
      else if (!this.opensFlow(q) && this.keyAt(q, end)) value.push(this.map(li, q - lineStart[li]));
      else value.push(this.inline(li, q, col));
      if (tree) {
        const item = this.built!;
        tree.items.push(item);
        tree.end = Math.max(item.end, pos + 1);
      }
      const next = this.nextContent(this.i);
      if (next < 0) break;
      if (lineIndent[next] < col) break;
      if (lineIndent[next] > col) throw new Unsupported();
      if (!this.isDash(lineStart[next] + col, lineEnd[next])) break;
      li = next;
    }
    this.built = tree;
    return value;
  }

  /** The block value of an entry whose line ends after the indicator; empty when nothing is nested. */
  private child(li: number, col: number, allowSameIndentSeq: boolean, emptyAt: number): unknown {
    this.i = li + 1;
    const next = this.nextContent(this.i);
    if (next >= 0) {
      const indent = lineIndent[next];
      if (indent > col) return this.node(next, indent, col);
      if (allowSameIndentSeq && indent === col && this.isDash(lineStart[next] + col, lineEnd[next]))
        return this.seq(next, col);
    }
    this.built = this.withTree ? { kind: 'scalar', start: emptyAt, end: emptyAt, value: null, empty: true } : undefined;
    return null;
  }

  /** The tree node of a scalar, when trees are built. */
  private scalar(start: number, end: number, value: unknown): YScalar | undefined {
    return this.withTree ? { kind: 'scalar', start, end, value } : undefined;
  }

  /** A value that starts on line li at pos: a scalar, a one-line flow collection, or a literal block. */
  private inline(li: number, pos: number, parentIndent: number): unknown {
    const t = this.text;
    const lineEndAt = lineEnd[li];
    this.i = li + 1;
    const c = t[pos];
    let end: number;
    let value: unknown;
    if (c === '|') return this.literal(li, pos, parentIndent);
    if (c === "'" || c === '"') {
      const q = this.quotedEnd(pos, lineEndAt);
      value = q.value;
      end = q.end;
    } else if (c === '[' || c === '{') {
      return this.flow(pos, lineEndAt);
    } else {
      if (INDICATOR_START.test(c) && !PLAIN_AFTER_INDICATOR.test(t.slice(pos, pos + 2))) throw new Unsupported();
      let e = lineEndAt;
      for (let q = pos + 1; q < e; q++) {
        if (t.charCodeAt(q) === 35 && t.charCodeAt(q - 1) === 32) {
          e = q - 1;
          break;
        }
      }
      while (e > pos && t.charCodeAt(e - 1) === 32) e--;
      const raw = t.slice(pos, e);
      if (raw.includes(': ') || raw.endsWith(':')) throw new Unsupported();
      const resolved = resolvePlain(raw);
      this.built = this.scalar(pos, e, resolved);
      return resolved;
    }
    this.rest(end, lineEndAt);
    this.built = this.scalar(pos, end, value);
    return value;
  }

  /** A flow sequence or map of scalars from pos to its closing bracket on the same line. */
  private flow(pos: number, lineEnd: number): unknown {
    const t = this.text;
    const isMap = t.charCodeAt(pos) === 123;
    const close = isMap ? 125 : 93;
    const items: YNode[] | undefined = this.withTree && !isMap ? [] : undefined;
    const list: unknown[] = [];
    const pairs: YPair[] | undefined = this.withTree && isMap ? [] : undefined;
    const object: Record<string, unknown> = {};
    let p = this.skipSpaces(pos + 1, lineEnd);
    if (t.charCodeAt(p) !== close) {
      for (;;) {
        if (isMap) {
          const keyStart = p;
          while (p < lineEnd && t.charCodeAt(p) !== 58) p++;
          // `{a:b}` is one key with no value: only `key: value` entries are read here
          if (p + 1 >= lineEnd || t.charCodeAt(p + 1) !== 32) throw new Unsupported();
          const key = t.slice(keyStart, p);
          if (!PLAIN_KEY.test(key) || key === '__proto__' || typeof resolvePlain(key) !== 'string')
            throw new Unsupported();
          if (Object.prototype.hasOwnProperty.call(object, key)) throw new Unsupported();
          object[key] = this.flowScalar(this.skipSpaces(p + 1, lineEnd), lineEnd);
          pairs?.push({ key, keyStart, keyEnd: p, value: this.built! });
          p = this.flowScalarEnd;
        } else {
          list.push(this.flowScalar(p, lineEnd));
          items?.push(this.built!);
          p = this.flowScalarEnd;
        }
        p = this.skipSpaces(p, lineEnd);
        const c = t.charCodeAt(p);
        if (c === close) break;
        if (c !== 44) throw new Unsupported();
        p = this.skipSpaces(p + 1, lineEnd);
        // a trailing comma is valid YAML but rare enough to leave to the full parser
        if (t.charCodeAt(p) === close) throw new Unsupported();
      }
    }
    if (p >= lineEnd) throw new Unsupported();
    const end = p + 1;
    this.rest(end, lineEnd);
    if (pairs) this.built = { kind: 'map', start: pos, end, pairs };
    else if (items) this.built = { kind: 'seq', start: pos, end, items };
    return isMap ? object : list;
  }

  /** A quoted or plain scalar inside a flow collection; flowScalarEnd is where it stops. */
  private flowScalar(pos: number, lineEnd: number): unknown {
    const t = this.text;
    const c = t[pos];
    if (c === "'" || c === '"') {
      const q = this.quotedEnd(pos, lineEnd);
      this.flowScalarEnd = q.end;
      this.built = this.scalar(pos, q.end, q.value);
      return q.value;
    }
    if (pos >= lineEnd || (INDICATOR_START.test(c) && !PLAIN_AFTER_INDICATOR.test(t.slice(pos, pos + 2))))
      throw new Unsupported();
    let e = pos + 1;
    for (; e < lineEnd; e++) {
      const d = t.charCodeAt(e);
      if (d === 44 || d === 93 || d === 125) break;
    }
    const startBody = pos + 1;
    if (FLOW_PLAIN_UNSURE.test(t.slice(startBody, e))) throw new Unsupported();
    while (e > pos && t.charCodeAt(e - 1) === 32) e--;
    const value = resolvePlain(t.slice(pos, e));
    this.flowScalarEnd = e;
    this.built = this.scalar(pos, e, value);
    return value;
  }

  /** A single- or double-quoted scalar (no escapes) that ends on this line. */
  private quotedEnd(pos: number, lineEnd: number): { end: number; value: string } {
    const t = this.text;
    if (t[pos] === '"') {
      const q = indexBefore(t, '"', pos + 1, lineEnd);
      if (q < 0) throw new Unsupported();
      const s = t.slice(pos + 1, q);
      if (s.includes('\\')) throw new Unsupported();
      return { end: q + 1, value: s };
    }
    let p = pos + 1;
    let s = '';
    for (;;) {
      const q = indexBefore(t, "'", p, lineEnd);
      if (q < 0) throw new Unsupported();
      s += t.slice(p, q);
      if (t[q + 1] === "'") {
        s += "'";
        p = q + 2;
        continue;
      }
      return { end: q + 1, value: s };
    }
  }

  private skipSpaces(p: number, end: number): number {
    while (p < end && this.text.charCodeAt(p) === 32) p++;
    return p;
  }

  /** After a quoted scalar: only spaces and a comment may follow. */
  private rest(p: number, end: number): void {
    if (p === end) return;
    if (this.text.charCodeAt(p) !== 32) throw new Unsupported();
    while (p < end && this.text.charCodeAt(p) === 32) p++;
    if (p < end && this.text.charCodeAt(p) !== 35) throw new Unsupported();
  }

  private literal(li: number, pos: number, parentIndent: number): unknown {
    const t = this.text;
    const header = /^\|([-+]?)[ ]*(?:#.*)?$/.exec(t.slice(pos, lineEnd[li]));
    if (!header) throw new Unsupported();
    const chomp = header[1];
    if (chomp === '+') throw new Unsupported();
    const headerEnd = pos + 1 + chomp.length;
    let j = li + 1;
    if (j >= this.count || lineStart[j] + lineIndent[j] === lineEnd[j]) {
      // leading empty lines decide the indentation in subtle ways; leave them to the full parser
      if (j < this.count - 1) throw new Unsupported();
      this.i = j;
      this.built = this.scalar(pos, headerEnd, '');
      return '';
    }
    if (lineIndent[j] <= parentIndent) {
      this.i = j;
      this.built = this.scalar(pos, headerEnd, '');
      return '';
    }
    const blockIndent = lineIndent[j];
    const parts: string[] = [];
    let lastContent = lineEnd[j];
    for (; j < this.count; j++) {
      const indent = lineIndent[j];
      const spacesOnly = lineStart[j] + indent === lineEnd[j];
      if (spacesOnly) {
        if (indent > blockIndent) throw new Unsupported();
        parts.push('');
        continue;
      }
      if (indent < blockIndent) {
        if (indent > parentIndent) throw new Unsupported();
        break;
      }
      parts.push(t.slice(lineStart[j] + blockIndent, lineEnd[j]));
      lastContent = lineEnd[j];
    }
    this.i = j;
    while (parts.length && parts[parts.length - 1] === '') parts.pop();
    const body = parts.join('\n');
    const value = chomp === '-' ? body : body + '\n';
    this.built = this.scalar(pos, lastContent, value);
    return value;
  }
}

/**
 * Parses one YAML document's text, or returns undefined when it needs the full parser; without `withTree` only
 * the value is built (the same texts are declined).
 */
export function parseFast(text: string, withTree = true): FastParse | undefined {
  if (hasUnsupportedChars(text)) return undefined;
  try {
    return new Parser(text, withTree).parse();
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
}
