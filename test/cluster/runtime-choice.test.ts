// --runtime: `container` with no engine answering fails naming what it tried; `auto` then runs on the simulated
// runtime and says so on the Node; the choice is kept in the state folder. No engine is needed: DOCKER_HOST
// points at a socket nothing serves.
import * as assert from 'assert';
import * as path from 'path';
import { startCluster } from '../../cluster/embeddedCluster';
import { storedRuntime } from '../../cluster/runtime/runtimeChoice';
import { startTestCluster, tempDir } from '../helpers/testCluster';

describe('runtime choice', function () {
  this.timeout(30_000);
  let saved: string | undefined;

  beforeEach(() => {
    saved = process.env.DOCKER_HOST;
    process.env.DOCKER_HOST = `unix://${path.join(tempDir('slipway-no-engine-'), 'nothing.sock')}`;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('refuses --runtime container when no engine answers, naming the address it tried', async () => {
    const stateDir = path.join(tempDir('slipway-rt-'), 'state');
    await assert.rejects(startCluster({ stateDir, runtime: 'container', nodes: 1 }), (e: Error) => {
      assert.match(e.message, /no container engine answered/);
      assert.ok(e.message.includes(process.env.DOCKER_HOST!), e.message);
      assert.match(e.message, /--runtime simulated/);
      return true;
    });
  });

  it('runs auto on the simulated runtime without an engine, shows it on the Node and keeps it', async () => {
    const t = await startTestCluster({ runtime: 'auto', nodes: 1 });
    try {
      assert.match(t.cluster.runtime, /^simulated:\/\/.*no container engine answered/);
      const node = await t.json(['get', 'node']);
      assert.strictEqual(node.items[0].status.nodeInfo.containerRuntimeVersion, 'simulated://1.0');
      assert.strictEqual(storedRuntime(t.cluster.stateDir), 'simulated');
    } finally {
      await t.stop();
    }
  });
});
