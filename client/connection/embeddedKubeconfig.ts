// The kubeconfig an embedded cluster writes (cluster/security/kubeconfig.ts: one cluster with its CA, one user with
// a bearer token) read without the general kubeconfig loader, which costs about 0.6 s of CPU to load: Start and the
// second window's check for a running cluster stay quick. Anything else is left to the general loader.
import * as fs from 'fs';
import type { ClientConfig } from '../../kubeclient/apiClient';
import { isRecord } from '../../kube/objects';
import { readYamlValue } from '../../kube/yamlReader';

/** Server, token and CA of a single-cluster, token-user kubeconfig; undefined for any other kind. */
export function readTokenKubeconfig(file: string): Omit<ClientConfig, 'local'> | undefined {
  let doc: unknown;
  try {
    doc = readYamlValue(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (!isRecord(doc) || !Array.isArray(doc.clusters) || !Array.isArray(doc.users)) return undefined;
  if (doc.clusters.length !== 1 || doc.users.length !== 1) return undefined;
  const cluster = isRecord(doc.clusters[0]) && doc.clusters[0].cluster;
  const user = isRecord(doc.users[0]) && doc.users[0].user;
  if (!isRecord(cluster) || !isRecord(user)) return undefined;
  const { server, 'certificate-authority-data': caData } = cluster;
  const { token } = user;
  if (typeof server !== 'string' || typeof caData !== 'string' || typeof token !== 'string') return undefined;
  return { server, token, ca: Buffer.from(caData, 'base64').toString('utf8') };
}
