// A rolling update under load on real containers (Podman in CI), as a user checks a zero-downtime deploy: a
// 10-replica Deployment with readiness probes, maxUnavailable 0 and a preStop sleep is updated while a bounded load
// generator (bench/loadGenerator.ts) sends requests through its NodePort on 127.0.0.1, a new connection each; the
// rollout completes with zero failed requests, and both versions answered along the way.
import * as assert from 'assert';
import { startLoad } from '../../bench/loadGenerator';
import { answerVersion, ROLLING_REPLICAS, rollingUpdateManifests } from '../../bench/rollingUpdateWorkload';
import { SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { httpGet } from '../helpers/loopback';

const REPLICAS = ROLLING_REPLICAS;

describe('a rolling update under load (real containers)', function () {
  this.timeout(180_000);
  // cluster time at real speed: the grace period and the preStop sleep mean what they say
  const c = useContainerCluster({ clockSpeed: 1 });

  it(`updates ${REPLICAS} replicas with maxUnavailable 0 and a preStop sleep without one failed request`, async () => {
    await c.t.apply(rollingUpdateManifests(SHELL_IMAGE));
    await c.t.ok(['rollout', 'status', 'deployment/roll', '--timeout=120s']);
    const nodePort = (await c.t.json(['get', 'svc', 'roll'])).spec.ports[0].nodePort;
    const url = `http://127.0.0.1:${nodePort}/`;
    assert.match((await httpGet(url)).text, /^v1 roll-/);

    const load = startLoad({ url, concurrency: 4, ratePerSecond: 200, classify: answerVersion });
    let report;
    try {
      await c.t.ok(['set', 'env', 'deployment/roll', 'VERSION=v2']);
      await c.t.ok(['rollout', 'status', 'deployment/roll', '--timeout=150s']);
    } finally {
      report = await load.stop();
    }
    const summary = JSON.stringify(report);
    assert.strictEqual(report.failed, 0, `failed requests during the rollout: ${summary}`);
    assert.ok(report.answers.v1 > 0 && report.answers.v2 > 0, `both versions answered during the rollout: ${summary}`);
    assert.ok(report.ok >= 100, `the load kept going through the rollout: ${summary}`);
    console.log(
      `    ${report.ok} requests in ${(report.durationMs / 1000).toFixed(1)} s, 0 failed, ` +
        `p99 ${report.latencyMs.p99} ms (v1 ${report.answers.v1}, v2 ${report.answers.v2})`,
    );
    for (let i = 0; i < 5; i++) assert.match((await httpGet(url)).text, /^v2 roll-/);
  });
});
