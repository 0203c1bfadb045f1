// LoadBalancer and NodePort Services with the simulated runtime: the address 127.0.0.1 is assigned (an app with one
// becomes Healthy), a port another program holds leaves the Service pending with an event saying so until it is
// freed (a node port: an event), and connections are refused at once since no simulated pod answers.
import * as assert from 'assert';
import * as net from 'net';
import { applications, useSyncer } from '../syncer/helpers/syncerHarness';
import { makeRepo } from '../syncer/helpers/gitRepo';
import { eventually, TestCluster } from '../helpers/testCluster';
import { freePort, holdPort } from '../helpers/loopback';

const lbService = (name: string, port: number) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  type: LoadBalancer
  selector: {app: ${name}}
  ports: [{port: ${port}, targetPort: 8080}]
`;

describe('LoadBalancer and NodePort Services on the developer machine (simulated pods)', function () {
  this.timeout(60_000);
  const h = useSyncer();
  let t: TestCluster;
  before(() => ({ t } = h.syncer));
  const apps = applications(() => h.syncer.client);

  it('get 127.0.0.1 as their address, so an app with one becomes Healthy', async () => {
    const port = await freePort();
    const repo = makeRepo({
      'app/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "nginx:1.27"}]
---
${lbService('web', port)}`,
    });
    await apps.createApp('lb', repo, { automated: true });
    const app = await apps.waitApp('lb', 'Healthy', (a) => a.status?.health?.status === 'Healthy');
    assert.strictEqual(app.status?.sync?.status, 'Synced');
    const out = await t.ok(['get', 'svc', 'web', '-n', 'lb']);
    assert.match(out, new RegExp(`^web\\s+LoadBalancer\\s+\\S+\\s+127\\.0\\.0\\.1\\s+${port}:\\d+/TCP`, 'm'));
    // the port is held for the Service; with no process behind simulated pods a connection is refused at once
    const refused = await new Promise<string>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      c.on('close', () => resolve('closed'));
    });
    assert.match(refused, /ECONNRESET|closed/);
  });

  it('stays pending with an event while its port is taken, and gets the address once it is free', async () => {
    const other = await holdPort();
    await t.apply(lbService('taken', other.port));
    const event = await eventually(async () => {
      const list = await t.json(['get', 'events', '--field-selector', 'involvedObject.name=taken']);
      return list.items.find((e: { reason: string }) => e.reason === 'SyncLoadBalancerFailed');
    });
    assert.strictEqual(event.type, 'Warning');
    assert.match(event.message, new RegExp(`127\\.0\\.0\\.1:${other.port} is already in use by another program`));
    assert.match(event.message, /stays pending until the port is free/);
    const pending = await t.ok(['get', 'svc', 'taken']);
    assert.match(pending, /^taken\s+LoadBalancer\s+\S+\s+<pending>\s+/m);
    await other.close();
    await eventually(
      async () => (await t.json(['get', 'svc', 'taken'])).status?.loadBalancer?.ingress?.[0]?.ip === '127.0.0.1',
      15_000,
      'the address once the port is free',
    );
  });

  it('reports a node port another program holds with an event on the Service', async () => {
    const other = await holdPort([30000, 32767]);
    try {
      await t.apply(`apiVersion: v1
kind: Service
metadata: {name: np-taken}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: ${other.port}}]
`);
      const event = await eventually(async () => {
        const list = await t.json(['get', 'events', '--field-selector', 'involvedObject.name=np-taken']);
        return list.items.find((e: { reason: string }) => e.reason === 'NodePortUnavailable');
      });
      assert.strictEqual(event.type, 'Warning');
      assert.match(event.message, new RegExp(`127\\.0\\.0\\.1:${other.port} is already in use by another program`));
    } finally {
      await other.close();
    }
  });

  it('gives the port back and drops the address when the Service stops being a LoadBalancer', async () => {
    const port = await freePort();
    await t.apply(lbService('switch', port));
    await eventually(async () => (await t.json(['get', 'svc', 'switch'])).status?.loadBalancer?.ingress);
    await t.ok(['patch', 'svc', 'switch', '-p', '{"spec":{"type":"ClusterIP","allocateLoadBalancerNodePorts":null}}']);
    await eventually(async () => !(await t.json(['get', 'svc', 'switch'])).status?.loadBalancer?.ingress);
    // another program can have the port again
    await eventually(
      () =>
        new Promise<boolean>((resolve) => {
          const s = net.createServer().once('error', () => resolve(false));
          s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
        }),
    );
  });
});
