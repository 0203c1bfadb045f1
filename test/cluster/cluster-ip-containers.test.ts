// Services reached from inside a pod that runs as a real container (Podman in CI), as an app calls another: by
// short name, namespaced name, FQDN and cluster IP, balanced over 3 replicas; the kube-dns Service's cluster IP over
// UDP; a pod that turns unready gets no new connections; sessionAffinity ClientIP keeps a client on one pod; and
// `kubectl port-forward svc/NAME` reaches a pod. The client is a Node script in a pod, so names resolve through the
// C library with resolv.conf's search domains, as programs in pods resolve them.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import {
  clusterContainers,
  ensureNodeImage,
  NODE_IMAGE,
  removeImage,
  useContainerCluster,
} from '../helpers/containerEngine';
import { httpGet } from '../helpers/loopback';
import { nameServer, service } from '../helpers/namePods';
import { eventually } from '../helpers/testCluster';

/** `/usr/bin/node -e CLIENT URL COUNT`: the address URL's host resolves to, then COUNT GETs, a connection each. */
const CLIENT = `
const http = require('http');
const [url, count] = process.argv.slice(1);
const get = () => new Promise((done) => {
  const req = http.get(url, { agent: false, timeout: 5000 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => done(res.statusCode + ' ' + body.trim()));
  });
  req.on('timeout', () => req.destroy(new Error('no answer within 5 s')));
  req.on('error', (e) => done('error ' + e.message));
});
require('dns').lookup(new URL(url).hostname, { family: 4 }, async (err, address) => {
  console.log('address ' + (err ? err.code : address));
  for (let i = 0; i < Number(count); i++) console.log(await get());
});
`;

describe('Services reached from a pod at their names and cluster IPs (real containers)', function () {
  this.timeout(90_000);
  const c = useContainerCluster();
  let pods: { name: string; ip: string }[];
  let clusterIP: string;

  before(async function () {
    this.timeout(180_000);
    if (!c.t.cluster.clusterIPs.reachable) {
      // a user's machine may not allow it (an engine in a VM, rootless, not root): say why rather than fail there
      if (process.env.SLIPWAY_CONTAINER_TESTS === '1') assert.fail(c.t.cluster.clusterIPs.description);
      console.log(`    skipped: cluster IPs ${c.t.cluster.clusterIPs.description}`);
      this.skip();
    }
    assert.ok(
      c.t.cluster.dns.addresses.some((a) => a.port === 53),
      `the pods have no cluster DNS here: ${c.t.cluster.dns.description}`,
    );
    await ensureNodeImage(c.engine);
    await c.t.apply(nameServer('echo', 3));
    await c.t.apply(service('echo', 'echo', {}));
    await c.t.apply(service('echo-sticky', 'echo', { sessionAffinity: 'ClientIP' }));
    await c.t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'client', image: NODE_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sleep', '3600'] },
          ],
        },
      }),
    );
    pods = (await eventually(
      async () => {
        const items = (await c.t.json(['get', 'pods', '-l', 'app=echo'])).items as Pod[];
        const ready = items.filter((p) => p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True'));
        return ready.length === 3 ? ready.map((p) => ({ name: p.metadata!.name!, ip: p.status!.podIP! })) : undefined;
      },
      60_000,
      '3 ready pods',
    ))!;
    await c.t.ok(['wait', '--for=condition=Ready', 'pod/client', '--timeout=60s']);
    clusterIP = (await c.t.json(['get', 'svc', 'echo'])).spec.clusterIP;
  });

  after(async () => {
    if (!c.t) return;
    const id = clusterId(c.t.cluster.stateDir);
    await c.t.stop();
    assert.deepStrictEqual(await clusterContainers(c.engine, id), [], 'containers left on the engine after stop');
    await removeImage(c.engine, NODE_IMAGE).catch(() => undefined);
  });

  /** What the client pod saw: the address url's host resolved to, and each answer (pod name) of `count` GETs. */
  const fromPod = async (url: string, count: number): Promise<{ address: string; names: string[] }> => {
    const out = await c.t.ok(['exec', 'client', '--', '/usr/bin/node', '-e', CLIENT, url, String(count)]);
    const [first, ...answers] = out.trim().split('\n');
    for (const a of answers) assert.match(a, /^200 echo-/, `GET ${url} from the pod: ${a}`);
    return { address: first.replace(/^address /, ''), names: [...new Set(answers.map((a) => a.slice(4)))].sort() };
  };

  it('reaches every pod of the Service by short name, namespaced name, FQDN and cluster IP', async () => {
    const all = pods.map((p) => p.name).sort();
    for (const host of ['echo', 'echo.default', 'echo.default.svc.cluster.local', clusterIP]) {
      const seen = await fromPod(`http://${host}:80/`, 6);
      assert.strictEqual(seen.address, clusterIP, `${host} resolves to the Service's cluster IP`);
      assert.deepStrictEqual(seen.names, all, `http://${host}:80/ answered by every pod in turn`);
    }
  });

  it('answers at the cluster IP from this machine too', async () => {
    const r = await httpGet(`http://${clusterIP}/`);
    assert.ok(
      pods.some((p) => p.name === r.text.trim()),
      `answered ${r.status} ${r.text}`,
    );
  });

  it('answers DNS over UDP at the kube-dns cluster IP, as pods of a real cluster ask it', async () => {
    const kubeDns = (await c.t.json(['get', 'svc', '-n', 'kube-system', 'kube-dns'])).spec.clusterIP;
    // busybox's nslookup asks over UDP, the server named
    const out = await c.t.ok([
      'exec',
      'client',
      '--',
      'busybox',
      'nslookup',
      'echo.default.svc.cluster.local',
      kubeDns,
    ]);
    assert.match(out, new RegExp(`^Server:\\s+${kubeDns.replace(/\./g, '\\.')}$`, 'm'), out);
    assert.match(out, new RegExp(`^Address: ${clusterIP.replace(/\./g, '\\.')}$`, 'm'), out);
  });

  it('keeps a client on one pod with sessionAffinity ClientIP', async () => {
    const seen = await fromPod('http://echo-sticky/', 6);
    assert.strictEqual(seen.names.length, 1, `answered by ${seen.names.join(', ')}`);
  });

  it('forwards kubectl port-forward svc/NAME to a pod of the Service', async () => {
    const pf = c.t.kubectlStream(['port-forward', 'svc/echo', ':80']);
    try {
      const port = await eventually(
        () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.output())?.[1],
        10_000,
        'forwarding',
      );
      const r = await httpGet(`http://127.0.0.1:${port}/`);
      assert.ok(
        pods.some((p) => p.name === r.text.trim()),
        `answered ${r.status} ${r.text}`,
      );
    } finally {
      pf.stop();
    }
  });

  it('gives a pod that turns unready no new connections at the cluster IP', async () => {
    const [gone, ...rest] = pods;
    assert.strictEqual((await httpGet(`http://${gone.ip}:8080/cgi-bin/unready`)).text.trim(), 'unready');
    await eventually(
      async () => {
        const slices: EndpointSlice[] = (
          await c.t.json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=echo'])
        ).items;
        const ep = slices.flatMap((s) => s.endpoints).find((e) => e.targetRef?.name === gone.name);
        return ep?.conditions?.ready === false;
      },
      20_000,
      `the endpoint of ${gone.name} not ready`,
    );
    const seen = await fromPod(`http://${clusterIP}/`, 8);
    assert.deepStrictEqual(seen.names, rest.map((p) => p.name).sort());
  });
});
