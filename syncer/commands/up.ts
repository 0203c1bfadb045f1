// `slipway up [PATH]`: the embedded cluster (or a real one with --kubeconfig), an Application for the folder PATH
// of the git repository around it, and the syncer, which keeps following the branch and prints what it does.
import * as fs from 'fs';
import * as path from 'path';
import { simpleGit } from 'simple-git';
import {
  APP_LABEL,
  Application,
  APPLICATION_API_VERSION,
  APPLICATION_CRD,
  APPLICATION_KIND,
} from '../../kube/application';
import { appNameFor } from '../folderApplications';
import { ApplicationController } from '../applicationController';
import { ApiClient } from '../../kubeclient/apiClient';
import { ObjectClient } from '../../kubeclient/objectClient';
import type { RuntimeChoice } from '../../cluster/embeddedCluster';
import { UsageError } from './target';
import { describeStatus } from './statusText';
import { IngressUrlPrinter, ingressLine } from './ingressUrls';

export interface UpOptions {
  path: string;
  state: string;
  port: number;
  nodes: number;
  /** what the embedded cluster's pods run on (kept in its state) */
  runtime?: RuntimeChoice;
  /** for a new cluster without runtime (default simulated; the CLI says auto) */
  defaultRuntime?: RuntimeChoice;
  /** the embedded cluster's ingress port (0: a free one; none when undefined) */
  ingressPort?: number;
  /** start without the ingress listener when its port is taken, rather than fail */
  ingressPortOptional?: boolean;
  /** the embedded cluster's ingress HTTPS port (0: a free one; none when undefined) */
  ingressTlsPort?: number;
  kubeconfig?: string;
  context?: string;
  app?: string;
  /** path is a folder of apps: one Application per folder under it, made by a parent Application */
  appPerFolder?: boolean;
  namespace: string;
  destination?: string;
  prune: boolean;
  selfHeal: boolean;
  autoRollback: boolean;
  automated: boolean;
  /** let kustomizations fetch remote bases */
  allowRemoteBases?: boolean;
  /** let Applications whose source is a remote URL run containers on this machine's engine */
  allowRemoteContainers?: boolean;
  /** how long rendering a kustomization may take */
  renderTimeoutMs?: number;
  /** read the folders under the path too (spec.source.directory.recurse) */
  recurse?: boolean;
  out: (line: string) => void;
}

/** The git work tree that holds dir (a folder or file): its root, checked-out branch, and dir relative to the root. */
export async function locateRepo(dir: string): Promise<{ root: string; branch: string; rel: string }> {
  if (!fs.existsSync(dir)) throw new UsageError(`${dir}: no such folder or file`);
  // a manifest file is a source of its own: its folder locates the repository
  const folder = fs.statSync(dir).isDirectory() ? dir : path.dirname(dir);
  const git = simpleGit(folder);
  let root: string;
  try {
    root = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    throw new UsageError(
      `${dir} is not inside a git repository; Slipway deploys what is committed: run \`git init && git add . && git commit -m "first"\` there first`,
    );
  }
  let branch: string;
  try {
    branch = (await git.raw(['symbolic-ref', '--short', 'HEAD'])).trim();
  } catch {
    throw new UsageError(`${root} has a detached HEAD; check out the branch Slipway should follow`);
  }
  const rel = path.relative(fs.realpathSync(root), fs.realpathSync(dir)).split(path.sep).join('/') || '.';
  return { root: fs.realpathSync(root), branch, rel };
}

export interface UpSession {
  app: Application;
  client: ObjectClient;
  controller: ApplicationController;
  stop(): Promise<void>;
}

