import * as assert from 'assert';
import { applyMergePatch } from '../../kube/patch';

describe('JSON merge patch', () => {
  it('scales a Deployment the way kubectl scale does', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { replicas: 1, template: { spec: { containers: [{ name: 'web' }] } } },
    };
    const out: any = applyMergePatch(live, { spec: { replicas: 5 } });
    assert.deepStrictEqual(out, { ...live, spec: { ...live.spec, replicas: 5 } });
    assert.strictEqual(live.spec.replicas, 1, 'the input is not modified');
  });

  it('deletes with null, replaces lists whole and creates missing maps', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2, 3], keep: true };
    const out = applyMergePatch(target, { a: { b: null, d: { e: null, f: 1 } }, list: [9] });
    assert.deepStrictEqual(out, { a: { c: 2, d: { f: 1 } }, list: [9], keep: true });
  });

  it('replaces the target when the patch is not an object', () => {
    assert.deepStrictEqual(applyMergePatch({ a: 1 }, ['x']), ['x']);
    assert.strictEqual(applyMergePatch({ a: 1 }, 'text'), 'text');
    assert.deepStrictEqual(applyMergePatch('text', { a: 1 }), { a: 1 });
  });

  it('treats a "__proto__" key as data', () => {
    const out: any = applyMergePatch({ data: {} }, JSON.parse('{"data":{"__proto__":"v"}}'));
    assert.deepStrictEqual(Object.keys(out.data), ['__proto__']);
    assert.strictEqual(Object.getPrototypeOf(out.data), Object.prototype);
  });
});
