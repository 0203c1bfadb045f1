// A cheap linear look at JSON or YAML text before any parser sees it: how deep its mappings and lists nest
// and how many keys and list items it holds. The `yaml` package recurses once per level (its stack runs out
// near 1,000 levels, and running out inside V8's regular expression compiler aborts the process) and takes
// seconds for a few hundred thousand keys; this scan refuses such text in milliseconds. It follows the `yaml`
// lexer's rules for what is a scalar (quoted, block and multi-line plain scalars, comments) so that brackets
// and dashes inside text do not count, and reads block nesting from the columns of `-`, `?` and `key:`.
// It is an estimate that errs high; yamlReader checks the parsed token tree exactly.

export interface NestingLimits {
  /** deepest nesting of mappings and lists allowed */
  maxDepth: number;
  /** keys and list items allowed in the whole text */
  maxEntries: number;
}

export interface NestingExcess {
  kind: 'depth' | 'entries';
  /** offset in the text where the limit was passed */
  offset: number;
}

const SPACE = 32;
const TAB = 9;
const LF = 10;
const CR = 13;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === LF || c === CR || Number.isNaN(c);
}

function isFlowIndicator(c: number): boolean {
  return c === 44 /* , */ || c === 91 /* [ */ || c === 93 /* ] */ || c === 123 /* { */ || c === 125; /* } */
}

/** JSON text: brackets outside strings. Exact for valid JSON. */
export function scanJsonNesting(text: string, limits: NestingLimits): NestingExcess | undefined {
  let depth = 0;
  let entries = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // jump to the closing quote that no odd run of backslashes escapes
      let end = text.indexOf('"', i + 1);
      while (end !== -1) {
        let k = end - 1;
        while (text.charCodeAt(k) === 92 /* \ */) k--;
        if ((end - 1 - k) % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return undefined; // JSON.parse reports it
      i = end;
    } else if (c === 123 || c === 91) {
      if (++depth > limits.maxDepth) return { kind: 'depth', offset: i };
      if (++entries > limits.maxEntries) return { kind: 'entries', offset: i };
    } else if (c === 125 || c === 93) {
      depth--;
    } else if (c === 44) {
      if (++entries > limits.maxEntries) return { kind: 'entries', offset: i };
    }
  }
  return undefined;
}

const SEQ = 0;
const MAP = 1;

/** YAML text (any number of documents). */
export function scanYamlNesting(text: string, limits: NestingLimits): NestingExcess | undefined {
  return new YamlScan(text, limits).run();
}

class YamlScan {
  private readonly n: number;
  private pos = 0;
  private lineStart = 0;
  private atLineStart = true;
  /** open block collections: their columns and kinds, innermost last */
  private readonly cols: number[] = [];
  private readonly kinds: number[] = [];
  private flow = 0;
  private entries = 0;
  private excess: NestingExcess | undefined;
  /** what earlier lines left open: a multi-line plain scalar or a block scalar (| or >) */
  private mode: 'none' | 'plain' | 'block' = 'none';
  private blockParent = -1;
  private blockIndent = -1;
  /** the next token continues a plain scalar from an earlier line */
  private plainGoesOn = false;
  /** column of the node just read on this line, which a following `:` makes a key; -1 if none */
  private keyCol = -1;
  private flowStartCol = -1;
  /** inside flow context: in the middle of a plain scalar, where quotes and `#` are text */
  private flowPlain = false;
  /** the last line break inside the quoted scalar just read, or -1 */
  private lastLf = -1;
  private nextLf = -1;

  constructor(
    private readonly text: string,
    private readonly limits: NestingLimits,
  ) {
    this.n = text.length;
    if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
  }

  run(): NestingExcess | undefined {
    while (this.pos < this.n && !this.excess) {
      if (this.atLineStart) this.lineStartStep();
      else if (this.flow > 0) this.flowStep();
      else this.blockStep();
    }
    return this.excess;
  }

  private c(at: number): number {
    return this.text.charCodeAt(at);
  }

  /** the first line break at or after `from` (remembered: one line is never searched twice) */
  private eol(from: number): number {
    if (from <= this.nextLf) return this.nextLf;
    const e = this.text.indexOf('\n', from);
    return (this.nextLf = e === -1 ? this.n : e);
  }

  private minIndent(): number {
    return this.cols.length ? this.cols[this.cols.length - 1] + 1 : 0;
  }

