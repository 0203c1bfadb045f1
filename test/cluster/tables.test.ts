import * as assert from 'assert';
import { BUILTIN_RESOURCES, ResourceInfo } from '../../kube/registry';
import { humanDuration, Table, tableForCustomResource, toTable } from '../../cluster/apiserver/tables';

const NOW = new Date('2025-06-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000).toISOString();

function info(kind: string): ResourceInfo {
  const r = BUILTIN_RESOURCES.find((x) => x.kind === kind);
  if (!r) throw new Error(`no built-in ${kind}`);
  return r;
}

/** Column name -> cell, the way a reader looks at one row of `kubectl get -o wide`. */
function row(t: Table, i = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  t.columnDefinitions.forEach((c, j) => (out[c.name] = t.rows[i].cells[j]));
  return out;
}

function one(kind: string, obj: any): Record<string, unknown> {
  const t = toTable(info(kind), [obj], { resourceVersion: '7' }, NOW);
  assert.strictEqual(t.rows[0].cells.length, t.columnDefinitions.length, 'one cell per column');
  return row(t);
}

const running = (name: string, ready: boolean, restarts = 0) => ({
  name,
  ready,
  restartCount: restarts,
  started: true,
  state: { running: { startedAt: ago(60) } },
});

function pod(extra: { spec?: any; status?: any; metadata?: any } = {}): any {
  return {
    metadata: {
      name: 'web-1',
      namespace: 'default',
      uid: 'u1',
      labels: { app: 'web' },
      creationTimestamp: ago(300),
      ...extra.metadata,
    },
    spec: {
      containers: [
        { name: 'app', image: 'nginx' },
        { name: 'log', image: 'busybox' },
      ],
      nodeName: 'node-a',
      ...extra.spec,
    },
    status: {
      phase: 'Running',
      podIP: '10.1.0.5',
      podIPs: [{ ip: '10.1.0.5' }],
      containerStatuses: [running('app', true), running('log', false)],
      ...extra.status,
    },
  };
}

describe('server-side tables', () => {
  describe('Table shape', () => {
    it('is a meta.k8s.io/v1 Table with list metadata and PartialObjectMetadata rows', () => {
      const p = pod();
      const t = toTable(info('Pod'), [p], { resourceVersion: '42', continue: 'abc' }, NOW);
      assert.strictEqual(t.kind, 'Table');
      assert.strictEqual(t.apiVersion, 'meta.k8s.io/v1');
      assert.deepStrictEqual(t.metadata, { resourceVersion: '42', continue: 'abc' });
      assert.deepStrictEqual(t.rows[0].object, {
        kind: 'PartialObjectMetadata',
        apiVersion: 'meta.k8s.io/v1',
        metadata: p.metadata,
      });
      assert.notStrictEqual((t.rows[0].object as any).metadata, p.metadata, 'rows do not share the stored object');
      const name = t.columnDefinitions[0];
      assert.deepStrictEqual([name.name, name.type, name.format, name.priority], ['Name', 'string', 'name', 0]);
      for (const c of t.columnDefinitions)
        assert.ok(typeof c.description === 'string' && c.description.length > 0, c.name);
    });

    it('can carry the whole object or nothing per row', () => {
      const full = toTable(info('ConfigMap'), [{ metadata: { name: 'c' }, data: { a: '1' } }], {}, NOW, {
        includeObject: 'Object',
      });
      assert.deepStrictEqual((full.rows[0].object as any).data, { a: '1' });
      const none = toTable(info('ConfigMap'), [{ metadata: { name: 'c' } }], {}, NOW, { includeObject: 'None' });
      assert.strictEqual('object' in none.rows[0], false);
    });

    it('marks only the -o wide columns with priority 1', () => {
      const wide = (kind: string) =>
        toTable(info(kind), [], {}, NOW)
          .columnDefinitions.filter((c) => c.priority === 1)
          .map((c) => c.name);
      const normal = (kind: string) =>
        toTable(info(kind), [], {}, NOW)
          .columnDefinitions.filter((c) => c.priority === 0)
          .map((c) => c.name);
      assert.deepStrictEqual(normal('Pod'), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
      assert.deepStrictEqual(wide('Pod'), ['IP', 'Node', 'Nominated Node', 'Readiness Gates']);
      assert.deepStrictEqual(normal('Deployment'), ['Name', 'Ready', 'Up-to-date', 'Available', 'Age']);
      assert.deepStrictEqual(wide('Deployment'), ['Containers', 'Images', 'Selector']);
      assert.deepStrictEqual(normal('ReplicaSet'), ['Name', 'Desired', 'Current', 'Ready', 'Age']);
      assert.deepStrictEqual(normal('Service'), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age']);
      assert.deepStrictEqual(wide('Service'), ['Selector']);
      assert.deepStrictEqual(normal('Event'), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
      assert.deepStrictEqual(normal('PersistentVolumeClaim'), [
        'Name',
        'Status',
        'Volume',
        'Capacity',
        'Access Modes',
        'StorageClass',
        'VolumeAttributesClass',
        'Age',
      ]);
      assert.deepStrictEqual(normal('CustomResourceDefinition'), ['Name', 'Created At']);
      assert.deepStrictEqual(normal('ControllerRevision'), ['Name', 'Controller', 'Revision', 'Age']);
    });
  });

  describe('pods', () => {
    it('counts ready containers and shows wide details', () => {
      const r = one('Pod', pod());
      assert.strictEqual(r.Ready, '1/2');
      assert.strictEqual(r.Status, 'Running');
      assert.strictEqual(r.Restarts, '0');
      assert.strictEqual(r.Age, '5m');
      assert.strictEqual(r.IP, '10.1.0.5');
      assert.strictEqual(r.Node, 'node-a');
      assert.strictEqual(r['Nominated Node'], '<none>');
      assert.strictEqual(r['Readiness Gates'], '<none>');
    });

    it('shows CrashLoopBackOff with restarts and the time since the last one', () => {
      const r = one(
        'Pod',
        pod({
          status: {
            containerStatuses: [
              running('app', true),
              {
                name: 'log',
                ready: false,
                restartCount: 3,
                state: { waiting: { reason: 'CrashLoopBackOff' } },
                lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(10) } },
              },
            ],
          },
        }),
      );
      assert.strictEqual(r.Status, 'CrashLoopBackOff');
      assert.strictEqual(r.Restarts, '3 (10s ago)');
      assert.strictEqual(r.Ready, '1/2');
    });

    it('shows Terminating for a deleted pod that has not finished, but not for a finished one', () => {
      assert.strictEqual(one('Pod', pod({ metadata: { deletionTimestamp: ago(1) } })).Status, 'Terminating');
      const done = pod({
        metadata: { deletionTimestamp: ago(1) },
        status: {
          phase: 'Succeeded',
          containerStatuses: [
            { name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          ],
        },
      });
      assert.strictEqual(one('Pod', done).Status, 'Completed');
    });

    it('shows init progress and init failures', () => {
      const initSpec = {
        initContainers: [
          { name: 'migrate', image: 'm' },
          { name: 'seed', image: 's' },
        ],
      };
      const waitingInit = pod({
        spec: initSpec,
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'migrate', state: { terminated: { exitCode: 0 } } },
            { name: 'seed', state: { running: {} } },
          ],
          containerStatuses: [],
        },
      });
      assert.strictEqual(one('Pod', waitingInit).Status, 'Init:1/2');
      const pulling = pod({
        spec: initSpec,
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'migrate', state: { waiting: { reason: 'ImagePullBackOff' } } }],
          containerStatuses: [],
        },
      });
      assert.strictEqual(one('Pod', pulling).Status, 'Init:ImagePullBackOff');
      const failed = pod({
        spec: initSpec,
        status: {
          phase: 'Pending',
          initContainerStatuses: [{ name: 'migrate', restartCount: 2, state: { terminated: { exitCode: 3 } } }],
          containerStatuses: [],
        },
      });
      const r = one('Pod', failed);
      assert.strictEqual(r.Status, 'Init:ExitCode:3');
      assert.strictEqual(r.Restarts, '2');
    });

    it('shows container waiting and terminated reasons', () => {
      const creating = pod({
        status: {
          phase: 'Pending',
          containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }],
        },
      });
      assert.strictEqual(one('Pod', creating).Status, 'ContainerCreating');
      const errored = pod({
        status: {
          phase: 'Failed',
          containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
        },
      });
      assert.strictEqual(one('Pod', errored).Status, 'Error');
      const pending = pod({ status: { phase: 'Pending' } });
      assert.strictEqual(one('Pod', pending).Status, 'Pending');
      assert.strictEqual(
        one('Pod', pod({ status: { phase: 'Pending' }, spec: { nodeName: undefined } })).Node,
        '<none>',
      );
    });

    it('counts sidecar init containers in READY', () => {
      const p = pod({
        spec: { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] },
        status: { initContainerStatuses: [{ name: 'proxy', ready: true, started: true, state: { running: {} } }] },
      });
      assert.strictEqual(one('Pod', p).Ready, '2/3');
    });
  });

  describe('workloads', () => {
    const deploy = {
      metadata: { name: 'web', creationTimestamp: ago(3 * 3600 + 5 * 60) },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
        template: {
          spec: {
            containers: [
              { name: 'app', image: 'nginx:1.27' },
              { name: 'log', image: 'fluent-bit' },
            ],
          },
        },
      },
      status: { replicas: 3, readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
    };

    it('prints deployment columns from its status', () => {
      assert.deepStrictEqual(one('Deployment', deploy), {
        Name: 'web',
        Ready: '2/3',
        'Up-to-date': 3,
        Available: 2,
        Age: '3h5m',
        Containers: 'app,log',
        Images: 'nginx:1.27,fluent-bit',
        Selector: 'app=web,tier in (fe)',
      });
      assert.strictEqual(one('Deployment', { metadata: { name: 'fresh' }, spec: { replicas: 2 } }).Ready, '0/2');
    });

    it('prints replica sets, stateful sets and daemon sets', () => {
      const rs = one('ReplicaSet', { ...deploy, metadata: { name: 'web-abc', creationTimestamp: ago(30) } });
      assert.deepStrictEqual([rs.Desired, rs.Current, rs.Ready, rs.Age], [3, 3, 2, '30s']);
      assert.strictEqual(one('StatefulSet', deploy).Ready, '2/3');
      const ds = one('DaemonSet', {
        metadata: { name: 'agent' },
        spec: { template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [] } } },
        status: {
          desiredNumberScheduled: 2,
          currentNumberScheduled: 2,
          numberReady: 1,
          updatedNumberScheduled: 2,
          numberAvailable: 1,
        },
      });
      assert.deepStrictEqual(
        [ds.Desired, ds.Ready, ds['Node Selector'], ds.Age],
        [2, 1, 'kubernetes.io/os=linux', '<unknown>'],
      );
    });

    it('prints job status, completions and duration', () => {
      const job = one('Job', {
        metadata: { name: 'migrate', creationTimestamp: ago(600) },
        spec: { completions: 1, template: { spec: { containers: [{ name: 'm', image: 'migrate' }] } } },
        status: {
          succeeded: 1,
          startTime: ago(600),
          completionTime: ago(600 - 75),
          conditions: [{ type: 'Complete', status: 'True' }],
        },
      });
      assert.deepStrictEqual([job.Status, job.Completions, job.Duration, job.Age], ['Complete', '1/1', '75s', '10m']);
      const runningJob = one('Job', {
        metadata: { name: 'j' },
        spec: { parallelism: 3 },
        status: { startTime: ago(20) },
      });
      assert.deepStrictEqual(
        [runningJob.Status, runningJob.Completions, runningJob.Duration],
        ['Running', '0/1 of 3', '20s'],
      );
    });

    it('prints cron jobs', () => {
      const cj = one('CronJob', {
        metadata: { name: 'nightly' },
        spec: { schedule: '0 3 * * *', suspend: false },
        status: { active: [{ name: 'x' }], lastScheduleTime: ago(3600) },
      });
      assert.deepStrictEqual(
        [cj.Schedule, cj.Timezone, cj.Suspend, cj.Active, cj['Last Schedule']],
        ['0 3 * * *', '<none>', 'False', 1, '60m'],
      );
    });
  });

  describe('networking and config', () => {
    it('prints service types, cluster IPs and ports', () => {
      const svc = one('Service', {
        metadata: { name: 'web' },
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.10',
          clusterIPs: ['10.96.0.10'],
          selector: { app: 'web' },
          ports: [
            { port: 80, protocol: 'TCP' },
            { port: 443, nodePort: 30443 },
            { port: 53, protocol: 'UDP' },
          ],
        },
      });
      assert.deepStrictEqual(
        [svc.Type, svc['Cluster-IP'], svc['External-IP'], svc['Port(s)'], svc.Selector],
        ['NodePort', '10.96.0.10', '<none>', '80/TCP,443:30443/TCP,53/UDP', 'app=web'],
      );
      const lb = one('Service', {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', clusterIPs: ['10.96.0.11'], ports: [{ port: 80, nodePort: 30080 }] },
      });
      assert.deepStrictEqual([lb['External-IP'], lb['Port(s)']], ['<pending>', '80:30080/TCP']);
      const up = one('Service', {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } },
      });
      assert.deepStrictEqual(
        [up['External-IP'], up['Cluster-IP'], up['Port(s)'], up.Selector],
        ['203.0.113.9', '<none>', '<none>', '<none>'],
      );
      assert.strictEqual(
        one('Service', { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } })[
          'External-IP'
        ],
        'db.example.com',
      );
    });

    it('prints endpoints, capped at three', () => {
      const ep = one('Endpoints', {
        metadata: { name: 'web' },
        subsets: [
          {
            addresses: [{ ip: '10.1.0.1' }, { ip: '10.1.0.2' }, { ip: '10.1.0.3' }, { ip: '10.1.0.4' }],
            ports: [{ port: 8080 }],
          },
        ],
      });
      assert.strictEqual(ep.Endpoints, '10.1.0.1:8080,10.1.0.2:8080,10.1.0.3:8080 + 1 more...');
      assert.strictEqual(one('Endpoints', { metadata: { name: 'none' } }).Endpoints, '<none>');
    });

    it('prints ingress hosts, ports and class', () => {
      const ing = one('Ingress', {
        metadata: { name: 'web' },
        spec: {
          ingressClassName: 'nginx',
          rules: [{ host: 'a.example.com' }, {}],
          tls: [{ hosts: ['a.example.com'] }],
        },
      });
      assert.deepStrictEqual([ing.Class, ing.Hosts, ing.Address, ing.Ports], ['nginx', 'a.example.com', '', '80, 443']);
    });

    it('counts config map and secret keys', () => {
      assert.strictEqual(
        one('ConfigMap', { metadata: { name: 'c' }, data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }).Data,
        3,
      );
      const s = one('Secret', {
        metadata: { name: 's' },
        type: 'kubernetes.io/tls',
        data: { 'tls.crt': 'x', 'tls.key': 'y' },
      });
      assert.deepStrictEqual([s.Type, s.Data], ['kubernetes.io/tls', 2]);
    });
  });

  describe('cluster kinds', () => {
    it('prints node status and roles', () => {
      const n = one('Node', {
        metadata: { name: 'node-a', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          addresses: [{ type: 'InternalIP', address: '192.168.1.2' }],
          nodeInfo: { kubeletVersion: 'v1.34.0' },
        },
      });
      assert.deepStrictEqual(
        [n.Status, n.Roles, n.Version, n['Internal-IP'], n['External-IP'], n['OS-Image']],
        ['Ready,SchedulingDisabled', 'control-plane', 'v1.34.0', '192.168.1.2', '<none>', '<unknown>'],
      );
    });

    it('prints events with the object they concern', () => {
      const e = one('Event', {
        metadata: { name: 'web.1' },
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container\n',
        involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
        source: { component: 'kubelet', host: 'node-a' },
        firstTimestamp: ago(600),
        lastTimestamp: ago(30),
        count: 4,
      });
      assert.deepStrictEqual(
        [e['Last Seen'], e.Object, e.Message, e.Subobject, e.Source, e['First Seen'], e.Count],
        [
          '30s',
          'pod/web-1',
          'Back-off restarting failed container',
          'spec.containers{app}',
          'kubelet, node-a',
          '10m',
          4,
        ],
      );
    });

    it('prints creation times for roles and CRDs and NAME/AGE for custom kinds without columns', () => {
      assert.deepStrictEqual(
        one('ClusterRole', { metadata: { name: 'view', creationTimestamp: '2025-05-01T08:00:00.123Z' } }),
        { Name: 'view', 'Created At': '2025-05-01T08:00:00Z' },
      );
      const custom: ResourceInfo = { ...info('ConfigMap'), group: 'example.com', kind: 'Widget', custom: true };
      const t = toTable(custom, [{ metadata: { name: 'w', creationTimestamp: ago(90) } }], {}, NOW);
      assert.deepStrictEqual(row(t), { Name: 'w', Age: '90s' });
    });
  });

  describe('custom resources', () => {
    const columns = [
      { name: 'Color', type: 'string', jsonPath: '.spec.color' },
      { name: 'Size', type: 'integer', jsonPath: '.spec.size', priority: 1 },
      { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
      { name: 'Host', type: 'string', jsonPath: ".metadata.labels['example.com/host']" },
    ];
    const widget = {
      metadata: { name: 'w1', creationTimestamp: ago(45), labels: { 'example.com/host': 'h1' } },
      spec: { color: 'red', size: 3.7 },
      status: {
        conditions: [
          { type: 'Synced', status: 'False' },
          { type: 'Ready', status: 'True' },
        ],
      },
    };

    it('puts NAME first and shows exactly the additionalPrinterColumns', () => {
      const t = tableForCustomResource(
        undefined,
        [widget, { metadata: { name: 'w2' } }],
        columns,
        { resourceVersion: '9' },
        NOW,
      );
      assert.deepStrictEqual(
        t.columnDefinitions.map((c) => [c.name, c.type, c.priority]),
        [
          ['Name', 'string', 0],
          ['Color', 'string', 0],
          ['Size', 'integer', 1],
          ['Ready', 'string', 0],
          ['Host', 'string', 0],
        ],
      );
      assert.deepStrictEqual(t.rows[0].cells, ['w1', 'red', 3, 'True', 'h1']);
      assert.deepStrictEqual(t.rows[1].cells, ['w2', null, null, null, null]);
      assert.strictEqual((t.rows[0].object as any).kind, 'PartialObjectMetadata');
    });

    it('shows NAME and AGE when the CRD declares no columns', () => {
      const t = tableForCustomResource(undefined, [widget], [], {}, NOW);
      assert.deepStrictEqual(
        t.columnDefinitions.map((c) => c.name),
        ['Name', 'Age'],
      );
      assert.deepStrictEqual(t.rows[0].cells, ['w1', '45s']);
    });

    it('renders date columns as ages', () => {
      const t = tableForCustomResource(
        undefined,
        [widget],
        [{ name: 'AGE', type: 'date', jsonPath: '.metadata.creationTimestamp' }],
        {},
        NOW,
      );
      assert.deepStrictEqual(
        t.columnDefinitions.map((c) => c.name),
        ['Name', 'AGE'],
      );
      assert.deepStrictEqual(t.rows[0].cells, ['w1', '45s']);
    });
  });

  describe('ages', () => {
    it('rounds like Kubernetes HumanDuration at each boundary', () => {
      const s = 1000;
      const m = 60 * s;
      const h = 60 * m;
      const d = 24 * h;
      const cases: [number, string][] = [
        [0, '0s'],
        [-1500, '0s'],
        [-2500, '<invalid>'],
        [59 * s + 999, '59s'],
        [119 * s, '119s'],
        [120 * s, '2m'],
        [182 * s, '3m2s'],
        [9 * m + 59 * s, '9m59s'],
        [10 * m + 30 * s, '10m'],
        [179 * m, '179m'],
        [3 * h, '3h'],
        [7 * h + 59 * m, '7h59m'],
        [8 * h + 30 * m, '8h'],
        [47 * h, '47h'],
        [48 * h, '2d'],
        [2 * d + 3 * h, '2d3h'],
        [7 * d + 23 * h, '7d23h'],
        [8 * d + 5 * h, '8d'],
        [729 * d, '729d'],
        [730 * d, '2y'],
        [750 * d, '2y20d'],
        [8 * 365 * d + 100 * d, '8y'],
      ];
      for (const [ms, want] of cases) assert.strictEqual(humanDuration(ms), want, `${ms}ms`);
    });

    it('shows <unknown> without a creation timestamp', () => {
      assert.strictEqual(one('ConfigMap', { metadata: { name: 'c' } }).Age, '<unknown>');
    });
  });
});
