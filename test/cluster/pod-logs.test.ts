// kubectl logs against pods/log: the API server reads the container log files a runtime appends to.
import * as assert from 'assert';
import * as https from 'https';
import * as path from 'path';
import { appendLogLines, containerLogFile } from '../../cluster/logs/podLogFiles';
import { ApiClient } from '../../kubeclient/apiClient';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

const POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default' },
  // bound by the test itself (to a node no kubelet runs), so the default scheduler leaves it alone
  spec: {
    schedulerName: 'test-binder',
    containers: [
      { name: 'app', image: 'nginx:1.27' },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  },
};

describe('kubectl logs', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let client: ApiClient;
  let uid: string;
  let logsDir: string;

  const runningStatus = (restarts: number) => ({
    phase: 'Running',
    containerStatuses: ['app', 'sidecar'].map((name) => ({
      name,
      ready: true,
      restartCount: name === 'app' ? restarts : 0,
      image: 'x',
      imageID: '',
      started: true,
      state: { running: { startedAt: '2026-11-24T00:00:00Z' } },
      ...(name === 'app' && restarts > 0
        ? {
            lastState: {
              terminated: {
                exitCode: 1,
                reason: 'Error',
                startedAt: '2026-11-24T00:00:00Z',
                finishedAt: '2026-11-24T00:00:01Z',
              },
            },
          }
        : {}),
    })),
  });

  async function setStatus(status: any): Promise<void> {
    const pod = await client.get('/api/v1/namespaces/default/pods/web');
    await client.update('/api/v1/namespaces/default/pods/web/status', { ...pod, status });
  }

  before(async () => {
    t = await startTestCluster();
    client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
    logsDir = path.join(t.cluster.stateDir, 'logs');
    const pod = await client.create('/api/v1/namespaces/default/pods', POD);
    uid = pod.metadata.uid;
    await client.create('/api/v1/namespaces/default/pods/web/binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web' },
      target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
    });
    await setStatus(runningStatus(1));
    const ref = { namespace: 'default', name: 'web', uid };
    const t0 = Date.now() - 3600_000;
    appendLogLines(containerLogFile(logsDir, ref, 'app', 0), 'stdout', ['first run crashed'], new Date(t0));
    appendLogLines(containerLogFile(logsDir, ref, 'app', 1), 'stdout', ['old line'], new Date(t0));
    appendLogLines(containerLogFile(logsDir, ref, 'app', 1), 'stdout', ['line 1', 'line 2', 'line 3']);
    appendLogLines(containerLogFile(logsDir, ref, 'sidecar', 0), 'stderr', ['sidecar says hi']);
  });
  after(async () => {
    client?.close();
    await t?.stop();
  });

  it('prints the current run of a container, with tail, since and timestamps', async () => {
    const all = await t.kubectl(['logs', 'web', '-c', 'app']);
    assert.strictEqual(all.code, 0, all.stderr);
    assert.strictEqual(all.stdout, 'old line\nline 1\nline 2\nline 3\n');
    const tail = await t.kubectl(['logs', 'web', '-c', 'app', '--tail=2']);
    assert.strictEqual(tail.stdout, 'line 2\nline 3\n');
    const since = await t.kubectl(['logs', 'web', '-c', 'app', '--since=10m']);
    assert.strictEqual(since.stdout, 'line 1\nline 2\nline 3\n');
    const ts = await t.kubectl(['logs', 'web', '-c', 'app', '--tail=1', '--timestamps']);
    assert.match(ts.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line 3\n$/);
    const limited = await t.kubectl(['logs', 'web', '-c', 'app', '--limit-bytes=4']);
    assert.strictEqual(limited.stdout, 'old ');
  });

  it('prints the previous run with --previous and another container with -c', async () => {
    const prev = await t.kubectl(['logs', 'web', '-c', 'app', '--previous']);
    assert.strictEqual(prev.stdout, 'first run crashed\n');
    const side = await t.kubectl(['logs', 'web', '-c', 'sidecar']);
    assert.strictEqual(side.stdout, 'sidecar says hi\n');
    const wrong = await t.kubectl(['logs', 'web', '-c', 'nope']);
    assert.notStrictEqual(wrong.code, 0);
    assert.match(wrong.stderr, /container nope is not valid for pod web/);
  });

  it('reads follow=True, previous=TRUE and timestamps=yes as true, as kube-apiserver does', async () => {
    const prev = await t.request('GET', '/api/v1/namespaces/default/pods/web/log?container=app&previous=TRUE');
    assert.strictEqual(prev.text, 'first run crashed\n');
    const ts = await t.request(
      'GET',
      '/api/v1/namespaces/default/pods/web/log?container=app&tailLines=1&timestamps=yes',
    );
    assert.match(ts.text, /^\d{4}-\d\d-\d\dT\S+Z line 3\n$/);
    let text = '';
    const u = new URL(`${t.cluster.url}/api/v1/namespaces/default/pods/web/log?container=sidecar&follow=True`);
    const req = https.get(u, { ca: t.cluster.caCert, headers: { Authorization: `Bearer ${t.cluster.token}` } }, (res) =>
      res.on('data', (d) => (text += d)),
    );
    try {
      await eventually(() => text.includes('sidecar says hi'), 10_000, 'the first line');
      appendLogLines(containerLogFile(logsDir, { namespace: 'default', name: 'web', uid }, 'sidecar', 0), 'stdout', [
        'followed with follow=True',
      ]);
      await eventually(() => text.includes('followed with follow=True'), 10_000, 'the line appended while following');
    } finally {
      req.destroy();
    }
  });

  it('follows new lines with -f until the container stops', async () => {
    const f = t.kubectlStream(['logs', '-f', 'web', '-c', 'app', '--tail=1']);
    await eventually(() => f.output().includes('line 3'), 10_000, 'the tail line');
    appendLogLines(containerLogFile(logsDir, { namespace: 'default', name: 'web', uid }, 'app', 1), 'stdout', [
      'appended while following',
    ]);
    await eventually(() => f.output().includes('appended while following'), 10_000, 'the appended line');
    assert.ok(!f.output().includes('line 2'));
    const stopped = runningStatus(1);
    (stopped.containerStatuses[0] as any).state = {
      terminated: {
        exitCode: 0,
        reason: 'Completed',
        startedAt: '2026-11-24T00:00:00Z',
        finishedAt: '2026-11-24T00:00:05Z',
      },
    };
    await setStatus(stopped);
    assert.strictEqual(await f.exited, 0, 'kubectl logs -f ends when the container stops');
  });
});
