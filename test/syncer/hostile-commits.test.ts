// Hostile commits, generated here: documents with keys nested 800 deep, a Secret with a mistyped value. The
// syncer reports them in seconds, logs each problem once, writes a status that fits, and never echoes a secret.
import * as assert from 'assert';
import { ApplicationController } from '../../syncer/applicationController';
import { applications, useSyncer } from './helpers/syncerHarness';
import { makeRepo, webApp } from './helpers/gitRepo';

describe('syncer: hostile commits', function () {
  this.timeout(90_000);
  const h = useSyncer();
  let controller: ApplicationController;
  let logs: string[];
  before(() => ({ controller, logs } = h.syncer));
  const apps = applications(() => h.syncer.client);

  it('12 documents with keys nested 800 deep: InvalidManifest in seconds, logged once, status written', async () => {
    const repo = makeRepo(webApp());
    await apps.createApp('deep', repo);
    await apps.waitApp('deep', 'first sync', (a) => a.status?.sync?.status === 'Synced');
    const docs = Array.from(
      { length: 12 },
      (_, i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep${i}\ndata:\n  ${'? '.repeat(800)}x\n`,
    );
    docs.forEach((d, i) => repo.write(`app/deep${i}.yaml`, d));
    const start = Date.now();
    const sha = repo.commit('deep keys');
    const errors = await apps.manifestErrors('deep', sha, 15_000);
    const took = Date.now() - start;
    assert.ok(took < 10_000, `${took} ms`);
    assert.strictEqual(errors.length, 12);
    for (const e of errors) {
      assert.match(e.message, /nested more than 100 levels deep/);
      assert.ok(e.message.length < 300, e.message);
    }
    // more passes of the runner (it made one every 2 s when the status write failed) log nothing new about it
    const logged = () => logs.filter((l) => l.startsWith('[deep]')).join('\n');
    const runner = controller.runner('default', 'deep')!;
    await runner.settled();
    const before = logged();
    for (let i = 0; i < 3; i++) {
      runner.schedule(0);
      await runner.settled();
    }
    assert.strictEqual(logged(), before);
    assert.ok(before.length < 10_000, `${before.length} bytes of log`);
    assert.strictEqual(before.split('\n').filter((l) => l.includes('nested more than 100 levels')).length, 12);
    const app = await apps.get('deep');
    assert.ok(JSON.stringify(app.status).length < 100_000);
  });

  it('a Secret whose stringData holds a number: the status and the log name the field, never the value', async () => {
    const repo = makeRepo(webApp());
    await apps.createApp('secret', repo);
    repo.write(
      'app/secret.yaml',
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: pin\nstringData:\n  pin: 98765432\n',
    );
    const sha = repo.commit('a pin');
    const errors = await apps.manifestErrors('secret', sha);
    assert.deepStrictEqual(
      errors.map((e) => [e.file, e.line, e.field]),
      [['app/secret.yaml', 6, 'stringData[pin]']],
    );
    const app = await apps.get('secret');
    assert.doesNotMatch(JSON.stringify(app.status), /98765432/);
    assert.doesNotMatch(logs.join('\n'), /98765432/);
  });
});
