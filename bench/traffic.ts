// Traffic through the cluster's data path on the container engine, against the pod itself, in one run: requests/s
// and p99 of a bounded load (loadGenerator.ts, on kept-alive connections) straight to the pod IP, through the Service's node port on 127.0.0.1 and
// through the ingress listener, alternating targets so the shared machine's load drifts over all of them alike;
// then DNS lookups timed inside a pod (getaddrinfo, as programs resolve, with the pod's resolv.conf).
// The pod is a Node HTTP server in an image built from the machine's node binary (no download).
// Usage: npm run build && node out/bench/traffic.js [SECONDS_PER_RUN=5] [CONNECTIONS=8] [ROUNDS=2]
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { ApiClient } from '../kubeclient/apiClient';
import { findEngine } from '../cluster/runtime/container/engine';
import { ensureNodeImage, NODE_IMAGE } from '../test/helpers/containerEngine';
import { ClusterProcess, loadAverage, startClusterProcess, untilPodsAdmitted } from './clusterProcess';
import { until } from './until';
import { startLoad, type LoadReport } from './loadGenerator';

// answers with its host name, so the benchmark knows each route reaches this pod and nothing else on the port
const SERVER = `require('http').createServer((q, s) => s.end(require('os').hostname())).listen(8080)`;

/** Times lookups of each name as a program in the pod makes them, and prints one JSON line. */
const DNS_CLIENT = `
const dns = require('dns').promises;
(async () => {
  const out = {};
  for (const name of ['web', 'web.default.svc.cluster.local', 'kubernetes.default']) {
    const ms = [];
    let failed = 0;
    for (let i = 0; i < 300; i++) {
      const t = process.hrtime.bigint();
      try { await dns.lookup(name, { family: 4 }); ms.push(Number(process.hrtime.bigint() - t) / 1e6); }
      catch { failed++; }
    }
    ms.sort((a, b) => a - b);
    const at = (p) => ms[Math.max(0, Math.ceil(p * ms.length) - 1)];
    out[name] = { answered: ms.length, failed, p50: at(0.5), p99: at(0.99) };
  }
  console.log('RESULT ' + JSON.stringify(out));
  console.log(require('fs').readFileSync('/etc/resolv.conf', 'utf8'));
})();
`;

const web = {
  deployment: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: NODE_IMAGE,
              imagePullPolicy: 'Never',
              command: ['/usr/bin/node', '-e', SERVER],
              ports: [{ containerPort: 8080 }],
              readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  },
  service: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default' },
    spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 8080 }] },
  },
  ingress: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      rules: [
        {
          host: 'web.localhost',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 8080 } } } }],
          },
        },
      ],
    },
  },
};

async function readyPod(client: ApiClient): Promise<Pod | undefined> {
  const list = await client.get('/api/v1/namespaces/default/pods?labelSelector=app%3Dweb');
  return (list.items as Pod[]).find((p) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
  );
}

function getText(url: string, headers?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) =>
    http
      .get(url, { headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve(body));
      })
      .on('error', reject),
  );
}

function line(name: string, r: LoadReport): string {
  return (
    `  ${name.padEnd(28)} ${r.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms  ` +
    `p99 ${r.latencyMs.p99.toFixed(2)} ms  (${r.ok} answered, ${r.failed} failed)`
  );
}

/** connections kept-alive workers sending one GET after another to url for seconds */
async function loadFor(url: string, headers: Record<string, string> | undefined, connections: number, seconds: number) {
  const load = startLoad({ url, headers, concurrency: connections, keepAlive: true });
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  return load.stop();
}

