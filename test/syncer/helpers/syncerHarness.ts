// A syncer (ApplicationController) on a real embedded cluster, talking to it over HTTPS as `slipway up` does:
// what the syncer test files start before their tests and stop after them, and how they create Applications and
// wait for what the syncer reports.
import {
  Application,
  APPLICATION_API_VERSION,
  APPLICATION_KIND,
  ManifestErrorStatus,
  SyncPolicy,
} from '../../../kube/application';
import type { ClusterOptions } from '../../../cluster/embeddedCluster';
import { kubeConfigClient, loadKubeConfig } from '../../../kubeclient/kubeConfig';
import { ObjectClient } from '../../../kubeclient/objectClient';
import { ApplicationController, ControllerOptions } from '../../../syncer/applicationController';
import { eventually, startTestCluster, tempDir, TestCluster } from '../../helpers/testCluster';
import { removeScratchDirs, TestRepo } from './gitRepo';

/** The embedded cluster and a client for it, for syncers the test starts itself. */
export interface ClusterHarness {
  t: TestCluster;
  client: ObjectClient;
  stop(): Promise<void>;
}

export interface SyncerHarness extends ClusterHarness {
  /** the running syncer (a new one after restart()) */
  controller: ApplicationController;
  /** every line the syncer logged, prefixed [app] */
  logs: string[];
  /**
   * Stops the syncer, runs `whileDown`, and starts a new one with the same options and state folder, as a
   * restarted process.
   */
  restart(whileDown?: () => void | Promise<void>): Promise<void>;
}

/** The embedded cluster (one node, clock 10x unless told) and a client for it. */
export async function startCluster(
  cluster: Partial<ClusterOptions> = { nodes: 1, clockSpeed: 10 },
): Promise<ClusterHarness> {
  const t = await startTestCluster(cluster);
  const client = kubeConfigClient(loadKubeConfig(t.cluster.kubeconfig));
  return {
    t,
    client,
    async stop() {
      client.close();
      await t.stop();
      removeScratchDirs();
    },
  };
}

/** The embedded cluster (one node, clock 10x unless told), a client for it and a started syncer. */
export async function startSyncer(
  options: Partial<Omit<ControllerOptions, 'client' | 'log'>> = {},
  cluster: Partial<ClusterOptions> = { nodes: 1, clockSpeed: 10 },
): Promise<SyncerHarness> {
  const base = await startCluster(cluster);
  const logs: string[] = [];
  const stateDir = tempDir('slipway-syncer-state-');
  const start = async () => {
    const controller = new ApplicationController({
      client: base.client,
      stateDir,
      log: (app, line) => logs.push(`[${app}] ${line}`),
      ...options,
    });
    await controller.start();
    return controller;
  };
  const harness: SyncerHarness = {
    ...base,
    controller: await start(),
    logs,
    async restart(whileDown) {
      await harness.controller.stop();
      await whileDown?.();
      harness.controller = await start();
    },
    async stop() {
      await harness.controller.stop();
      await base.stop();
    },
  };
  return harness;
}

/** A failed sync is not retried within a test: each test looks at one attempt. */
export const NO_RETRY = { initialMs: 600_000, maxMs: 600_000 };

/**
 * Registers the suite's hooks: a syncer started before its tests (as startSyncer) and stopped after them, and its
 * last 40 log lines printed after a failed test; `syncer` is set once `before` has run.
 */
export function useSyncer(
  options: Partial<Omit<ControllerOptions, 'client' | 'log'>> = {},
  cluster?: Partial<ClusterOptions>,
): { syncer: SyncerHarness } {
  const h = {} as { syncer: SyncerHarness };
  before(async () => {
    h.syncer = await startSyncer(options, cluster);
  });
  after(() => h.syncer?.stop());
  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(h.syncer.logs.slice(-40).join('\n'));
  });
  return h;
}

/** The reference of the Application NAME in namespace default. */
export const appRef = (name: string) => ({
  apiVersion: APPLICATION_API_VERSION,
  kind: APPLICATION_KIND,
  namespace: 'default',
  name,
});

/** Applications in namespace default as the tests make them and watch them, through `client()`. */
export function applications(client: () => ObjectClient) {
  const get = (name: string): Promise<Application> => client().get(appRef(name));

  /** Waits until `pred` holds for the app; the error shows its last status. */
  function waitApp(
    name: string,
    what: string,
    pred: (a: Application) => boolean,
    timeoutMs = 30_000,
  ): Promise<Application> {
    let last: Application | undefined;
    return eventually(
      async () => {
        const a = (last = await get(name));
        return pred(a) ? a : undefined;
      },
      timeoutMs,
      `${name}: ${what}`,
    ).catch((e) => {
      throw new Error(`${e.message}\nlast status: ${JSON.stringify(last?.status, null, 1)}`);
    }) as Promise<Application>;
  }

  return {
    get,
    waitApp,

    /** Creates (or replaces) app NAME deploying folder `app` of branch main of `repo` into namespace NAME. */
    async createApp(
      name: string,
      repo: TestRepo | string,
      policy: SyncPolicy = {},
      extra: Record<string, unknown> = {},
      source: Record<string, unknown> = {},
    ): Promise<void> {
      await client().apply(
        {
          apiVersion: APPLICATION_API_VERSION,
          kind: APPLICATION_KIND,
          metadata: { name, namespace: 'default' },
          spec: {
            source: { repo: typeof repo === 'string' ? repo : repo.dir, branch: 'main', path: 'app', ...source },
            destination: { namespace: name },
            syncPolicy: policy,
            ...extra,
          },
        },
        { fieldManager: 'test', force: true },
      );
    },

    /** Waits until the app is Synced at `sha`, whatever its health. */
    syncedAt: (name: string, sha: string, timeoutMs?: number) =>
      waitApp(
        name,
        `Synced at ${sha.slice(0, 7)}`,
        (a) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === sha,
        timeoutMs,
      ),

    healthyAt: (name: string, sha: string, timeoutMs?: number) =>
      waitApp(
        name,
        `Synced and Healthy at ${sha.slice(0, 7)}`,
        (a) =>
          a.status?.sync?.status === 'Synced' &&
          a.status.sync.revision === sha &&
          a.status.health?.status === 'Healthy',
        timeoutMs,
      ),

    /**
     * Waits until the app reports an InvalidManifest condition (one naming `revision`, when given); the errors it
     * lists.
     */
    async manifestErrors(name: string, revision?: string, timeoutMs?: number): Promise<ManifestErrorStatus[]> {
      const short = revision?.slice(0, 7);
      const invalid = (a: Application) =>
        a.status?.conditions?.find((c) => c.type === 'InvalidManifest' && (!short || c.message.includes(short)));
      const app = await waitApp(name, `InvalidManifest${short ? ` at ${short}` : ''}`, (a) => !!invalid(a), timeoutMs);
      return invalid(app)!.errors ?? [];
    },

    /** Writes spec.operation and waits until the syncer has carried it out (and removed it). */
    async operate(name: string, operation: object): Promise<Application> {
      await client().mergePatch(appRef(name), { spec: { operation } });
      return waitApp(name, 'operation carried out', (a) => !a.spec.operation);
    },
  };
}
