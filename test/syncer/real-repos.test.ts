// What deploying real public GitOps repositories exposed, on real git repositories against the embedded cluster:
// each test failed before its fix.
import * as assert from 'assert';
import { Application, APPLICATION_API_VERSION, APPLICATION_KIND, SyncPolicy } from '../../kube/application';
import { ObjectClient } from '../../kubeclient/objectClient';
import { eventually, TestCluster } from '../helpers/testCluster';
import { appRef, startSyncer, SyncerHarness } from './helpers/syncerHarness';
import { makeRepo, TestRepo, webApp } from './helpers/gitRepo';

describe('syncer on real repositories', function () {
  this.timeout(90_000);
  let syncer: SyncerHarness;
  let client: ObjectClient;
  let t: TestCluster;

  before(async () => {
    syncer = await startSyncer({ waveTimeoutMs: 20_000 });
    ({ client, t } = syncer);
  });
  after(() => syncer?.stop());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(syncer.logs.slice(-30).join('\n'));
  });

  async function createApp(name: string, repo: TestRepo, policy: SyncPolicy = { automated: true }, path = 'app') {
    await client.apply(
      {
        apiVersion: APPLICATION_API_VERSION,
        kind: APPLICATION_KIND,
        metadata: { name, namespace: 'default' },
        spec: {
          source: { repo: repo.dir, branch: 'main', path },
          destination: { namespace: name },
          syncPolicy: policy,
        },
      },
      { fieldManager: 'test', force: true },
    );
  }
  const getApp = (name: string): Promise<Application> => client.get(appRef(name));
  const syncedAt = (name: string, sha: string) =>
    eventually(
      async () => {
        const a = await getApp(name);
        return a.status?.sync?.status === 'Synced' && a.status.sync.revision === sha ? a : undefined;
      },
      30_000,
      `${name} Synced at ${sha.slice(0, 7)}`,
    ) as Promise<Application>;
  const json = async (args: string[]) => {
    const r = await t.kubectl(['get', '-o', 'json', ...args]);
    assert.strictEqual(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('syncs a Service port and a containerPort changed in git (no stale entry, no refusal)', async () => {
    const repo = makeRepo(webApp());
    await createApp('ports', repo);
    await syncedAt('ports', repo.git('rev-parse', 'HEAD'));
    const files = webApp();
    repo.write(
      'app/web.yaml',
      files['app/web.yaml'].replace(/port: 80/g, 'port: 8080').replace(/Port: 80/g, 'Port: 8080'),
    );
    const sha = repo.commit('port 8080');
    await syncedAt('ports', sha);
    const svc = await json(['service', 'web', '-n', 'ports']);
    assert.deepStrictEqual(
      svc.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`),
      ['8080/TCP'],
    );
    const deploy = await json(['deployment', 'web', '-n', 'ports']);
    assert.deepStrictEqual(
      deploy.spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
      [8080],
    );
  });
});
