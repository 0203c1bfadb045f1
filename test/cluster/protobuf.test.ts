// Protobuf request bodies: what the real kubectl sends for create and autoscale decodes to the
// very object it renders as JSON, objects made that way read back right, and broken bytes are
// a 400. (kubectl expose and run send JSON; they are here to show the whole flow works.)
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as path from 'path';
import { ApiError } from '../../cluster/apiserver/apiErrors';
import { decodeBody } from '../../cluster/apiserver/body';
import type { Secret } from 'kubernetes-types/core/v1';
import { decodeKubernetesProtobuf, messageSpecs } from '../../cluster/apiserver/protobuf/decode';
import { KubectlResult, startTestCluster, TestCluster } from '../helpers/testCluster';

// --- a minimal encoder, enough to build the bodies the tests need ---

function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint) => Buffer.concat([key(field, 0), varint(n)]);
const bytes = (field: number, b: Buffer | string) => {
  const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
  return Buffer.concat([key(field, 2), varint(buf.length), buf]);
};
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));
const entry = (field: number, k: string, v: Buffer | string) => msg(field, bytes(1, k), bytes(2, v));

function envelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  return Buffer.concat([Buffer.from('k8s\0', 'binary'), msg(1, bytes(1, apiVersion), bytes(2, kind)), bytes(2, raw)]);
}

