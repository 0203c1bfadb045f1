// The syncer: watches Application objects through the Kubernetes API (the embedded cluster's or a real one's)
// and runs one reconciler per Application. Several syncers on one cluster elect a leader through a Lease; only
// the leader reconciles, so two never write conflicting history.
import { Application, APPLICATION_API_VERSION, APPLICATION_KIND } from '../kube/application';
import { ApplicationRunner } from './applicationRunner';
import { RunnerDeps } from './runner/context';
import { Informer } from '../kubeclient/informer';
import { ObjectClient, ResourceType } from '../kubeclient/objectClient';
import { Backoff } from './retryBackoff';
import { LeaderElectionOptions, LeaderElector } from './leaderElection';
import { addResourcesFinalizer, finalizeApplication } from './resourcesFinalizer';

export interface ControllerOptions {
  client: ObjectClient;
  stateDir: string;
  /** only this namespace's Applications; all when undefined */
  namespace?: string;
  log?: (app: string, line: string) => void;
  fetchIntervalMs?: number;
  waveTimeoutMs?: number;
  /** how long rendering a kustomization may take; default 60 s */
  renderTimeoutMs?: number;
  /** back-off between retries of a failed sync; default 5 s doubling up to 3 min */
  retryBackoff?: Backoff;
  /** set when pods run as containers on this machine (what they run on): remote sources may not make pods */
  refuseRemotePods?: string;
  /**
   * the Lease the syncers of a cluster elect their leader with: default slipway-syncer in `namespace` (or default),
   * 15 s lease renewed every 5 s; false reconciles without electing (when nothing else can run a syncer)
   */
  leaderElection?: false | (Partial<LeaderElectionOptions> & { namespace?: string });
}

export class ApplicationController {
  private informer?: Informer;
  private crds?: Informer;
  private readonly runners = new Map<string, ApplicationRunner>();
  private stopped = false;
  private elector?: LeaderElector;
  private appType?: ResourceType;
  /** Applications whose finalizer is being added or carried out now */
  private readonly finalizing = new Set<string>();

  constructor(private readonly opts: ControllerOptions) {}

  /** true while this syncer reconciles (it is the leader, or elects none) */
  get isLeader(): boolean {
    return this.elector ? this.elector.isLeader : !!this.informer;
  }

  /**
   * Starts once the Application CRD is served (waits for it), then takes part in the election: resolves after the
   * first attempt, reconciling when it won, standing by otherwise.
   */
  async start(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let type = await this.opts.client.resourceType(APPLICATION_API_VERSION, APPLICATION_KIND);
    while (!type) {
      if (Date.now() > deadline)
        throw new Error('the cluster does not serve applications.slipway.dev: install it with `slipway install`');
      await new Promise((r) => setTimeout(r, 100));
      type = await this.opts.client.resourceType(APPLICATION_API_VERSION, APPLICATION_KIND);
    }
    if (this.stopped) return;
    this.appType = type;
    const election = this.opts.leaderElection;
    if (election === false) return this.startReconciling();
    const log = this.opts.log ?? (() => undefined);
    this.elector = new LeaderElector(
      this.opts.client,
      { ...election, namespace: election?.namespace ?? this.opts.namespace ?? 'default' },
      {
        onStartedLeading: () => this.startReconciling(),
        onStoppedLeading: () => this.stopReconciling(),
        log: (line) => log('syncer', line),
      },
    );
    this.elector.start();
    await this.elector.ready;
  }

  private async startReconciling(): Promise<void> {
    const type = this.appType!;
    // one watch of the cluster's CRDs for every app: custom resources are judged by them, and a new or changed
    // CRD may make a rejected revision valid
    const crdType = await this.opts.client.resourceType('apiextensions.k8s.io/v1', 'CustomResourceDefinition');
    if (crdType) {
      this.crds = this.opts.client.informer(crdType, {}, () => {
        for (const r of this.runners.values()) r.schedule(50);
      });
      this.crds.start();
      await this.crds.waitForSync();
    }
    const crds = this.crds;
    const deps: RunnerDeps = {
      crds: crds ? () => crds.list() : undefined,
      client: this.opts.client,
      stateDir: this.opts.stateDir,
      log: this.opts.log ?? (() => undefined),
      fetchIntervalMs: this.opts.fetchIntervalMs,
      waveTimeoutMs: this.opts.waveTimeoutMs,
      renderTimeoutMs: this.opts.renderTimeoutMs,
      retryBackoff: this.opts.retryBackoff,
      refuseRemotePods: this.opts.refuseRemotePods,
    };
    this.informer = this.opts.client.informer(type, { namespace: this.opts.namespace }, (event, obj: Application) => {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (event === 'DELETED') {
        const r = this.runners.get(key);
        this.runners.delete(key);
        void r?.stop();
        return;
      }
      if (obj.metadata.deletionTimestamp) {
        const r = this.runners.get(key);
        this.runners.delete(key);
        void r?.stop().then(() => this.onFinalizer(key, obj, finalizeApplication));
        if (!r) this.onFinalizer(key, obj, finalizeApplication);
        return;
      }
      this.onFinalizer(key, obj, addResourcesFinalizer);
      const r = this.runners.get(key);
      if (r) r.update(obj);
      else {
        const runner = new ApplicationRunner(deps, obj);
        this.runners.set(key, runner);
        runner.schedule(0);
      }
    });
    this.informer.start();
    await this.informer.waitForSync();
  }

  /** Adds or carries out the resources finalizer, once at a time per app; a failure is logged and retried. */
  private onFinalizer(
    key: string,
    app: Application,
    step: (client: ObjectClient, app: Application, log: (line: string) => void) => Promise<void>,
  ): void {
    if (this.finalizing.has(key) || this.stopped) return;
    this.finalizing.add(key);
    const log = (line: string) => (this.opts.log ?? (() => undefined))(app.metadata.name, line);
    void step(this.opts.client, app, log).then(
      () => this.finalizing.delete(key),
      async (e) => {
        log(`resources finalizer: ${(e as Error).message}`);
        await new Promise((r) => setTimeout(r, 1000));
        this.finalizing.delete(key);
        const latest = this.informer?.get(app.metadata.namespace, app.metadata.name) as Application | undefined;
        if (latest) this.onFinalizer(key, latest, latest.metadata.deletionTimestamp ? finalizeApplication : step);
      },
    );
  }

  runner(namespace: string, name: string): ApplicationRunner | undefined {
    return this.runners.get(`${namespace}/${name}`);
  }

  /** Stops every watch and reconciler (the lease lost, or the syncer stopping). */
  private async stopReconciling(): Promise<void> {
    this.informer?.stop();
    this.crds?.stop();
    this.informer = undefined;
    this.crds = undefined;
    const runners = [...this.runners.values()];
    this.runners.clear();
    await Promise.all(runners.map((r) => r.stop()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.elector) await this.elector.stop();
    await this.stopReconciling();
  }
}
