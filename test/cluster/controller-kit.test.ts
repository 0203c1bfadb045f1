// The controller kit's pure parts, shared by every controller: expectations (what a controller waits to see
// in its cache before acting again), pod readiness and availability at the minReadySeconds boundary, and the
// int-or-percent parser. No cluster: each is checked against Kubernetes' rules on hand-made objects.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import { Expectations } from '../../cluster/controllers/kit/expectations';
import { scaledValue } from '../../cluster/controllers/kit/intOrPercent';
import { isPodActive, isPodAvailable, isPodReady, podReadySince } from '../../cluster/controllers/kit/podReadiness';

const TTL = 5 * 60_000;

function clock(start = 1_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

function readyPod(readySince: number, status: 'True' | 'False' = 'True'): Pod {
  return {
    metadata: { name: 'p', uid: 'u1' },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status, lastTransitionTime: new Date(readySince).toISOString() }],
    },
  };
}

describe('controller kit: expectations', () => {
  it('waits for every counted creation, then lets the controller act', () => {
    const c = clock();
    const e = new Expectations(c.now);
    assert.strictEqual(e.satisfied('ns/rs'), true, 'nothing expected yet');
    e.expectCreations('ns/rs', 2);
    assert.strictEqual(e.satisfied('ns/rs'), false);
    e.creationObserved('ns/rs');
    assert.strictEqual(e.satisfied('ns/rs'), false, 'one of two pods seen');
    e.creationObserved('ns/rs');
    assert.strictEqual(e.satisfied('ns/rs'), true);
    assert.strictEqual(e.satisfied('ns/other'), true, 'keys are independent');
  });

  it('tracks named creations and deletions by id, and reports what is still pending', () => {
    const e = new Expectations(clock().now);
    e.expectCreation('job', 'pod-a');
    e.expectDeletion('job', 'uid-b');
    assert.deepStrictEqual([...e.pendingCreations('job')], ['pod-a']);
    assert.deepStrictEqual([...e.pendingDeletions('job')], ['uid-b']);
    e.creationObserved('job', 'pod-x');
    e.deletionObserved('job', 'uid-x');
    assert.strictEqual(e.satisfied('job'), false, 'events about other pods meet nothing');
    e.creationObserved('job', 'pod-a');
    assert.strictEqual(e.satisfied('job'), false, 'the deletion is still pending');
    e.deletionObserved('job', 'uid-b');
    assert.strictEqual(e.satisfied('job'), true);
  });

  it('replaces earlier expectations on expectCreations/expectDeletions and drops them on forget', () => {
    const e = new Expectations(clock().now);
    e.expectCreations('k', 3);
    e.expectDeletions('k', ['ns/a', 'ns/b']);
    assert.deepStrictEqual([...e.pendingDeletions('k')].sort(), ['ns/a', 'ns/b']);
    e.deletionObserved('k', 'ns/a');
    e.deletionObserved('k', 'ns/b');
    assert.strictEqual(e.satisfied('k'), true, 'the counted creations were replaced by the deletions');
    e.expectCreations('k', 1);
    e.forget('k');
    assert.strictEqual(e.satisfied('k'), true);
  });

  it('gives an expectation up after the TTL, in case a watch event was missed', () => {
    const c = clock();
    const e = new Expectations(c.now, TTL);
    e.expectCreations('a', 1);
    e.expectDeletion('b', 'uid');
    c.advance(TTL);
    assert.strictEqual(e.satisfied('a'), false, 'exactly at the TTL it still waits');
    assert.strictEqual(e.satisfied('b'), false);
    e.expectCreation('b', 'later');
    c.advance(1);
    assert.strictEqual(e.satisfied('a'), true, 'one ms past the TTL it is given up');
    assert.deepStrictEqual([...e.pendingDeletions('b')], [], 'the old deletion expired');
    assert.deepStrictEqual([...e.pendingCreations('b')], ['later'], 'a newer expectation keeps its own clock');
  });
});

describe('controller kit: pod readiness', () => {
  const now = Date.parse('2026-01-01T00:00:10Z');

  it('is available only once readySince + minReadySeconds is strictly before now (podutil.IsPodAvailable)', () => {
    const readySince = now - 5_000;
    assert.strictEqual(isPodAvailable(readyPod(readySince), 5, now), false, 'exactly at minReadySeconds: not yet');
    assert.strictEqual(isPodAvailable(readyPod(readySince), 5, now + 1), true, '1 ms later: available');
    assert.strictEqual(isPodAvailable(readyPod(readySince), 0, now), true, 'minReadySeconds 0: available when Ready');
    assert.strictEqual(isPodAvailable(readyPod(readySince, 'False'), 0, now), false, 'not Ready: never available');
  });

  it('reads the Ready condition, its time, and whether the pod is still active', () => {
    const p = readyPod(now);
    assert.strictEqual(isPodReady(p), true);
    assert.strictEqual(podReadySince(p), now);
    assert.strictEqual(podReadySince(readyPod(now, 'False')), undefined);
    assert.strictEqual(isPodReady({ metadata: {}, status: {} }), false);
    const noTime: Pod = { metadata: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
    assert.strictEqual(
      isPodAvailable(noTime, 5, now),
      false,
      'Ready without a transition time is not Ready long enough',
    );
    assert.strictEqual(isPodActive(p), true);
    assert.strictEqual(isPodActive({ ...p, status: { phase: 'Succeeded' } }), false);
    assert.strictEqual(isPodActive({ ...p, metadata: { deletionTimestamp: new Date(now).toISOString() } }), false);
  });
});

describe('controller kit: int or percent', () => {
  it('scales percentages rounding as asked and passes ints and absent values through', () => {
    assert.strictEqual(scaledValue('25%', 10, true), 3);
    assert.strictEqual(scaledValue('25%', 10, false), 2);
    assert.strictEqual(scaledValue(4, 10, false), 4);
    assert.strictEqual(scaledValue(undefined, 10, true), 0);
  });

  it('rejects anything else with an error naming the value', () => {
    for (const bad of ['3', 'abc', '5 %', '%']) {
      assert.throws(() => scaledValue(bad, 10, true), new RegExp(`invalid value "${bad}".*integer or percentage`));
    }
  });
});