  private indentAt(from: number): number {
    let k = from;
    while (this.c(k) === SPACE) k++;
    return k - from;
  }

  private docMarker(at: number): boolean {
    const c = this.c(at);
    if (c !== 45 && c !== 46) return false;
    return this.c(at + 1) === c && this.c(at + 2) === c && isBlank(this.c(at + 3));
  }

  private count(at: number): void {
    if (++this.entries > this.limits.maxEntries && !this.excess) this.excess = { kind: 'entries', offset: at };
  }

  private deeper(at: number): void {
    if (this.cols.length + this.flow > this.limits.maxDepth && !this.excess)
      this.excess = { kind: 'depth', offset: at };
  }

  /** A block entry (`-`, `?`, `:` or `key:`) at this column: a sibling, or a new collection inside. */
  private entry(col: number, kind: number, at: number): void {
    const { cols, kinds } = this;
    while (cols.length) {
      const top = cols.length - 1;
      // a list may sit at its parent mapping's column; the mapping's next key ends it
      if (cols[top] > col || (cols[top] === col && kinds[top] === SEQ && kind === MAP)) {
        cols.pop();
        kinds.pop();
      } else break;
    }
    this.count(at);
    const top = cols.length - 1;
    if (top >= 0 && cols[top] === col && kinds[top] === kind) return;
    cols.push(col);
    kinds.push(kind);
    this.deeper(at);
  }

  /**
   * Whether a scalar goes on at the line starting at `from` (the lexer's continueScalar): a blank line, or one
   * more indented than the collection it is in; never past a document marker.
   */
  private continues(from: number): boolean {
    if (this.docMarker(from)) return false;
    const ind = this.indentAt(from);
    const c = this.c(from + ind);
    return c === LF || c === CR || Number.isNaN(c) || ind >= this.minIndent();
  }

  /** The offset after a quoted scalar starting at `at`; an unindented line ends it, as in the lexer. */
  private quoted(at: number): number {
    const q = this.c(at);
    let k = at + 1;
    for (;;) {
      const c = this.c(k);
      if (Number.isNaN(c)) return this.n;
      if (c === q) {
        if (q === 39 && this.c(k + 1) === 39) k += 2;
        else return k + 1;
      } else if (c === 92 && q === 34) k += 2;
      else if (c === LF) {
        if (!this.continues(k + 1)) return k;
        this.lastLf = k;
        k++;
      } else k++;
    }
  }

  private afterQuoted(start: number, col: number): void {
    this.lastLf = -1;
    const end = this.quoted(start);
    const lf = this.lastLf;
    if (lf >= start) {
      // it spanned lines: columns now count from its last line, and it cannot be a key
      this.lineStart = lf + 1;
      this.keyCol = -1;
    } else this.keyCol = col;
    this.pos = end;
  }

  private lineStartStep(): void {
    const at = this.pos;
    this.lineStart = at;
    this.keyCol = -1;
    if (this.docMarker(at)) {
      this.cols.length = 0;
      this.kinds.length = 0;
      this.flow = 0;
      this.mode = 'none';
      this.plainGoesOn = false;
      this.pos = at + 3;
      this.atLineStart = false;
      return;
    }
    const ind = this.indentAt(at);
    const c = this.c(at + ind);
    const blank = c === LF || c === CR || Number.isNaN(c);
    if (this.mode === 'block') {
      // block scalar text: lines more indented than its parent collection and not less than its first line
      if (blank || (ind > this.blockParent && (this.blockIndent === -1 || ind >= this.blockIndent))) {
        if (!blank && this.blockIndent === -1) this.blockIndent = ind;
        this.pos = this.eol(at) + 1;
        return;
      }
      this.mode = 'none';
    } else if (this.mode === 'plain') {
      if (blank) {
        this.pos = this.eol(at) + 1;
        return;
      }
      if (c !== 35 && ind >= this.minIndent()) this.plainGoesOn = true;
      else this.mode = 'none';
    }
    if (this.flow > 0 && !blank && c !== 35 && ind < this.minIndent()) {
      // an unindented line ends a flow collection (an error the parser reports), except its closing bracket
      if (!(this.flow === 1 && ind === this.minIndent() - 1 && (c === 93 || c === 125))) this.flow = 0;
    }
    if (this.flow > 0 && c === 35) {
      // a comment line inside a flow collection, even after a plain scalar
      this.pos = this.eol(at);
      this.atLineStart = false;
      return;
    }
    this.pos = at + ind;
    this.atLineStart = false;
  }

