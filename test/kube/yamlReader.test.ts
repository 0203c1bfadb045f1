// The shared reader refuses text that would crash or stall the `yaml` package (deep nesting, huge key counts,
// mapping keys, alias chains) quickly and says why; ordinary manifests read as before.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { CST, parseAllDocuments, Parser } from 'yaml';
import { scanYamlNesting } from '../../kube/nestingScan';
import { corpus, mutate, rng } from '../server/mutations';
import { base64ErrorOffset } from '../../kube/base64';
import { NestingLimitError, readJson, readYamlDocuments, readYamlValue } from '../../kube/yamlReader';

const SAMPLES = path.join(__dirname, '../../../samples');

function yamlFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(full) : /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

function timed<T>(fn: () => T): { value?: T; error?: unknown; ms: number } {
  const start = process.hrtime.bigint();
  try {
    const value = fn();
    return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  } catch (error) {
    return { error, ms: Number(process.hrtime.bigint() - start) / 1e6 };
  }
}

const N = 1000;
const DEEP: Record<string, string> = {
  'flow mappings': 'a: ' + '{a: '.repeat(N) + '1' + '}'.repeat(N) + '\n',
  'flow lists': 'a: ' + '['.repeat(N) + ']'.repeat(N) + '\n',
  'block lists': '- '.repeat(N) + 'x\n',
  'complex keys': '? '.repeat(N) + 'x\n: y\n',
  'indented mappings': Array.from({ length: 150 }, (_, i) => ' '.repeat(i) + 'a:').join('\n') + ' 1\n',
};

describe('yamlReader: limits before parsing', () => {
  for (const [shape, text] of Object.entries(DEEP)) {
    it(`refuses ${shape} nested past 100 levels at once, naming the limit`, () => {
      const r = timed(() => readYamlDocuments(text));
      assert.ok(r.ms < 200, `${r.ms} ms`);
      assert.strictEqual(r.value?.documents.length, 0);
      assert.match(r.value!.refused!.message, /nested more than 100 levels deep/);
      assert.throws(() => readYamlValue(text), NestingLimitError);
    });
  }

  it('reads 100 levels, refuses 101, for YAML and JSON alike', () => {
    const yaml = (d: number) => 'a: ' + '['.repeat(d - 1) + ']'.repeat(d - 1) + '\n';
    const json = (d: number) => '['.repeat(d) + ']'.repeat(d);
    assert.ok(readYamlValue(yaml(100)));
    assert.throws(() => readYamlValue(yaml(101)), /more than 100 levels/);
    assert.ok(readJson(json(100)));
    assert.throws(() => readJson(json(101)), /more than 100 levels/);
    assert.throws(() => readJson('{"a":'.repeat(N) + '1' + '}'.repeat(N)), NestingLimitError);
  });

  it('refuses 150,000 JSON keys and 180,000 YAML labels within milliseconds, and reads 90,000', () => {
    const keys = (n: number) => '{' + Array.from({ length: n }, (_, i) => `"k${i}":"v"`).join(',') + '}';
    const labels = (n: number) =>
      'metadata:\n  labels:\n' + Array.from({ length: n }, (_, i) => `    k${i}: v`).join('\n') + '\n';
    for (const r of [timed(() => readJson(keys(150_000))), timed(() => readYamlValue(labels(180_000)))]) {
      assert.ok(r.error instanceof NestingLimitError && r.error.excess.kind === 'entries', String(r.error));
      assert.ok(r.ms < 500, `${r.ms} ms`);
    }
    assert.strictEqual(Object.keys(readJson(keys(90_000)) as object).length, 90_000);
  });

  it('finds duplicate keys in one pass (40,000 keys; the yaml package compares each key with every earlier one)', () => {
    const text = Array.from({ length: 40_000 }, (_, i) => `k${i}: v`).join('\n') + '\nk17: again\n';
    const r = timed(() => readYamlDocuments(text));
    assert.ok(r.ms < 3000, `${r.ms} ms`);
    const errors = r.value!.documents[0].errors;
    assert.deepStrictEqual(
      errors.map((e) => [e.code, e.message]),
      [['DUPLICATE_KEY', 'Map keys must be unique']],
    );
    assert.strictEqual(text.slice(errors[0].pos[0], errors[0].pos[0] + 3), 'k17');
  });

  it('refuses mappings or lists as keys, and alias chains that expand past the depth limit', () => {
    const [doc] = readYamlDocuments('? [a, b]\n: 1\n').documents;
    assert.deepStrictEqual(
      doc.errors.map((e) => e.code),
      ['NON_STRING_KEY'],
    );
    const chain =
      'a: &a ' + '['.repeat(60) + ']'.repeat(60) + '\nb: &b [*a]\nc: ' + '['.repeat(45) + '*b' + ']'.repeat(45) + '\n';
    assert.throws(() => readYamlValue(chain), /once its aliases are expanded/);
  });

  it('reads every sample manifest as the yaml package does', () => {
    const files = yamlFiles(SAMPLES);
    assert.ok(files.length > 5);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const ours = readYamlDocuments(text);
      assert.strictEqual(ours.refused, undefined, file);
      const theirs = parseAllDocuments(text, { uniqueKeys: true });
      const values = (docs: { errors: unknown[]; toJS(): unknown }[]) =>
        docs.map((d) => (d.errors.length ? 'error' : d.toJS()));
      assert.deepStrictEqual(values(ours.documents), values(Array.isArray(theirs) ? theirs : []), file);
    }
  });
});

