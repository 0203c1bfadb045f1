// ConfigMap and Secret volumes of running containers follow their objects, as the kubelet's periodic sync makes
// them: a changed key shows in the file, a new key appears, a removed one goes, and a subPath mount keeps the file
// it had; the container is not restarted.
import * as assert from 'assert';
import { SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { eventually, type TestCluster } from '../helpers/testCluster';

describe('configMap and secret volumes of running containers', function () {
  this.timeout(90_000);
  // cluster time 10x: the kubelet's one-minute volume sync takes 6 s
  const c = useContainerCluster();
  let t: TestCluster;
  before(() => (t = c.t));

  it('updates the files in place while the container runs, except a subPath mount', async () => {
    await t.ok(['create', 'configmap', 'settings', '--from-literal=color=blue', '--from-literal=size=small']);
    await t.ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=one']);
    const script =
      'while true; do echo "color=$(cat /etc/settings/color) size=$(cat /etc/settings/size 2>/dev/null || echo -) ' +
      'extra=$(cat /etc/settings/extra 2>/dev/null || echo -) password=$(cat /etc/creds/password) ' +
      'pinned=$(cat /etc/pinned-color)"; sleep 0.5; done';
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'reader' },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'c',
              image: SHELL_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              command: ['sh', '-c', script],
              volumeMounts: [
                { name: 'settings', mountPath: '/etc/settings' },
                { name: 'creds', mountPath: '/etc/creds' },
                { name: 'settings', mountPath: '/etc/pinned-color', subPath: 'color' },
              ],
            },
          ],
          volumes: [
            { name: 'settings', configMap: { name: 'settings' } },
            { name: 'creds', secret: { secretName: 'creds' } },
          ],
        },
      }),
    );
    await t.ok(['wait', '--for=condition=Ready', 'pod/reader', '--timeout=40s']);
    const lastLine = async () => (await t.ok(['logs', 'reader', '--tail=1'])).trim();
    await eventually(
      async () => (await lastLine()) === 'color=blue size=small extra=- password=one pinned=blue',
      10_000,
      'the first contents',
    );
    await t.ok([
      'patch',
      'configmap',
      'settings',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/data/color","value":"green"},{"op":"remove","path":"/data/size"},' +
        '{"op":"add","path":"/data/extra","value":"yes"}]',
    ]);
    await t.ok(['patch', 'secret', 'creds', '-p', `{"data":{"password":"${Buffer.from('two').toString('base64')}"}}`]);
    const line = await eventually(
      async () => {
        const l = await lastLine();
        return l.startsWith('color=green') && l.includes('password=two') ? l : undefined;
      },
      30_000,
      'the files updated',
    );
    assert.strictEqual(line, 'color=green size=- extra=yes password=two pinned=blue');
    const pod = await t.json(['get', 'pod', 'reader']);
    assert.strictEqual(pod.status.containerStatuses[0].restartCount, 0, 'not restarted');
  });
});
