// kill -9 the `slipway cluster` process during a stream of writes: every acknowledged write survives.
import * as assert from 'assert';
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient } from '../../kubeclient/apiClient';
import { tempDir } from '../helpers/testCluster';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

function startCli(stateDir: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'cluster', '--state', stateDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /API server: (https:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`slipway cluster exited with ${code}: ${out}`)));
  });
}

function clientFor(stateDir: string, url: string): ApiClient {
  return ApiClient.forCluster({
    server: url,
    token: fs.readFileSync(path.join(stateDir, 'token'), 'utf8').trim(),
    ca: fs.readFileSync(path.join(stateDir, 'pki', 'ca.crt'), 'utf8'),
  });
}

describe('API server durability', function () {
  this.timeout(60_000);

  it('keeps every acknowledged write across kill -9 and continues the resourceVersion', async () => {
    const dir = tempDir('slipway-kill-');
    const state = path.join(dir, 'state');
    try {
      const first = await startCli(state);
      const client = clientFor(state, first.url);
      const acked = new Map<string, number>();
      let n = 0;
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const name = `cm-${n++}`;
          try {
            const created = await client.create('/api/v1/namespaces/default/configmaps', {
              metadata: { name },
              data: { v: name },
            });
            acked.set(name, Number(created.metadata.resourceVersion));
          } catch {
            return; // the server died under this request: not acknowledged
          }
        }
      };
      const writers = Array.from({ length: 16 }, writer);
      while (acked.size < 400) await new Promise((r) => setTimeout(r, 5));
      killed = true;
      first.child.kill('SIGKILL');
      await Promise.all(writers);
      client.close();
      assert.ok(acked.size >= 400);

      const second = await startCli(state);
      const again = clientFor(state, second.url);
      try {
        const list = await again.list('/api/v1/namespaces/default/configmaps');
        const stored = new Map<string, any>(list.items.map((i: any) => [i.metadata.name, i]));
        for (const [name, rv] of acked) {
          const obj = stored.get(name);
          assert.ok(obj, `acknowledged ${name} was lost`);
          assert.strictEqual(Number(obj.metadata.resourceVersion), rv);
          assert.strictEqual(obj.data.v, name);
        }
        const maxAcked = Math.max(...acked.values());
        const next = await again.create('/api/v1/namespaces/default/configmaps', {
          metadata: { name: 'after-restart' },
        });
        assert.ok(Number(next.metadata.resourceVersion) > maxAcked, 'resourceVersion continues after restart');
      } finally {
        again.close();
        second.child.kill('SIGTERM');
        await new Promise((r) => second.child.once('exit', r));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
