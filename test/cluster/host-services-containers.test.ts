// What the developer's machine reaches of pods that run as real containers (Podman in CI): a LoadBalancer and a
// NodePort Service answering on 127.0.0.1 and balancing over 3 replicas, session affinity, kubectl proxy to a
// Service and a pod, an Ingress routing two hosts and two paths, and a pod that turns unready getting no more
// traffic. Each pod is a busybox httpd that answers its own name; its readiness is a file
// the pod removes when asked (a CGI script), so the test makes a pod unready the way a failing app would be.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { Engine } from '../../cluster/runtime/container/engine';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import { clusterContainers, engineOrSkip, ensureShellImage } from '../helpers/containerEngine';
import { freePort, httpGet } from '../helpers/loopback';
import { nameServer, service } from '../helpers/namePods';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

/** The pod names that answer `count` GETs of url, one connection each. */
async function answering(url: string, count: number): Promise<string[]> {
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    const r = await httpGet(url);
    assert.strictEqual(r.status, 200, `GET ${url}: ${r.status} ${r.text}`);
    names.add(r.text.trim());
  }
  return [...names].sort();
}

describe('Services reached from the developer machine (real containers)', function () {
  this.timeout(90_000);
  let engine: Engine;
  let t: TestCluster;
  let pods: { name: string; ip: string }[];
  let lbPort: number;

  before(async function () {
    this.timeout(120_000);
    engine = await engineOrSkip(this);
    await ensureShellImage(engine);
    t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10, ingressPort: 0 });
    lbPort = await freePort();
    await t.apply(nameServer('echo', 3));
    await t.apply(
      service('echo-lb', 'echo', { type: 'LoadBalancer', ports: [{ name: 'http', port: lbPort, targetPort: 'http' }] }),
    );
    await t.apply(service('echo-np', 'echo', { type: 'NodePort' }));
    await t.apply(service('echo-sticky', 'echo', { type: 'NodePort', sessionAffinity: 'ClientIP' }));
    pods = await eventually<{ name: string; ip: string }[] | undefined>(
      async () => {
        const items = (await t.json(['get', 'pods', '-l', 'app=echo'])).items as Pod[];
        const ready = items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length === 3 ? ready.map((p) => ({ name: p.metadata!.name!, ip: p.status!.podIP! })) : undefined;
      },
      60_000,
      '3 ready pods',
    ).then((p) => p!);
  });

  after(async () => {
    if (!t) return;
    const id = clusterId(t.cluster.stateDir);
    await t.stop();
    assert.deepStrictEqual(await clusterContainers(engine, id), [], 'containers left on the engine after stop');
  });

  const nodePort = async (svc: string): Promise<number> => (await t.json(['get', 'svc', svc])).spec.ports[0].nodePort;

  it('answers on 127.0.0.1:<port> of a LoadBalancer Service from every pod in turn', async () => {
    const svc = await eventually(async () => {
      const s = await t.json(['get', 'svc', 'echo-lb']);
      return s.status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1' ? s : undefined;
    });
    assert.ok(svc);
    assert.deepStrictEqual(await answering(`http://127.0.0.1:${lbPort}/`, 6), pods.map((p) => p.name).sort());
  });

  it('answers on 127.0.0.1:<nodePort> of a NodePort Service (and of the LoadBalancer one) from every pod', async () => {
    const all = pods.map((p) => p.name).sort();
    const np = await nodePort('echo-np');
    assert.deepStrictEqual(await eventually(() => answering(`http://127.0.0.1:${np}/`, 6)), all);
    const lbNodePort = await nodePort('echo-lb');
    assert.deepStrictEqual(await answering(`http://127.0.0.1:${lbNodePort}/`, 6), all);
  });

  it('sends every connection of one client to the same pod with sessionAffinity ClientIP', async () => {
    const np = await nodePort('echo-sticky');
    const names = await eventually(() => answering(`http://127.0.0.1:${np}/`, 6));
    assert.strictEqual(names.length, 1, `answered by ${names.join(', ')}`);
  });

  it('forwards kubectl proxy to services/NAME:PORT/proxy and pods/NAME:PORT/proxy', async () => {
    const proxy = t.kubectlStream(['proxy', '--port=0']);
    try {
      const port = await eventually(() => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(proxy.output())?.[1]);
      const api = `http://127.0.0.1:${port}/api/v1/namespaces/default`;
      const names = pods.map((p) => p.name);
      for (const svc of ['echo-np:http', 'echo-np:80', 'echo-lb']) {
        const r = await httpGet(`${api}/services/${svc}/proxy/`);
        assert.strictEqual(r.status, 200, `${svc}: ${r.text}`);
        assert.ok(names.includes(r.text.trim()), `${svc} answered ${r.text}`);
      }
      const ready = await httpGet(`${api}/services/echo-np/proxy/ready.txt?x=1`);
      assert.strictEqual(ready.text.trim(), 'ok');
      const pod = await httpGet(`${api}/pods/${pods[1].name}:8080/proxy/`);
      assert.strictEqual(pod.text.trim(), pods[1].name);
      await t.apply(service('nobody', 'nothing-has-this-label', {}));
      const none = await httpGet(`${api}/services/nobody/proxy/`);
      assert.strictEqual(none.status, 503);
      assert.match(none.text, /no endpoints available for service \\"nobody\\"/);
    } finally {
      proxy.stop();
    }
  });

  it('routes an Ingress by host and path to the Services, and answers 503 when a backend has no ready pod', async () => {
    await t.apply(nameServer('alpha', 1));
    await t.apply(nameServer('beta', 1));
    await t.apply(service('alpha', 'alpha', {}));
    await t.apply(service('beta', 'beta', {}));
    await t.apply(`apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: two-hosts}
spec:
  rules:
    - host: a.test
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: alpha, port: {name: http}}}}
          - {path: /beta, pathType: Prefix, backend: {service: {name: beta, port: {number: 80}}}}
    - host: b.test
      http:
        paths:
          - {path: /, pathType: ImplementationSpecific, backend: {service: {name: beta, port: {number: 80}}}}
          - {path: /alpha-only, pathType: Exact, backend: {service: {name: alpha, port: {number: 80}}}}
`);
    const base = t.cluster.ingressUrl!;
    const via = async (host: string, path: string) => {
      const r = await httpGet(`${base}${path}`, { Host: host });
      return r.status === 200 ? r.text.trim().replace(/-[^-]+-[^-]+$/, '') : `${r.status} ${r.text}`;
    };
    await eventually(async () => (await via('a.test', '/')) === 'alpha', 60_000, 'alpha ready behind the Ingress');
    await eventually(async () => (await via('b.test', '/')) === 'beta', 60_000, 'beta ready behind the Ingress');
    assert.strictEqual(await via('a.test', '/beta/'), 'beta');
    assert.strictEqual(await via('b.test', '/alpha-only'), 'alpha');
    assert.strictEqual(await via('b.test', '/beta/'), 'beta');
    // the pod sees the name it was reached by and who asked
    const asked = await httpGet(`${base}/cgi-bin/headers`, { Host: 'a.test' });
    assert.strictEqual(asked.text.trim(), 'a.test 127.0.0.1 http');
    const ing = await t.json(['get', 'ingress', 'two-hosts']);
    assert.deepStrictEqual(ing.status.loadBalancer.ingress, [{ ip: '127.0.0.1' }]);
    await t.ok(['scale', 'deployment', 'beta', '--replicas=0']);
    const down = await eventually(async () => {
      const r = await httpGet(`${base}/beta/`, { Host: 'a.test' });
      return r.status === 503 ? r : undefined;
    }, 30_000);
    assert.match(down!.text, /Ingress default\/two-hosts: Service default\/beta port 80 has no ready endpoint/);
    assert.strictEqual(await via('a.test', '/'), 'alpha');
  });

  it('gives a pod that turns unready no new connections', async () => {
    const [gone, ...rest] = pods;
    const r = await httpGet(`http://${gone.ip}:8080/cgi-bin/unready`);
    assert.strictEqual(r.text.trim(), 'unready');
    await eventually(
      async () => {
        const slices: EndpointSlice[] = (
          await t.json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo-lb'])
        ).items;
        const ep = slices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === gone.name);
        return ep?.conditions?.ready === false;
      },
      20_000,
      `the endpoint of ${gone.name} not ready`,
    );
    const names = await answering(`http://127.0.0.1:${lbPort}/`, 8);
    assert.deepStrictEqual(names, rest.map((p) => p.name).sort());
  });
});
