// The official Python client (Debian's python3-kubernetes) against the embedded cluster: a second client, written
// independently of kubectl, that sends what kubectl does not (boolean parameters as `True`, watches through
// `watch=True`, `follow=True` logs, `force=True` server-side applies). With SLIPWAY_PYTHON_CLIENT_TESTS=1 (CI
// installs the package) the suite must run; elsewhere it runs when the package is there.
import * as assert from 'assert';
import { execFile, execFileSync } from 'child_process';
import { useTestCluster } from '../helpers/testCluster';

// Debian's interpreter, which finds Debian's package (another python3 on the PATH may not)
const PYTHON = '/usr/bin/python3';

function clientInstalled(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** Runs a Python script with the cluster's kubeconfig as argv[1]; its last output line, parsed as JSON. */
function runPython(script: string, kubeconfig: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    execFile(PYTHON, ['-c', script, kubeconfig], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python client failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}'));
    }),
  );
}

const PRELUDE = `
import json, sys
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException
config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()
out = {}
`;

describe('the official Python client', function () {
  this.timeout(90_000);
  before(function () {
    if (clientInstalled()) return;
    if (process.env.SLIPWAY_PYTHON_CLIENT_TESTS === '1') throw new Error(`${PYTHON} cannot import kubernetes`);
    this.skip();
  });
  const c = useTestCluster({ nodes: 1 });

  it('lists, and watches with watch=True as a stream of events from a resourceVersion', async () => {
    const out = await runPython(
      PRELUDE +
        `
v1.create_namespaced_config_map('default', {'metadata': {'name': 'py-a'}, 'data': {'k': 'v'}})
listed = v1.list_namespaced_config_map('default')
out['listed'] = sorted(c.metadata.name for c in listed.items)
v1.create_namespaced_config_map('default', {'metadata': {'name': 'py-b'}})
v1.delete_namespaced_config_map('py-a', 'default')
seen = []
w = watch.Watch()
for ev in w.stream(v1.list_namespaced_config_map, 'default', resource_version=listed.metadata.resource_version,
                   timeout_seconds=20):
    seen.append([ev['type'], ev['object'].metadata.name])
    if ev['type'] == 'DELETED':
        w.stop()
out['seen'] = seen
print(json.dumps(out))
`,
      c.t.cluster.kubeconfig,
    );
    assert.ok((out.listed as string[]).includes('py-a'), JSON.stringify(out));
    assert.deepStrictEqual(out.seen, [
      ['ADDED', 'py-b'],
      ['DELETED', 'py-a'],
    ]);
  });

  it('server-side applies: a conflict without force, the value taken with force=True', async () => {
    const out = await runPython(
      PRELUDE +
        `
v1.create_namespaced_config_map('default', {'metadata': {'name': 'py-ssa'}, 'data': {'k': 'mine'}})
from kubernetes import dynamic
from kubernetes.dynamic.exceptions import DynamicApiError
configmaps = dynamic.DynamicClient(client.ApiClient()).resources.get(api_version='v1', kind='ConfigMap')
body = {'apiVersion': 'v1', 'kind': 'ConfigMap', 'metadata': {'name': 'py-ssa', 'namespace': 'default'},
        'data': {'k': 'theirs'}}
# this client version sends an apply body only as text (it knows no YAML content type); JSON is YAML
apply = dict(body=json.dumps(body), name='py-ssa', namespace='default', field_manager='py-tool')
try:
    configmaps.server_side_apply(**apply)
    out['unforced'] = 200
except DynamicApiError as e:
    out['unforced'] = e.status
    out['reason'] = json.loads(e.body)['reason']
# the client sends force=True (Python's spelling of the boolean)
forced = configmaps.server_side_apply(force_conflicts=True, **apply)
out['forced'] = forced.data['k']
out['managers'] = sorted(m['manager'] for m in forced.metadata.managedFields)
print(json.dumps(out))
`,
      c.t.cluster.kubeconfig,
    );
    assert.strictEqual(out.unforced, 409, JSON.stringify(out));
    assert.strictEqual(out.reason, 'Conflict');
    assert.strictEqual(out.forced, 'theirs');
    assert.ok((out.managers as string[]).includes('py-tool'), JSON.stringify(out));
  });

  it('follows a pod log with follow=True: lines written after the request arrive on the open stream', async () => {
    await c.t.apply(`
apiVersion: v1
kind: Pod
metadata:
  name: py-logs
  namespace: default
  annotations: {sim.slipway.dev/log-lines-per-second: "20"}
spec:
  containers: [{name: app, image: busybox:1.36}]
`);
    await c.t.ok(['wait', '--for=condition=Ready', 'pod/py-logs', '--timeout=30s']);
    const out = await runPython(
      PRELUDE +
        `
import time
resp = v1.read_namespaced_pod_log('py-logs', 'default', follow=True, tail_lines=1, _preload_content=False)
started = time.monotonic()
lines = 0
for chunk in resp.stream(64):
    lines += chunk.count(b'\\n')
    if lines >= 10:
        break
out['lines'] = lines
out['seconds'] = time.monotonic() - started
resp.release_conn()
print(json.dumps(out))
`,
      c.t.cluster.kubeconfig,
    );
    // tail_lines=1 gives one line at once: the other nine came over the followed stream (20 lines a second)
    assert.ok((out.lines as number) >= 10, JSON.stringify(out));
    assert.ok((out.seconds as number) >= 0.2, JSON.stringify(out));
  });
});
