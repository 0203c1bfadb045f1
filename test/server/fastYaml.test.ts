// The fast parser agrees with the `yaml` package on every document it accepts, over the samples
// and thousands of seeded mutations of them; what it declines is left to the `yaml` package.

import * as assert from 'assert';
import { parseDocument } from 'yaml';
import { parseFast } from '../../server/documents/fastYaml';
import { parseFile } from '../../server/documents/parsedFile';
import { YNode } from '../../server/documents/yamlTree';
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

function reference(text: string): { ok: boolean; value?: unknown } {
  const doc = parseDocument(text, { uniqueKeys: true, logLevel: 'error' });
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
      }
    }
    assert.ok(accepted > 500, `accepted ${accepted}`);
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
