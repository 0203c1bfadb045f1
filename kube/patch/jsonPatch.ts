// RFC 6902 JSON patch (application/json-patch+json), applied strictly: every path an operation
// reads or replaces must exist, and a failed "test" rejects the whole patch. `rollout undo` relies
// on that strictness (its "replace /metadata/annotations" must fail when there are none).
import { applyOperation, Operation } from 'fast-json-patch';
import { JsonValue, PatchError, cloneJson, isJsonObject, jsonEqual } from './mergePatch';

export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: JsonValue }
  | { op: 'remove'; path: string }
  | { op: 'move' | 'copy'; path: string; from: string };

const OPS = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

// The real API server caps the number of operations to bound the work one request can cause.
const MAX_OPERATIONS = 10000;

/** Applies a JSON patch to a copy of `target`; throws PatchError (400 malformed, 422 not applicable). */
export function applyJsonPatch(target: unknown, ops: unknown): JsonValue {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be a list of operations', 400);
  if (ops.length > MAX_OPERATIONS)
    throw new PatchError(`the JSON patch has ${ops.length} operations, more than the allowed ${MAX_OPERATIONS}`);
  let doc = cloneJson(target as JsonValue);
  ops.forEach((raw, i) => {
    const op = checkShape(raw, i);
    checkApplicable(doc, op, i);
    try {
      // value is cloned so the result never shares structure with the request body
      const copy = 'value' in op ? { ...op, value: cloneJson(op.value) } : op;
      doc = applyOperation(doc, copy as Operation, false, true).newDocument;
    } catch (e) {
      // the library refuses to write prototype keys ("__proto__", "constructor/prototype")
      const why =
        e instanceof TypeError
          ? `path ${JSON.stringify(op.path)} cannot be written`
          : e instanceof Error
            ? e.message
            : String(e);
      throw new PatchError(`${describe(op, i)} failed: ${why}`);
    }
  });
  return doc;
}

function describe(op: { op: string }, i: number): string {
  return `JSON patch operation ${i} (${op.op})`;
}

function checkShape(raw: unknown, i: number): JsonPatchOperation {
  if (!isJsonObject(raw)) throw new PatchError(`JSON patch operation ${i} is not an object`, 400);
  const { op, path, from } = raw;
  if (typeof op !== 'string' || !OPS.has(op))
    throw new PatchError(`JSON patch operation ${i} has an unknown op ${JSON.stringify(op ?? null)}`, 400);
  if (typeof path !== 'string') throw new PatchError(`${describe({ op }, i)} has no "path"`, 400);
  if (parsePointer(path) === undefined)
    throw new PatchError(`${describe({ op }, i)} has an invalid path ${JSON.stringify(path)}`, 400);
  if ((op === 'move' || op === 'copy') && (typeof from !== 'string' || parsePointer(from) === undefined)) {
    throw new PatchError(`${describe({ op }, i)} needs a valid "from" path`, 400);
  }
  if ((op === 'add' || op === 'replace' || op === 'test') && !('value' in raw)) {
    throw new PatchError(`${describe({ op }, i)} on ${JSON.stringify(path)} has no "value"`, 400);
  }
  return raw as unknown as JsonPatchOperation;
}

/** JSON pointer tokens, or undefined when the text is not a pointer. */
function parsePointer(p: string): string[] | undefined {
  if (p === '') return [];
  if (!p.startsWith('/') || /~[^01]|~$/.test(p)) return undefined;
  return p
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(token: string, length: number, allowEnd: boolean): number | undefined {
  if (allowEnd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const n = Number(token);
  return n < length + (allowEnd ? 1 : 0) ? n : undefined;
}

type Lookup = { found: true; value: JsonValue } | { found: false };

function lookup(doc: JsonValue, tokens: string[]): Lookup {
  let cur: JsonValue = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(t, cur.length, false);
      if (i === undefined) return { found: false };
      cur = cur[i];
    } else if (isJsonObject(cur) && Object.prototype.hasOwnProperty.call(cur, t)) {
      cur = cur[t];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: cur };
}

function checkApplicable(doc: JsonValue, op: JsonPatchOperation, i: number): void {
  const tokens = parsePointer(op.path)!;
  const where = JSON.stringify(op.path);
  const fail = (why: string): never => {
    throw new PatchError(`${describe(op, i)} failed: ${why}`);
  };
  switch (op.op) {
    case 'remove':
      if (tokens.length === 0) fail('the whole document cannot be removed');
      if (!lookup(doc, tokens).found) fail(`path ${where} does not exist`);
      return;
    case 'replace':
      if (!lookup(doc, tokens).found) fail(`path ${where} does not exist`);
      return;
    case 'test': {
      const at = lookup(doc, tokens);
      if (!at.found) fail(`path ${where} does not exist`);
      if (at.found && !jsonEqual(at.value, op.value)) fail(`the value at ${where} is not the expected value`);
      return;
    }
    case 'move':
    case 'copy': {
      if (!lookup(doc, parsePointer(op.from)!).found) fail(`"from" path ${JSON.stringify(op.from)} does not exist`);
      if (op.op === 'move' && op.path.startsWith(op.from + '/'))
        fail(`cannot move ${JSON.stringify(op.from)} into its own child ${where}`);
      checkAddTarget(doc, tokens, fail, where);
      return;
    }
    case 'add':
      checkAddTarget(doc, tokens, fail, where);
      return;
  }
}

function checkAddTarget(doc: JsonValue, tokens: string[], fail: (why: string) => never, where: string): void {
  if (tokens.length === 0) return;
  const parent = lookup(doc, tokens.slice(0, -1));
  if (!parent.found) fail(`the parent of path ${where} does not exist`);
  const container = (parent as { value: JsonValue }).value;
  const last = tokens[tokens.length - 1];
  if (Array.isArray(container)) {
    if (arrayIndex(last, container.length, true) === undefined)
      fail(`index ${JSON.stringify(last)} in ${where} is out of range for a list of ${container.length}`);
  } else if (!isJsonObject(container)) {
    fail(`the parent of path ${where} is not an object or a list`);
  }
}
