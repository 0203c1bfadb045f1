// Which live objects a sync prunes: the one decision the sync, the app's status and `slipway diff` share.
import * as assert from 'assert';
import { resourceKey } from '../../syncer/desiredState';
import { deletionDiff } from '../../syncer/diff';
import { keepOnPrune, liveNotInGit, pruneCandidates } from '../../syncer/prune';
import { trackedBy } from '../../syncer/tracking';

const app = { name: 'shop', namespace: 'apps' };

function cm(name: string, annotations: Record<string, string> = {}, extra: any = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name,
      namespace: 'shop',
      annotations: { 'slipway.dev/application': 'apps/shop', ...annotations },
      ...extra,
    },
    data: { k: 'v' },
  };
}

describe('prune decisions', () => {
  it('reads Prune=false from either sync-options annotation, among other options', () => {
    assert.strictEqual(keepOnPrune(cm('a', { 'slipway.dev/sync-options': 'Prune=false' })), true);
    assert.strictEqual(
      keepOnPrune(cm('a', { 'argocd.argoproj.io/sync-options': 'Validate=false, Prune=false' })),
      true,
    );
    assert.strictEqual(keepOnPrune(cm('a', { 'slipway.dev/sync-options': 'Prune=true' })), false);
    assert.strictEqual(keepOnPrune(cm('a', { 'slipway.dev/sync-options': 'NoPrune=false' })), false);
    assert.strictEqual(keepOnPrune(cm('a')), false);
    assert.strictEqual(keepOnPrune(undefined), false);
  });

  it('knows the app by its tracking annotation, namespace and name', () => {
    assert.strictEqual(trackedBy(cm('a'), app), true);
    assert.strictEqual(trackedBy(cm('a', { 'slipway.dev/application': 'other/shop' }), app), false);
    assert.strictEqual(trackedBy({ metadata: {} }, app), false);
  });

  it("knows the app's objects by the tracking id, which names the object too (a copy is not the app's)", () => {
    const id = 'apps/shop:/ConfigMap:shop/a';
    assert.strictEqual(trackedBy(cm('a', { 'slipway.dev/tracking-id': id }), app), true);
    assert.strictEqual(trackedBy(cm('copy', { 'slipway.dev/tracking-id': id }), app), false);
    assert.strictEqual(trackedBy(cm('a', { 'slipway.dev/tracking-id': 'other/shop:/ConfigMap:shop/a' }), app), false);
  });

  it('lists objects git no longer has, skips those being deleted, and marks the kept ones', () => {
    const inGit = cm('in-git');
    const gone = cm('gone');
    const kept = cm('kept', { 'slipway.dev/sync-options': 'Prune=false' });
    const deleting = cm('deleting', {}, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const owned = [inGit, gone, kept, deleting];
    const keys = new Set([resourceKey({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'in-git' })]);
    const notInGit = liveNotInGit(owned, keys);
    assert.deepStrictEqual(
      notInGit.map((n) => [n.ref.name, n.kept]),
      [
        ['gone', false],
        ['kept', true],
      ],
    );
    assert.strictEqual(
      notInGit[0].key,
      resourceKey({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'gone' }),
    );
    assert.deepStrictEqual(pruneCandidates(owned, keys), [gone]);
  });

  it('renders a prune as the whole live object removed, Secret values masked', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'token', namespace: 'shop', resourceVersion: '7' },
      data: { password: Buffer.from('hunter2').toString('base64') },
    };
    const d = deletionDiff(secret);
    assert.strictEqual(d.changed, true);
    assert.match(d.text, /^--- live\/v1\/Secret\/shop\/token\n\+\+\+ desired\/v1\/Secret\/shop\/token\n/);
    assert.match(d.text, /^-\s+password: /m);
    assert.doesNotMatch(d.text, /aHVudGVyMg|hunter2/);
    assert.doesNotMatch(d.text, /^\+ /m);
  });
});
