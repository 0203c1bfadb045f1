// The ingress controller with the simulated runtime: the default IngressClass `slipway`, the address of the
// Ingresses it serves, the answers of its listener when nothing can answer behind a rule (404 without a rule, 503
// without a ready endpoint or with simulated pods), and what happens when the ingress port is taken.
import * as assert from 'assert';
import * as path from 'path';
import { startCluster } from '../../cluster/embeddedCluster';
import { holdPort, httpGet, type HttpAnswer } from '../helpers/loopback';
import { eventually, startTestCluster, tempDir, TestCluster } from '../helpers/testCluster';

const site = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: site}
spec:
  rules:
    - host: shop.test
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
          - {path: /empty, pathType: Prefix, backend: {service: {name: empty, port: {name: http}}}}
`;

const services = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty}
spec: {selector: {app: nothing-has-this}, ports: [{name: http, port: 8080}]}
`;

describe('ingress controller (simulated pods)', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let base: string;

  before(async () => {
    t = await startTestCluster({ nodes: 1, clockSpeed: 10, ingressPort: 0 });
    base = t.cluster.ingressUrl!;
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    await t.apply(services);
    await t.apply(site);
  });
  after(async () => {
    await t?.stop();
  });

  it('makes the IngressClass slipway, the default class', async () => {
    const cls = await eventually(
      async () => (await t.kubectl(['get', 'ingressclass', 'slipway', '-o', 'json'])).stdout,
    );
    const obj = JSON.parse(cls);
    assert.strictEqual(obj.spec.controller, 'slipway.dev/ingress');
    assert.strictEqual(obj.metadata.annotations['ingressclass.kubernetes.io/is-default-class'], 'true');
  });

  it('gives the Ingresses it serves the address 127.0.0.1', async () => {
    await eventually(async () => (await t.json(['get', 'ingress', 'site'])).status?.loadBalancer?.ingress?.[0]?.ip);
    assert.match(await t.ok(['get', 'ingress', 'site']), /^site\s+<none>\s+shop\.test\s+127\.0\.0\.1\s+80\s/m);
  });

  it('answers 503 when the Service has no ready endpoint, or its pods are simulated, and 404 without a rule', async () => {
    const empty = await eventually<HttpAnswer | undefined>(async () => {
      const r = await httpGet(`${base}/empty/x`, { Host: 'shop.test' });
      return r.text.includes('no ready endpoint') ? r : undefined;
    });
    assert.strictEqual(empty?.status, 503);
    assert.match(empty?.text ?? '', /Ingress default\/site: Service default\/empty port 8080 has no ready endpoint/);
    // once the simulated pod is ready its endpoint is, but no process answers behind it
    const simulated = await eventually<HttpAnswer | undefined>(async () => {
      const r = await httpGet(`${base}/`, { Host: 'shop.test' });
      return r.text.includes('simulated') ? r : undefined;
    });
    assert.strictEqual(simulated?.status, 503);
    assert.match(simulated?.text ?? '', /Ingress default\/site: the pods of Service default\/web are simulated/);
    const none = await httpGet(`${base}/`, { Host: 'elsewhere.test' });
    assert.strictEqual(none.status, 404);
    assert.match(none.text, /no Ingress rule for elsewhere\.test\//);
  });

  it('starts without the listener when an optional ingress port is taken, and refuses to when it was asked for', async () => {
    const other = await holdPort();
    const dir = tempDir('slipway-ingress-port-');
    try {
      const c = await startCluster({
        stateDir: path.join(dir, 'a'),
        nodes: 0,
        ingressPort: other.port,
        ingressPortOptional: true,
      });
      assert.strictEqual(c.ingressUrl, undefined);
      assert.match(
        c.ingressProblem ?? '',
        new RegExp(`no ingress listener: 127\\.0\\.0\\.1:${other.port} is already in use`),
      );
      await c.controllersReady;
      await c.stop();
      await assert.rejects(
        startCluster({ stateDir: path.join(dir, 'b'), nodes: 0, ingressPort: other.port }),
        /is already in use by another program or Service; choose another port with --ingress-port N/,
      );
    } finally {
      await other.close();
    }
  });
});
