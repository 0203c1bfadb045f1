// Names from inside a real container (Podman in CI): a pod's resolv.conf names the cluster DNS; the C library's
// resolver (getent) finds a Service by its short, namespaced and full name, a headless Service and a StatefulSet
// pod, and so does busybox's nslookup for the short and full names (it applies search domains only to names without
// a dot); the address a Service's name gives answers over HTTP; the pod's environment holds the Services' variables.
import * as assert from 'assert';
import { Engine } from '../../cluster/runtime/container/engine';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import {
  clusterContainers,
  engineOrSkip,
  ensureResolverImage,
  ensureShellImage,
  removeImage,
  RESOLVER_IMAGE,
  SHELL_IMAGE,
} from '../helpers/containerEngine';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const NS = 'shop';
const NAMES = ['web', `web.${NS}`, `web.${NS}.svc.cluster.local`, 'db', `db-0.db.${NS}.svc.cluster.local`];

/** the client's script: what a user would run in a pod to see its DNS and environment */
const CLIENT = [
  'echo "== resolv.conf"; cat /etc/resolv.conf',
  'echo "== env"; env | busybox sort',
  `for n in ${NAMES.join(' ')}; do echo "== getent $n"; /usr/bin/getent hosts $n; done`,
  `for n in web web.${NS}.svc.cluster.local; do echo "== nslookup $n"; busybox nslookup $n; done`,
  // busybox's wget (static, without the C library's resolver) is given the address the name resolved to
  "ip=$(/usr/bin/getent hosts web | busybox head -1 | busybox cut -d' ' -f1)",
  'echo "== wget $ip"; wget -q -O- "http://$ip:8080/"',
  'echo "== done"; sleep 3600',
].join('\n');

const MANIFESTS = `
apiVersion: v1
kind: Namespace
metadata: {name: ${NS}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: ${NS}}
spec:
  selector: {app: web}
  ports: [{name: http, port: 8080, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${NS}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: web
        image: ${SHELL_IMAGE}
        imagePullPolicy: IfNotPresent
        env: [{name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
        command: [sh, -c, 'mkdir -p /tmp/www && echo "$POD_NAME" > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www']
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: ${NS}}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: peer, port: 7000}]
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
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: db, image: ${SHELL_IMAGE}, imagePullPolicy: IfNotPresent, command: [sleep, '3600']}]
`;

/** the output of each "== title" section of the client's log */
function sections(log: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of log.split(/^== /m).slice(1)) {
    const nl = part.indexOf('\n');
    out.set(part.slice(0, nl).trim(), part.slice(nl + 1));
  }
  return out;
}

/** the answers' addresses in busybox nslookup's output (the server's own line has a port) */
function nslookupAnswers(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/^Address: (\d+\.\d+\.\d+\.\d+)$/gm)].map((m) => m[1]).sort();
}

/** the addresses in `getent hosts` output, one "ADDRESS NAME" line each */
function getentAnswers(text: string | undefined): string[] {
  return [...(text ?? '').matchAll(/^(\d+\.\d+\.\d+\.\d+)\s/gm)].map((m) => m[1]).sort();
}

describe('cluster DNS and Service variables from a real container', function () {
  this.timeout(120_000);
  let engine: Engine;
  let t: TestCluster;

  before(async function () {
    engine = await engineOrSkip(this);
    await ensureShellImage(engine);
    await ensureResolverImage(engine);
    t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10 });
  });

  after(async () => {
    if (!t) return;
    const id = clusterId(t.cluster.stateDir);
    await t.stop();
    assert.deepStrictEqual(await clusterContainers(engine, id), [], 'containers left on the engine after stop');
    await removeImage(engine, RESOLVER_IMAGE);
  });

  it('resolves Services and StatefulSet pods by name, and gives the Services variables', async () => {
    const dns = t.cluster.dns.addresses.find((a) => a.port === 53);
    assert.ok(dns, `the pods have no cluster DNS here: ${t.cluster.dns.description}`);
    const kubeDns = await t.json(['get', 'endpointslice', '-n', 'kube-system', 'kube-dns']);
    assert.deepStrictEqual(kubeDns.endpoints[0].addresses, [dns.host]);

    await t.apply(MANIFESTS);
    await t.ok(['rollout', 'status', '-n', NS, 'deployment/web', '--timeout=60s']);
    await t.ok(['rollout', 'status', '-n', NS, 'statefulset/db', '--timeout=60s']);
    const pods = (await t.json(['get', 'pods', '-n', NS])).items as {
      metadata: { name: string; labels: Record<string, string> };
      status: { podIP: string };
    }[];
    const ipsOf = (app: string) =>
      pods
        .filter((p) => p.metadata.labels.app === app)
        .map((p) => p.status.podIP)
        .sort();
    const db0 = pods.find((p) => p.metadata.name === 'db-0')!.status.podIP;

    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'client', namespace: NS },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'client', image: RESOLVER_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', CLIENT] },
          ],
        },
      }),
    );
    const log = await eventually(
      async () => {
        const r = await t.kubectl(['logs', '-n', NS, 'client']);
        return r.stdout.includes('== done') ? r.stdout : undefined;
      },
      60_000,
      "the client pod's output",
    );
    const out = sections(log!);

    const resolv = out.get('resolv.conf') ?? '';
    assert.match(resolv, new RegExp(`^nameserver ${dns.host.replace(/\./g, '\\.')}$`, 'm'), resolv);
    assert.match(
      resolv,
      new RegExp(`^search ${NS}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local$`, 'm'),
    );
    assert.match(resolv, /^options ndots:5$/m);

    const env = out.get('env') ?? '';
    const webIP = (await t.json(['get', 'service', '-n', NS, 'web'])).spec.clusterIP;
    for (const line of [
      `WEB_SERVICE_HOST=${webIP}`,
      'WEB_SERVICE_PORT=8080',
      'WEB_SERVICE_PORT_HTTP=8080',
      `WEB_PORT_8080_TCP=tcp://${webIP}:8080`,
      'KUBERNETES_SERVICE_HOST=10.96.0.1',
    ])
      assert.match(env, new RegExp(`^${line.replace(/[.]/g, '\\.')}$`, 'm'), `${line} not in:\n${env}`);
    assert.doesNotMatch(env, /^DB_SERVICE_HOST=/m, 'a headless Service has no address to give');

    // a Service's name stands for its cluster IP where the pods reach it (Linux, root), else for its ready pods
    const web = t.cluster.clusterIPs.reachable ? [webIP] : ipsOf('web');
    for (const name of NAMES.slice(0, 3))
      assert.deepStrictEqual(getentAnswers(out.get(`getent ${name}`)), web, `getent ${name}:\n${log}`);
    assert.deepStrictEqual(getentAnswers(out.get('getent db')), ipsOf('db'), log);
    assert.deepStrictEqual(getentAnswers(out.get(`getent db-0.db.${NS}.svc.cluster.local`)), [db0], log);
    for (const name of ['web', `web.${NS}.svc.cluster.local`])
      assert.deepStrictEqual(nslookupAnswers(out.get(`nslookup ${name}`)), web, `nslookup ${name}:\n${log}`);

    const wget = [...out.keys()].find((k) => k.startsWith('wget '))!;
    assert.ok(web.includes(wget.slice('wget '.length)), wget);
    assert.match(out.get(wget)!.trim(), /^web-[a-z0-9]+-[a-z0-9]+$/, 'a web pod answers at the address of its name');
  });
});
