// CronJobs with the real kubectl on three nodes and a clock sixty times faster than real time (a minute of the
// cluster passes each second): Jobs start on schedule and are named after their scheduled minute, history limits
// are kept, Forbid and Replace govern overlapping runs, suspend stops new runs, time zones and manual runs.
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

const SPEED = 60;

function cronJobYaml(
  name: string,
  spec: Record<string, unknown>,
  annotations: Record<string, string> = {},
  jobSpec: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '*/1 * * * *',
      ...spec,
      jobTemplate: {
        metadata: { labels: { app: name } },
        spec: {
          ...jobSpec,
          template: {
            metadata: { annotations },
            spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36', command: ['date'] }] },
          },
        },
      },
    },
  });
}

describe('CronJobs (kubectl, sped-up clock)', function () {
  this.timeout(120_000);
  let t: TestCluster;

  const json = (args: string[]) => t.json(args);

  const apply = (manifest: string) => t.apply(manifest);

  async function jobsOf(cronJob: string): Promise<any[]> {
    const items = (await json(['get', 'jobs', '-l', `app=${cronJob}`])).items as any[];
    return items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  }

  async function events(name: string): Promise<any[]> {
    return (
      await json(['get', 'events', '--field-selector', `involvedObject.name=${name},involvedObject.kind=CronJob`])
    ).items;
  }

  const finished = (j: any, type: string) =>
    (j.status?.conditions ?? []).some((c: any) => c.type === type && c.status === 'True');

  /** Cleans up between tests (retried: a delete racing a status write may answer Conflict). */
  async function remove(name: string): Promise<void> {
    await eventually(
      async () => (await t.kubectl(['delete', 'cronjob', name, '--wait=false'])).code === 0,
      10_000,
      `deleting ${name}`,
    );
  }

  before(async () => {
    const options = { nodes: 3, clockSpeed: SPEED };
    t = await startTestCluster(options);
    await t.cluster.controllersReady;
    await eventually(async () => (await json(['get', 'nodes'])).items.length === 3, 30_000, 'three nodes');
  });
  after(async () => {
    await t?.stop();
  });

  it('creates a Job every minute named after its scheduled minute and keeps the history limits', async () => {
    await apply(cronJobYaml('hello', { successfulJobsHistoryLimit: 2, failedJobsHistoryLimit: 1 }));
    // five runs: each Job is created, completes, and all but the newest two complete ones are deleted
    const created = (await eventually(
      async () => {
        const ev = (await events('hello')).filter((e) => e.reason === 'SuccessfulCreate');
        return ev.length >= 5 ? ev : null;
      },
      30_000,
      'five scheduled runs',
    )) as any[];
    for (const e of created) assert.match(e.message, /^Created job hello-\d+$/);

    await eventually(
      async () => (await jobsOf('hello')).filter((j) => finished(j, 'Complete')).length === 2,
      10_000,
      'two complete Jobs kept',
    );
    const ev = await events('hello');
    assert.ok(
      ev.some(
        (e) => e.reason === 'SawCompletedJob' && /^Saw completed job: hello-\d+, condition: Complete$/.test(e.message),
      ),
      'SawCompletedJob',
    );
    assert.ok(
      ev.some((e) => e.reason === 'SuccessfulDelete' && /^Deleted job hello-\d+$/.test(e.message)),
      'SuccessfulDelete',
    );

    const jobs = await jobsOf('hello');
    const cj = await json(['get', 'cronjob', 'hello']);
    const minutes: number[] = [];
    for (const j of jobs) {
      // <cronjob>-<scheduled time in minutes since the epoch>, with the scheduled time in an annotation
      const m = /^hello-(\d+)$/.exec(j.metadata.name);
      assert.ok(m, j.metadata.name);
      const scheduled = j.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'];
      assert.match(scheduled, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
      assert.strictEqual(Date.parse(scheduled) / 60_000, Number(m![1]));
      minutes.push(Number(m![1]));
      const owner = j.metadata.ownerReferences.find((r: any) => r.controller);
      assert.deepStrictEqual([owner.kind, owner.name, owner.uid], ['CronJob', 'hello', cj.metadata.uid]);
    }
    // runs are whole scheduled minutes apart (a run the controller was too late for is skipped, not doubled)
    for (let i = 1; i < minutes.length; i++) assert.ok(minutes[i] - minutes[i - 1] >= 1, minutes.join(','));
    const scheduledRuns = created.map((e) => Number(e.message.replace('Created job hello-', '')));
    assert.strictEqual(new Set(scheduledRuns).size, scheduledRuns.length, 'one Job per scheduled minute');
    assert.ok(cj.status.lastScheduleTime, 'lastScheduleTime');
    assert.ok(cj.status.lastSuccessfulTime, 'lastSuccessfulTime');
    assert.strictEqual(Date.parse(cj.status.lastScheduleTime) % 60_000, 0);

    const row = (await t.kubectl(['get', 'cronjob', 'hello', '--no-headers'])).stdout;
    assert.match(row, /^hello\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+[01]\s+\d+s\s+/);
    await remove('hello');
  });

  it('keeps failedJobsHistoryLimit failed Jobs', async () => {
    await apply(
      cronJobYaml('broken', { failedJobsHistoryLimit: 1 }, { 'sim.slipway.dev/exit-code': '1' }, { backoffLimit: 0 }),
    );
    await eventually(
      async () => (await events('broken')).filter((e) => e.reason === 'SawCompletedJob').length >= 3,
      30_000,
      'three failed runs',
    );
    const ev = await events('broken');
    assert.ok(ev.some((e) => /^Saw completed job: broken-\d+, condition: Failed$/.test(e.message)));
    await eventually(
      async () => (await jobsOf('broken')).filter((j) => finished(j, 'Failed')).length === 1,
      10_000,
      'one failed Job kept',
    );
    await remove('broken');
  });

  it('with concurrencyPolicy Forbid starts no run while one is still running', async () => {
    // each run takes 150 s, so two or three scheduled minutes pass while it runs
    await apply(cronJobYaml('forbid', { concurrencyPolicy: 'Forbid' }, { 'sim.slipway.dev/run-seconds': '150' }));
    let maxActive = 0;
    await eventually(
      async () => {
        const cj = await json(['get', 'cronjob', 'forbid']);
        maxActive = Math.max(maxActive, cj.status?.active?.length ?? 0);
        return (await jobsOf('forbid')).filter((j) => finished(j, 'Complete')).length >= 2;
      },
      40_000,
      'two complete runs',
    );
    assert.strictEqual(maxActive, 1);
    const skipped = (await events('forbid')).filter((e) => e.reason === 'JobAlreadyActive');
    assert.ok(skipped.length > 0, 'JobAlreadyActive events');
    assert.strictEqual(
      skipped[0].message,
      'Not starting job because prior execution is running and concurrency policy is Forbid',
    );
    // no two runs overlapped: each started after the one before had completed
    const jobs = (await jobsOf('forbid')).filter((j) => j.status?.startTime);
    jobs.sort((a, b) => Date.parse(a.status.startTime) - Date.parse(b.status.startTime));
    for (let i = 1; i < jobs.length; i++) {
      const prevDone = jobs[i - 1].status.completionTime;
      assert.ok(
        prevDone && Date.parse(jobs[i].status.startTime) >= Date.parse(prevDone),
        `${jobs[i].metadata.name} overlapped ${jobs[i - 1].metadata.name}`,
      );
    }
    await remove('forbid');
  });

  it('with concurrencyPolicy Replace deletes the running Job for the next run', async () => {
    await apply(cronJobYaml('replace', { concurrencyPolicy: 'Replace' }, { 'sim.slipway.dev/run-seconds': '600' }));
    const ev = (await eventually(
      async () => {
        const e = await events('replace');
        return e.some((x) => x.reason === 'SuccessfulDelete') ? e : null;
      },
      30_000,
      'a replaced run',
    )) as any[];
    const deleted = ev.find((e) => e.reason === 'SuccessfulDelete')!.message.replace('Deleted job ', '');
    await eventually(
      async () => !(await jobsOf('replace')).some((j) => j.metadata.name === deleted),
      10_000,
      'the replaced Job to go',
    );
    const cj = await json(['get', 'cronjob', 'replace']);
    assert.strictEqual(cj.status.active.length, 1);
    await remove('replace');
  });

  it('starts nothing while suspended and resumes on schedule', async () => {
    await apply(cronJobYaml('paused', {}));
    await eventually(async () => (await jobsOf('paused')).length >= 1, 20_000, 'a first run');
    const patch = await t.kubectl(['patch', 'cronjob', 'paused', '--type=merge', '-p', '{"spec":{"suspend":true}}']);
    assert.strictEqual(patch.code, 0, patch.stderr);
    assert.match(
      (await t.kubectl(['get', 'cronjob', 'paused', '--no-headers'])).stdout,
      /^paused\s+\S+ \S+ \S+ \S+ \S+\s+<none>\s+True\s+/,
    );
    // let a run that was already being created land, then watch five scheduled minutes pass
    await new Promise((r) => setTimeout(r, 1000));
    const before = (await jobsOf('paused')).map((j) => j.metadata.name);
    await new Promise((r) => setTimeout(r, 5000));
    const started = (await jobsOf('paused')).map((j) => j.metadata.name).filter((n) => !before.includes(n));
    assert.deepStrictEqual(started, [], 'no run while suspended');

    const resume = await t.kubectl(['patch', 'cronjob', 'paused', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    assert.strictEqual(resume.code, 0, resume.stderr);
    await eventually(
      async () => (await jobsOf('paused')).some((j) => !before.includes(j.metadata.name)),
      20_000,
      'a run after resuming',
    );
    await remove('paused');
  });

  it('reads the schedule in spec.timeZone', async () => {
    await apply(cronJobYaml('zoned', { timeZone: 'Asia/Kolkata' }));
    const [job] = (await eventually(
      async () => {
        const jobs = await jobsOf('zoned');
        return jobs.length > 0 ? jobs : null;
      },
      20_000,
      'a run',
    )) as any[];
    // the scheduled time is written in the CronJob's zone, with its offset
    const stamp = job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+05:30$/);
    assert.strictEqual(Date.parse(stamp) / 60_000, Number(job.metadata.name.replace('zoned-', '')));
    assert.match(
      (await t.kubectl(['get', 'cronjob', 'zoned', '--no-headers'])).stdout,
      /^zoned\s+\S+ \S+ \S+ \S+ \S+\s+Asia\/Kolkata\s+/,
    );
    await remove('zoned');
  });

  it('runs a Job made by kubectl create job --from=cronjob', async () => {
    await apply(cronJobYaml('manual', { schedule: '0 0 1 1 *' }));
    const create = await t.kubectl(['create', 'job', 'manual-run', '--from=cronjob/manual']);
    assert.strictEqual(create.code, 0, create.stderr);
    assert.match(create.stdout, /job.batch\/manual-run created/);
    const wait = await t.kubectl(['wait', '--for=condition=complete', 'job/manual-run', '--timeout=60s'], {
      timeoutMs: 70_000,
    });
    assert.strictEqual(wait.code, 0, wait.stderr);
    const job = await json(['get', 'job', 'manual-run']);
    const cj = await json(['get', 'cronjob', 'manual']);
    const owner = job.metadata.ownerReferences[0];
    assert.deepStrictEqual([owner.kind, owner.name, owner.uid], ['CronJob', 'manual', cj.metadata.uid]);
    assert.strictEqual(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.match(
      (await t.kubectl(['get', 'job', 'manual-run', '--no-headers'])).stdout,
      /^manual-run\s+Complete\s+1\/1\s+/,
    );
    await remove('manual');
  });
});
