// A real container's output past a small containerLogMaxSize: the engine's output is rotated into at most
// containerLogMaxFiles files, and kubectl logs shows the newest lines from the current one. Nothing is mocked.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { containerLogDir } from '../../cluster/logs/podLogFiles';
import { SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { eventually } from '../helpers/testCluster';

const MAX_SIZE = 4096;

describe('container log rotation on real containers', function () {
  this.timeout(60_000);
  const c = useContainerCluster({ containerLogMaxSize: MAX_SIZE, containerLogMaxFiles: 2 });

  it('keeps two files within the limit; logs --tail shows the last lines written', async () => {
    // 2000 numbered lines (about 90 KB with the CRI prefix), then nothing more
    const script = 'i=1; while [ $i -le 2000 ]; do echo "line $i"; i=$((i+1)); done; exec sleep 3600';
    await c.t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'chatty' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            { name: 'app', image: SHELL_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] },
          ],
        },
      }),
    );
    await c.t.ok(['wait', '--for=condition=Ready', 'pod/chatty', '--timeout=30s']);
    await eventually(async () => (await c.t.ok(['logs', 'chatty', '--tail=1'])) === 'line 2000\n', 20_000, 'line 2000');
    const tail = await c.t.ok(['logs', 'chatty', '--tail=3']);
    assert.strictEqual(tail, 'line 1998\nline 1999\nline 2000\n');
    // the current file starts past the first lines, which went with the rotated files
    const all = (await c.t.ok(['logs', 'chatty'])).trimEnd().split('\n');
    const first = Number(/^line (\d+)$/.exec(all[0])?.[1]);
    assert.ok(first > 1, all[0]);
    assert.deepStrictEqual(
      all,
      Array.from({ length: 2001 - first }, (_, i) => `line ${first + i}`),
    );
    const pod = await c.t.json(['get', 'pod', 'chatty']);
    const dir = containerLogDir(path.join(c.t.cluster.stateDir, 'logs'), { ...pod.metadata }, 'app');
    const files = fs.readdirSync(dir);
    assert.strictEqual(files.length, 2, files.join());
    for (const f of files) assert.ok(fs.statSync(path.join(dir, f)).size <= MAX_SIZE, `${f} within the limit`);
    await c.t.ok(['delete', 'pod', 'chatty', '--wait=false']);
  });
});
