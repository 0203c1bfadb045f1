// A set of field paths in Kubernetes' FieldsV1 notation ("f:spec", "k:{\"name\":\"web\"}", "v:\"x\"", "i:0",
// "." for the node itself): what a manager owns in metadata.managedFields, and the set algebra apply needs.
import { isJsonObject } from './mergePatch';

export type FieldsV1 = { [element: string]: FieldsV1 };

/** A path is a list of FieldsV1 elements, e.g. ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"a"}']. */
export type FieldPath = readonly string[];

const ELEMENT_RANK: Record<string, number> = { f: 0, k: 1, v: 2, i: 3 };

function compareElements(a: string, b: string): number {
  const ra = ELEMENT_RANK[a[0]] ?? 4;
  const rb = ELEMENT_RANK[b[0]] ?? 4;
  if (ra !== rb) return ra - rb;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A set of field paths, kept as the tree FieldsV1 serialises. Operations return new sets. */
export class FieldSet {
  private member = false;
  private readonly children = new Map<string, FieldSet>();

  static fromFieldsV1(raw: unknown): FieldSet {
    const set = new FieldSet();
    if (!isJsonObject(raw)) return set;
    for (const [el, sub] of Object.entries(raw)) {
      if (el === '.') {
        set.member = true;
        continue;
      }
      const child = FieldSet.fromFieldsV1(sub);
      // "f:x": {} means x itself is in the set
      if (child.isEmpty()) child.member = true;
      set.children.set(el, child);
    }
    return set;
  }

  toFieldsV1(): FieldsV1 {
    const out: FieldsV1 = {};
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const el of [...this.children.keys()].sort(compareElements)) out[el] = this.children.get(el)!.toFieldsV1();
    return out;
  }

  isEmpty(): boolean {
    return !this.member && this.children.size === 0;
  }

  insert(path: FieldPath): void {
    if (path.length === 0) return; // the object root is never tracked
    let node: FieldSet = this;
    for (const el of path) {
      let next = node.children.get(el);
      if (!next) node.children.set(el, (next = new FieldSet()));
      node = next;
    }
    node.member = true;
  }

  private node(path: FieldPath): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const el of path) node = node?.children.get(el);
    return node;
  }

  has(path: FieldPath): boolean {
    return path.length > 0 && this.node(path)?.member === true;
  }

  /** Whether some member lies strictly below `path`. */
  hasMemberBelow(path: FieldPath): boolean {
    const n = this.node(path);
    return n !== undefined && n.children.size > 0;
  }

  /** Members in FieldsV1 order, parents before their children. */
  members(): string[][] {
    const out: string[][] = [];
    const walk = (n: FieldSet, prefix: string[]): void => {
      if (n.member && prefix.length) out.push(prefix);
      for (const el of [...n.children.keys()].sort(compareElements)) walk(n.children.get(el)!, [...prefix, el]);
    };
    walk(this, []);
    return out;
  }

  /** A deep copy (sets are changed in place while they are built). */
  private copy(): FieldSet {
    const out = new FieldSet();
    out.member = this.member;
    for (const [el, c] of this.children) out.children.set(el, c.copy());
    return out;
  }

  union(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member || other.member;
    for (const [el, a] of this.children) {
      const b = other.children.get(el);
      out.children.set(el, b ? a.union(b) : a.copy());
    }
    for (const [el, b] of other.children) if (!this.children.has(el)) out.children.set(el, b.copy());
    return out;
  }

  difference(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && !other.member;
    for (const [el, a] of this.children) {
      const b = other.children.get(el);
      const d = b ? a.difference(b) : a.copy();
      if (!d.isEmpty()) out.children.set(el, d);
    }
    return out;
  }

  intersection(other: FieldSet): FieldSet {
    const out = new FieldSet();
    out.member = this.member && other.member;
    for (const [el, a] of this.children) {
      const b = other.children.get(el);
      if (!b) continue;
      const i = a.intersection(b);
      if (!i.isEmpty()) out.children.set(el, i);
    }
    return out;
  }

  /** This set without `path` and everything below it. */
  withoutSubtree(path: FieldPath): FieldSet {
    const cut = new FieldSet();
    const n = this.node(path);
    if (!n || path.length === 0) return this.union(cut);
    cut.insert(path);
    for (const m of n.members()) cut.insert([...path, ...m]);
    return this.difference(cut);
  }
}
