// gRPC probes on real containers, as the kubelet runs them: grpc.health.v1.Health/Check on the pod's IP and port.
// The pods run a small gRPC health server (Node's http2, the machine's own node binary in an image built here):
// SERVING for the service "" (the pod gets Ready) and NOT_SERVING for "down" (never Ready, an Unhealthy event
// with the status).
import * as assert from 'assert';
import { Engine } from '../../cluster/runtime/container/engine';
import { engineOrSkip, ensureNodeImage, NODE_IMAGE } from '../helpers/containerEngine';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

/** A gRPC health service over HTTP/2: the status byte by the requested service name. */
const SERVER = `
const http2 = require('http2');
http2.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const msg = Buffer.concat(chunks).subarray(5);
    const service = msg.length ? msg.subarray(2, 2 + msg[1]).toString() : '';
    const status = service === 'down' ? 2 : 1;
    res.writeHead(200, { 'content-type': 'application/grpc' });
    res.addTrailers({ 'grpc-status': '0' });
    res.end(Buffer.from([0, 0, 0, 0, 2, 0x08, status]));
  });
}).listen(9090, () => console.log('serving'));
`;

describe('gRPC probes on real containers', function () {
  this.timeout(120_000);
  let engine: Engine;
  let t: TestCluster;

  before(async function () {
    this.timeout(180_000);
    engine = await engineOrSkip(this);
    await ensureNodeImage(engine);
    t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
    await engine?.docker
      .getImage(NODE_IMAGE)
      .remove()
      .catch(() => undefined);
  });

  const pod = (name: string, service?: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          {
            name: 'grpc',
            image: NODE_IMAGE,
            imagePullPolicy: 'Never',
            command: ['/usr/bin/node', '-e', SERVER],
            readinessProbe: { grpc: { port: 9090, ...(service ? { service } : {}) }, periodSeconds: 2 },
          },
        ],
      },
    });

  it('makes a pod Ready when its health service is SERVING, and never when NOT_SERVING', async () => {
    await t.apply(pod('healthy'));
    await t.apply(pod('down', 'down'));
    await t.ok(['wait', '--for=condition=Ready', 'pod/healthy', '--timeout=60s']);
    const events = await eventually(
      async () => {
        const out = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=down']);
        return /NOT_SERVING/.test(out) ? out : undefined;
      },
      30_000,
      'the Unhealthy event with the status',
    );
    assert.match(events ?? '', /Readiness probe failed: service unhealthy \(responded with "NOT_SERVING"\)/);
    const down = await t.json(['get', 'pod', 'down']);
    assert.strictEqual(down.status.containerStatuses[0].ready, false);
  });
});