/** Nesting of the parsed token tree, as the reader checks it exactly. */
function tokenDepth(text: string): number {
  let max = 0;
  const stack: { t: CST.Token; d: number }[] = [];
  for (const t of new Parser().parse(text)) if (t.type === 'document' && t.value) stack.push({ t: t.value, d: 0 });
  while (stack.length) {
    const { t, d } = stack.pop()!;
    if (t.type !== 'block-map' && t.type !== 'block-seq' && t.type !== 'flow-collection') continue;
    max = Math.max(max, d + 1);
    for (const it of t.items as { key?: CST.Token | null; value?: CST.Token }[])
      for (const c of [it.key, it.value]) if (c) stack.push({ t: c, d: d + 1 });
  }
  return max;
}

describe('yamlReader: the scan before parsing', () => {
  it('estimates the nesting of manifests and of seeded mutations of them within a few levels', () => {
    const random = rng(15);
    const estimate = (text: string): number => {
      let d = 1;
      while (scanYamlNesting(text, { maxDepth: d, maxEntries: Infinity })) d++;
      return d;
    };
    let checked = 0;
    for (const base of corpus()) {
      assert.ok(estimate(base) >= tokenDepth(base), base.slice(0, 80));
      for (let i = 0; i < 20; i++) {
        const text = mutate(base, random);
        const exact = tokenDepth(text);
        // broken YAML may hide a level or two from the scan; the token tree is checked exactly anyway
        assert.ok(Math.abs(estimate(text) - exact) <= 10, JSON.stringify(text));
        checked++;
      }
    }
    assert.ok(checked > 100);
  });
});

describe('base64 as Kubernetes decodes it', () => {
  it('accepts padded base64 with line breaks, and reports the byte Go reports for anything else', () => {
    for (const ok of ['', 'aGVsbG8=', 'aGk=', 'YWJj', 'YWJj\nZGVm', 'OTg3NjU0MzI='])
      assert.strictEqual(base64ErrorOffset(ok), undefined, ok);
    const bad: [string, number][] = [
      ['not base64!', 3],
      ['abc', 0],
      ['a===', 1],
      ['ab=c', 2],
      ['ab=', 3],
      ['abc=x', 4],
      ['YWJj*', 4],
      ['é', 0],
    ];
    for (const [text, offset] of bad) assert.strictEqual(base64ErrorOffset(text), offset, text);
  });
});
