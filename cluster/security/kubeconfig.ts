// The kubeconfig `slipway cluster` writes so kubectl, the syncer and the extension reach the embedded cluster.
import * as path from 'path';
import { stringify } from 'yaml';
import { writeSecretFile } from './secretFiles';

export function kubeconfigYaml(server: string, caCertPem: string, token: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: 'slipway', cluster: { server, 'certificate-authority-data': Buffer.from(caCertPem).toString('base64') } },
    ],
    users: [{ name: 'slipway', user: { token } }],
    contexts: [{ name: 'slipway', context: { cluster: 'slipway', user: 'slipway', namespace: 'default' } }],
    'current-context': 'slipway',
    preferences: {},
  });
}

export function writeKubeconfig(stateDir: string, server: string, caCertPem: string, token: string): string {
  const file = path.join(stateDir, 'kubeconfig');
  writeSecretFile(file, kubeconfigYaml(server, caCertPem, token));
  return file;
}
