// HorizontalPodAutoscalers with the simulated runtime (no metrics), through the real kubectl: the target is kept
// within minReplicas and maxReplicas, and the status says plainly that metrics are unavailable.
import * as assert from 'assert';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function hpa(min: number, max: number): string {
  return JSON.stringify({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: min,
      maxReplicas: max,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      ],
    },
  });
}

describe('HorizontalPodAutoscalers with the simulated runtime (real kubectl)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  // kubectl that must succeed: TestCluster.ok
  const k = (args: string[], input?: string): Promise<string> => t.ok(args, input);
  const replicas = async () => JSON.parse(await k(['get', 'deployment', 'web', '-o', 'json'])).spec.replicas;
  const hpaWith = (what: string, ok: (h: HorizontalPodAutoscaler) => boolean) =>
    eventually(
      async () => {
        const h: HorizontalPodAutoscaler = JSON.parse(await k(['get', 'hpa', 'web', '-o', 'json']));
        return ok(h) ? h : undefined;
      },
      15_000,
      what,
    );
  const cond = (h: HorizontalPodAutoscaler | undefined, type: string) =>
    h?.status?.conditions?.find((c) => c.type === type);

  it('raises a Deployment below minReplicas and says metrics are unavailable', async () => {
    await k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=1']);
    await k(['apply', '-f', '-'], hpa(3, 5));
    const h = await hpaWith('desired 3 replicas', (x) => x.status?.desiredReplicas === 3);
    assert.strictEqual(await replicas(), 3);
    assert.deepStrictEqual(
      [cond(h, 'AbleToScale')?.status, cond(h, 'ScalingActive')?.status, cond(h, 'ScalingActive')?.reason],
      ['True', 'False', 'FailedGetResourceMetric'],
    );
    assert.match(
      cond(h, 'ScalingActive')?.message ?? '',
      /metrics are unavailable because the embedded cluster simulates containers/,
    );
    const described = await k(['describe', 'hpa', 'web']);
    assert.match(
      described,
      /SuccessfulRescale\s+.*New size: 3; reason: Current number of replicas below Spec.MinReplicas/,
    );
    assert.match(described, /ScalingActive\s+False\s+FailedGetResourceMetric/);
  });

  it('lowers a Deployment above maxReplicas and leaves one within range alone', async () => {
    await k(['scale', 'deployment', 'web', '--replicas=8']);
    await hpaWith('scaled back to 5', (x) => x.status?.desiredReplicas === 5);
    assert.strictEqual(await replicas(), 5);
    assert.match(
      await k(['describe', 'hpa', 'web']),
      /New size: 5; reason: Current number of replicas above Spec.MaxReplicas/,
    );
    await k(['apply', '-f', '-'], hpa(2, 6));
    await k(['scale', 'deployment', 'web', '--replicas=4']);
    const h = await hpaWith('within range', (x) => x.status?.desiredReplicas === 4);
    assert.strictEqual(cond(h, 'ScalingLimited')?.reason, 'DesiredWithinRange');
    assert.strictEqual(await replicas(), 4);
  });
});
