// Where a field error is underlined in the editor (server/positions.ts): the value for a bad value, the key for an
// unknown field, the parent's key for a missing one, the nearest ancestor when the path runs out; in file lines
// and UTF-16 columns, in multi-document files, CRLF files and lines with non-ASCII text.

import * as assert from 'assert';
import { FieldErrorType, mapKey, PathSegment } from '../../kube/fieldErrors';
import { parseFile } from '../../server/documents/parsedFile';
import { toFileRange } from '../../server/documents/placement';
import { fieldErrorRange, firstLineRange, walkPath } from '../../server/positions';

interface Underline {
  /** [line, character] of start and end, as the editor gets them */
  start: [number, number];
  end: [number, number];
  /** the text the range covers */
  text: string;
}

/** The underline of an error at `path` in the `docIndex`th document of `text`, in file coordinates. */
function underline(text: string, docIndex: number, path: PathSegment[], type: FieldErrorType): Underline {
  const placed = parseFile(text).docs[docIndex];
  const r = toFileRange(fieldErrorRange(placed.doc, path, type), placed.line);
  return {
    start: [r.start.line, r.start.character],
    end: [r.end.line, r.end.character],
    text: covered(text, r.start, r.end),
  };
}

/** The file text between two positions (lines split on \n, columns in UTF-16 code units, as LSP counts). */
function covered(text: string, start: { line: number; character: number }, end: { line: number; character: number }) {
  const lines = text.split('\n');
  if (start.line === end.line) return lines[start.line].slice(start.character, end.character);
  return [
    lines[start.line].slice(start.character),
    ...lines.slice(start.line + 1, end.line),
    lines[end.line].slice(0, end.character),
  ].join('\n');
}

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  replicas: three',
  '  replica: 2',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '          ports:',
  '            - containerPort: 80',
  '',
].join('\n');

