// A container's lifecycle hooks as the kubelet runs them: preStop before SIGTERM (its output reaches the container's
// log ahead of the signal's; a failing one is a FailedPreStopHook event and the stop goes on); postStart before the
// container counts as running (a failing one is a FailedPostStartHook event and the container is killed).
import * as assert from 'assert';
import { SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { eventually, type TestCluster } from '../helpers/testCluster';

describe('container lifecycle hooks on real containers', function () {
  this.timeout(90_000);
  const c = useContainerCluster();
  let t: TestCluster;
  before(() => (t = c.t));

  it('runs preStop before SIGTERM, and reports a failing one', async () => {
    const main = 'trap "echo got SIGTERM; exit 0" TERM; echo started; while true; do sleep 0.1; done';
    const container = (name: string, preStop: string[]) => ({
      name,
      image: SHELL_IMAGE,
      imagePullPolicy: 'IfNotPresent',
      command: ['sh', '-c', main],
      lifecycle: { preStop: { exec: { command: preStop } } },
    });
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'hooked' },
        spec: {
          restartPolicy: 'Never',
          // ends the pod 2 s (real) after it starts: its containers are stopped with their hooks
          activeDeadlineSeconds: 20,
          terminationGracePeriodSeconds: 10,
          containers: [
            container('polite', ['sh', '-c', 'echo preStop ran > /proc/1/fd/1']),
            container('failing', ['sh', '-c', 'echo no way >&2; exit 3']),
          ],
        },
      }),
    );
    await eventually(
      async () => {
        const s = (await t.json(['get', 'pod', 'hooked'])).status;
        const all = s.containerStatuses ?? [];
        return s.phase === 'Failed' && all.length === 2 && all.every((c: { state: object }) => 'terminated' in c.state);
      },
      30_000,
      'the pod past its deadline with both containers stopped',
    );
    assert.match(await t.ok(['logs', 'hooked', '-c', 'polite']), /started\s+preStop ran\s+got SIGTERM/);
    assert.match(await t.ok(['logs', 'hooked', '-c', 'failing']), /got SIGTERM/);
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=hooked']);
    assert.match(events, /FailedPreStopHook\s+.*Exec lifecycle hook .* for Container "failing" .* failed/);
  });

  it('runs postStart before the container counts as running, and kills the container when it fails', async () => {
    const pod = (name: string, hook: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          restartPolicy: 'Never',
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'c',
              image: SHELL_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', 'echo started; while true; do sleep 0.1; done'],
              lifecycle: { postStart: { exec: { command: ['sh', '-c', hook] } } },
            },
          ],
        },
      });
    await t.apply(pod('post-ok', 'echo postStart ran > /proc/1/fd/1'));
    await t.ok(['wait', '--for=condition=Ready', 'pod/post-ok', '--timeout=40s']);
    await eventually(async () => /postStart ran/.test(await t.ok(['logs', 'post-ok'])), 10_000, 'the hook output');

    await t.apply(pod('post-bad', 'exit 7'));
    const state = await eventually(
      async () => (await t.json(['get', 'pod', 'post-bad'])).status?.containerStatuses?.[0]?.state?.terminated,
      30_000,
      'the container killed',
    );
    assert.ok(state, 'terminated');
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=post-bad']);
    assert.match(events, /FailedPostStartHook\s+.*Exec lifecycle hook .* for Container "c" .* failed/);
  });
});
