// The Service environment variables the kubelet gives a container (`<NAME>_SERVICE_HOST`...), as PodInputs
// resolves them for the container runtime from the Services the cluster holds when the container starts.
import * as assert from 'assert';
import type { Service } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { PodInputs } from '../../cluster/kubelet/podInputs';
import type { Pod } from '../../cluster/kubelet/kubelet';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('Service environment variables of a container', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let api: ApiClient;
  let services: Informer;
  let inputs: PodInputs;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    const config = { server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert, local: t.cluster.apiServer };
    api = ApiClient.forCluster(config);
    const info = t.cluster.apiServer.registry.all().find((r) => r.group === '' && r.plural === 'services')!;
    services = new Informer(api, info).start();
    inputs = new PodInputs(api, t.dir, async () => {
      await services.waitForSync();
      return services.list() as Service[];
    });
    await t.apply(`
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Service
metadata: {name: redis-leader, namespace: shop}
spec:
  clusterIP: 10.96.7.7
  selector: {app: redis}
  ports: [{name: redis, port: 6379, targetPort: 6379}, {name: metrics, port: 9121, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: dns-like, namespace: shop}
spec:
  selector: {app: dns}
  ports: [{port: 53, protocol: UDP}]
---
apiVersion: v1
kind: Service
metadata: {name: headless, namespace: shop}
spec: {clusterIP: None, selector: {app: h}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: default}
spec: {selector: {app: x}, ports: [{port: 80}]}
`);
    await eventually(() => services.get('shop', 'headless') && services.get('default', 'elsewhere'));
  });
  after(async () => {
    services?.stop();
    api?.close();
    await t?.stop();
  });

  const pod = (spec: Partial<NonNullable<Pod['spec']>> = {}): Pod =>
    ({
      metadata: { name: 'web', namespace: 'shop', uid: 'u-1' },
      spec: { containers: [{ name: 'app', image: 'app' }], ...spec },
    }) as Pod;

  async function env(p: Pod, container = p.spec!.containers[0]): Promise<Map<string, string>> {
    return new Map((await inputs.resolve(p, container)).serviceEnv);
  }

  it("gives the variables of the namespace's Services with a cluster IP, and the kubernetes Service's", async () => {
    const vars = await env(pod());
    const redis = services.get('shop', 'redis-leader') as Service;
    assert.strictEqual(redis.spec?.clusterIP, '10.96.7.7');
    assert.strictEqual(vars.get('REDIS_LEADER_SERVICE_HOST'), '10.96.7.7');
    assert.strictEqual(vars.get('REDIS_LEADER_SERVICE_PORT'), '6379');
    assert.strictEqual(vars.get('REDIS_LEADER_SERVICE_PORT_REDIS'), '6379');
    assert.strictEqual(vars.get('REDIS_LEADER_SERVICE_PORT_METRICS'), '9121');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT'), 'tcp://10.96.7.7:6379');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT_6379_TCP'), 'tcp://10.96.7.7:6379');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT_6379_TCP_PROTO'), 'tcp');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT_6379_TCP_PORT'), '6379');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT_6379_TCP_ADDR'), '10.96.7.7');
    assert.strictEqual(vars.get('REDIS_LEADER_PORT_9121_TCP'), 'tcp://10.96.7.7:9121');
    const dnsIP = (services.get('shop', 'dns-like') as Service).spec!.clusterIP!;
    assert.strictEqual(vars.get('DNS_LIKE_PORT_53_UDP'), `udp://${dnsIP}:53`);
    assert.strictEqual(vars.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
    assert.strictEqual(vars.get('KUBERNETES_SERVICE_PORT'), '443');
    assert.strictEqual(vars.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
    // a headless Service has no address to give, and other namespaces' Services are not the pod's
    assert.ok(![...vars.keys()].some((k) => k.startsWith('HEADLESS_')), [...vars.keys()].join(' '));
    assert.ok(![...vars.keys()].some((k) => k.startsWith('ELSEWHERE_')), [...vars.keys()].join(' '));
  });

  it('gives only the kubernetes Service when enableServiceLinks is false', async () => {
    const vars = await env(pod({ enableServiceLinks: false }));
    assert.deepStrictEqual(
      [...vars.keys()].filter((k) => !k.startsWith('KUBERNETES_')),
      [],
    );
    assert.strictEqual(vars.get('KUBERNETES_SERVICE_HOST'), '10.96.0.1');
  });

  it('gives a Service created later to containers started after it, not before', async () => {
    const before = await env(pod());
    assert.strictEqual(before.get('LATE_SERVICE_HOST'), undefined);
    await t.apply(`
apiVersion: v1
kind: Service
metadata: {name: late, namespace: shop}
spec: {clusterIP: 10.96.8.8, selector: {app: late}, ports: [{port: 8080}]}
`);
    await eventually(() => services.get('shop', 'late'));
    assert.strictEqual((await env(pod())).get('LATE_SERVICE_HOST'), '10.96.8.8');
  });
});