  private blockStep(): void {
    let k = this.pos;
    while (this.c(k) === SPACE || this.c(k) === TAB || this.c(k) === CR) k++;
    this.pos = k;
    const c = this.c(k);
    if (c === LF || Number.isNaN(c)) {
      this.pos = k + 1;
      this.atLineStart = true;
      return;
    }
    if (this.plainGoesOn) {
      this.plainGoesOn = false;
      this.plain(-1);
      return;
    }
    const col = k - this.lineStart;
    const keyCol = this.keyCol;
    this.keyCol = -1;
    if ((c === 45 || c === 63 || c === 58) && isBlank(this.c(k + 1))) {
      // `:` after a node on this line makes that node a key; alone it is an explicit value
      this.entry(c === 58 && keyCol >= 0 ? keyCol : col, c === 45 ? SEQ : MAP, k);
      this.mode = 'none';
      this.pos = k + 1;
      return;
    }
    this.mode = 'none';
    switch (c) {
      case 35: // # comment
        this.pos = this.eol(k);
        return;
      case 33: // ! tag
      case 38: // & anchor
        while (!isBlank(this.c(k))) k++;
        this.pos = k;
        return;
      case 91:
      case 123:
        this.flow = 1;
        this.flowPlain = false;
        this.flowStartCol = col;
        this.count(k);
        this.deeper(k);
        this.pos = k + 1;
        return;
      case 34:
      case 39:
        this.afterQuoted(k, col);
        return;
      case 124: // | or > block scalar
      case 62:
        this.mode = 'block';
        this.blockParent = this.cols.length ? this.cols[this.cols.length - 1] : -1;
        this.blockIndent = -1;
        this.pos = this.eol(k);
        return;
      case 42: // *alias
        while (!isBlank(this.c(k)) && !isFlowIndicator(this.c(k))) k++;
        this.keyCol = col;
        this.pos = k;
        return;
      case 93:
      case 125:
        this.pos = k + 1;
        return;
      default:
        this.plain(col);
    }
  }

  /** A plain scalar from pos to `: ` (a key at keyCol, when it began on this line), ` #` or the line's end. */
  private plain(keyCol: number): void {
    const eol = this.eol(this.pos);
    for (let k = this.pos; k < eol; k++) {
      const c = this.c(k);
      if (c === 58 && isBlank(this.c(k + 1))) {
        this.mode = 'none';
        if (keyCol >= 0) this.entry(keyCol, MAP, k);
        this.pos = k + 1;
        return;
      }
      if ((c === SPACE || c === TAB) && this.c(k + 1) === 35) {
        this.mode = 'none';
        this.pos = this.eol(k);
        return;
      }
    }
    this.mode = 'plain';
    this.pos = eol;
  }

  private flowStep(): void {
    const k = this.pos;
    const c = this.c(k);
    if (c === LF) {
      this.pos = k + 1;
      this.atLineStart = true;
      return;
    }
    if (c === SPACE || c === TAB || c === CR) {
      this.pos = this.c(k + 1) === 35 ? this.eol(k) : k + 1;
      return;
    }
    if (c === 35 && !this.flowPlain) {
      this.pos = this.eol(k);
      return;
    }
    this.pos = k + 1;
    if (c === 91 || c === 123) {
      this.flowPlain = false;
      this.flow++;
      this.count(k);
      this.deeper(k);
    } else if (c === 93 || c === 125) {
      this.flowPlain = false;
      if (--this.flow <= 0) {
        this.flow = 0;
        // block context again: the collection may be a key (`{a: 1}: x`)
        this.keyCol = this.flowStartCol;
      }
    } else if (c === 44) {
      this.flowPlain = false;
      this.count(k);
    } else if ((c === 34 || c === 39) && !this.flowPlain) {
      this.afterQuoted(k, -1);
      this.keyCol = -1;
    } else if (c === 58 && (isBlank(this.c(k + 1)) || isFlowIndicator(this.c(k + 1)))) {
      this.flowPlain = false;
    } else if ((c === 63 || c === 45) && !this.flowPlain && isBlank(this.c(k + 1))) {
      // an explicit key, or (an error) a block list item inside flow
    } else {
      this.flowPlain = true;
    }
  }
}
