// The fast parser agrees with the `yaml` package on every document it accepts, over the samples
// and thousands of seeded mutations of them; what it declines is left to the `yaml` package.

import * as assert from 'assert';
import { parseDocument, ScalarTag } from 'yaml';
import { withKubernetesScalars } from '../../kube/yamlScalars';
import { FastParse, parseFast as parseFastWithTree } from '../../server/documents/fastYaml';
import { parseFile, YamlDoc } from '../../server/documents/parsedFile';
import { parseFull } from '../../server/documents/yamlFallback';
import { nodeAtPath, YNode } from '../../server/documents/yamlTree';
import { corpus, mutate, rng } from './mutations';

/** Every key's offsets cover the key's text; every scalar's cover its source. */
function checkOffsets(text: string, node: YNode | undefined): void {
  if (!node) return;
  if (node.kind === 'map') {
    for (const p of node.pairs) {
      assert.strictEqual(text.slice(p.keyStart, p.keyEnd), p.key, JSON.stringify(text));
      checkOffsets(text, p.value);
    }
  } else if (node.kind === 'seq') {
    for (const it of node.items) checkOffsets(text, it);
  } else if (!node.empty && typeof node.value === 'string' && !/^["'|]/.test(text[node.start])) {
    assert.strictEqual(text.slice(node.start, node.end), node.value, JSON.stringify(text));
  }
}

/** The fast tree places every key and scalar where the `yaml` package's tree does. */
function sameTree(text: string, fast: YNode | undefined, full: YNode | undefined, at = '$'): void {
  const where = `${at} in ${JSON.stringify(text)}`;
  if (!fast || !full) return assert.strictEqual(fast, full, where);
  assert.strictEqual(fast.kind, full.kind, where);
  // where an empty value sits differs by the colon; nothing is written there
  if (!(fast.kind === 'scalar' && fast.empty)) assert.strictEqual(fast.start, full.start, `start of ${where}`);
  if (fast.kind === 'map' && full.kind === 'map') {
    assert.deepStrictEqual(
      fast.pairs.map((p) => [p.key, p.keyStart, p.keyEnd]),
      full.pairs.map((p) => [p.key, p.keyStart, p.keyEnd]),
      where,
    );
    fast.pairs.forEach((p, i) => sameTree(text, p.value, full.pairs[i].value, `${at}.${p.key}`));
  } else if (fast.kind === 'seq' && full.kind === 'seq') {
    assert.strictEqual(fast.items.length, full.items.length, where);
    fast.items.forEach((it, i) => sameTree(text, it, full.items[i], `${at}[${i}]`));
  } else if (fast.kind === 'scalar' && full.kind === 'scalar') {
    assert.deepStrictEqual(fast.value, full.value, where);
    assert.strictEqual(!!fast.empty, !!full.empty, `emptiness of ${where}`);
    // a block scalar's end is where its last line ends for one and after its line break for the other
    if (text[fast.start] !== '|' && !fast.empty) assert.strictEqual(fast.end, full.end, `end of ${where}`);
  }
  // a flow collection ends at its bracket in both
  if (fast.kind !== 'scalar' && /[[{]/.test(text[fast.start]))
    assert.strictEqual(fast.end, full.end, `end of ${where}`);
}

/**
 * The parse with a tree, held to the value-only parse a document is first read with (its tree read later): the
 * same texts declined, the same value.
 */
function parseFast(text: string): FastParse | undefined {
  const fast = parseFastWithTree(text);
  const valueOnly = parseFastWithTree(text, false);
  assert.strictEqual(!!valueOnly, !!fast, `the value-only parse declines differently: ${JSON.stringify(text)}`);
  if (fast && valueOnly) {
    assert.strictEqual(valueOnly.tree, undefined);
    assert.deepStrictEqual(valueOnly.value, fast.value, JSON.stringify(text));
  }
  return fast;
}

/** A parsed document's value, errors and span, for a document built around another tree. */
function rest(doc: YamlDoc): { value: unknown; errors: YamlDoc['errors']; span: [number, number] } {
  return { value: doc.value, errors: doc.errors, span: doc.span };
}

function reference(text: string): { ok: boolean; value?: unknown } {
  // scalars as Kubernetes reads them (YAML 1.1: `y` is true), as the fast parser and the fallback read them
  const doc = parseDocument(text, {
    uniqueKeys: true,
    logLevel: 'error',
    version: '1.1',
    customTags: (tags) => withKubernetesScalars(tags as ScalarTag[]),
  });
  if (doc.errors.length) return { ok: false };
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
}

describe('fast YAML parser', function () {
  it('accepts the sample manifests and reads them as the yaml package does', () => {
    let accepted = 0;
    for (const file of corpus()) {
      for (const { doc } of parseFile(file).docs) {
        const fast = parseFast(doc.text);
        const ref = reference(doc.text);
        if (fast) {
          accepted++;
          assert.ok(ref.ok, `accepted what yaml rejects:\n${doc.text}`);
          assert.deepStrictEqual(fast.value, ref.value ?? null);
          sameTree(doc.text, fast.tree, parseFull(doc.text).tree);
        }
      }
    }
    assert.ok(accepted > 20, `accepted ${accepted}`);
  });

  it('never disagrees with the yaml package on mutated manifests', () => {
    const random = rng(20251124);
    const files = corpus();
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      const text = mutate(files[i % files.length], random);
      for (const { doc } of parseFile(text).docs) {
        const fast = parseFast(doc.text);
        if (!fast) continue;
        accepted++;
        const ref = reference(doc.text);
        assert.ok(ref.ok, `accepted what yaml rejects:\n${JSON.stringify(doc.text)}`);
        assert.deepStrictEqual(fast.value, ref.value ?? null, JSON.stringify(doc.text));
        checkOffsets(doc.text, fast.tree);
        sameTree(doc.text, fast.tree, parseFull(doc.text).tree);
      }
    }
    assert.ok(accepted > 500, `accepted ${accepted}`);
  });

  it('reads one-line flow collections and scalars starting with `-`, `?` or `:` as the yaml package does', () => {
    const accepted: [string, unknown][] = [
      ['args: ["--config", "/etc/app/app.properties"]', { args: ['--config', '/etc/app/app.properties'] }],
      ['args: [--config, -Xmx1g, ?x, :8080]', { args: ['--config', '-Xmx1g', '?x', ':8080'] }],
      ["a: [ 1, true , ~, 'it''s', \"\" ] # comment", { a: [1, true, null, "it's", ''] }],
      ['a: []\nb: { }\nc: [ ]\nd: {}', { a: [], b: {}, c: [], d: {} }],
      ['selector: {app: web, tier: "front end"}', { selector: { app: 'web', tier: 'front end' } }],
      ['- [a b, c]\n- {k: 0x1F}\n- -v\n- --flag=1', [['a b', 'c'], { k: 31 }, '-v', '--flag=1']],
      ['[a, b]', ['a', 'b']],
      ['command:\n  - sh\n  - -c\n  - echo ok', { command: ['sh', '-c', 'echo ok'] }],
      ['opts: -XX:+UseG1GC', { opts: '-XX:+UseG1GC' }],
    ];
    for (const [text, value] of accepted) {
      const fast = parseFast(text);
      assert.ok(fast, `declined ${JSON.stringify(text)}`);
      assert.deepStrictEqual(fast.value, value, text);
      assert.deepStrictEqual(reference(text), { ok: true, value }, text);
      sameTree(text, fast.tree, parseFull(text).tree);
    }
    // valid YAML whose meaning needs the full rules, and errors: all left to the `yaml` package
    const declined = [
      'a: [a, b,]',
      'a: {a: b,}',
      'a: [a, [b]]',
      'a: {k: [1]}',
      'a: {a: }',
      'a: {a:b}',
      'a: [a:b]',
      'a: [a: b]',
      'a: [a #b]',
      'a: [a#b]',
      'a: [a"b]',
      'a: [?]',
      'a: [:]',
      'a: [-]',
      'a: [- a]',
      'a: [a, ,b]',
      'a: [,]',
      'a: [a]b',
      'a: [a],',
      'a: [!a]',
      'a: [&a b]',
      'a: {"a": 1}',
      'a: {a: 1, a: 2}',
      'a: ["a"b]',
      'a: [a,\n  b]',
      'a: :',
      'a: - b',
      'a: -',
      'a:\n  [a]\n  b',
      '[a]: b',
      '- [a]: b',
      "a: ['x' y]",
      'a: ["\\t"]',
      '{a: b}\nc: d',
    ];
    for (const text of declined) assert.strictEqual(parseFast(text), undefined, text);
  });

  it('never disagrees with the yaml package on mutated flow collections and dashed arguments', () => {
    const base = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    spec:',
      '      containers:',
      '        - name: app',
      '          args: ["--config", "/etc/app/app.properties", \'-v\']',
      '          command: [java, -Xmx1g, -jar, app.jar]  # start',
      '          env: []',
      '          ports: [80, 443]',
      '        - name: side',
      '          args:',
      '            - --port=9090',
      '            - -v',
      '            - ?q',
      '            - :x',
      "          nodeSelector: {disk: ssd, zone: 'a', rack: 1}",
      '',
    ].join('\n');
    const snippets = [
      '[',
      ']',
      '{',
      '}',
      ',',
      ', ',
      ': ',
      ':',
      '#',
      ' #',
      '"',
      "'",
      '-',
      '- ',
      '?',
      '? ',
      '&a ',
      '*a',
      '!x ',
      '\\',
      '[]',
      '{}',
      '""',
      'a b',
      '\n',
    ];
    const random = rng(4242);
    assert.ok(parseFast(base), 'the unmutated manifest is read');
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      let text = base;
      for (let s = 0; s < 1 + Math.floor(random() * 3); s++) {
        const at = Math.floor(random() * (text.length + 1));
        text =
          random() < 0.7
            ? text.slice(0, at) + snippets[Math.floor(random() * snippets.length)] + text.slice(at)
            : text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
      }
      const fast = parseFast(text);
      if (!fast) continue;
      accepted++;
      const ref = reference(text);
      assert.ok(ref.ok, `accepted what yaml rejects:\n${JSON.stringify(text)}`);
      assert.deepStrictEqual(fast.value, ref.value ?? null, JSON.stringify(text));
      checkOffsets(text, fast.tree);
      sameTree(text, fast.tree, parseFull(text).tree);
    }
    assert.ok(accepted > 150, `accepted ${accepted}`);
  });

  it('tells which nodes a document has from its value, as its tree, read later, tells', () => {
    let paths = 0;
    for (const file of corpus()) {
      for (const { doc } of parseFile(file).docs) {
        const fast = parseFastWithTree(doc.text, false);
        if (!fast) continue;
        const unread = new YamlDoc(doc.text, { tree: () => parseFastWithTree(doc.text)?.tree, ...rest(doc) });
        const tree = parseFastWithTree(doc.text)!.tree;
        const visit = (node: YNode | undefined, path: (string | number)[]): void => {
          // what is there, and keys and indexes that are not (inherited names included)
          for (const p of [path, [...path, 'constructor'], [...path, 'toString'], [...path, 99], [...path, '0']]) {
            assert.strictEqual(unread.has(p), nodeAtPath(tree, p) !== undefined, `${p.join('.')} in ${doc.text}`);
            paths++;
          }
          if (node?.kind === 'map') for (const pair of node.pairs) visit(pair.value, [...path, pair.key]);
          if (node?.kind === 'seq') node.items.forEach((item, i) => visit(item, [...path, i]));
        };
        visit(tree, []);
        assert.deepStrictEqual(unread.tree, tree, 'the tree read when first asked for');
      }
    }
    assert.ok(paths > 1000, `${paths} paths`);
  });

  it('places keys and values at their offsets', () => {
    const text = 'a: 1\nb:\n  - c: "x"\n    d: |\n      line\n';
    const fast = parseFast(text)!;
    assert.ok(fast.tree?.kind === 'map');
    const b = fast.tree.pairs[1];
    assert.strictEqual(text.slice(b.keyStart, b.keyEnd), 'b');
    assert.ok(b.value.kind === 'seq');
    const item = b.value.items[0];
    assert.ok(item.kind === 'map');
    assert.strictEqual(text.slice(item.pairs[0].value.start, item.pairs[0].value.end), '"x"');
    assert.deepStrictEqual(fast.value, { a: 1, b: [{ c: 'x', d: 'line\n' }] });
  });
});