export async function up(o: UpOptions): Promise<UpSession> {
  const dir = path.resolve(o.path);
  const repo = await locateRepo(dir);
  if (o.appPerFolder && !fs.statSync(dir).isDirectory())
    throw new UsageError(`--apps ${o.path}: a folder is needed (one Application per folder under it)`);
  const started = Date.now();
  let stopCluster: (() => Promise<void>) | undefined;
  let refuseRemotePods: string | undefined;
  /** where the embedded cluster's Ingresses answer */
  let ingressUrl: string | undefined;
  let client: ObjectClient;
  if (o.kubeconfig) {
    // the kubeconfig loader (@kubernetes/client-node) is heavy: loaded only for a cluster named by kubeconfig
    const { kubeConfigClient, loadKubeConfig } = await import('../../kubeclient/kubeConfig');
    client = kubeConfigClient(loadKubeConfig(o.kubeconfig, o.context));
    o.out(`Using the cluster at ${client.server} (${o.kubeconfig})`);
  } else {
    // the embedded cluster is only loaded when used, so commands against a real cluster stay light
    const { startCluster } = await import('../../cluster/embeddedCluster');
    const c = await startCluster({
      stateDir: o.state,
      port: o.port,
      nodes: o.nodes,
      runtime: o.runtime,
      defaultRuntime: o.defaultRuntime,
      ingressPort: o.ingressPort,
      ingressPortOptional: o.ingressPortOptional,
      ingressTlsPort: o.ingressTlsPort,
    });
    stopCluster = () => c.stop();
    if (c.runsContainers && !o.allowRemoteContainers) refuseRemotePods = c.runtime;
    ingressUrl = c.ingressUrl;
    // over HTTPS with the cluster's token and CA, as any client: no kubeconfig loader needed
    client = new ObjectClient(ApiClient.forCluster({ server: c.url, token: c.token, ca: c.caCert }, 'slipway-syncer'));
    o.out(
      `Slipway cluster ready in ${Date.now() - started} ms at ${c.url}\n  pods run on: ${c.runtime}\n` +
        (o.ingressPort !== undefined || o.ingressTlsPort !== undefined ? `  ${ingressLine(c)}\n` : '') +
        `  cluster DNS: ${c.dns.description}\n  cluster IPs: ${c.clusterIPs.description}\n` +
        `  export KUBECONFIG=${c.kubeconfig}`,
    );
  }
  try {
    if (o.kubeconfig && !(await client.resourceType(APPLICATION_API_VERSION, APPLICATION_KIND))) {
      await client.apply(APPLICATION_CRD, { fieldManager: 'slipway-cli', force: true });
      o.out(`Installed ${APPLICATION_CRD.metadata.name} in the cluster`);
    }
    const controller = new ApplicationController({
      client,
      stateDir: path.resolve(o.state),
      renderTimeoutMs: o.renderTimeoutMs,
      refuseRemotePods,
      // the embedded cluster is this process's own: a lease in it is left by an earlier run that was killed
      leaderElection: stopCluster ? { takeOverAtStart: true } : undefined,
      log: (app, line) => o.out(`[${app}] ${line}`),
    });
    await controller.start();
    const name = o.app ?? appNameFor(path.basename(dir).replace(/\.(ya?ml|json)$/i, ''));
    const spec = {
      source: {
        repo: repo.root,
        branch: repo.branch,
        path: repo.rel,
        ...(o.allowRemoteBases ? { kustomize: { allowRemoteBases: true } } : {}),
        ...(o.recurse ? { directory: { recurse: true } } : {}),
      },
      ...(o.destination ? { destination: { namespace: o.destination } } : {}),
      ...(o.appPerFolder ? { generator: { directories: {} } } : {}),
      syncPolicy: { automated: o.automated, prune: o.prune, selfHeal: o.selfHeal, autoRollback: o.autoRollback },
    };
    const app: Application = await client.apply(
      { apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, metadata: { name, namespace: o.namespace }, spec },
      { fieldManager: 'slipway-cli', force: true },
    );
    const what = o.appPerFolder ? 'one Application per folder of' : 'path';
    o.out(
      `Application ${name}: ${repo.root} (${repo.branch}) ${what} ${repo.rel}; automated ${o.automated ? 'on' : 'off'}, prune ${o.prune ? 'on' : 'off'}, self-heal ${o.selfHeal ? 'on' : 'off'}, auto-rollback ${o.autoRollback ? 'on' : 'off'}`,
    );
    // print the Application's state as it changes (and its children's), the same view `slipway status` gives
    const last = new Map<string, string>();
    const urls = ingressUrl ? new IngressUrlPrinter(client, ingressUrl, o.out) : undefined;
    const type = (await client.resourceType(APPLICATION_API_VERSION, APPLICATION_KIND))!;
    const watcher = client.informer(type, { namespace: o.namespace }, (e, obj: Application) => {
      const child = obj.metadata.labels?.[APP_LABEL] === name;
      if (obj.metadata.name !== name && !child) return;
      if (e === 'DELETED') return void last.delete(obj.metadata.name);
      const text = describeStatus(obj, { brief: true });
      if (text !== last.get(obj.metadata.name)) {
        last.set(obj.metadata.name, text);
        o.out(text);
        urls?.update(obj);
      }
    });
    watcher.start();
    return {
      app,
      client,
      controller,
      async stop() {
        watcher.stop();
        await controller.stop();
        client.close();
        await stopCluster?.();
      },
    };
  } catch (e) {
    await stopCluster?.();
    throw e;
  }
}
