// Jobs with the real kubectl, run by the real scheduler and kubelets on three nodes, on a sped-up clock: pods
// to the wanted number of completions, back-off and backoffLimit, activeDeadlineSeconds, Indexed jobs, suspend
// and ttlSecondsAfterFinished, read back the way a user would (kubectl get, wait, describe).
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

/** cluster milliseconds per real millisecond: a 10 s back-off takes a third of a second */
const SPEED = 30;

function jobYaml(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
  restartPolicy = 'Never',
): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      ...spec,
      template: {
        metadata: { annotations },
        spec: {
          restartPolicy,
          containers: [{ name: 'main', image: 'busybox:1.36', command: ['sh', '-c', 'echo working'] }],
        },
      },
    },
  });
}

describe('Jobs (kubectl, scheduler, kubelets)', function () {
  this.timeout(120_000);
  let t: TestCluster;

  const json = (args: string[]) => t.json(args);

  const apply = (manifest: string) => t.apply(manifest);

  /** The pods of a Job, as kubectl lists them by the job-name label. */
  async function podsOf(job: string): Promise<any[]> {
    return (await json(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${job}`])).items;
  }

  async function events(name: string): Promise<any[]> {
    return (await json(['get', 'events', '--field-selector', `involvedObject.name=${name}`])).items;
  }

  function condition(job: any, type: string): any {
    return (job.status?.conditions ?? []).find((c: any) => c.type === type);
  }

  before(async () => {
    // `nodes` comes with the kubelet work; passed as a variable so this compiles either way
    const options = { nodes: 3, clockSpeed: SPEED };
    t = await startTestCluster(options);
    await t.cluster.controllersReady;
    await eventually(async () => (await json(['get', 'nodes'])).items.length === 3, 30_000, 'three nodes');
  });
  after(async () => {
    await t?.stop();
  });

  it('runs completions 3 with parallelism 2 to Complete, never more than 2 pods at once', async () => {
    await apply(jobYaml('pi', { completions: 3, parallelism: 2 }, { 'sim.slipway.dev/run-seconds': '4' }));
    const wait = await t.kubectl(['wait', '--for=condition=complete', 'job/pi', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    assert.match(wait.stdout, /job.batch\/pi condition met/);

    const table = await t.kubectl(['get', 'jobs', 'pi']);
    assert.strictEqual(table.code, 0, table.stderr);
    const [header, row] = table.stdout.trim().split('\n');
    assert.match(header, /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE/);
    assert.match(row, /^pi\s+Complete\s+3\/3\s+/);

    const job = await json(['get', 'job', 'pi']);
    assert.strictEqual(job.status.succeeded, 3);
    assert.strictEqual(job.status.active, undefined);
    assert.strictEqual(job.status.ready, 0);
    assert.strictEqual(job.status.terminating, 0);
    assert.deepStrictEqual(job.status.uncountedTerminatedPods, {});
    assert.ok(job.status.startTime && job.status.completionTime, 'start and completion time');
    // SuccessCriteriaMet first, then Complete, both with Kubernetes' reason and message
    assert.deepStrictEqual(
      job.status.conditions.map((c: any) => c.type),
      ['SuccessCriteriaMet', 'Complete'],
    );
    for (const c of job.status.conditions) {
      assert.strictEqual(c.status, 'True');
      assert.strictEqual(c.reason, 'CompletionsReached');
      assert.strictEqual(c.message, 'Reached expected number of succeeded pods');
    }
    assert.strictEqual(job.status.completionTime, condition(job, 'Complete').lastTransitionTime);

    const pods = await podsOf('pi');
    assert.strictEqual(pods.length, 3);
    for (const p of pods) {
      assert.match(p.metadata.name, /^pi-[a-z0-9]{5}$/);
      assert.strictEqual(p.status.phase, 'Succeeded');
      assert.strictEqual(p.metadata.labels['job-name'], 'pi');
      assert.strictEqual(p.metadata.labels['batch.kubernetes.io/controller-uid'], job.metadata.uid);
      assert.strictEqual(p.metadata.labels['controller-uid'], job.metadata.uid);
      const owner = p.metadata.ownerReferences.find((r: any) => r.controller);
      assert.deepStrictEqual([owner.kind, owner.name, owner.uid], ['Job', 'pi', job.metadata.uid]);
      assert.ok(
        !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking'),
        'tracking finalizer removed once counted',
      );
      assert.ok(p.spec.nodeName, 'scheduled to a node');
    }
    // at most two pods ran at the same time: look at the running intervals the kubelets reported
    const intervals = pods.map((p) => {
      const term = p.status.containerStatuses[0].state.terminated;
      return [Date.parse(term.startedAt), Date.parse(term.finishedAt)];
    });
    for (const [start] of intervals) {
      const overlapping = intervals.filter(([s, f]) => s <= start && start < f).length;
      assert.ok(overlapping <= 2, `${overlapping} pods ran at once`);
    }

    const describe = await t.kubectl(['describe', 'job', 'pi']);
    assert.match(describe.stdout, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 3 Succeeded \/ 0 Failed/);
    assert.match(describe.stdout, /Normal\s+SuccessfulCreate\s+.*job-controller\s+Created pod: pi-[a-z0-9]{5}/);
    assert.match(describe.stdout, /Normal\s+Completed\s+.*job-controller\s+Job completed/);
  });

  it('retries a failing pod with growing back-off until backoffLimit, then fails with BackoffLimitExceeded', async () => {
    await apply(jobYaml('fails', { backoffLimit: 2 }, { 'sim.slipway.dev/exit-code': '3' }));
    const wait = await t.kubectl(['wait', '--for=condition=failed', 'job/fails', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);

    const row = (await t.kubectl(['get', 'job', 'fails', '--no-headers'])).stdout;
    assert.match(row, /^fails\s+Failed\s+0\/1\s+/);
    const job = await json(['get', 'job', 'fails']);
    assert.strictEqual(job.status.failed, 3, 'the first run and two retries');
    assert.strictEqual(job.status.succeeded, undefined);
    assert.deepStrictEqual(
      job.status.conditions.map((c: any) => c.type),
      ['FailureTarget', 'Failed'],
    );
    for (const c of job.status.conditions) {
      assert.strictEqual(c.reason, 'BackoffLimitExceeded');
      assert.strictEqual(c.message, 'Job has reached the specified backoff limit');
    }
    assert.strictEqual(job.status.completionTime, undefined, 'a failed Job has no completion time');

    // each retry waits for the back-off (10 s, then 20 s of cluster time) after the previous pod failed
    const pods = (await podsOf('fails')).sort(
      (a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp),
    );
    assert.strictEqual(pods.length, 3);
    for (const p of pods) {
      assert.strictEqual(p.status.phase, 'Failed');
      assert.strictEqual(p.status.containerStatuses[0].state.terminated.exitCode, 3);
    }
    const gap = (i: number) =>
      (Date.parse(pods[i].metadata.creationTimestamp) -
        Date.parse(pods[i - 1].status.containerStatuses[0].state.terminated.finishedAt)) /
      1000;
    // timestamps have whole seconds, so allow one second of rounding
    assert.ok(gap(1) >= 9, `first retry after ${gap(1)} s`);
    assert.ok(gap(2) >= 19, `second retry after ${gap(2)} s`);

    const ev = await events('fails');
    const warning = ev.find((e) => e.reason === 'BackoffLimitExceeded');
    assert.ok(warning, 'BackoffLimitExceeded event');
    assert.strictEqual(warning.type, 'Warning');
    assert.strictEqual(warning.message, 'Job has reached the specified backoff limit');
  });

  it('counts container restarts against backoffLimit when restartPolicy is OnFailure', async () => {
    await apply(
      jobYaml(
        'restarts',
        { backoffLimit: 2 },
        { 'sim.slipway.dev/exit-code': '1', 'sim.slipway.dev/run-seconds': '1' },
        'OnFailure',
      ),
    );
    const wait = await t.kubectl(['wait', '--for=condition=failed', 'job/restarts', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'restarts']);
    assert.strictEqual(condition(job, 'Failed').reason, 'BackoffLimitExceeded');
    // the one pod was restarted in place, then deleted when the Job failed
    await eventually(async () => (await podsOf('restarts')).length === 0, 30_000, 'the pod to be removed');
    assert.strictEqual(job.status.failed, 1);
  });

  it('fails at once when a podFailurePolicy FailJob rule matches the exit code', async () => {
    const doc = JSON.parse(jobYaml('policy', { backoffLimit: 6 }, { 'sim.slipway.dev/exit-code': '42' }));
    doc.spec.podFailurePolicy = {
      rules: [
        { action: 'Ignore', onExitCodes: { operator: 'In', values: [5] } },
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      ],
    };
    await apply(JSON.stringify(doc));
    const wait = await t.kubectl(['wait', '--for=condition=failed', 'job/policy', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'policy']);
    const [pod] = await podsOf('policy');
    const failed = condition(job, 'Failed');
    assert.strictEqual(failed.reason, 'PodFailurePolicy');
    assert.strictEqual(
      failed.message,
      `Container main for pod default/${pod.metadata.name} failed with exit code 42 matching FailJob rule at index 1`,
    );
    // no retry despite backoffLimit 6
    assert.strictEqual(job.status.failed, 1);
    assert.strictEqual((await podsOf('policy')).length, 1);
  });

  it('fails a Job that runs longer than activeDeadlineSeconds and stops its pods', async () => {
    await apply(
      jobYaml(
        'slow',
        { activeDeadlineSeconds: 30, parallelism: 2, completions: 2 },
        { 'sim.slipway.dev/run-seconds': '600' },
      ),
    );
    const wait = await t.kubectl(['wait', '--for=condition=failed', 'job/slow', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'slow']);
    const failed = condition(job, 'Failed');
    assert.strictEqual(failed.reason, 'DeadlineExceeded');
    assert.strictEqual(failed.message, 'Job was active longer than specified deadline');
    assert.strictEqual(condition(job, 'FailureTarget').reason, 'DeadlineExceeded');
    const ran = (Date.parse(failed.lastTransitionTime) - Date.parse(job.status.startTime)) / 1000;
    assert.ok(ran >= 30, `failed after ${ran} s`);
    // the running pods were stopped and count as failed; none is left running or terminating
    assert.strictEqual(job.status.failed, 2);
    assert.strictEqual(job.status.active, undefined);
    assert.strictEqual(job.status.terminating, 0);
    const ev = await events('slow');
    assert.ok(
      ev.some(
        (e) =>
          e.type === 'Warning' &&
          e.reason === 'DeadlineExceeded' &&
          e.message === 'Job was active longer than specified deadline',
      ),
    );
    assert.strictEqual(ev.filter((e) => e.reason === 'SuccessfulDelete').length, 2, 'both running pods deleted');
    await eventually(async () => (await podsOf('slow')).length === 0, 30_000, 'stopped pods to be removed');
  });

  it('gives each pod of an Indexed Job its completion index', async () => {
    await apply(jobYaml('indexed', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const wait = await t.kubectl(['wait', '--for=condition=complete', 'job/indexed', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'indexed']);
    assert.strictEqual(job.status.completedIndexes, '0-2');
    assert.strictEqual(job.status.succeeded, 3);
    const pods = await podsOf('indexed');
    const indexes = pods.map((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepStrictEqual(indexes, ['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata.annotations['batch.kubernetes.io/job-completion-index'];
      assert.match(p.metadata.name, new RegExp(`^indexed-${ix}-[a-z0-9]{5}$`));
      assert.strictEqual(p.metadata.labels['batch.kubernetes.io/job-completion-index'], ix);
      assert.strictEqual(p.spec.hostname, `indexed-${ix}`);
      const env = p.spec.containers[0].env.find((e: any) => e.name === 'JOB_COMPLETION_INDEX');
      assert.strictEqual(
        env.valueFrom.fieldRef.fieldPath,
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
      );
    }
  });

  it('starts no pods while suspended and runs to completion once resumed', async () => {
    await apply(jobYaml('later', { suspend: true, completions: 2, parallelism: 2 }));
    const suspended: any = await eventually(
      async () => {
        const j = await json(['get', 'job', 'later']);
        return condition(j, 'Suspended')?.status === 'True' ? j : undefined;
      },
      20_000,
      'the Suspended condition',
    );
    assert.strictEqual(condition(suspended, 'Suspended').reason, 'JobSuspended');
    assert.strictEqual(suspended.status.startTime, undefined, 'a suspended Job has not started');
    assert.match((await t.kubectl(['get', 'job', 'later', '--no-headers'])).stdout, /^later\s+Suspended\s+0\/2\s+/);
    // a few seconds of cluster time pass without a pod
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual((await podsOf('later')).length, 0);

    const patch = await t.kubectl(['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    assert.strictEqual(patch.code, 0, patch.stderr);
    const wait = await t.kubectl(['wait', '--for=condition=complete', 'job/later', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'later']);
    const cond = condition(job, 'Suspended');
    assert.deepStrictEqual([cond.status, cond.reason, cond.message], ['False', 'JobResumed', 'Job resumed']);
    const reasons = (await events('later')).map((e) => e.reason);
    assert.ok(reasons.includes('Suspended') && reasons.includes('Resumed'), reasons.join(','));
  });

  it('deletes a finished Job and its pods after ttlSecondsAfterFinished', async () => {
    await apply(jobYaml('shortlived', { ttlSecondsAfterFinished: 30 }));
    const wait = await t.kubectl(['wait', '--for=condition=complete', 'job/shortlived', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'shortlived']);
    const finished = Date.parse(condition(job, 'Complete').lastTransitionTime);
    await eventually(
      async () => {
        const r = await t.kubectl(['get', 'job', 'shortlived']);
        return r.code !== 0 && /NotFound/.test(r.stderr);
      },
      30_000,
      'the Job to be deleted',
    );
    // read the cluster's clock through a fresh object's creation time: the TTL had passed by then
    const probe = await t.kubectl(['create', 'configmap', 'clock-probe', '-o', 'json']);
    const now = Date.parse(JSON.parse(probe.stdout).metadata.creationTimestamp);
    assert.ok(now - finished >= 30_000, `deleted ${(now - finished) / 1000} s after finishing`);
    await eventually(async () => (await podsOf('shortlived')).length === 0, 30_000, 'its pods to be deleted');
  });
});
