// Which login of a pod's pull Secrets an image is pulled with, as the kubelet's keyring matches registry keys.
import * as assert from 'assert';
import type { Secret } from 'kubernetes-types/core/v1';
import { registryAuthFor } from '../../cluster/kubelet/pullSecrets';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function dockerConfig(auths: Record<string, object>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
  };
}

describe('kubelet: pull secrets to registry logins', () => {
  const secrets = [
    dockerConfig({
      'https://index.docker.io/v1/': { username: 'hub', password: 'h' },
      'registry.example.com:5000': { auth: b64('port:p') },
      '*.corp.example': { username: 'wild', password: 'w' },
      'ghcr.io/team': { username: 'team', password: 't' },
      ghcr: { username: 'bad', password: 'b' },
    }),
    dockerConfig({ 'https://ghcr.io': { username: 'all', password: 'a' } }),
  ];
  const who = (image: string) => registryAuthFor(image, secrets)?.username;

  it('matches Docker Hub images, with and without their registry written', () => {
    assert.strictEqual(who('nginx:1.27'), 'hub');
    assert.strictEqual(who('docker.io/library/nginx'), 'hub');
    assert.strictEqual(registryAuthFor('nginx', secrets)?.serveraddress, 'https://index.docker.io/v1/');
  });

  it('matches host and port exactly, a wildcard by one label, and the longest path prefix', () => {
    assert.deepStrictEqual(registryAuthFor('registry.example.com:5000/app:1', secrets), {
      username: 'port',
      password: 'p',
      serveraddress: 'registry.example.com:5000',
    });
    assert.strictEqual(who('registry.example.com/app:1'), undefined, 'another port');
    assert.strictEqual(who('images.corp.example/app'), 'wild');
    assert.strictEqual(who('a.b.corp.example/app'), undefined, '* is one label');
    assert.strictEqual(who('ghcr.io/team/app:1'), 'team');
    assert.strictEqual(who('ghcr.io/teammate/app:1'), 'all', 'a prefix is whole path segments');
    assert.strictEqual(who('quay.io/app'), undefined);
  });

  it('reads legacy dockercfg Secrets and ignores Secrets of other types or unreadable data', () => {
    const legacy: Secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/dockercfg',
      data: { '.dockercfg': b64(JSON.stringify({ 'quay.io': { username: 'q', password: 'q' } })) },
    };
    const opaque: Secret = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', data: { x: b64('{}') } };
    const broken: Secret = { ...dockerConfig({}), data: { '.dockerconfigjson': b64('{not json') } };
    assert.strictEqual(registryAuthFor('quay.io/app', [opaque, broken, legacy])?.username, 'q');
    assert.strictEqual(registryAuthFor('quay.io/app', [opaque, broken]), undefined);
  });
});