describe('server/positions: where a field error is underlined', () => {
  it('a bad value underlines the value', () => {
    assert.deepStrictEqual(underline(DEPLOYMENT, 0, ['spec', 'replicas'], 'FieldValueInvalid'), {
      start: [5, 12],
      end: [5, 17],
      text: 'three',
    });
  });

  it('an unknown field underlines its key', () => {
    assert.deepStrictEqual(underline(DEPLOYMENT, 0, ['spec', 'replica'], 'FieldValueUnknown'), {
      start: [6, 2],
      end: [6, 9],
      text: 'replica',
    });
  });

  it("a missing field underlines its parent's key", () => {
    assert.deepStrictEqual(underline(DEPLOYMENT, 0, ['spec', 'selector'], 'FieldValueRequired'), {
      start: [4, 0],
      end: [4, 4],
      text: 'spec',
    });
    // in a list item, which has no key of its own: the item's first key
    const missing = ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy'];
    assert.deepStrictEqual(underline(DEPLOYMENT, 0, missing, 'FieldValueRequired'), {
      start: [10, 10],
      end: [10, 14],
      text: 'name',
    });
  });

  it('a path that runs out underlines the nearest ancestor the document has', () => {
    const u = underline(DEPLOYMENT, 0, ['spec', 'template', 'metadata', 'labels', 'app'], 'FieldValueInvalid');
    assert.deepStrictEqual(u, { start: [7, 2], end: [7, 10], text: 'template' });
  });

  it('a bad list item underlines the first line of the item; a bad value inside it, the value', () => {
    const containers = ['spec', 'template', 'spec', 'containers'];
    const item = underline(DEPLOYMENT, 0, [...containers, 0], 'FieldValueInvalid');
    assert.deepStrictEqual(item, { start: [10, 10], end: [10, 19], text: 'name: web' });
    // paths from JSON pointers carry indexes as strings
    const port = underline(DEPLOYMENT, 0, [...containers, '0', 'ports', '0', 'containerPort'], 'FieldValueInvalid');
    assert.deepStrictEqual(port, { start: [13, 29], end: [13, 31], text: '80' });
    const ports = underline(DEPLOYMENT, 0, [...containers, 0, 'ports'], 'FieldValueTypeInvalid');
    assert.strictEqual(ports.text, 'ports', 'a collection value is shown by its key');
  });

  it('a map key segment (`requests[cpu]`) finds its entry; a missing one, the map', () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'spec:',
      '  containers:',
      '    - name: app',
      '      resources:',
      '        requests:',
      '          app.kubernetes.io/gpu: 1',
      '          cpu: -1',
      '',
    ].join('\n');
    const requests = ['spec', 'containers', 0, 'resources', 'requests'];
    assert.deepStrictEqual(underline(text, 0, [...requests, mapKey('cpu')], 'FieldValueInvalid'), {
      start: [8, 15],
      end: [8, 17],
      text: '-1',
    });
    const gpu = underline(text, 0, [...requests, mapKey('app.kubernetes.io/gpu')], 'FieldValueInvalid');
    assert.strictEqual(gpu.text, '1', 'a key with dots and slashes is one key');
    const memory = underline(text, 0, [...requests, mapKey('memory')], 'FieldValueRequired');
    assert.strictEqual(memory.text, 'requests');
  });

  it('an error about the whole object underlines `kind: ...`', () => {
    assert.deepStrictEqual(underline(DEPLOYMENT, 0, [], 'FieldValueInvalid'), {
      start: [1, 0],
      end: [1, 16],
      text: 'kind: Deployment',
    });
  });

  it('in the second document of a file, lines count from the top of the file', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: first',
      '---',
      '# the second one',
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      '  name: second',
      'spec:',
      '  ports:',
      '    - port: eighty',
      '',
    ].join('\n');
    assert.strictEqual(parseFile(text).docs.length, 2);
    assert.deepStrictEqual(underline(text, 1, ['spec', 'ports', 0, 'port'], 'FieldValueInvalid'), {
      start: [12, 12],
      end: [12, 18],
      text: 'eighty',
    });
    assert.deepStrictEqual(underline(text, 1, ['metadata', 'labels'], 'FieldValueRequired'), {
      start: [8, 0],
      end: [8, 8],
      text: 'metadata',
    });
  });

  it('CRLF files: the same columns, and no underline takes in the carriage return', () => {
    const text = DEPLOYMENT.replace(/\n/g, '\r\n');
    const value = underline(text, 0, ['spec', 'replicas'], 'FieldValueInvalid');
    assert.deepStrictEqual(value, { start: [5, 12], end: [5, 17], text: 'three' });
    const item = underline(text, 0, ['spec', 'template', 'spec', 'containers', 0], 'FieldValueInvalid');
    assert.deepStrictEqual(item, { start: [10, 10], end: [10, 19], text: 'name: web' });
    const placed = parseFile(text).docs[0];
    const spec = walkPath(placed.doc.tree, ['spec']).pop()!.node;
    const first = firstLineRange(placed.doc, spec);
    assert.strictEqual(covered(text, first.start, first.end), 'replicas: three');
  });

  it('non-ASCII text before a field: columns count UTF-16 code units, as the editor does', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: café',
      '  labels: {tier: "🚀日本", app: 12}',
      'data:',
      '  ключ: значение',
      '',
    ].join('\n');
    const label = underline(text, 0, ['metadata', 'labels', 'app'], 'FieldValueTypeInvalid');
    // "🚀" is two code units: `  labels: {tier: "🚀日本", app: ` is 30 of them
    assert.deepStrictEqual(label, { start: [4, 30], end: [4, 32], text: '12' });
    const key = underline(text, 0, ['data', 'ключ'], 'FieldValueUnknown');
    assert.deepStrictEqual(key, { start: [6, 2], end: [6, 6], text: 'ключ' });
    const name = underline(text, 0, ['metadata', 'name'], 'FieldValueInvalid');
    assert.deepStrictEqual(name, { start: [3, 8], end: [3, 12], text: 'café' });
  });
});
