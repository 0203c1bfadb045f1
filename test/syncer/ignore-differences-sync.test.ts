// spec.ignoreDifferences on a real git repository against the embedded cluster: ignored fields changed live never
// make the app OutOfSync, are not reverted by self-heal, and `slipway diff` (changesOf) does not show them.
import * as assert from 'assert';
import { changesOf, loadDesired } from '../../syncer/commands/diff';
import type { ObjectClient } from '../../kubeclient/objectClient';
import { tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, useSyncer } from './helpers/syncerHarness';

describe('syncer: ignoreDifferences', function () {
  this.timeout(90_000);
  const h = useSyncer();
  let t: TestCluster;
  let client: ObjectClient;
  before(() => ({ t, client } = h.syncer));
  const apps = applications(() => client);

  /** What `slipway diff` would list for the app now. */
  async function diffOf(name: string) {
    const app = await apps.get(name);
    return changesOf(client, app, await loadDesired(client, app, tempDir('slipway-diff-state-')));
  }

  it('jsonPointers: a scaled Deployment stays Synced, and self-heal reverts other drift but keeps the scale', async () => {
    const repo = makeRepo(webApp({ replicas: 2 }));
    const tip = repo.git('rev-parse', 'HEAD');
    const ignoreDifferences = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
    await apps.createApp('scaled', repo, { selfHeal: true }, { ignoreDifferences });
    await apps.healthyAt('scaled', tip);
    await t.ok(['scale', 'deployment', 'web', '-n', 'scaled', '--replicas=3']);
    await t.ok(['set', 'image', 'deployment/web', 'web=nginx:1.26', '-n', 'scaled']);
    // self-heal puts the image back (the drift it sees) and leaves replicas as scaled
    const a = await apps.waitApp(
      'scaled',
      'self-healed',
      (x) => x.status?.operationState?.operation === 'selfHeal' && x.status.sync?.status === 'Synced',
    );
    assert.strictEqual(a.status!.operationState!.phase, 'Succeeded');
    const live = await t.json(['get', 'deployment', 'web', '-n', 'scaled']);
    assert.strictEqual(live.spec.template.spec.containers[0].image, 'nginx:1.25');
    assert.strictEqual(live.spec.replicas, 3);
    assert.deepStrictEqual(await diffOf('scaled'), []);
  });

  it('RespectIgnoreDifferences=true: a sync of a new commit keeps the ignored fields live; without it they are applied', async () => {
    for (const [name, syncOptions, expected] of [
      ['respected', ['RespectIgnoreDifferences=true'], 3],
      ['applied', [], 2],
    ] as const) {
      const repo = makeRepo(webApp({ replicas: 2 }));
      const ignoreDifferences = [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }];
      await apps.createApp(name, repo, { syncOptions: [...syncOptions] }, { ignoreDifferences });
      await apps.healthyAt(name, repo.git('rev-parse', 'HEAD'));
      await t.ok(['scale', 'deployment', 'web', '-n', name, '--replicas=3']);
      repo.write('app/web.yaml', webApp({ replicas: 2, image: 'nginx:1.26' })['app/web.yaml']);
      await apps.healthyAt(name, repo.commit('new image'));
      const live = await t.json(['get', 'deployment', 'web', '-n', name]);
      assert.strictEqual(live.spec.template.spec.containers[0].image, 'nginx:1.26', name);
      assert.strictEqual(live.spec.replicas, expected, `${name}: replicas after the sync`);
    }
  });

  it('managedFieldsManagers: replicas another manager set stay Synced and survive self-heal', async () => {
    const repo = makeRepo(webApp({ replicas: 2 }));
    const tip = repo.git('rev-parse', 'HEAD');
    const ignoreDifferences = [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['autoscaler'] }];
    await apps.createApp('managed', repo, { selfHeal: true }, { ignoreDifferences });
    await apps.healthyAt('managed', tip);
    const replicas = JSON.stringify({ spec: { replicas: 4 } });
    await t.ok(['patch', 'deployment', 'web', '-n', 'managed', '--field-manager=autoscaler', '-p', replicas]);
    await t.ok(['set', 'image', 'deployment/web', 'web=nginx:1.26', '-n', 'managed']);
    await apps.waitApp(
      'managed',
      'self-healed',
      (x) => x.status?.operationState?.operation === 'selfHeal' && x.status.sync?.status === 'Synced',
    );
    const live = await t.json(['get', 'deployment', 'web', '-n', 'managed']);
    assert.strictEqual(live.spec.template.spec.containers[0].image, 'nginx:1.25');
    assert.strictEqual(live.spec.replicas, 4);
    assert.deepStrictEqual(await diffOf('managed'), []);
  });

  it('jqPathExpressions: an ignored key changed live is neither OutOfSync nor in the diff; the others are', async () => {
    const repo = makeRepo({
      'app/settings.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  counter: "1"\n  mode: fast\n',
    });
    const tip = repo.git('rev-parse', 'HEAD');
    const ignoreDifferences = [{ kind: 'ConfigMap', name: 'settings', jqPathExpressions: ['.data.counter'] }];
    await apps.createApp('counted', repo, {}, { ignoreDifferences });
    await apps.healthyAt('counted', tip);
    const patch = (data: object) =>
      t.ok(['patch', 'configmap', 'settings', '-n', 'counted', '--type=merge', '-p', JSON.stringify({ data })]);
    await patch({ counter: '7', mode: 'slow' });
    const out = await apps.waitApp('counted', 'OutOfSync', (x) => x.status?.sync?.status === 'OutOfSync');
    assert.deepStrictEqual(
      out.status!.resources!.map((r) => [r.name, r.status]),
      [['settings', 'OutOfSync']],
    );
    const [change] = await diffOf('counted');
    assert.match(change.diff, /-\s+mode: slow\n\+\s+mode: fast/);
    assert.doesNotMatch(change.diff, /counter/);
    // the other key put back: Synced, although counter still differs from git
    await patch({ mode: 'fast' });
    await apps.waitApp('counted', 'Synced', (x) => x.status?.sync?.status === 'Synced');
    const live = await t.json(['get', 'configmap', 'settings', '-n', 'counted']);
    assert.strictEqual(live.data.counter, '7');
    assert.deepStrictEqual(await diffOf('counted'), []);
  });
});
