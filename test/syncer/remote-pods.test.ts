// Workloads from a remote repository do not run as containers on the developer's machine unless allowed: the
// syncer refuses them, naming each manifest, and applies nothing of that revision; a local repository and a remote
// one without workloads are applied as always. With the real engine, `slipway up --runtime container` refuses them
// and `--allow-remote-containers` lets them run.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import type { ConfigMap } from 'kubernetes-types/core/v1';
import type { Application } from '../../kube/application';
import type { ObjectClient } from '../../kubeclient/objectClient';
import { up } from '../../syncer/commands/up';
import { engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../helpers/containerEngine';
import { tempDir } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, useSyncer } from './helpers/syncerHarness';

const CONFIG = {
  'app/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
};

/** A bare clone of `dir` reached by a file:// URL: a remote source, as a URL on the network would be. */
function remoteOf(dir: string): string {
  const bare = path.join(tempDir('slipway-remote-'), 'app.git');
  execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
  return `file://${bare}`;
}

const refusal = (a: Application) => a.status?.conditions?.find((c) => c.type === 'InvalidManifest');

describe('workloads from remote sources on a machine that runs containers', function () {
  this.timeout(60_000);
  const h = useSyncer({ refuseRemotePods: 'podman://4.3.1 at unix:///run/podman/podman.sock' });
  let client: ObjectClient;
  before(() => ({ client } = h.syncer));
  const apps = applications(() => client);

  it("refuses a remote source's workloads, naming each file and line, and applies nothing of it", async () => {
    const repo = makeRepo({ ...webApp(), ...CONFIG });
    await apps.createApp('remote', remoteOf(repo.dir));
    const app = await apps.waitApp('remote', 'refused', (a) => !!refusal(a));
    const errors = refusal(app)!.errors!;
    assert.deepStrictEqual(
      errors.map((e) => [e.file, e.line]),
      [['app/web.yaml', 1]],
    );
    assert.match(errors[0].message, /Deployment web: this Application's source is a remote repository/);
    assert.match(errors[0].message, /podman:\/\/4\.3\.1/);
    assert.match(errors[0].message, /--allow-remote-containers/);
    // nothing of the revision, not even its ConfigMap
    const cms: { items: ConfigMap[] } = await client.list('v1', 'ConfigMap', { namespace: 'remote' });
    assert.ok(!cms.items.some((c) => c.metadata?.name === 'settings'), 'the ConfigMap of a refused revision applied');
  });

  it('applies a remote source without workloads, and a local source with them', async () => {
    const config = makeRepo(CONFIG);
    await apps.createApp('remote-config', remoteOf(config.dir));
    await apps.healthyAt('remote-config', config.git('rev-parse', 'HEAD'));
    const local = makeRepo(webApp());
    await apps.createApp('local', local);
    await apps.healthyAt('local', local.git('rev-parse', 'HEAD'));
  });
});

describe('slipway up on the container engine and remote sources', function () {
  this.timeout(120_000);

  it('refuses remote workloads by default and runs them with --allow-remote-containers', async function () {
    const engine = await engineOrSkip(this);
    await ensureShellImage(engine);
    const repo = makeRepo({ ...webApp({ image: SHELL_IMAGE }), ...CONFIG });
    const remote = remoteOf(repo.dir);
    for (const allow of [false, true]) {
      const session = await up({
        ...{ path: repo.dir, state: tempDir('slipway-up-state-'), port: 0, nodes: 1, runtime: 'container' },
        ...{ namespace: 'default', prune: true, selfHeal: true, autoRollback: false, automated: true },
        allowRemoteContainers: allow,
        out: () => undefined,
      });
      try {
        const remoteApps = applications(() => session.client);
        await remoteApps.createApp('fetched', remote);
        const app = await remoteApps.waitApp('fetched', allow ? 'synced' : 'refused', (a) =>
          allow ? a.status?.sync?.status === 'Synced' : !!refusal(a),
        );
        assert.strictEqual(!!refusal(app), !allow, JSON.stringify(app.status?.conditions));
      } finally {
        await session.stop();
      }
    }
  });
});
