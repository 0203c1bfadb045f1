// events.k8s.io/v1 Events are the stored core v1 Events, converted: either group creates, lists and watches the
// same objects under its own field names (kubectl events, kubectl get events.v1.events.k8s.io, plain HTTPS).
import * as assert from 'assert';
import type { Event as CoreEvent } from 'kubernetes-types/core/v1';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1';
import { useTestCluster, TestCluster } from '../helpers/testCluster';

const CORE = '/api/v1/namespaces/default/events';
const EVENTS = '/apis/events.k8s.io/v1/namespaces/default/events';

describe('Events through core v1 and events.k8s.io/v1', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 1 });
  let t: TestCluster;
  before(() => (t = c.t));

  it('shows a core event under the events.k8s.io names', async () => {
    const created = await t.request('POST', CORE, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.core' },
      involvedObject: { kind: 'Deployment', namespace: 'default', name: 'web', apiVersion: 'apps/v1' },
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set web-1 to 2',
      source: { component: 'deployment-controller' },
      firstTimestamp: '2026-01-01T10:00:00Z',
      lastTimestamp: '2026-01-01T10:05:00Z',
      count: 3,
      type: 'Normal',
    });
    assert.strictEqual(created.status, 201, created.text);
    const got = await t.request('GET', `${EVENTS}/web.core`);
    assert.strictEqual(got.status, 200, got.text);
    const e = got.body as EventsV1Event;
    assert.deepStrictEqual(
      {
        apiVersion: e.apiVersion,
        regarding: e.regarding?.name,
        note: e.note,
        reason: e.reason,
        deprecatedSource: e.deprecatedSource,
        deprecatedFirstTimestamp: e.deprecatedFirstTimestamp,
        deprecatedLastTimestamp: e.deprecatedLastTimestamp,
        deprecatedCount: e.deprecatedCount,
        eventTime: e.eventTime,
      },
      {
        apiVersion: 'events.k8s.io/v1',
        regarding: 'web',
        note: 'Scaled up replica set web-1 to 2',
        reason: 'ScalingReplicaSet',
        deprecatedSource: { component: 'deployment-controller' },
        deprecatedFirstTimestamp: '2026-01-01T10:00:00Z',
        deprecatedLastTimestamp: '2026-01-01T10:05:00Z',
        deprecatedCount: 3,
        eventTime: null,
      },
    );
    assert.ok(!('message' in e) && !('involvedObject' in e), got.text);
  });

  it('stores an events.k8s.io event that core clients and kubectl events read', async () => {
    const created = await t.request('POST', EVENTS, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: 'job.new' },
      regarding: { kind: 'Job', namespace: 'default', name: 'nightly', apiVersion: 'batch/v1' },
      note: 'Backup finished in 42s',
      reason: 'Completed',
      action: 'Run',
      type: 'Normal',
      reportingController: 'example.com/backup',
      reportingInstance: 'backup-0',
      eventTime: '2026-01-01T11:00:00.123456Z',
      series: { count: 2, lastObservedTime: '2026-01-01T11:01:00.000000Z' },
    });
    assert.strictEqual(created.status, 201, created.text);
    assert.strictEqual((created.body as EventsV1Event).note, 'Backup finished in 42s');
    const core = (await t.request('GET', `${CORE}/job.new`)).body as CoreEvent;
    assert.deepStrictEqual(
      [core.involvedObject?.name, core.message, core.reportingComponent, core.reportingInstance, core.series?.count],
      ['nightly', 'Backup finished in 42s', 'example.com/backup', 'backup-0', 2],
    );

    const listed = await t.ok(['events']);
    assert.match(listed, /\(x2 over \w+\)\s+Normal\s+Completed\s+Job\/nightly\s+Backup finished in 42s/);
    assert.match(
      listed,
      /\(x3 over \w+\)\s+Normal\s+ScalingReplicaSet\s+Deployment\/web\s+Scaled up replica set web-1/,
    );

    const table = await t.ok(['get', 'events.v1.events.k8s.io']);
    assert.match(table, /Normal\s+Completed\s+job\/nightly\s+Backup finished in 42s/);
    const all: { items: EventsV1Event[] } = await t.json(['get', 'events.v1.events.k8s.io']);
    const ours = all.items.filter((i) => ['job.new', 'web.core'].includes(i.metadata?.name ?? ''));
    assert.deepStrictEqual(ours.map((i) => [i.apiVersion, i.metadata?.name]).sort(), [
      ['events.k8s.io/v1', 'job.new'],
      ['events.k8s.io/v1', 'web.core'],
    ]);
  });

  it('selects and watches by the events.k8s.io field names', async () => {
    const list = await t.request('GET', `${EVENTS}?fieldSelector=regarding.kind%3DJob`);
    assert.strictEqual(list.status, 200, list.text);
    assert.deepStrictEqual(
      list.body.items.map((i: EventsV1Event) => i.metadata?.name),
      ['job.new'],
    );
    const watch = await t.request('GET', `${EVENTS}?watch=1&timeoutSeconds=1&fieldSelector=regarding.name%3Dweb`);
    const events = watch.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      events.map((e) => [e.type, e.object.apiVersion, e.object.note]),
      [['ADDED', 'events.k8s.io/v1', 'Scaled up replica set web-1 to 2']],
    );
  });
});