function expectApiError(fn: () => unknown, code: number, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ApiError, `expected an ApiError, got ${e}`);
    assert.strictEqual(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('protobuf request bodies', function () {
  describe('decoder', () => {
    it('has a table in which every referenced message exists', () => {
      const specs = messageSpecs();
      for (const name of [
        'ObjectMeta',
        'Pod',
        'Deployment',
        'Service',
        'Ingress',
        'CronJob',
        'HorizontalPodAutoscaler',
        'RoleBinding',
        'PodDisruptionBudget',
        'ResourceQuota',
        'DeleteOptions',
      ]) {
        assert.ok(specs.has(name), name);
      }
    });

    it('decodes a Deployment the way its JSON form reads', () => {
      const meta = msg(1, bytes(1, 'web'), bytes(3, 'shop'), msg(8), entry(11, 'app', 'web'), entry(11, 'empty', ''));
      const container = Buffer.concat([
        bytes(1, 'nginx'),
        bytes(2, 'nginx:1.27'),
        msg(6, int(3, 8080), bytes(4, 'TCP')),
        msg(8), // resources: an empty struct, always written
        bytes(13, ''), // a Go string field at its zero value: written, but not set
        msg(10, msg(1, msg(2, bytes(1, '/healthz'), msg(2, int(1, 1), bytes(3, 'http')))), int(2, 0)),
      ]);
      const podSpec = Buffer.concat([msg(1, bytes(1, 'data'), msg(2, msg(2))), msg(2, container), int(11, 0)]);
      const spec = Buffer.concat([
        int(1, 0), // replicas is a pointer: 0 on the wire means zero replicas
        msg(2, entry(1, 'app', 'web')),
        msg(3, msg(1, msg(8), entry(11, 'app', 'web')), msg(2, podSpec)),
        msg(4, bytes(1, 'RollingUpdate'), msg(2, msg(1, int(1, 0), int(2, 0)), msg(2, int(1, 1), bytes(3, '25%')))),
        int(5, 0),
      ]);
      const obj = decodeKubernetesProtobuf(
        envelope('apps/v1', 'Deployment', Buffer.concat([meta, msg(2, spec), msg(3)])),
      );
      assert.deepStrictEqual(obj, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', empty: '' } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              volumes: [{ name: 'data', emptyDir: {} }],
              containers: [
                {
                  name: 'nginx',
                  image: 'nginx:1.27',
                  ports: [{ containerPort: 8080, protocol: 'TCP' }],
                  resources: {},
                  livenessProbe: { httpGet: { path: '/healthz', port: 'http' } },
                },
              ],
            },
          },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        },
        status: {},
      });
    });

    it('turns Secret bytes into base64, times into RFC 3339, and keeps odd map keys as data', () => {
      const raw = Buffer.concat([
        msg(1, bytes(1, 's'), msg(8, int(1, 1795489200)), entry(12, '__proto__', 'x')),
        entry(2, 'bin', Buffer.from([0, 0xff, 0x10])),
        bytes(3, 'Opaque'),
      ]);
      const obj = decodeKubernetesProtobuf(envelope('v1', 'Secret', raw)) as Secret;
      assert.strictEqual(obj.metadata?.creationTimestamp, '2026-11-24T03:00:00Z');
      assert.strictEqual(obj.data?.bin, 'AP8Q');
      assert.strictEqual(obj.type, 'Opaque');
      assert.deepStrictEqual(Object.keys(obj.metadata?.annotations ?? {}), ['__proto__']);
      assert.strictEqual(Object.getPrototypeOf(obj.metadata?.annotations), Object.prototype);
    });

    it('skips fields it does not know instead of failing', () => {
      const raw = Buffer.concat([msg(1, bytes(1, 'cm'), int(999, 7)), bytes(500, 'future'), entry(2, 'k', 'v')]);
      assert.deepStrictEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)), {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'cm' },
        data: { k: 'v' },
      });
    });

    it('answers garbage with a 400 BadRequest, never a crash', () => {
      expectApiError(
        () => decodeBody(Buffer.from('this is not protobuf'), 'application/vnd.kubernetes.protobuf'),
        400,
        /not a Kubernetes protobuf object/,
      );
      expectApiError(
        () => decodeBody(Buffer.alloc(0), 'application/vnd.kubernetes.protobuf'),
        400,
        /not a Kubernetes protobuf object/,
      );
      // the right prefix, then a length that runs past the end
      expectApiError(
        () =>
          decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from([0x0a, 0x7f, 0x01])])),
        400,
        /unable to decode/,
      );
      // a valid envelope whose object has a string field sent as a number
      expectApiError(
        () => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', msg(1, int(1, 5)))),
        400,
        /ObjectMeta\.name has wire type 0/,
      );
      // a truncated object inside a valid envelope
      const cut = msg(1, bytes(1, 'web')).subarray(0, 4);
      expectApiError(() => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', cut)), 400, /unable to decode/);
      // an envelope without a kind
      expectApiError(
        () => decodeKubernetesProtobuf(Buffer.concat([Buffer.from('k8s\0', 'binary'), bytes(2, Buffer.alloc(0))])),
        400,
        /Kind/,
      );
      // random bytes after the prefix, many times over
      for (let seed = 1; seed <= 300; seed++) {
        const junk = Buffer.from(Array.from({ length: 64 }, (_, i) => (seed * 7919 + i * 104729) % 251));
        for (const body of [
          Buffer.concat([Buffer.from('k8s\0', 'binary'), junk]),
          envelope('apps/v1', 'Deployment', junk),
        ]) {
          try {
            decodeKubernetesProtobuf(body);
          } catch (e) {
            assert.ok(e instanceof ApiError && e.code === 400, `seed ${seed}: ${e}`);
          }
        }
      }
    });

    it('answers a kind it cannot read with 415, and deep nesting with 400', () => {
      expectApiError(
        () => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', Buffer.alloc(0))),
        415,
        /Widget/,
      );
      // objects embedded in RawExtension fields can nest without end; the decoder stops
      const nested = (n: number): Buffer => {
        if (n === 0) return Buffer.alloc(0);
        const inner = envelope('apps/v1', 'ControllerRevision', nested(n - 1));
        return Buffer.concat([msg(1, bytes(1, 'r')), msg(2, bytes(1, inner))]);
      };
      expectApiError(
        () => decodeKubernetesProtobuf(envelope('apps/v1', 'ControllerRevision', nested(120))),
        400,
        /nested deeper/,
      );
    });
  });

  describe('the real kubectl', function () {
    this.timeout(240_000);
    let t: TestCluster;
    let proxy: http.Server;
    let proxyUrl = '';
    const recorded: Buffer[] = [];

    before(async () => {
      t = await startTestCluster();
      // a plain-HTTP pass-through that keeps every protobuf body kubectl sends
      proxy = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks);
          if (String(req.headers['content-type']).startsWith('application/vnd.kubernetes.protobuf'))
            recorded.push(body);
          const target = new URL(req.url ?? '/', t.cluster.url);
          const up = https.request(
            target,
            {
              method: req.method,
              ca: t.cluster.caCert,
              headers: { ...req.headers, host: target.host, authorization: `Bearer ${t.cluster.token}` },
            },
            (r) => {
              res.writeHead(r.statusCode ?? 502, r.headers);
              r.pipe(res);
            },
          );
          up.on('error', (e) => res.writeHead(502).end(String(e)));
          up.end(body);
        });
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const ns = await t.kubectl(['create', 'namespace', 'proto']);
      assert.strictEqual(ns.code, 0, ns.stderr);
    });
    after(async () => {
      proxy?.close();
      await t?.stop();
    });

    /** kubectl args with extra flags placed ahead of a "--" command separator */
    function withFlags(args: string[], flags: string[]): string[] {
      const i = args.indexOf('--');
      return i < 0 ? [...args, ...flags] : [...args.slice(0, i), ...flags, ...args.slice(i)];
    }
    async function run(...args: string[]): Promise<string> {
      const r = await t.kubectl(args);
      assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}\n${r.stderr}`);
      return r.stdout;
    }
    async function get(kind: string, name: string, ns = 'proto'): Promise<any> {
      return JSON.parse(await run('get', kind, name, ...(ns ? ['-n', ns] : []), '-o', 'json'));
    }
    /** JSON's nulls (nil slices, zero times) carry nothing that protobuf would send */
    function withoutNulls(v: any): any {
      if (Array.isArray(v)) return v.map(withoutNulls);
      if (v && typeof v === 'object')
        return Object.fromEntries(
          Object.entries(v)
            .filter(([, x]) => x !== null)
            .map(([k, x]) => [k, withoutNulls(x)]),
        );
      return v;
    }

    it('sends protobuf bodies that decode to exactly the object kubectl renders as JSON', async () => {
      fs.writeFileSync(path.join(t.dir, 'blob.bin'), Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
      fs.writeFileSync(path.join(t.dir, 'app.env'), 'A=1\nB=\n');
      await run('create', 'deployment', 'base', '-n', 'proto', '--image=nginx');
      // a CronJob with a rich pod template, so `create job --from` sends all of it back
      const richPod = {
        restartPolicy: 'Never',
        volumes: [
          { name: 'cfg', configMap: { name: 'settings', items: [{ key: 'color', path: 'c.txt' }] } },
          { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
          {
            name: 'proj',
            projected: {
              sources: [
                { secret: { name: 'creds' } },
                { serviceAccountToken: { path: 'tok', expirationSeconds: 3600 } },
              ],
            },
          },
        ],
        initContainers: [{ name: 'init', image: 'busybox', command: ['true'] }],
        containers: [
          {
            name: 'main',
            image: 'nginx',
            env: [
              { name: 'USER', valueFrom: { secretKeyRef: { name: 'creds', key: 'user' } } },
              { name: 'EMPTY', value: '' },
            ],
            envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CM_' }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } },
            livenessProbe: {
              httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X', value: 'y' }] },
              initialDelaySeconds: 5,
            },
            readinessProbe: { tcpSocket: { port: 80 } },
            lifecycle: { preStop: { sleep: { seconds: 5 } } },
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'cfg', mountPath: '/cfg', readOnly: true }],
            ports: [{ name: 'http', containerPort: 80 }],
          },
        ],
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 50,
                podAffinityTerm: {
                  topologyKey: 'kubernetes.io/hostname',
                  labelSelector: { matchLabels: { tier: 'web' } },
                },
              },
            ],
          },
        },
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
        terminationGracePeriodSeconds: 0,
        priority: 0,
        enableServiceLinks: false,
      };
      const cronJob = {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'rich', namespace: 'proto' },
        spec: {
          schedule: '0 * * * *',
          jobTemplate: {
            metadata: { labels: { job: 'rich' }, annotations: { note: '' } },
            spec: {
              backoffLimit: 0,
              completions: 3,
              completionMode: 'Indexed',
              podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [1, 2] } }] },
              template: { metadata: { labels: { tier: 'web' } }, spec: richPod },
            },
          },
        },
      };
      const applied = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(cronJob) });
      assert.strictEqual(applied.code, 0, applied.stderr);

      const commands = [
        ['create', 'namespace', 'dry'],
        [
          'create',
          'configmap',
          'cm',
          '-n',
          'proto',
          '--from-literal=color=blue',
          '--from-literal=empty=',
          `--from-file=blob=${path.join(t.dir, 'blob.bin')}`,
        ],
        ['create', 'configmap', 'envs', '-n', 'proto', `--from-env-file=${path.join(t.dir, 'app.env')}`],
        ['create', 'secret', 'generic', 's', '-n', 'proto', '--from-literal=user=admin', '--type=example.com/kind'],
        [
          'create',
          'secret',
          'docker-registry',
          'pull',
          '-n',
          'proto',
          '--docker-server=registry.example.com',
          '--docker-username=u',
          '--docker-password=p',
        ],
        [
          'create',
          'deployment',
          'd',
          '-n',
          'proto',
          '--image=nginx:1.27',
          '--image=redis',
          '--replicas=3',
          '--port=8080',
        ],
        ['create', 'deployment', 'zero', '-n', 'proto', '--image=nginx', '--replicas=0'],
        ['create', 'service', 'clusterip', 'svc', '-n', 'proto', '--tcp=80:8080', '--tcp=443:https'],
        ['create', 'service', 'nodeport', 'np', '-n', 'proto', '--tcp=80:8080', '--node-port=30080'],
        ['create', 'service', 'loadbalancer', 'lb', '-n', 'proto', '--tcp=80'],
        ['create', 'service', 'externalname', 'ext', '-n', 'proto', '--external-name=example.com'],
        ['create', 'job', 'j', '-n', 'proto', '--image=busybox', '--', 'echo', 'hi'],
        ['create', 'job', 'from-rich', '-n', 'proto', '--from=cronjob/rich'],
        ['create', 'cronjob', 'c', '-n', 'proto', '--image=busybox', '--schedule=*/1 * * * *', '--restart=OnFailure'],
        [
          'create',
          'ingress',
          'ing',
          '-n',
          'proto',
          '--class=nginx',
          '--rule=example.com/app*=svc:80',
          '--rule=secure.example.com/=svc:https,tls=cert',
          '--default-backend=svc:80',
          '--annotation=team=blue',
        ],
        ['create', 'serviceaccount', 'sa', '-n', 'proto'],
        [
          'create',
          'role',
          'r',
          '-n',
          'proto',
          '--verb=get,list',
          '--resource=pods,deployments.apps',
          '--resource-name=one',
        ],
        [
          'create',
          'rolebinding',
          'rb',
          '-n',
          'proto',
          '--role=r',
          '--user=alice',
          '--group=devs',
          '--serviceaccount=proto:sa',
        ],
        ['create', 'clusterrole', 'cr', '--verb=get', '--resource=nodes', '--non-resource-url=/healthz'],
        ['create', 'clusterrole', 'aggregate', '--aggregation-rule=rbac.example.com/aggregate=true'],
        ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs'],
        [
          'create',
          'quota',
          'q',
          '-n',
          'proto',
          '--hard=pods=10,requests.cpu=2,limits.memory=1Gi',
          '--scopes=NotTerminating',
        ],
        ['create', 'poddisruptionbudget', 'pdb', '-n', 'proto', '--selector=app=web', '--min-available=50%'],
        ['create', 'poddisruptionbudget', 'strict', '-n', 'proto', '--selector=app=web', '--max-unavailable=0'],
        ['autoscale', 'deployment', 'base', '-n', 'proto', '--min=2', '--max=5', '--cpu-percent=80'],
      ];
      const check = async (kubectl: (args: string[]) => Promise<KubectlResult>, args: string[]) => {
        const before = recorded.length;
        // the server's answer does not matter here, only what kubectl sent first
        await kubectl(['--server', proxyUrl, ...withFlags(args, ['--dry-run=server'])]);
        assert.ok(recorded.length > before, `kubectl ${args.join(' ')} sent no protobuf body`);
        const rendered = await kubectl(withFlags(args, ['--dry-run=client', '-o', 'json']));
        assert.strictEqual(rendered.code, 0, rendered.stderr);
        assert.deepStrictEqual(
          decodeKubernetesProtobuf(recorded[before]),
          withoutNulls(JSON.parse(rendered.stdout)),
          `kubectl ${args.join(' ')}`,
        );
      };
      for (const args of commands) await check((a) => t.kubectl(a), args);
      // kubectl 1.33 and later autoscale with autoscaling/v2, older ones with autoscaling/v1
      const newer = newerKubectl();
      if (newer)
        await check(
          (a) => kubectlWith(newer, a),
          ['autoscale', 'deployment', 'base', '-n', 'proto', '--max=4', '--cpu-percent=70'],
        );
    });

    it('creates a namespace', async () => {
      await run('create', 'namespace', 'made-by-proto');
      const ns = await get('namespace', 'made-by-proto', '');
      assert.strictEqual(ns.status.phase, 'Active');
      assert.match(ns.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it('creates configmaps from literals and from a binary file', async () => {
      const file = path.join(t.dir, 'blob.bin');
      fs.writeFileSync(file, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00]));
      assert.match(
        await run(
          'create',
          'configmap',
          'settings',
          '-n',
          'proto',
          '--from-literal=color=blue',
          '--from-literal=empty=',
          `--from-file=blob=${file}`,
        ),
        /configmap\/settings created/,
      );
      const cm = await get('configmap', 'settings');
      assert.deepStrictEqual(cm.data, { color: 'blue', empty: '' });
      assert.deepStrictEqual(cm.binaryData, { blob: '3q2+7wA=' });
    });

    it('creates generic and docker-registry secrets', async () => {
      await run(
        'create',
        'secret',
        'generic',
        'creds',
        '-n',
        'proto',
        '--from-literal=user=admin',
        '--from-literal=pass=s3cr3t',
      );
      const s = await get('secret', 'creds');
      assert.strictEqual(s.type, 'Opaque');
      assert.strictEqual(Buffer.from(s.data.user, 'base64').toString(), 'admin');
      assert.strictEqual(Buffer.from(s.data.pass, 'base64').toString(), 's3cr3t');

      await run(
        'create',
        'secret',
        'docker-registry',
        'pull',
        '-n',
        'proto',
        '--docker-server=registry.example.com',
        '--docker-username=u',
        '--docker-password=p',
      );
      const d = await get('secret', 'pull');
      assert.strictEqual(d.type, 'kubernetes.io/dockerconfigjson');
      const cfg = JSON.parse(Buffer.from(d.data['.dockerconfigjson'], 'base64').toString());
      assert.strictEqual(cfg.auths['registry.example.com'].username, 'u');
    });

    it('creates deployments, keeping an explicit zero replica count', async () => {
      await run('create', 'deployment', 'web', '-n', 'proto', '--image=nginx:1.27', '--replicas=3', '--port=8080');
      const d = await get('deployment', 'web');
      assert.strictEqual(d.spec.replicas, 3);
      assert.deepStrictEqual(d.metadata.labels, { app: 'web' });
      assert.deepStrictEqual(d.spec.selector, { matchLabels: { app: 'web' } });
      assert.strictEqual(d.spec.template.metadata.labels.app, 'web');
      const c = d.spec.template.spec.containers[0];
      assert.strictEqual(c.image, 'nginx:1.27');
      assert.strictEqual(c.ports[0].containerPort, 8080);

      await run('create', 'deployment', 'idle', '-n', 'proto', '--image=nginx', '--replicas=0');
      assert.strictEqual((await get('deployment', 'idle')).spec.replicas, 0);
    });

    it('creates services with numeric and named target ports', async () => {
      await run('create', 'service', 'clusterip', 'svc', '-n', 'proto', '--tcp=80:8080');
      const s = await get('service', 'svc');
      assert.strictEqual(s.spec.type, 'ClusterIP');
      assert.deepStrictEqual(s.spec.selector, { app: 'svc' });
      assert.deepStrictEqual(
        s.spec.ports.map((p: any) => [p.name, p.port, p.targetPort, p.protocol]),
        [['80-8080', 80, 8080, 'TCP']],
      );

      await run('create', 'service', 'nodeport', 'np', '-n', 'proto', '--tcp=443:https');
      const np = await get('service', 'np');
      assert.strictEqual(np.spec.type, 'NodePort');
      assert.strictEqual(np.spec.ports[0].targetPort, 'https');
    });

    it('exposes a deployment as a service', async () => {
      await run('expose', 'deployment', 'web', '-n', 'proto', '--port=80', '--target-port=8080', '--name=web-svc');
      const s = await get('service', 'web-svc');
      assert.deepStrictEqual(s.spec.selector, { app: 'web' });
      assert.strictEqual(s.spec.ports[0].port, 80);
      assert.strictEqual(s.spec.ports[0].targetPort, 8080);
    });

    it('creates jobs and cronjobs, and a job from a cronjob with its owner reference', async () => {
      await run('create', 'job', 'once', '-n', 'proto', '--image=busybox', '--', 'echo', 'hi');
      const j = await get('job', 'once');
      const jc = j.spec.template.spec.containers[0];
      assert.strictEqual(jc.image, 'busybox');
      assert.deepStrictEqual(jc.command, ['echo', 'hi']);
      assert.strictEqual(j.spec.template.spec.restartPolicy, 'Never');

      await run(
        'create',
        'cronjob',
        'tick',
        '-n',
        'proto',
        '--image=busybox',
        '--schedule=*/1 * * * *',
        '--restart=OnFailure',
      );
      const cj = await get('cronjob', 'tick');
      assert.strictEqual(cj.spec.schedule, '*/1 * * * *');
      assert.strictEqual(cj.spec.jobTemplate.spec.template.spec.containers[0].image, 'busybox');
      assert.strictEqual(cj.spec.jobTemplate.spec.template.spec.restartPolicy, 'OnFailure');

      await run('create', 'job', 'manual', '-n', 'proto', '--from=cronjob/tick');
      const m = await get('job', 'manual');
      assert.strictEqual(m.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
      const owner = m.metadata.ownerReferences[0];
      assert.deepStrictEqual(
        [owner.apiVersion, owner.kind, owner.name, owner.uid, owner.controller],
        ['batch/v1', 'CronJob', 'tick', cj.metadata.uid, true],
      );
    });

    it('creates an ingress with rules, named ports and TLS', async () => {
      await run(
        'create',
        'ingress',
        'site',
        '-n',
        'proto',
        '--class=nginx',
        '--rule=example.com/app*=web-svc:80',
        '--rule=secure.example.com/=web-svc:https,tls=site-cert',
        '--annotation=team=blue',
      );
      const ing = await get('ingress', 'site');
      assert.strictEqual(ing.spec.ingressClassName, 'nginx');
      assert.strictEqual(ing.metadata.annotations.team, 'blue');
      const [a, b] = ing.spec.rules;
      assert.strictEqual(a.host, 'example.com');
      assert.deepStrictEqual(a.http.paths[0], {
        path: '/app',
        pathType: 'Prefix',
        backend: { service: { name: 'web-svc', port: { number: 80 } } },
      });
      assert.strictEqual(b.host, 'secure.example.com');
      assert.strictEqual(b.http.paths[0].pathType, 'Exact');
      assert.deepStrictEqual(b.http.paths[0].backend.service.port, { name: 'https' });
      assert.deepStrictEqual(ing.spec.tls, [{ hosts: ['secure.example.com'], secretName: 'site-cert' }]);
    });

    it('creates service accounts, roles and bindings, keeping the core "" API group', async () => {
      await run('create', 'serviceaccount', 'builder', '-n', 'proto');
      assert.strictEqual((await get('serviceaccount', 'builder')).metadata.name, 'builder');

      await run('create', 'role', 'reader', '-n', 'proto', '--verb=get,list', '--resource=pods,deployments.apps');
      const role = await get('role', 'reader');
      assert.deepStrictEqual(
        role.rules.map((r: any) => [r.apiGroups, r.resources, r.verbs]),
        [
          [[''], ['pods'], ['get', 'list']],
          [['apps'], ['deployments'], ['get', 'list']],
        ],
      );

      await run(
        'create',
        'rolebinding',
        'read-it',
        '-n',
        'proto',
        '--role=reader',
        '--user=alice',
        '--serviceaccount=proto:builder',
      );
      const rb = await get('rolebinding', 'read-it');
      assert.deepStrictEqual(rb.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' });
      assert.deepStrictEqual(
        rb.subjects.map((s: any) => [s.kind, s.name, s.namespace]),
        [
          ['User', 'alice', undefined],
          ['ServiceAccount', 'builder', 'proto'],
        ],
      );
      assert.strictEqual(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');

      await run(
        'create',
        'clusterrole',
        'node-viewer',
        '--verb=get',
        '--resource=nodes',
        '--non-resource-url=/healthz',
      );
      const cr = await get('clusterrole', 'node-viewer', '');
      assert.deepStrictEqual(cr.rules.find((r: any) => r.resources).resources, ['nodes']);
      assert.deepStrictEqual(cr.rules.find((r: any) => r.nonResourceURLs).nonResourceURLs, ['/healthz']);

      await run('create', 'clusterrolebinding', 'view-nodes', '--clusterrole=node-viewer', '--group=devs');
      const crb = await get('clusterrolebinding', 'view-nodes', '');
      assert.deepStrictEqual(crb.roleRef, {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'node-viewer',
      });
      assert.deepStrictEqual(crb.subjects, [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }]);
    });

    it('creates a resource quota', async () => {
      await run(
        'create',
        'quota',
        'limits',
        '-n',
        'proto',
        '--hard=pods=10,requests.cpu=2,limits.memory=1Gi',
        '--scopes=NotTerminating',
      );
      const q = await get('resourcequota', 'limits');
      assert.deepStrictEqual(q.spec.hard, { pods: '10', 'requests.cpu': '2', 'limits.memory': '1Gi' });
      assert.deepStrictEqual(q.spec.scopes, ['NotTerminating']);
      // quotas are enforced at admission: this one would refuse the pods below, which ask for nothing
      await run('delete', 'quota', 'limits', '-n', 'proto');
    });

    it('runs a pod with labels, env and a port', async () => {
      await run('run', 'solo', '-n', 'proto', '--image=nginx', '--labels=tier=web', '--env=MODE=test', '--port=80');
      const p = await get('pod', 'solo');
      assert.deepStrictEqual(p.metadata.labels, { tier: 'web' });
      const c = p.spec.containers[0];
      assert.strictEqual(c.image, 'nginx');
      assert.deepStrictEqual(c.env, [{ name: 'MODE', value: 'test' }]);
      assert.strictEqual(c.ports[0].containerPort, 80);
    });

    /** A kubectl of 1.33 or later installed next to the one on the PATH (as cloud SDKs ship them). */
    function newerKubectl(): string | undefined {
      for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
        const onPath = path.join(dir, 'kubectl');
        if (!fs.existsSync(onPath)) continue;
        const home = path.dirname(fs.realpathSync(onPath));
        const found = fs
          .readdirSync(home)
          .map((f) => ({ f, minor: Number(/^kubectl\.1\.(\d+)$/.exec(f)?.[1] ?? 0) }))
          .filter((k) => k.minor >= 33)
          .sort((a, b) => b.minor - a.minor);
        return found.length ? path.join(home, found[0].f) : undefined;
      }
      return undefined;
    }

    function kubectlWith(binary: string, args: string[]): Promise<KubectlResult> {
      const base = ['--kubeconfig', t.cluster.kubeconfig, '--cache-dir', path.join(t.dir, 'kube-cache')];
      return new Promise((resolve) => {
        execFile(
          binary,
          [...base, ...args],
          { env: { ...process.env, HOME: t.dir }, timeout: 30_000 },
          (err, stdout, stderr) => {
            resolve({ code: err ? 1 : 0, stdout: String(stdout), stderr: String(stderr) });
          },
        );
      });
    }

    it('answers a garbled protobuf request with a 400 Status', async () => {
      const { url, caCert, token } = t.cluster;
      const body = Buffer.concat([Buffer.from('k8s\0', 'binary'), Buffer.from([0x0a, 0x05, 0x0a, 0x02, 0x76])]);
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          `${url}/api/v1/namespaces/proto/configmaps`,
          {
            method: 'POST',
            ca: caCert,
            headers: {
              Authorization: `Bearer ${token}`,
              'Content-Type': 'application/vnd.kubernetes.protobuf',
              Accept: 'application/json',
            },
          },
          (r) => {
            let text = '';
            r.on('data', (d) => (text += d));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body: text }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      assert.strictEqual(res.status, 400, res.body);
      const status = JSON.parse(res.body);
      assert.strictEqual(status.kind, 'Status');
      assert.strictEqual(status.reason, 'BadRequest');
      assert.match(status.message, /unable to decode the protobuf request body/);
    });
  });
});
