// Notifications of failed syncs from the real syncer: a commit whose pods crash leaves the app Degraded and is
// announced once, with the workload whose logs say why, however often the status is written again; a failed
// rollback is another failure, announced once however often asked; a new bad commit is announced again.
import * as assert from 'assert';
import type { Application } from '../../kube/application';
import { SyncFailureWatcher, type SyncFailureNotice } from '../../client/notifications/syncFailures';
import { eventually } from '../helpers/testCluster';
import { makeRepo, webApp } from '../syncer/helpers/gitRepo';
import { useSyncerConnection } from './helpers/syncerConnection';
import { appRef } from '../syncer/helpers/syncerHarness';

const CRASHING = webApp({ image: 'nginx:broken', podAnnotations: { 'sim.slipway.dev/crash-on-start': 'true' } });

describe('sync failure notifications from the syncer', function () {
  this.timeout(90_000);
  const s = useSyncerConnection();

  it('announces each failure once, naming the workload to read logs of', async () => {
    const repo = makeRepo(webApp());
    const notices: SyncFailureNotice[] = [];
    new SyncFailureWatcher((n) => notices.push(n)).follow(s.connection);
    await s.apps.createApp('crashy', repo);
    const app = () => s.connection.applications().get('default', 'crashy') as Application | undefined;
    await eventually(() => app()?.status?.health?.status === 'Healthy', 30_000, 'the app Healthy');

    repo.write('app/web.yaml', CRASHING['app/web.yaml']);
    const bad = repo.commit('crashing image');
    await eventually(() => notices.length === 1, 30_000, 'a notification');
    const n = notices[0];
    assert.deepStrictEqual(n.app, { namespace: 'default', name: 'crashy' });
    assert.strictEqual(n.severity, 'warning');
    assert.match(
      n.message,
      new RegExp(`^crashy is Degraded at ${bad.slice(0, 7)}: Deployment web: .*CrashLoopBackOff`),
    );
    assert.deepStrictEqual(n.workload, {
      group: 'apps',
      version: 'v1',
      plural: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      namespace: 'crashy',
      name: 'web',
    });

    // the status is written again (a refresh), still Degraded at the same revision: not announced again
    await s.h.client.mergePatch(appRef('crashy'), { spec: { operation: { refresh: {}, id: 'r1' } } });
    await eventually(() => app()?.status?.operationState?.requestId === 'r1', 30_000, 'refresh carried out');
    assert.strictEqual(app()?.status?.health?.status, 'Degraded');
    assert.strictEqual(notices.length, 1, notices.map((x) => x.message).join('\n'));

    // a rollback to an entry that does not exist fails: another failure, announced once however often asked
    for (let i = 0; i < 2; i++) {
      await s.h.client.mergePatch(appRef('crashy'), { spec: { operation: { rollback: { id: 99 }, id: `rb-${i}` } } });
      await eventually(() => app()?.status?.operationState?.requestId === `rb-${i}`, 30_000, 'rollback carried out');
    }
    assert.strictEqual(notices.length, 2, notices.map((x) => x.message).join('\n'));
    assert.strictEqual(notices[1].severity, 'error');
    assert.match(notices[1].message, /^crashy: rollback 99 failed: no history entry #99/);

    repo.write('app/web.yaml', CRASHING['app/web.yaml'].replace('replicas: 2', 'replicas: 3'));
    const worse = repo.commit('more crashing pods');
    await eventually(() => notices.length === 3, 30_000, 'the new revision announced');
    assert.match(notices[2].message, new RegExp(`^crashy is Degraded at ${worse.slice(0, 7)}`));
  });
});
