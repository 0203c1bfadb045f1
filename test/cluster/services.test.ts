// Services with the real kubectl: cluster IPs and node ports allocated by the API server, Endpoints and
// EndpointSlices kept by their controllers from pods the real kubelets run.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';
import { freePort } from '../helpers/loopback';

const ipNumber = (ip: string) => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0);
/** inside 10.96.0.0/12, neither its network nor its broadcast address */
const inServiceRange = (ip: string) =>
  ipNumber(ip) > ipNumber('10.96.0.0') && ipNumber(ip) < ipNumber('10.111.255.255');

describe('Services', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let client: ApiClient;

  const ok = (args: string[], input?: string) => t.ok(args, input);
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const service = (name: string, spec: string) =>
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n${spec}`;
  /** the status code the API server answers a create with */
  const createStatus = async (obj: any) => {
    try {
      await client.create('/api/v1/namespaces/default/services', obj);
      return 201;
    } catch (e) {
      if (e instanceof KubeApiError) return e.status;
      throw e;
    }
  };

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: 20 });
    client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
  });
  after(async () => {
    client?.close();
    await t?.stop();
  });

  describe('allocation', () => {
    it('gives cluster IPs from 10.96.0.0/12 and node ports from 30000-32767, as kubectl get svc shows', async () => {
      await ok(['create', 'service', 'clusterip', 'alpha', '--tcp=80:8080']);
      await ok(['create', 'service', 'nodeport', 'beta', '--tcp=80:8080']);
      // the load balancer listens on 127.0.0.1:<port>: a free one
      const lbPort = await freePort();
      await ok(['create', 'service', 'loadbalancer', 'gamma', `--tcp=${lbPort}:8443`]);
      const out = await ok(['get', 'svc', 'alpha', 'beta', 'gamma']);
      const rows = new Map(
        out
          .trim()
          .split('\n')
          .slice(1)
          .map((l) => {
            const [name, type, ip, external, ports] = l.split(/\s+/);
            return [name, { type, ip, external, ports }];
          }),
      );
      for (const name of ['alpha', 'beta', 'gamma'])
        assert.ok(inServiceRange(rows.get(name)!.ip), `${name}: ${rows.get(name)!.ip}`);
      assert.strictEqual(new Set([...rows.values()].map((r) => r.ip)).size, 3, 'cluster IPs are distinct');
      assert.strictEqual(rows.get('alpha')!.ports, '80/TCP');
      for (const name of ['beta', 'gamma']) {
        const m = new RegExp(`^(?:80|${lbPort}):(\\d+)/TCP$`).exec(rows.get(name)!.ports);
        assert.ok(m, `${name} PORT(S) ${rows.get(name)!.ports}`);
        assert.ok(Number(m[1]) >= 30000 && Number(m[1]) <= 32767, `node port ${m[1]}`);
      }
      await eventually(
        async () => /^gamma\s+LoadBalancer\s+\S+\s+127\.0\.0\.1\s/m.test(await ok(['get', 'svc', 'gamma'])),
        10_000,
        'EXTERNAL-IP 127.0.0.1 from the load balancer',
      );
      const alpha = await json(['get', 'svc', 'alpha']);
      assert.deepStrictEqual(alpha.spec.clusterIPs, [alpha.spec.clusterIP]);
      assert.deepStrictEqual(alpha.spec.ipFamilies, ['IPv4']);
      assert.strictEqual(alpha.spec.ipFamilyPolicy, 'SingleStack');
    });

    it('has the "kubernetes" Service at 10.96.0.1 whose endpoints are the API server', async () => {
      const port = Number(new URL(t.cluster.url).port);
      const svc = await eventually(
        async () =>
          (await t.kubectl(['get', 'svc', 'kubernetes', '-o', 'json'])).code === 0 &&
          json(['get', 'svc', 'kubernetes']),
      );
      assert.strictEqual(svc.spec.clusterIP, '10.96.0.1');
      assert.deepStrictEqual(
        svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
        [['https', 443, port]],
      );
      const ep = await eventually(
        async () =>
          (await t.kubectl(['get', 'endpoints', 'kubernetes', '-o', 'json'])).code === 0 &&
          json(['get', 'endpoints', 'kubernetes']),
      );
      assert.deepStrictEqual(ep.subsets, [
        { addresses: [{ ip: '127.0.0.1' }], ports: [{ name: 'https', port, protocol: 'TCP' }] },
      ]);
      const slices = await eventually(async () => {
        const l = await json(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=kubernetes']);
        return l.items.length === 1 ? l.items : undefined;
      });
      assert.deepStrictEqual(
        slices[0].endpoints.map((e: any) => e.addresses),
        [['127.0.0.1']],
      );
    });

    it('honors a requested cluster IP and refuses one that is taken or out of range with 422', async () => {
      await ok(['apply', '-f', '-'], service('fixed', '  clusterIP: 10.96.100.10\n  ports: [{port: 80}]\n'));
      assert.match(await ok(['get', 'svc', 'fixed']), /fixed\s+ClusterIP\s+10\.96\.100\.10\s/);
      const dup = await t.kubectl(['apply', '-f', '-'], {
        input: service('copycat', '  clusterIP: 10.96.100.10\n  ports: [{port: 80}]\n'),
      });
      assert.notStrictEqual(dup.code, 0);
      assert.match(
        dup.stderr,
        /The Service "copycat" is invalid: spec\.clusterIPs: .*failed to allocate IP 10\.96\.100\.10: provided IP is already allocated/,
      );
      const body = (name: string, spec: any) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { ports: [{ port: 80 }], ...spec },
      });
      assert.strictEqual(await createStatus(body('copycat', { clusterIP: '10.96.100.10' })), 422);
      const outside = await t.kubectl(['apply', '-f', '-'], {
        input: service('outside', '  clusterIP: 10.0.0.5\n  ports: [{port: 80}]\n'),
      });
      assert.match(
        outside.stderr,
        /provided IP is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12/,
      );
      assert.strictEqual(await createStatus(body('outside', { clusterIP: '10.0.0.5' })), 422);
      assert.match((await t.kubectl(['get', 'svc', 'copycat'])).stderr, /NotFound/);
    });

    it('honors a requested node port and refuses a taken one with 422', async () => {
      await ok(['apply', '-f', '-'], service('np1', '  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n'));
      assert.match(await ok(['get', 'svc', 'np1']), /80:30080\/TCP/);
      const dup = await t.kubectl(['apply', '-f', '-'], {
        input: service('np2', '  type: NodePort\n  ports: [{port: 81, nodePort: 30080}]\n'),
      });
      assert.notStrictEqual(dup.code, 0);
      assert.match(dup.stderr, /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/);
      const status = await createStatus({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'np2' },
        spec: { type: 'NodePort', ports: [{ port: 81, nodePort: 30080 }] },
      });
      assert.strictEqual(status, 422);
      const low = await t.kubectl(['apply', '-f', '-'], {
        input: service('np3', '  type: NodePort\n  ports: [{port: 80, nodePort: 8080}]\n'),
      });
      assert.match(low.stderr, /provided port is not in the valid range\. The range of valid ports is 30000-32767/);
    });

    it('releases the cluster IP and node port of a deleted Service, so another may request them', async () => {
      await ok(['delete', 'svc', 'fixed', 'np1']);
      await ok(
        ['apply', '-f', '-'],
        service('heir', '  type: NodePort\n  clusterIP: 10.96.100.10\n  ports: [{port: 80, nodePort: 30080}]\n'),
      );
      assert.match(await ok(['get', 'svc', 'heir']), /heir\s+NodePort\s+10\.96\.100\.10\s+<none>\s+80:30080\/TCP/);
    });

    it('keeps node ports across updates that leave them out, allocates them on ClusterIP → NodePort and frees them on the way back', async () => {
      await ok(['patch', 'svc', 'alpha', '-p', '{"spec":{"type":"NodePort"}}']);
      const before = await json(['get', 'svc', 'alpha']);
      const nodePort = before.spec.ports[0].nodePort;
      assert.ok(nodePort >= 30000 && nodePort <= 32767, `node port ${nodePort}`);
      // the ports list replaced without node ports: the port keeps its node port, matched by name
      await ok([
        'patch',
        'svc',
        'alpha',
        '--type=merge',
        '-p',
        '{"spec":{"ports":[{"name":"80-8080","port":80,"targetPort":9090}]}}',
      ]);
      const after = await json(['get', 'svc', 'alpha']);
      assert.strictEqual(after.spec.ports[0].targetPort, 9090);
      assert.strictEqual(after.spec.ports[0].nodePort, nodePort);
      assert.strictEqual(after.spec.clusterIP, before.spec.clusterIP, 'the cluster IP never changes');
      await ok([
        'patch',
        'svc',
        'alpha',
        '--type=json',
        '-p',
        '[{"op":"replace","path":"/spec/type","value":"ClusterIP"},{"op":"remove","path":"/spec/ports/0/nodePort"},{"op":"remove","path":"/spec/externalTrafficPolicy"}]',
      ]);
      assert.match(await ok(['get', 'svc', 'alpha']), /alpha\s+ClusterIP\s+\S+\s+<none>\s+80\/TCP/);
      await eventually(
        async () =>
          (
            await t.kubectl(['apply', '-f', '-'], {
              input: service('taker', `  type: NodePort\n  ports: [{port: 80, nodePort: ${nodePort}}]\n`),
            })
          ).code === 0,
        5000,
        'the freed node port',
      );
    });

    it('leaves headless and ExternalName Services without a cluster IP', async () => {
      await ok(
        ['apply', '-f', '-'],
        service('headless', '  clusterIP: None\n  selector: {app: nothing}\n  ports: [{port: 80}]\n'),
      );
      await ok(['create', 'service', 'externalname', 'alias', '--external-name=example.com']);
      const out = await ok(['get', 'svc', 'headless', 'alias']);
      assert.match(out, /headless\s+ClusterIP\s+None\s/);
      assert.match(out, /alias\s+ExternalName\s+<none>\s+example\.com\s/);
      const alias = await json(['get', 'svc', 'alias']);
      assert.strictEqual(alias.spec.clusterIP, undefined);
      assert.strictEqual(alias.spec.ipFamilies, undefined);
    });
  });

  describe('Endpoints and EndpointSlices', () => {
    let nodes: { name: string; zone: string }[];

    const pod = (
      name: string,
      node: string,
      opts: { labels?: string; annotations?: string; extra?: string } = {},
    ) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: {${opts.labels ?? 'app: web'}}
  annotations: {${opts.annotations ?? ''}}
spec:
  nodeName: ${node}
${opts.extra ?? ''}  containers:
  - name: app
    image: nginx:1.27
    ports: [{name: http, containerPort: 8080}]
    readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
`;
    const pods = async (selector: string) => (await json(['get', 'pods', '-l', selector])).items as any[];
    const isReady = (p: any) =>
      (p.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
    const endpointsOf = async (name: string) => {
      const r = await t.kubectl(['get', 'endpoints', name, '-o', 'json']);
      return r.code === 0 ? JSON.parse(r.stdout) : undefined;
    };
    const ipsIn = (ep: any, field: 'addresses' | 'notReadyAddresses') =>
      (ep?.subsets ?? []).flatMap((s: any) => (s[field] ?? []).map((a: any) => a.ip)).sort();
    const slicesOf = async (svc: string) =>
      (await json(['get', 'endpointslices', '-l', `kubernetes.io/service-name=${svc}`])).items as any[];

    before(async () => {
      nodes = (await json(['get', 'nodes'])).items.map((n: any) => ({
        name: n.metadata.name,
        zone: n.metadata.labels['topology.kubernetes.io/zone'],
      }));
      assert.strictEqual(nodes.length, 3);
      const docs = [0, 1, 2].map((i) => pod(`web-${i}`, nodes[i].name));
      // a pod whose readiness probe never passes
      docs.push(pod('web-3', nodes[0].name, { annotations: 'sim.slipway.dev/readiness: fail' }));
      docs.push(service('web', '  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]\n'));
      await ok(['apply', '-f', '-'], docs.join('---\n'));
    });

    it('lists ready pods under addresses and not-ready ones under notReadyAddresses, with the named targetPort resolved', async () => {
      const ep = await eventually(
        async () => {
          const all = await pods('app=web');
          const ready = all
            .filter(isReady)
            .map((p) => p.status.podIP)
            .sort();
          const notReady = all
            .filter((p) => !isReady(p) && p.status.podIP)
            .map((p) => p.status.podIP)
            .sort();
          const e = await endpointsOf('web');
          return (
            ready.length === 3 &&
            notReady.length === 1 &&
            JSON.stringify(ipsIn(e, 'addresses')) === JSON.stringify(ready) &&
            JSON.stringify(ipsIn(e, 'notReadyAddresses')) === JSON.stringify(notReady) &&
            e
          );
        },
        20_000,
        'Endpoints with 3 ready and 1 not-ready address',
      );
      assert.deepStrictEqual(ep.subsets[0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      const byName = new Map((await pods('app=web')).map((p) => [p.metadata.name, p]));
      for (const a of [...ep.subsets[0].addresses, ...ep.subsets[0].notReadyAddresses]) {
        const p = byName.get(a.targetRef.name)!;
        assert.strictEqual(a.ip, p.status.podIP);
        assert.strictEqual(a.nodeName, p.spec.nodeName);
        assert.deepStrictEqual(a.targetRef, {
          kind: 'Pod',
          namespace: 'default',
          name: p.metadata.name,
          uid: p.metadata.uid,
        });
      }
      const out = await ok(['get', 'endpoints', 'web']);
      for (const ip of ipsIn(ep, 'addresses').slice(0, 3)) assert.ok(out.includes(`${ip}:8080`), out);
      assert.match(await ok(['describe', 'svc', 'web']), /Endpoints:\s+\d+\.\d+\.\d+\.\d+:8080/);
    });

    it('keeps every pod in an EndpointSlice with its conditions, node, zone and a reference to it', async () => {
      const slices = await eventually(
        async () => {
          const s = await slicesOf('web');
          return s.length === 1 && s[0].endpoints?.length === 4 ? s : undefined;
        },
        10_000,
        'one slice with 4 endpoints',
      );
      const svc = await json(['get', 'svc', 'web']);
      const slice = slices![0];
      assert.match(slice.metadata.name, /^web-[a-z0-9]{5}$/);
      assert.strictEqual(
        slice.metadata.labels['endpointslice.kubernetes.io/managed-by'],
        'endpointslice-controller.k8s.io',
      );
      assert.strictEqual(slice.addressType, 'IPv4');
      assert.deepStrictEqual(
        slice.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid, o.controller]),
        [['Service', 'web', svc.metadata.uid, true]],
      );
      assert.deepStrictEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      const byName = new Map((await pods('app=web')).map((p) => [p.metadata.name, p]));
      for (const e of slice.endpoints) {
        const p = byName.get(e.targetRef.name)!;
        assert.deepStrictEqual(e.addresses, [p.status.podIP]);
        assert.deepStrictEqual(e.conditions, { ready: isReady(p), serving: isReady(p), terminating: false });
        assert.strictEqual(e.nodeName, p.spec.nodeName);
        assert.strictEqual(e.zone, nodes.find((n) => n.name === p.spec.nodeName)!.zone);
        assert.strictEqual(e.targetRef.uid, p.metadata.uid);
      }
      assert.strictEqual(slice.endpoints.filter((e: any) => !e.conditions.ready).length, 1);
    });

    it('moves a pod from notReadyAddresses to addresses when it becomes ready', async () => {
      await ok(
        ['apply', '-f', '-'],
        pod('web-4', nodes[1].name, { annotations: 'sim.slipway.dev/ready-after-seconds: "60"' }),
      );
      const ip = await eventually(
        async () => {
          const p = (await pods('app=web')).find((x) => x.metadata.name === 'web-4');
          return (
            p?.status?.podIP &&
            !isReady(p) &&
            ipsIn(await endpointsOf('web'), 'notReadyAddresses').includes(p.status.podIP) &&
            p.status.podIP
          );
        },
        10_000,
        'web-4 not ready in the Endpoints',
      );
      await eventually(
        async () => ipsIn(await endpointsOf('web'), 'addresses').includes(ip),
        20_000,
        'web-4 ready in the Endpoints',
      );
      assert.ok(!ipsIn(await endpointsOf('web'), 'notReadyAddresses').includes(ip));
      const e = (await slicesOf('web')).flatMap((s) => s.endpoints).find((x: any) => x.targetRef.name === 'web-4');
      assert.deepStrictEqual(e.conditions, { ready: true, serving: true, terminating: false });
    });

    it('lists not-ready pods as ready when the Service publishes not-ready addresses', async () => {
      await ok(
        ['apply', '-f', '-'],
        service(
          'web-all',
          '  publishNotReadyAddresses: true\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n',
        ),
      );
      const notReadyIP = (await pods('app=web')).find((p) => p.metadata.name === 'web-3').status.podIP;
      await eventually(
        async () => {
          const e = await endpointsOf('web-all');
          return (
            ipsIn(e, 'addresses').length === 5 &&
            ipsIn(e, 'addresses').includes(notReadyIP) &&
            ipsIn(e, 'notReadyAddresses').length === 0
          );
        },
        10_000,
        'all five pods under addresses',
      );
      const e = await eventually(async () =>
        (await slicesOf('web-all')).flatMap((s) => s.endpoints ?? []).find((x: any) => x.targetRef.name === 'web-3'),
      );
      assert.deepStrictEqual(e.conditions, { ready: true, serving: false, terminating: false });
    });

    it('marks a terminating pod in its slice and takes it out of the Endpoints', async () => {
      await ok(
        ['apply', '-f', '-'],
        pod('web-5', nodes[2].name, {
          annotations: 'sim.slipway.dev/stop-seconds: "60"',
          extra: '  terminationGracePeriodSeconds: 300\n',
        }),
      );
      const ip = await eventually(
        async () => {
          const p = (await pods('app=web')).find((x) => x.metadata.name === 'web-5');
          return (
            p && isReady(p) && ipsIn(await endpointsOf('web'), 'addresses').includes(p.status.podIP) && p.status.podIP
          );
        },
        10_000,
        'web-5 ready',
      );
      await ok(['delete', 'pod', 'web-5', '--wait=false']);
      const e = await eventually(
        async () =>
          (await slicesOf('web'))
            .flatMap((s) => s.endpoints)
            .find((x: any) => x.targetRef.name === 'web-5' && x.conditions.terminating),
        10_000,
        'web-5 terminating in its slice',
      );
      assert.strictEqual(e.conditions.ready, false);
      const ep = await endpointsOf('web');
      assert.ok(
        ![...ipsIn(ep, 'addresses'), ...ipsIn(ep, 'notReadyAddresses')].includes(ip),
        'terminating pods leave the Endpoints',
      );
      await eventually(
        async () => !(await slicesOf('web')).flatMap((s) => s.endpoints).some((x: any) => x.targetRef.name === 'web-5'),
        30_000,
        'web-5 gone from its slice',
      );
    });

    it("follows a Deployment's pods as it scales", async () => {
      await ok(['create', 'deployment', 'shop', '--image=nginx:1.27', '--replicas=3', '--port=8080']);
      await ok(['expose', 'deployment', 'shop', '--port=80', '--target-port=8080']);
      const readyIPs = async () =>
        (await pods('app=shop'))
          .filter((p) => isReady(p) && !p.metadata.deletionTimestamp)
          .map((p) => p.status.podIP)
          .sort();
      const matches = async (n: number) => {
        const ips = await readyIPs();
        const e = await endpointsOf('shop');
        const sliced = (await slicesOf('shop'))
          .flatMap((x) => x.endpoints ?? [])
          .filter((x: any) => x.conditions.ready)
          .map((x: any) => x.addresses[0])
          .sort();
        return (
          ips.length === n &&
          JSON.stringify(ipsIn(e, 'addresses')) === JSON.stringify(ips) &&
          JSON.stringify(sliced) === JSON.stringify(ips)
        );
      };
      await eventually(() => matches(3), 20_000, 'three ready pods in the Endpoints and slices');
      await ok(['scale', 'deployment', 'shop', '--replicas=1']);
      await eventually(() => matches(1), 20_000, 'one ready pod after scaling down');
    });

    it('puts at most 100 endpoints in one slice', async () => {
      const docs = Array.from({ length: 105 }, (_, i) =>
        pod(`many-${i}`, nodes[i % 3].name, { labels: 'group: many' }).replace(/    readinessProbe.*\n/, ''),
      );
      // three kubectl processes at once: every create waits for an fsync, and concurrent ones share it
      await Promise.all(
        [0, 1, 2].map((k) => ok(['apply', '-f', '-'], docs.filter((_, i) => i % 3 === k).join('---\n'))),
      );
      await ok(
        ['apply', '-f', '-'],
        service('many', '  selector: {group: many}\n  ports: [{port: 80, targetPort: 8080}]\n'),
      );
      const slices = await eventually(
        async () => {
          const s = await slicesOf('many');
          return s.reduce((n, x) => n + (x.endpoints?.length ?? 0), 0) === 105 ? s : undefined;
        },
        30_000,
        '105 endpoints',
      );
      assert.strictEqual(slices!.length, 2, 'two slices hold 105 endpoints');
      for (const s of slices!)
        assert.ok(s.endpoints.length <= 100, `${s.metadata.name} has ${s.endpoints.length} endpoints`);
      assert.strictEqual(
        new Set(slices!.flatMap((s: any) => s.endpoints.map((e: any) => e.targetRef.name))).size,
        105,
        'each pod once',
      );
      await eventually(
        async () => ipsIn(await endpointsOf('many'), 'addresses').length === 105,
        10_000,
        'Endpoints with 105 addresses',
      );
      await ok(['delete', 'pods', '-l', 'group=many', '--wait=false']);
    });

    it('removes the Endpoints and EndpointSlices of a deleted Service', async () => {
      assert.ok(await endpointsOf('web'));
      await ok(['delete', 'svc', 'web']);
      await eventually(
        async () => !(await endpointsOf('web')) && (await slicesOf('web')).length === 0,
        10_000,
        'Endpoints and slices gone',
      );
    });
  });
});
