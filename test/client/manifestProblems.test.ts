// Problems of an invalid revision on the workspace's files, from the real syncer's InvalidManifest condition:
// a commit with two mistakes puts them on their file and lines; the fix clears them.
import * as assert from 'assert';
import * as path from 'path';
import type { Application } from '../../kube/application';
import { ManifestProblemsTracker, type ManifestProblem } from '../../client/problems/manifestProblems';
import { eventually } from '../helpers/testCluster';
import { makeRepo, webApp } from '../syncer/helpers/gitRepo';
import { useSyncerConnection } from './helpers/syncerConnection';

describe('manifest problems from the syncer', function () {
  this.timeout(60_000);
  const s = useSyncerConnection();

  it('puts an invalid revision on the lines it names, and clears them once a later revision is valid', async () => {
    const repo = makeRepo(webApp());
    const files = new Map<string, ManifestProblem[]>();
    const tracker = new ManifestProblemsTracker({ set: (f, p) => files.set(f, p) }, () => [repo.dir]);
    tracker.follow(s.connection);
    await s.apps.createApp('probs', repo);
    const app = () => s.connection.applications().get('default', 'probs') as Application | undefined;
    await eventually(() => app()?.status?.health?.status === 'Healthy', 30_000, 'the app Healthy');
    assert.strictEqual(files.size, 0, 'no problems while valid');

    const good = webApp()['app/web.yaml'];
    repo.write(
      'app/web.yaml',
      good
        .replace('replicas: 2', 'replicas: two')
        .replace('containerPort: 80', 'containerPort: 80\n              protocl: TCP'),
    );
    repo.commit('broken');
    const web = path.join(repo.dir, 'app', 'web.yaml');
    const problems = await eventually(() => (files.get(web)?.length ? files.get(web) : undefined), 30_000, 'problems');
    assert.deepStrictEqual(
      problems!.map((p) => [p.line, p.field, p.app]),
      [
        [5, 'spec.replicas', 'default/probs'],
        [18, 'spec.template.spec.containers[0].ports[0].protocl', 'default/probs'],
      ],
    );
    assert.match(problems![0].message, /spec\.replicas/);
    assert.ok(good.split('\n')[5].includes('replicas'), 'line 5 (0-based) is the replicas line');

    repo.write('app/web.yaml', good);
    repo.commit('fix');
    await eventually(() => files.get(web)?.length === 0, 30_000, 'problems cleared');
    tracker.dispose();
  });
});
