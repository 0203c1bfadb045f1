// Logs for the extension against the embedded cluster, whose simulated containers write numbered lines: a
// workload's pods followed together with their prefixes (a pod replaced meanwhile joins with its own), the
// tail read first instead of the whole log, and "show" interleaving the pods' last lines by time.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { LogFollower } from '../../client/logs/logFollower';
import { formatLine, logTargetOf, type LogTarget } from '../../client/logs/logSource';
import { recentLogs } from '../../client/logs/recentLogs';
import { eventually, startTestCluster, type TestCluster } from '../helpers/testCluster';

const CHATTY = `
apiVersion: v1
kind: Namespace
metadata: {name: logs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: chatty, namespace: logs}
spec:
  replicas: 2
  selector: {matchLabels: {app: chatty}}
  template:
    metadata:
      labels: {app: chatty}
      annotations: {sim.slipway.dev/log-lines-per-second: "20"}
    spec: {containers: [{name: app, image: 'busybox:1.36'}]}
`;

const DEPLOYMENT = {
  group: 'apps',
  version: 'v1',
  plural: 'deployments',
  kind: 'Deployment',
  namespaced: true,
  namespace: 'logs',
  name: 'chatty',
};

/** The number of a simulated log line ("... app log line 17 (...)"). */
const lineNumber = (text: string) => Number(/log line (\d+)/.exec(text)?.[1] ?? NaN);

