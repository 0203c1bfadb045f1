// The cluster DNS answering from the cluster's Services and EndpointSlices, asked over UDP and TCP with a DNS
// client (dns-packet) as a pod's resolver asks it; names outside the cluster go to the upstream resolver, here
// a small DNS server of the test standing in for the machine's.
import * as assert from 'assert';
import * as dgram from 'dgram';
import * as net from 'net';
import * as packet from 'dns-packet';
import type { DecodedPacket, RecordType, SrvAnswer, StringAnswer } from 'dns-packet';
import { startClusterDns } from '../../cluster/dns/clusterDns';
import { ApiClient } from '../../kubeclient/apiClient';
import { SharedInformers } from '../../kubeclient/sharedInformers';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const NS = 'shop';

/** one question to the server at port (127.0.0.1), over UDP or TCP */
function ask(port: number, name: string, type: RecordType, tcp = false): Promise<DecodedPacket> {
  const query = packet.encode({
    type: 'query',
    id: Math.floor(Math.random() * 65535),
    flags: packet.RECURSION_DESIRED,
    questions: [{ type, name }],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer for ${name} ${type}`)), 3000);
    const done = (reply: Buffer) => {
      clearTimeout(timer);
      resolve(packet.decode(reply));
    };
    if (tcp) {
      const s = net.connect(port, '127.0.0.1', () => s.write(packet.streamEncode({ ...packet.decode(query) })));
      let data = Buffer.alloc(0);
      s.on('data', (d) => {
        data = Buffer.concat([data, d]);
        if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
          s.destroy();
          done(data.subarray(2));
        }
      });
      s.on('error', reject);
    } else {
      const s = dgram.createSocket('udp4');
      s.on('message', (m) => {
        s.close();
        done(m);
      });
      s.send(query, port, '127.0.0.1');
    }
  });
}

const rcode = (p: DecodedPacket) => (p as DecodedPacket & { rcode: string }).rcode;
const addresses = (p: DecodedPacket) =>
  (p.answers ?? [])
    .filter((a): a is StringAnswer => a.type === 'A')
    .map((a) => a.data)
    .sort();

/** the machine's resolver, as far as this test is concerned: answers example.test and nothing else */
async function upstreamResolver(): Promise<{ port: number; close(): void }> {
  const s = dgram.createSocket('udp4');
  s.on('message', (m, from) => {
    const q = packet.decode(m);
    const known = q.questions?.[0]?.name === 'example.test' && q.questions[0].type === 'A';
    const reply = packet.encode({
      type: 'response',
      id: q.id,
      flags: packet.RECURSION_AVAILABLE | (known ? 0 : 3),
      questions: q.questions,
      answers: known ? [{ type: 'A', name: 'example.test', ttl: 60, data: '192.0.2.10' }] : [],
    });
    s.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return { port: s.address().port, close: () => s.close() };
}

describe('cluster DNS', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let upstream: { port: number; close(): void };
  let port: number;

  before(async () => {
    upstream = await upstreamResolver();
    t = await startTestCluster({
      nodes: 1,
      clockSpeed: 10,
      dns: { listen: [{ host: '127.0.0.1', port: 0 }], upstream: [{ host: '127.0.0.1', port: upstream.port }] },
    });
    port = t.cluster.dns.addresses[0].port;
    await t.apply(`
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${NS}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: peer, port: 5432}]
---
apiVersion: v1
kind: Service
metadata: {name: docs, namespace: ${NS}}
spec: {type: ExternalName, externalName: example.test}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: ${NS}}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres:16, ports: [{name: peer, containerPort: 5432}]}]}
`);
    await t.ok(['rollout', 'status', '-n', NS, 'statefulset/db', '--timeout=50s']);
  });
  after(async () => {
    await t?.stop();
    upstream?.close();
  });

  async function podIP(name: string): Promise<string> {
    return (await t.json(['get', 'pod', '-n', NS, name])).status.podIP;
  }

  it('has the kube-dns Service in kube-system, as kubeadm makes it', async () => {
    const svc = await t.json(['get', 'service', '-n', 'kube-system', 'kube-dns']);
    assert.strictEqual(svc.spec.clusterIP, '10.96.0.10');
    assert.deepStrictEqual(
      svc.spec.ports.map((p: { name: string; port: number; protocol: string }) => `${p.name} ${p.port}/${p.protocol}`),
      ['dns 53/UDP', 'dns-tcp 53/TCP'],
    );
    assert.strictEqual(svc.metadata.labels['k8s-app'], 'kube-dns');
  });

  it("answers a Service's name with its cluster IP, over UDP and TCP", async () => {
    const ip = (await t.json(['get', 'service', '-n', NS, 'web'])).spec.clusterIP;
    const name = `web.${NS}.svc.cluster.local`;
    const udp = (await eventually(async () => {
      const r = await ask(port, name, 'A');
      return rcode(r) === 'NOERROR' ? r : undefined;
    }))!;
    assert.deepStrictEqual(addresses(udp), [ip]);
    assert.ok(udp.flag_aa, 'the cluster DNS is the authority for its names');
    assert.deepStrictEqual(addresses(await ask(port, name, 'A', true)), [ip]);
    // names match whatever their case, and the answer repeats the name as asked
    const upper = await ask(port, name.toUpperCase(), 'A');
    assert.deepStrictEqual(addresses(upper), [ip]);
    assert.strictEqual(upper.answers?.[0]?.name, name.toUpperCase());
  });

  it("answers a headless Service's name with its ready pods' addresses, and each StatefulSet pod by name", async () => {
    const ips = [await podIP('db-0'), await podIP('db-1')].sort();
    const all = (await eventually(async () => {
      const r = await ask(port, `db.${NS}.svc.cluster.local`, 'A');
      return addresses(r).length === 2 ? r : undefined;
    }))!;
    assert.deepStrictEqual(addresses(all), ips);
    assert.deepStrictEqual(addresses(await ask(port, `db-0.db.${NS}.svc.cluster.local`, 'A')), [await podIP('db-0')]);
    assert.deepStrictEqual(addresses(await ask(port, `db-1.db.${NS}.svc.cluster.local`, 'A')), [await podIP('db-1')]);
  });

  it("leaves a pod that is not ready out of a headless Service's answer", async () => {
    const flaky = (name: string, readiness: string) => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${NS}, labels: {app: flaky}, annotations: {sim.slipway.dev/readiness: ${readiness}}}
spec:
  containers:
  - {name: app, image: app:1, readinessProbe: {exec: {command: ['true']}, periodSeconds: 1}}
`;
    await t.apply(`
apiVersion: v1
kind: Service
metadata: {name: flaky, namespace: ${NS}}
spec: {clusterIP: None, selector: {app: flaky}, ports: [{port: 80}]}
---
${flaky('flaky-ok', 'pass')}
---
${flaky('flaky-bad', 'fail')}
`);
    await t.ok(['wait', '-n', NS, '--for=condition=Ready', 'pod/flaky-ok', '--timeout=30s']);
    const ok = await podIP('flaky-ok');
    // both pods are in the Service's EndpointSlice, the second as not ready
    await eventually(async () => {
      const slices = await t.json(['get', 'endpointslices', '-n', NS, '-l', 'kubernetes.io/service-name=flaky']);
      const endpoints = slices.items.flatMap((x: { endpoints?: unknown[] }) => x.endpoints ?? []);
      return endpoints.length === 2;
    });
    const r = await eventually(async () => {
      const answer = addresses(await ask(port, `flaky.${NS}.svc.cluster.local`, 'A'));
      return answer.length ? answer : undefined;
    });
    assert.deepStrictEqual(r, [ok]);
  });

  it('answers SRV records of named ports', async () => {
    const web = await ask(port, `_http._tcp.web.${NS}.svc.cluster.local`, 'SRV');
    assert.deepStrictEqual(
      (web.answers as SrvAnswer[]).map((a) => `${a.data.target}:${a.data.port}`),
      [`web.${NS}.svc.cluster.local:80`],
    );
    const db = await ask(port, `_peer._tcp.db.${NS}.svc.cluster.local`, 'SRV');
    assert.deepStrictEqual((db.answers as SrvAnswer[]).map((a) => `${a.data.target}:${a.data.port}`).sort(), [
      `db-0.db.${NS}.svc.cluster.local:5432`,
      `db-1.db.${NS}.svc.cluster.local:5432`,
    ]);
    // the targets' addresses come along
    assert.strictEqual(addresses({ answers: db.additionals } as DecodedPacket).length, 2);
  });

  it('answers an ExternalName Service with a CNAME', async () => {
    const r = await ask(port, `docs.${NS}.svc.cluster.local`, 'A');
    assert.deepStrictEqual(
      (r.answers ?? []).map((a) => `${a.type} ${(a as StringAnswer).data}`),
      ['CNAME example.test'],
    );
  });

  it('forwards names outside the cluster to the upstream resolver', async () => {
    assert.deepStrictEqual(addresses(await ask(port, 'example.test', 'A')), ['192.0.2.10']);
    assert.strictEqual(rcode(await ask(port, 'unknown.test', 'A')), 'NXDOMAIN');
  });

  it("answers a Service's name with its ready pods where the pods cannot reach its cluster IP", async () => {
    // the DNS of a cluster whose pods' traffic to cluster IPs cannot be routed (not root, an engine in a VM)
    const client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
    const informers = new SharedInformers(client, () => t.cluster.apiServer.registry.all());
    const dns = await startClusterDns(informers, {
      listen: [{ host: '127.0.0.1', port: 0 }],
      reachesClusterIP: () => false,
      upstream: [],
    });
    try {
      await t.apply(`
apiVersion: v1
kind: Service
metadata: {name: db-ip, namespace: ${NS}}
spec: {selector: {app: db}, ports: [{name: sql, port: 15432, targetPort: 5432}]}
`);
      const at = dns.addresses[0].port;
      const ips = [await podIP('db-0'), await podIP('db-1')].sort();
      const a = await eventually(async () => {
        const r = addresses(await ask(at, `db-ip.${NS}.svc.cluster.local`, 'A'));
        return r.length === 2 ? r : undefined;
      });
      assert.deepStrictEqual(a, ips);
      // SRV records name the port the pods listen on, which is what a client must connect to
      const srv = await ask(at, `_sql._tcp.db-ip.${NS}.svc.cluster.local`, 'SRV');
      assert.deepStrictEqual([...new Set((srv.answers as SrvAnswer[]).map((x) => x.data.port))], [5432]);
    } finally {
      await dns.stop();
      informers.stop();
      client.close();
    }
  });

  it('answers NXDOMAIN for names of the cluster that do not exist', async () => {
    for (const name of [
      `nothere.${NS}.svc.cluster.local`,
      `web.elsewhere.svc.cluster.local`,
      `db-7.db.${NS}.svc.cluster.local`,
    ]) {
      const r = await ask(port, name, 'A');
      assert.strictEqual(rcode(r), 'NXDOMAIN', name);
      assert.strictEqual(r.authorities?.[0]?.type, 'SOA', `${name}: the zone's SOA for negative caching`);
    }
    // a name that exists has no record of another type: NOERROR, nothing in it
    const aaaa = await ask(port, `web.${NS}.svc.cluster.local`, 'AAAA');
    assert.strictEqual(rcode(aaaa), 'NOERROR');
    assert.deepStrictEqual(aaaa.answers, []);
  });
});
