// autoscaling/v1 HorizontalPodAutoscalers served from the stored autoscaling/v2 objects: `kubectl autoscale`
// (which writes v1), both versions read back, and a v2 → v1 → v2 round trip over plain HTTPS that keeps what v1
// cannot say in the autoscaling.alpha.kubernetes.io annotations, as kube-apiserver does.
import * as assert from 'assert';
import type { HorizontalPodAutoscaler as V1Hpa } from 'kubernetes-types/autoscaling/v1';
import type { HorizontalPodAutoscaler as V2Hpa } from 'kubernetes-types/autoscaling/v2';
import { eventually, useTestCluster, TestCluster } from '../helpers/testCluster';

const V1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
const V2 = '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers';

describe('HorizontalPodAutoscalers in autoscaling/v1 and v2', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 1 });
  let t: TestCluster;
  before(() => (t = c.t));

  it('kubectl autoscale creates one that both versions show, the CPU target as v2 metrics', async () => {
    await t.ok(['create', 'deployment', 'x', '--image=nginx:1.25']);
    // -v=6 logs each request: kubectl 1.32 (what the dispatcher runs for this server's version) creates v1
    const r = await t.kubectl(['autoscale', 'deployment', 'x', '--min=1', '--max=3', '--cpu-percent=50', '-v=6']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /horizontalpodautoscaler.autoscaling\/x autoscaled/);
    assert.match(
      r.stderr,
      /POST https:\/\/\S+\/apis\/autoscaling\/v1\/namespaces\/default\/horizontalpodautoscalers\S* 201/,
    );
    const table = await t.ok(['get', 'hpa']);
    assert.match(table, /^x\s+Deployment\/x\s+cpu: <unknown>\/50%\s+1\s+3\s+/m);

    const v1: V1Hpa = await t.json(['get', 'horizontalpodautoscalers.v1.autoscaling', 'x']);
    assert.strictEqual(v1.apiVersion, 'autoscaling/v1');
    assert.deepStrictEqual(
      [v1.spec?.minReplicas, v1.spec?.maxReplicas, v1.spec?.targetCPUUtilizationPercentage],
      [1, 3, 50],
    );
    assert.match(
      await t.ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'x', '-o', 'yaml']),
      /targetCPUUtilizationPercentage: 50/,
    );
    const v2: V2Hpa = await t.json(['get', 'horizontalpodautoscalers.v2.autoscaling', 'x']);
    assert.strictEqual(v2.apiVersion, 'autoscaling/v2');
    assert.deepStrictEqual(v2.spec?.metrics, [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
    ]);
    // the controller's status (conditions, v2 only) reaches v1 readers in the conditions annotation
    const withStatus = await eventually(async () => {
      const h = (await t.request('GET', `${V1}/x`)).body as V1Hpa;
      return h.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/conditions'] ? h : undefined;
    });
    const conditions = JSON.parse(
      withStatus?.metadata?.annotations?.['autoscaling.alpha.kubernetes.io/conditions'] ?? '',
    );
    assert.ok(
      conditions.some((c: { type: string }) => c.type === 'ScalingActive'),
      JSON.stringify(conditions),
    );
  });

  it('keeps v2-only fields through a v1 read and write (plain HTTPS)', async () => {
    const created = await t.request('POST', V2, {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'rt', annotations: { team: 'a' } },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' },
        minReplicas: 2,
        maxReplicas: 4,
        metrics: [
          { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '100Mi' } } },
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 60 } },
      },
    });
    assert.strictEqual(created.status, 201, created.text);

    const v1 = (await t.request('GET', `${V1}/rt`)).body as V1Hpa;
    assert.strictEqual(v1.spec?.targetCPUUtilizationPercentage, 70);
    const annotations = v1.metadata?.annotations ?? {};
    assert.strictEqual(annotations.team, 'a');
    assert.deepStrictEqual(JSON.parse(annotations['autoscaling.alpha.kubernetes.io/metrics']), [
      { type: 'Resource', resource: { name: 'memory', targetAverageValue: '100Mi' } },
    ]);
    // kube-apiserver writes the behavior annotation with its Go field names
    assert.strictEqual(
      JSON.parse(annotations['autoscaling.alpha.kubernetes.io/behavior']).ScaleDown.StabilizationWindowSeconds,
      60,
    );

    // a v1 writer that knows nothing of the annotations' meaning sends them back unchanged (read again when the
    // controller's status write came in between)
    const put = await eventually(async () => {
      const current = (await t.request('GET', `${V1}/rt`)).body as V1Hpa;
      const r = await t.request('PUT', `${V1}/rt`, { ...current, spec: { ...current.spec, maxReplicas: 6 } });
      return r.status === 409 ? undefined : r;
    });
    assert.strictEqual(put?.status, 200, put?.text);
    assert.strictEqual((put?.body as V1Hpa).apiVersion, 'autoscaling/v1');

    const v2 = (await t.request('GET', `${V2}/rt`)).body as V2Hpa;
    assert.strictEqual(v2.spec?.maxReplicas, 6);
    assert.deepStrictEqual(
      v2.spec?.metrics?.map((m) => [m.resource?.name, m.resource?.target]),
      [
        ['memory', { type: 'AverageValue', averageValue: '100Mi' }],
        ['cpu', { type: 'Utilization', averageUtilization: 70 }],
      ],
    );
    assert.strictEqual(v2.spec?.behavior?.scaleDown?.stabilizationWindowSeconds, 60);
    assert.deepStrictEqual(v2.metadata?.annotations, { team: 'a' });

    // a merge patch through v1 patches the v1 form
    const patched = await t.request(
      'PATCH',
      `${V1}/rt`,
      { spec: { targetCPUUtilizationPercentage: 40 } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    assert.strictEqual(patched.status, 200, patched.text);
    const after = (await t.request('GET', `${V2}/rt`)).body as V2Hpa;
    assert.deepStrictEqual(
      after.spec?.metrics?.map((m) => m.resource?.name),
      ['memory', 'cpu'],
    );
    assert.strictEqual(after.spec?.metrics?.[1].resource?.target.averageUtilization, 40);
  });

  it('lists and watches in the version asked for', async () => {
    const list = await t.request('GET', V1);
    assert.strictEqual(list.body.kind, 'HorizontalPodAutoscalerList');
    assert.strictEqual(list.body.apiVersion, 'autoscaling/v1');
    assert.deepStrictEqual(
      list.body.items.map((i: V1Hpa) => [i.apiVersion, i.metadata?.name]),
      [
        ['autoscaling/v1', 'rt'],
        ['autoscaling/v1', 'x'],
      ],
    );
    const watch = await t.request('GET', `${V1}?watch=true&timeoutSeconds=1`);
    const events = watch.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'ADDED');
    assert.deepStrictEqual(
      events.map((e) => [e.type, e.object.apiVersion, 'targetCPUUtilizationPercentage' in e.object.spec]),
      [
        ['ADDED', 'autoscaling/v1', true],
        ['ADDED', 'autoscaling/v1', true],
      ],
    );
  });
});
