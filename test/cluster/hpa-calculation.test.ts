// The HorizontalPodAutoscaler's arithmetic, as Kubernetes' controller does it: replicas from usage against
// requests with the 10 % tolerance, pods without readings or not ready counted conservatively, and the
// behavior's stabilization windows and scaling policies.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import { MetricError, recommend } from '../../cluster/controllers/hpa/replicaCalculator';
import { Stabilizer } from '../../cluster/controllers/hpa/stabilization';

function pod(name: string, cpu = '100m', ready = true): Pod {
  return {
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu } } }] },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const usage = (entries: [string, number][]) => new Map(entries);
const cpu50 = { resource: 'cpu' as const, averageUtilization: 50 };

describe('HPA replica calculation', () => {
  it('scales by usage over requests, and not within the tolerance', () => {
    const pods = [pod('a'), pod('b')];
    // 100 % of requests against a 50 % target: twice the pods
    assert.deepStrictEqual(
      recommend(
        cpu50,
        2,
        pods,
        usage([
          ['a', 0.1],
          ['b', 0.1],
        ]),
      ),
      {
        replicas: 4,
        utilization: 100,
        averageValue: 0.1,
      },
    );
    assert.strictEqual(
      recommend(
        cpu50,
        2,
        pods,
        usage([
          ['a', 0.054],
          ['b', 0.054],
        ]),
      ).replicas,
      2,
      'within 10 %',
    );
    assert.strictEqual(
      recommend(
        cpu50,
        2,
        pods,
        usage([
          ['a', 0.01],
          ['b', 0.01],
        ]),
      ).replicas,
      1,
    );
    // per pod values
    const avg = { resource: 'memory' as const, averageValue: 100 };
    assert.strictEqual(
      recommend(
        avg,
        2,
        pods,
        usage([
          ['a', 300],
          ['b', 300],
        ]),
      ).replicas,
      6,
    );
  });

  it('counts pods without readings as idle going up and as at their request going down', () => {
    const pods = [pod('a'), pod('b'), pod('c')];
    // up: a at 200 %, b and c unread (0): ratio (0.2)/(0.3)/0.5 = 1.33 → ceil(1.33*3) = 4
    assert.strictEqual(recommend(cpu50, 3, pods, usage([['a', 0.2]])).replicas, 4);
    // down: a idle, b and c unread at their request (100 %): ratio (0+0.2)/0.3/0.5 = 1.33 → not down: kept
    assert.strictEqual(recommend(cpu50, 3, pods, usage([['a', 0]])).replicas, 3);
  });

  it('leaves unready pods out of a CPU scale-up, and fails without requests or readings', () => {
    const pods = [pod('a'), pod('b', '100m', false)];
    // a at 100 % is twice the target; b is starting (unready, burning CPU): counted as idle
    assert.strictEqual(
      recommend(
        cpu50,
        2,
        pods,
        usage([
          ['a', 0.1],
          ['b', 0.5],
        ]),
      ).replicas,
      2,
    );
    assert.throws(() => recommend(cpu50, 1, [pod('a', '')], usage([['a', 0.1]])), MetricError);
    assert.throws(() => recommend(cpu50, 1, [pod('a')], usage([])), /did not receive metrics/);
  });
});

describe('HPA behavior: stabilization and policies', () => {
  it('scales down only to the highest recommendation of the window', () => {
    const s = new Stabilizer();
    const behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
    assert.deepStrictEqual(s.next(5, 5, 0, behavior), { replicas: 5 });
    assert.deepStrictEqual(s.next(2, 5, 30_000, behavior), { replicas: 5 }, 'the 5 of 30 s ago holds');
    assert.deepStrictEqual(s.next(2, 5, 61_000, behavior), { replicas: 2 }, 'the window has passed');
  });

  it('limits a scale-up by the default policies (4 pods or 100 % per 15 s) and records changes', () => {
    const s = new Stabilizer();
    assert.deepStrictEqual(s.next(20, 2, 0, undefined), { replicas: 6, limitedBy: 'ScaleUpLimit' });
    s.scaled(2, 6, 0);
    // within the same 15 s period the period started at 2: at most 6
    assert.deepStrictEqual(s.next(20, 6, 5_000, undefined), { replicas: 6, limitedBy: 'ScaleUpLimit' });
    assert.deepStrictEqual(s.next(20, 6, 16_000, undefined), { replicas: 12, limitedBy: 'ScaleUpLimit' });
    assert.deepStrictEqual(
      new Stabilizer().next(1, 5, 0, { scaleDown: { stabilizationWindowSeconds: 0, selectPolicy: 'Disabled' } }),
      { replicas: 5, limitedBy: 'ScaleDownLimit' },
    );
  });
});
