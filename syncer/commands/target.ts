// How every command finds its cluster and Application: --kubeconfig FILE [--context C]; else the state folder's
// kubeconfig that `slipway up` wrote (--state DIR, default .slipway); else KUBECONFIG or ~/.kube/config.
// Then the one Application there, unless --app NAME picks another.
import * as fs from 'fs';
import * as path from 'path';
import { Application, APPLICATION_API_VERSION, APPLICATION_KIND } from '../../kube/application';
import { KubeApiError } from '../../kubeclient/apiError';
import { kubeConfigClient, loadKubeConfig } from '../../kubeclient/kubeConfig';
import { ObjectClient } from '../../kubeclient/objectClient';

export class UsageError extends Error {}

export interface TargetOptions {
  state?: string;
  kubeconfig?: string;
  context?: string;
  app?: string;
  namespace?: string;
}

export interface Target {
  client: ObjectClient;
  /** where the cluster came from, for messages */
  origin: string;
}

/** A client for the cluster the options name (see the file header for the order), and where it came from. */
export function connect(opts: TargetOptions): Target {
  if (opts.kubeconfig) {
    if (!fs.existsSync(opts.kubeconfig)) throw new UsageError(`--kubeconfig ${opts.kubeconfig}: no such file`);
    return { client: kubeConfigClient(loadKubeConfig(opts.kubeconfig, opts.context)), origin: opts.kubeconfig };
  }
  const stateKubeconfig = path.join(opts.state ?? '.slipway', 'kubeconfig');
  if (fs.existsSync(stateKubeconfig))
    return { client: kubeConfigClient(loadKubeConfig(stateKubeconfig, opts.context)), origin: stateKubeconfig };
  if (opts.state)
    throw new UsageError(`no cluster in ${opts.state}: start one there with \`slipway up --state ${opts.state}\``);
  const kc = loadKubeConfig(undefined, opts.context);
  if (!kc.getCurrentCluster()) {
    throw new UsageError(
      'no cluster found: run `slipway up` in this folder first, or pass --kubeconfig FILE (or set KUBECONFIG)',
    );
  }
  return { client: kubeConfigClient(kc), origin: process.env.KUBECONFIG || '~/.kube/config' };
}

/** The reference ObjectClient takes for an Application. */
export function appRef(app: { metadata: { name: string; namespace?: string } }) {
  return {
    apiVersion: APPLICATION_API_VERSION,
    kind: APPLICATION_KIND,
    namespace: app.metadata.namespace ?? 'default',
    name: app.metadata.name,
  };
}

/** The Application the command works on. */
export async function findApp(t: Target, opts: TargetOptions): Promise<Application> {
  try {
    if (opts.app) {
      const found = await t.client.find({
        apiVersion: APPLICATION_API_VERSION,
        kind: APPLICATION_KIND,
        namespace: opts.namespace ?? 'default',
        name: opts.app,
      });
      if (!found)
        throw new UsageError(
          `no Application "${opts.app}" in namespace ${opts.namespace ?? 'default'} (cluster from ${t.origin}); list them with \`kubectl get app -A\``,
        );
      return found;
    }
    const list = await t.client.list(APPLICATION_API_VERSION, APPLICATION_KIND, { namespace: opts.namespace });
    const items: Application[] = list.items ?? [];
    if (items.length === 1) return items[0];
    if (!items.length)
      throw new UsageError(`no Application in the cluster from ${t.origin}: create one with \`slipway up PATH\``);
    throw new UsageError(
      `${items.length} Applications in the cluster; pick one with --app NAME: ${items.map((a) => a.metadata.name).join(', ')}`,
    );
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 404) {
      throw new UsageError(
        `the cluster from ${t.origin} does not serve applications.slipway.dev: install it with \`slipway install\``,
      );
    }
    throw e;
  }
}
