import * as assert from 'assert';
import { keyOf, objectKey, splitKey } from '../../kube/objects';

describe('object keys', () => {
  it('splits a key without a namespace into a cluster-scoped name', () => {
    assert.deepStrictEqual(splitKey('foo'), ['', 'foo']);
    assert.deepStrictEqual(splitKey(keyOf({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } })), [
      '',
      'prod',
    ]);
  });

  it('splits "namespace/name" at the first slash', () => {
    assert.deepStrictEqual(splitKey('default/web'), ['default', 'web']);
    assert.deepStrictEqual(splitKey(objectKey('ns', 'a')), ['ns', 'a']);
  });

  it('round-trips every key objectKey makes', () => {
    for (const ns of [undefined, '', 'default', 'kube-system']) {
      for (const name of ['a', 'web-0', 'x.y.z']) {
        assert.deepStrictEqual(splitKey(objectKey(ns, name)), [ns ?? '', name]);
      }
    }
  });
});
