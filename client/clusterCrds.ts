// The connected cluster's CustomResourceDefinitions, read with the Kubernetes API client and pushed
// to the language server, which imports no client of its own.

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

export const CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION = 'slipway/customResourceDefinitions';

/** The kubeconfig to use: the setting, else the embedded cluster's in the workspace, else the default. */
export function kubeconfigPath(): string | undefined {
  const configured = vscode.workspace.getConfiguration('slipway').get<string>('kubeconfig');
  if (configured) return configured;
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const embedded = path.join(folder.uri.fsPath, '.slipway', 'kubeconfig');
    if (fs.existsSync(embedded)) return embedded;
  }
  return undefined;
}

/** Lists the cluster's CRDs; an empty list when there is no cluster to ask. */
export async function listClusterCrds(log: (msg: string) => void): Promise<unknown[]> {
  try {
    // the kubeconfig loader is heavy: load it when a cluster is asked
    const { loadKubeConfig, kubeConfigClient } = await import('../kubeclient/kubeConfig');
    const kc = loadKubeConfig(kubeconfigPath());
    if (!kc.getCurrentCluster()) return [];
    const client = kubeConfigClient(kc, 'slipway-vscode');
    const list = (await client.api.get('/apis/apiextensions.k8s.io/v1/customresourcedefinitions')) as {
      items?: unknown[];
    };
    return list.items ?? [];
  } catch (e) {
    log(`No CustomResourceDefinitions from the cluster: ${(e as Error).message}`);
    return [];
  }
}