async function traffic(c: ClusterProcess, seconds: number, connections: number, rounds: number): Promise<void> {
  const client = c.client();
  const ingress = /Ingresses answer on: (http:\/\/\S+)/.exec(c.output())?.[1];
  if (!ingress) throw new Error(`the cluster has no ingress listener:\n${c.output()}`);
  await untilPodsAdmitted(client);
  await client.create('/apis/apps/v1/namespaces/default/deployments', web.deployment);
  const svc: Service = await client.create('/api/v1/namespaces/default/services', web.service);
  await client.create('/apis/networking.k8s.io/v1/namespaces/default/ingresses', web.ingress);
  const pod = await until('the web pod Ready', () => readyPod(client));
  const targets: [string, string, Record<string, string> | undefined][] = [
    ['direct to the pod IP', `http://${pod.status!.podIP}:8080/`, undefined],
    ['Service (NodePort 127.0.0.1)', `http://127.0.0.1:${svc.spec!.ports![0].nodePort}/`, undefined],
    ['Ingress (Host web.localhost)', `${ingress}/`, { host: 'web.localhost' }],
  ];
  // the routes reach the endpoint once the EndpointSlice has it: wait until each answers as the pod itself does
  const itself = await until('the pod', () => getText(targets[0][1]));
  for (const [name, url, headers] of targets)
    await until(name, async () => ((await getText(url, headers)) === itself ? 1 : undefined));
  console.log(`${connections} connections, ${seconds} s per run, ${rounds} rounds; ${loadAverage()}`);
  const results = new Map<string, LoadReport[]>(targets.map(([n]) => [n, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const [name, url, headers] of targets) {
      const r = await loadFor(url, headers, connections, seconds);
      results.get(name)!.push(r);
      console.log(line(`${name}, round ${round}`, r));
    }
  }
  const sum = (list: LoadReport[], f: (r: LoadReport) => number) => list.reduce((a, r) => a + f(r), 0) / list.length;
  const direct = results.get(targets[0][0])!;
  for (const [name] of targets.slice(1)) {
    const via = results.get(name)!;
    const rps = sum(via, (r) => r.requestsPerSecond) / sum(direct, (r) => r.requestsPerSecond);
    const p99 = sum(via, (r) => r.latencyMs.p99) / sum(direct, (r) => r.latencyMs.p99);
    console.log(`  ${name} / direct: ${rps.toFixed(2)}× the requests/s, ${p99.toFixed(2)}× the p99`);
  }
  console.log(`after the runs: ${loadAverage()}`);
}

async function dnsFromPod(c: ClusterProcess): Promise<void> {
  const client = c.client();
  await client.create('/api/v1/namespaces/default/pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'dns-client', namespace: 'default' },
    spec: {
      restartPolicy: 'Never',
      containers: [
        { name: 'dns', image: NODE_IMAGE, imagePullPolicy: 'Never', command: ['/usr/bin/node', '-e', DNS_CLIENT] },
      ],
    },
  });
  await until('the DNS client pod to finish', async () => {
    const p: Pod = await client.get('/api/v1/namespaces/default/pods/dns-client');
    return p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' ? p : undefined;
  });
  const log: string = await client.request('GET', '/api/v1/namespaces/default/pods/dns-client/log');
  const result = /RESULT (.*)/.exec(String(log))?.[1];
  if (!result) throw new Error(`the DNS client printed no result:\n${log}`);
  const dnsLine = /cluster DNS: (.*)/.exec(c.output())?.[1];
  console.log(`DNS lookups from a pod (getaddrinfo, 300 each, one at a time); cluster DNS: ${dnsLine}`);
  for (const [name, r] of Object.entries(JSON.parse(result) as Record<string, Record<string, number>>)) {
    const times = r.answered ? `p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms` : 'no answer';
    console.log(`  ${name.padEnd(32)} ${times}  (${r.answered} answered, ${r.failed} failed)`);
  }
  console.log(`  the pod's resolv.conf: ${String(log).split('\n').slice(1).join(' | ').trim()}`);
}

async function main(): Promise<void> {
  const [seconds = 5, connections = 8, rounds = 2] = process.argv.slice(2).map(Number);
  const engine = await findEngine();
  await ensureNodeImage(engine);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-traffic-'));
  console.log(`engine ${engine.name}://${engine.version}; ${loadAverage()}`);
  const c = await startClusterProcess({
    state: path.join(dir, 'state'),
    args: ['cluster', '--nodes', '1', '--runtime', 'container', '--ingress-port', '0'],
  });
  try {
    await traffic(c, seconds, connections, rounds);
    await dnsFromPod(c);
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
