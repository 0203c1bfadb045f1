// The kubelet's small rules on their own: crash back-off, Go duration text, pod addresses, image
// references and the simulated runtime's annotations.
import * as assert from 'assert';
import { Backoff } from '../../cluster/kubelet/backoff';
import { goDuration } from '../../cluster/kubelet/goDuration';
import { nodeIdentity, nodeIndex, nodeName } from '../../cluster/kubelet/nodeObject';
import { parseQuantity, podRequests } from '../../cluster/kubelet/resources';
import { Ipam } from '../../cluster/runtime/ipam';
import { defaultPullPolicy, normalizedImage, parseImage } from '../../cluster/runtime/imageRef';
import { behaviorOf, probeOutcome } from '../../cluster/runtime/simulation';

describe('kubelet rules', () => {
  it('backs off restarts 10s, 20s, 40s ... up to 5m, and starts over after a quiet spell', () => {
    let now = 0;
    const b = new Backoff(10_000, 300_000, () => now);
    // Kubernetes' sequence: the first crash restarts at once, then each wait doubles up to the cap
    const waits: number[] = [];
    for (let crash = 0; crash < 9; crash++) {
      const finishedAt = now;
      if (b.inBackOffSince('p/app', finishedAt)) {
        waits.push(b.get('p/app'));
        now = b.until('p/app', finishedAt);
      } else waits.push(0);
      b.next('p/app', now);
      now += 1000; // runs a second, crashes again
    }
    assert.deepStrictEqual(
      waits.map((w) => w / 1000),
      [0, 10, 20, 40, 80, 160, 300, 300, 300],
    );
    now += 600_001;
    assert.strictEqual(b.inBackOffSince('p/app', now), false);
    b.next('p/app', now);
    assert.strictEqual(b.get('p/app'), 10_000);
  });

  it('prints durations as Go does', () => {
    assert.strictEqual(goDuration(10_000), '10s');
    assert.strictEqual(goDuration(300_000), '5m0s');
    assert.strictEqual(goDuration(1500), '1.5s');
    assert.strictEqual(goDuration(12), '12ms');
    assert.strictEqual(goDuration(0.084579), '84.579µs');
    assert.strictEqual(goDuration(3_723_000), '1h2m3s');
  });

  it('hands out pod addresses like host-local IPAM: gateway reserved, rotating, exhausted with an error', () => {
    const ipam = new Ipam('10.244.1.0/24');
    assert.strictEqual(ipam.allocate(), '10.244.1.2');
    assert.strictEqual(ipam.allocate(), '10.244.1.3');
    ipam.release('10.244.1.2');
    assert.strictEqual(ipam.allocate(), '10.244.1.4', 'a freed address is not reused at once');
    assert.strictEqual(ipam.allocate('10.244.1.2'), '10.244.1.2', 'a preferred free address is honoured');
    let n = 3; // .2, .3 and .4 are in use
    while (ipam.allocate()) n++;
    assert.strictEqual(n, 253);
    assert.strictEqual(ipam.rangeText(), '10.244.1.2-10.244.1.254');
  });

  it('names and places nodes like kind', () => {
    assert.deepStrictEqual([0, 1, 2].map(nodeName), ['slipway-worker', 'slipway-worker2', 'slipway-worker3']);
    assert.deepStrictEqual(
      ['slipway-worker', 'slipway-worker2', 'slipway-worker10', 'other', 'slipway-worker1'].map(nodeIndex),
      [0, 1, 9, undefined, undefined],
    );
    assert.deepStrictEqual(nodeIdentity(1), {
      name: 'slipway-worker2',
      index: 1,
      internalIP: '172.18.0.3',
      podCIDR: '10.244.2.0/24',
      zone: 'slipway-b',
      maxPods: 110,
    });
    assert.strictEqual(nodeIdentity(2, 3400).podCIDR, '10.244.48.0/20');
  });

  it('reads image references as container runtimes do', () => {
    assert.strictEqual(normalizedImage(parseImage('nginx')!), 'docker.io/library/nginx:latest');
    assert.strictEqual(normalizedImage(parseImage('nginx:1.27')!), 'docker.io/library/nginx:1.27');
    assert.strictEqual(
      normalizedImage(parseImage('us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5')!),
      'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5',
    );
    assert.strictEqual(normalizedImage(parseImage('localhost:5000/app')!), 'localhost:5000/app:latest');
    assert.strictEqual(parseImage('Nginx:1.27'), undefined);
    assert.strictEqual(parseImage('nginx:'), undefined);
    assert.strictEqual(defaultPullPolicy('nginx'), 'Always');
    assert.strictEqual(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
  });

  it('counts requests as the kubelet admits pods', () => {
    assert.strictEqual(parseQuantity('100m'), 0.1);
    assert.strictEqual(parseQuantity('1Gi'), 2 ** 30);
    assert.strictEqual(parseQuantity('1e3'), 1000);
    const req = podRequests({
      initContainers: [
        { resources: { requests: { cpu: '2' } } },
        { restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
      ],
      containers: [
        { resources: { requests: { cpu: '500m', memory: '64Mi' } } },
        { resources: { requests: { cpu: '500m' } } },
      ],
    });
    assert.strictEqual(req.cpu, 2, 'the large init container, before the sidecar started, dominates');
    const later = podRequests({
      initContainers: [
        { restartPolicy: 'Always', resources: { requests: { cpu: '100m' } } },
        { resources: { requests: { cpu: '2' } } },
      ],
      containers: [{ resources: { requests: { cpu: '500m' } } }],
    });
    assert.strictEqual(later.cpu, 2.1, 'an init container after a sidecar runs alongside it');
    assert.strictEqual(req.memory, 64 * 2 ** 20);
  });

  it("steers simulated containers by annotation, the container's own key first", () => {
    const a = {
      'sim.slipway.dev/exit-code': '1',
      'sim.slipway.dev/web.exit-code': '0',
      'sim.slipway.dev/web.run-seconds': '5',
      'sim.slipway.dev/ready-after-seconds': '3',
      'sim.slipway.dev/liveness': 'fail-after:10',
      'sim.slipway.dev/stop-seconds': 'soon',
    };
    const web = behaviorOf(a, 'web', 'regular', 'Always');
    assert.strictEqual(web.exitCode, 0);
    assert.strictEqual(web.runSeconds, 5);
    const other = behaviorOf(a, 'other', 'regular', 'Always');
    assert.strictEqual(other.exitCode, 1);
    assert.strictEqual(other.runSeconds, 2, 'an exit code makes an Always container exit after the default run');
    assert.strictEqual(behaviorOf({}, 'x', 'regular', 'Always').runSeconds, undefined, 'runs until stopped');
    assert.strictEqual(behaviorOf({}, 'x', 'regular', 'Never').runSeconds, 2);
    assert.strictEqual(behaviorOf({}, 'x', 'init', 'Always').runSeconds, 2);
    assert.strictEqual(behaviorOf({}, 'x', 'sidecar', 'Never').runSeconds, undefined);
    assert.strictEqual(probeOutcome(web.readiness, 2.9).success, false);
    assert.strictEqual(probeOutcome(web.readiness, 3).success, true);
    assert.strictEqual(probeOutcome(web.liveness, 9).success, true);
    assert.strictEqual(probeOutcome(web.liveness, 10).success, false);
    assert.strictEqual(web.stopSeconds, 0);
    assert.match(web.problems.join('\n'), /ignoring sim\.slipway\.dev\/stop-seconds="soon"/);
    const crash = behaviorOf({ 'sim.slipway.dev/crash-on-start': 'true' }, 'x', 'regular', 'Always');
    assert.deepStrictEqual([crash.runSeconds, crash.exitCode], [0, 1]);
    assert.strictEqual(
      behaviorOf({ 'sim.slipway.dev/image-pull': 'fail-first:2' }, 'x', 'regular', 'Always').pullFailures,
      2,
    );
  });
});
