// Resource metrics from real containers: `kubectl top pod` and `kubectl top node` read the engine's figures
// through metrics.k8s.io, and a HorizontalPodAutoscaler scales a Deployment up while its pods burn CPU and back
// down once they are idle. The load is the pods' own: each busy-loops for a while after it starts, then sleeps.
import * as assert from 'assert';
import { SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { eventually, type TestCluster } from '../helpers/testCluster';

/** A Deployment whose pods burn up to half a core for `loops` iterations, then sleep. */
function burner(name: string, loops: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'burn',
              image: SHELL_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', `i=0; while [ $i -lt ${loops} ]; do i=$((i+1)); done; echo idle; sleep 3600`],
              resources: { requests: { cpu: '100m', memory: '8Mi' }, limits: { cpu: '500m', memory: '64Mi' } },
            },
          ],
        },
      },
    },
  });
}

describe('resource metrics and autoscaling on real containers', function () {
  this.timeout(120_000);
  // cluster time 10x (the HPA syncs every 15 s of it); usage read every 2 s
  const c = useContainerCluster({ metricsIntervalMs: 2000 });
  let t: TestCluster;
  before(() => (t = c.t));

  it('shows the pods’ and the node’s usage in kubectl top', async () => {
    await t.apply(burner('top', 100_000_000));
    await t.ok(['rollout', 'status', 'deployment/top', '--timeout=60s']);
    const line = await eventually(
      async () => {
        const r = await t.kubectl(['top', 'pod', '-l', 'app=top', '--no-headers']);
        return r.code === 0 && /^top-\S+\s+\d+m\s+\d+Mi/.test(r.stdout) ? r.stdout : undefined;
      },
      30_000,
      'kubectl top pod',
    );
    // a busy loop under a 500m limit: well above its 100m request
    const millicores = Number(/\s(\d+)m\s/.exec(line ?? '')?.[1]);
    assert.ok(millicores > 100, `a busy container shows ${millicores}m`);
    const node = await t.ok(['top', 'node', '--no-headers']);
    assert.match(node, /^slipway-worker\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%/);
    await t.ok(['delete', 'deployment', 'top', '--wait=false']);
  });

  it('scales a Deployment up under its pods’ CPU load and back down once they are idle', async () => {
    // about 5–15 s of loop at half a core here, then idle
    await t.apply(burner('web', 2_000_000));
    await t.apply(
      JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 3,
          metrics: [
            { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } },
          ],
          behavior: { scaleDown: { stabilizationWindowSeconds: 30 } },
        },
      }),
    );
    const hpa = () => t.json(['get', 'hpa', 'web']);
    const up = await eventually(
      async () => {
        const h = await hpa();
        return h.status?.desiredReplicas > 1 ? h : undefined;
      },
      60_000,
      'a scale-up',
    );
    const active = up.status.conditions.find((c: { type: string }) => c.type === 'ScalingActive');
    assert.strictEqual(active.reason, 'ValidMetricFound', active.message);
    assert.ok(up.status.currentMetrics[0].resource.current.averageUtilization > 50);
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler']);
    assert.match(
      events,
      /SuccessfulRescale\s+.*New size: [23]; reason: cpu resource utilization \(percentage of request\) above target/,
    );
    // every pod ends its loop; idle for the window (30 s of cluster time), the HPA comes back to one
    await eventually(
      async () => {
        const h = await hpa();
        return h.status?.desiredReplicas === 1 && h.status?.currentReplicas === 1;
      },
      90_000,
      'the scale-down to 1',
    );
    assert.match(
      await t.ok(['get', 'events', '--field-selector', 'involvedObject.kind=HorizontalPodAutoscaler']),
      /New size: 1; reason: All metrics below target/,
    );
  });
});
