// `kubectl proxy` to pods/proxy, services/proxy and nodes/proxy: with simulated containers nothing listens
// behind a pod IP, so each answers 503 with a reason, and a missing target is a 404.
import * as assert from 'assert';
import * as http from 'http';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function get(url: string): Promise<{ status: number; body: { reason?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      })
      .on('error', reject);
  });
}

describe('proxy subresources through kubectl proxy', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let proxy: ReturnType<TestCluster['kubectlStream']>;
  let base: string;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.apply(`
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default}
spec:
  containers: [{name: app, image: nginx:1.27, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`);
    proxy = t.kubectlStream(['proxy', '--port=0']);
    const port = await eventually(() => /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(proxy.output())?.[1]);
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    proxy?.stop();
    await t?.stop();
  });

  it('answers 503 with the reason for pods, services and nodes', async () => {
    const podIP = await eventually(async () => (await t.json(['get', 'pod', 'web'])).status?.podIP);
    const node = (await t.json(['get', 'nodes'])).items[0].metadata.name;
    for (const path of [
      '/api/v1/namespaces/default/pods/web/proxy/index.html?x=1',
      '/api/v1/namespaces/default/pods/web:80/proxy/',
      '/api/v1/namespaces/default/services/web/proxy/',
      '/api/v1/namespaces/default/services/http:web:80/proxy/healthz',
      `/api/v1/nodes/${node}/proxy/metrics`,
    ]) {
      const r = await get(base + path);
      assert.strictEqual(r.status, 503, `${path}: ${JSON.stringify(r.body)}`);
      assert.strictEqual(r.body.reason, 'ServiceUnavailable');
      assert.match(r.body.message ?? '', /cannot be proxied to: the embedded cluster simulates containers/);
    }
    const pod = await get(`${base}/api/v1/namespaces/default/pods/web/proxy/`);
    assert.match(
      pod.body.message ?? '',
      new RegExp(`^pods "web" .* nothing listens at ${podIP.replace(/\./g, '\\.')}:80;`),
    );
  });

  it('answers 404 for a target that does not exist', async () => {
    const r = await get(`${base}/api/v1/namespaces/default/pods/nope/proxy/`);
    assert.strictEqual(r.status, 404);
    assert.strictEqual(r.body.reason, 'NotFound');
  });
});