describe('logs of pods and workloads against the embedded cluster', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let api: ApiClient;
  let pods: string[];
  const followers: LogFollower[] = [];

  const podNames = async (): Promise<string[]> =>
    ((await t.json(['get', 'pods', '-n', 'logs', '-l', 'app=chatty'])).items as Pod[])
      .filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running')
      .map((p) => p.metadata?.name ?? '')
      .sort();
  const lastWritten = async (pod: string) => lineNumber(await t.ok(['logs', pod, '-n', 'logs', '--tail=1']));

  before(async () => {
    t = await startTestCluster({ nodes: 2 });
    api = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
    await t.apply(CHATTY);
    pods = (await eventually(async () => ((await podNames()).length === 2 ? podNames() : undefined), 20_000, 'pods'))!;
    // enough lines that reading the whole log would show
    for (const p of pods) await eventually(async () => (await lastWritten(p)) >= 20, 10_000, `20 lines of ${p}`);
  });
  after(async () => {
    for (const f of followers) f.stop();
    api?.close();
    await t?.stop();
  });

  it("follows a deployment's pods from their last lines, and a pod that replaces one joins in", async () => {
    const target = await logTargetOf(api, DEPLOYMENT);
    assert.deepStrictEqual(target, {
      namespace: 'logs',
      title: 'deployment/chatty',
      labelSelector: 'app=chatty',
      container: undefined,
    });
    const lines: string[] = [];
    const notes: string[] = [];
    const writtenBefore = Math.min(...(await Promise.all(pods.map(lastWritten))));
    const follower = new LogFollower(
      api,
      target,
      { tailLines: 3 },
      { line: (source, text) => lines.push(formatLine(target, source, text)), note: (n) => notes.push(n) },
    );
    followers.push(follower);
    await follower.start();
    const of = (pod: string) => lines.filter((l) => l.startsWith(`[${pod}/app] [simulated runtime] app log line`));
    for (const p of pods) await eventually(() => of(p).length >= 5, 10_000, `lines of ${p} followed`);
    for (const p of pods) {
      const first = lineNumber(of(p)[0]);
      assert.ok(first > writtenBefore - 3, `the follow of ${p} began at line ${first}: the tail, not the whole log`);
      const numbers = of(p).map(lineNumber);
      assert.deepStrictEqual(
        numbers,
        numbers.map((_, i) => numbers[0] + i),
        `${p}: lines in order, none lost`,
      );
    }

    await t.ok(['delete', 'pod', pods[0], '-n', 'logs', '--grace-period=0', '--wait=false']);
    const replacement = (await eventually(
      async () => (await podNames()).find((p) => !pods.includes(p)),
      20_000,
      'the replacement pod',
    ))!;
    await eventually(() => of(replacement).length >= 3, 10_000, `lines of the new pod ${replacement}`);
    assert.ok(notes.includes(`pod/${pods[0]} deleted`), notes.join('\n'));
    assert.ok(of(pods[1]).length > 5, 'the other pod still followed');

    follower.stop();
    assert.strictEqual(follower.following, 0);
    const received = lines.length;
    const lastSeen = lineNumber(of(pods[1]).at(-1)!);
    await eventually(async () => (await lastWritten(pods[1])) > lastSeen + 5, 10_000, 'more lines written');
    assert.strictEqual(lines.length, received, 'nothing read after stop');
  });

  it('follows one container of one pod without a prefix, each line with the time it was written', async () => {
    const pod = (await podNames())[0];
    const ref = { ...DEPLOYMENT, group: '', plural: 'pods', kind: 'Pod', name: pod };
    const target: LogTarget = await logTargetOf(api, ref, 'app');
    const lines: string[] = [];
    const sources = new Set<string>();
    const follower = new LogFollower(
      api,
      target,
      { tailLines: 1 },
      {
        line: (source, text, time) => {
          sources.add(source);
          lines.push(formatLine(target, source, `${time} ${text}`));
        },
        note: () => undefined,
      },
    );
    followers.push(follower);
    await follower.start();
    await eventually(() => lines.length >= 3, 10_000, 'lines of the pod');
    assert.deepStrictEqual([...sources], [`${pod}/app`], 'only that pod, though another runs in the namespace');
    for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT[\d:.]+Z \[simulated runtime\] app log line \d+/);
    follower.stop();
  });

  it("shows a workload's last lines, its pods interleaved by time", async () => {
    const target = await logTargetOf(api, DEPLOYMENT);
    const stamped = (await recentLogs(api, target, { tailLines: 8, timestamps: true })).trimEnd().split('\n');
    assert.strictEqual(stamped.length, 8, stamped.join('\n'));
    const times = stamped.map((l) => /^\[chatty-[a-z0-9-]+\/app\] (\S+) \[simulated runtime\]/.exec(l)?.[1]);
    assert.ok(times.every(Boolean), stamped.join('\n'));
    assert.deepStrictEqual([...times].sort(), times, 'oldest first');
    assert.ok(new Set(stamped.map((l) => l.split(']')[0])).size === 2, 'both pods among the last lines');
    const plain = (await recentLogs(api, target, { tailLines: 2, timestamps: false })).trimEnd().split('\n');
    assert.strictEqual(plain.length, 2);
    for (const l of plain) assert.match(l, /^\[chatty-[a-z0-9-]+\/app\] \[simulated runtime\] app log line \d+/);
  });

  it('shows the previous run of a container waiting to restart after a crash', async () => {
    await t.apply(`
apiVersion: v1
kind: Pod
metadata: {name: crashy, namespace: logs, annotations: {sim.slipway.dev/crash-on-start: "true"}}
spec: {containers: [{name: app, image: 'busybox:1.36'}]}
`);
    await eventually(
      async () =>
        (await t.json(['get', 'pod', 'crashy', '-n', 'logs'])).status?.containerStatuses?.[0]?.state?.waiting
          ?.reason === 'CrashLoopBackOff',
      20_000,
      'crashy in CrashLoopBackOff',
    );
    const ref = { ...DEPLOYMENT, group: '', plural: 'pods', kind: 'Pod', name: 'crashy' };
    const text = await recentLogs(api, await logTargetOf(api, ref, 'app'), { tailLines: 10, timestamps: false });
    assert.match(text, /^# pod\/crashy\/app is waiting to restart: its previous run is shown\n/);
    assert.match(text, /\[simulated runtime\] crashing on start with exit code 1/);
  });
});
