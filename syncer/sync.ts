// Applies one revision: out-of-sync resources only, with server-side apply (field manager slipway), wave by
// wave and kind by kind; CRDs wait until Established; each wave must be healthy before the next starts; then
// resources that left git are pruned, last-applied-first. Nothing is applied when the revision is invalid
// (the caller checks that before).
import type { IgnoredDifferences } from './diff/ignoreDifferences';
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import type { HookResult } from '../kube/application';
import { DesiredResource, DesiredState, refOf, resourceKey, ResourceRef } from './desiredState';
import { needsPods, worstHealth } from './health';
import { KubeApiError } from '../kubeclient/apiError';
import { ObjectClient } from '../kubeclient/objectClient';
import { inParallel } from './inParallel';
import { LiveState } from './liveState';
import { kindRank, planSteps, waveOf } from './plan';
import { pruneCandidates } from './prune';
import { TRACKING_ANNOTATIONS, trackingOwner } from './tracking';
import { isGenerated, resolveGenerated } from './generatedNames';
import { hasSyncOption, prunePropagationOf } from './syncOptions';
import { writeResource } from './writeResource';

export interface SyncProgress {
  (line: string): void;
}

export interface SyncOptions {
  client: ObjectClient;
  live: LiveState;
  prune: boolean;
  /** keys of the resources to consider; all when undefined (self-heal passes the drifted ones) */
  only?: Set<string>;
  progress?: SyncProgress;
  /** how long a wave may stay Progressing before the sync fails */
  waveTimeoutMs?: number;
  /** stops the sync between steps and ends a wait on a wave or a CRD at once (the syncer shutting down) */
  signal?: AbortSignal;
  /** namespaces to create when missing (the destination) */
  ensureNamespaces?: string[];
  /** the Application's spec.syncPolicy.syncOptions (syncOptions.ts); a resource's annotation wins */
  appSyncOptions?: readonly string[];
  /** the Application's ignoreDifferences: kept as live has them where RespectIgnoreDifferences=true */
  ignored?: IgnoredDifferences;
  /** the Sync-phase hooks (syncer/hooks/): run after a wave's resources are applied, before the wave is judged */
  waveHooks?: { waves: number[]; run(wave: number): Promise<void> };
}

export interface SyncOutcome {
  ok: boolean;
  applied: string[];
  pruned: string[];
  message: string;
  /** the hooks the sync ran (syncer/hooks/) */
  hooks?: HookResult[];
}

// Applies in flight at once: each waits for the store's group-commit fsync, so with 16 the event loop sat idle a
// third of a large first sync; 32 fills the HTTPS transport's socket pool and halves those waits (bench/RESULTS.md).
const APPLY_CONCURRENCY = 32;
export const DEFAULT_WAVE_TIMEOUT_MS = 5 * 60_000;

export function describe(r: ResourceRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

const STOPPED = 'stopped: the syncer is shutting down';

/** Waits ms, or less when signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    if (signal?.aborted) done();
  });
}

export function checkStopped(signal?: AbortSignal): void {
  if (signal?.aborted) throw new Error(STOPPED);
}

async function waitEstablished(client: ObjectClient, name: string, timeoutMs: number, signal?: AbortSignal) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    checkStopped(signal);
    const crd: CustomResourceDefinition | undefined = await client.find({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name,
    });
    if (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline)
      throw new Error(`CustomResourceDefinition ${name} was not Established within ${Math.round(timeoutMs / 1000)} s`);
    await pause(100, signal);
  }
}

/** Waits until every resource of desired is Healthy (or Suspended); `what` names them in errors ("wave 2"). */
export async function waitHealthy(opts: SyncOptions, what: string, desired: DesiredState): Promise<void> {
  const deadline = Date.now() + (opts.waveTimeoutMs ?? DEFAULT_WAVE_TIMEOUT_MS);
  for (;;) {
    checkStopped(opts.signal);
    // resources created under generated names during the wave are judged by their live objects
    const items = resolveGenerated(desired, opts.live).resources;
    const health = items.map((r) => {
      const obj = opts.live.get(r.ref);
      return { r, h: opts.live.health(obj) };
    });
    const worst = worstHealth(health.map((x) => x.h.status));
    if (worst === 'Healthy' || worst === 'Suspended') return;
    const bad = health.find((x) => x.h.status === worst)!;
    if (worst === 'Degraded')
      throw new Error(`${what} is Degraded: ${describe(bad.r.ref)}: ${bad.h.message ?? 'Degraded'}`);
    if (Date.now() > deadline)
      throw new Error(
        `${what} did not become healthy in time: ${describe(bad.r.ref)} is ${worst}${bad.h.message ? `: ${bad.h.message}` : ''}`,
      );
    await pause(100, opts.signal);
  }
}

/** Creates the namespaces that do not exist, but those desired has a manifest for (applied in their turn). */
export async function ensureNamespaces(client: ObjectClient, desired: DesiredState, names: string[]): Promise<void> {
  for (const ns of names) {
    if (desired.resources.some((r) => r.ref.kind === 'Namespace' && r.ref.name === ns)) continue;
    if (!(await client.find({ apiVersion: 'v1', kind: 'Namespace', name: ns }))) {
      await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch((e) => {
        if (!(e instanceof KubeApiError && e.status === 409)) throw e;
      });
    }
  }
}

/** Applies the out-of-sync resources of desired (or of opts.only), wave by wave, then prunes; never throws. */
export async function syncResources(given: DesiredState, opts: SyncOptions): Promise<SyncOutcome> {
  const { client, live } = opts;
  let desired = given;
  const applied: string[] = [];
  const pruned: string[] = [];
  const say = opts.progress ?? (() => undefined);
  const appOptions = opts.appSyncOptions ?? [];
  try {
    await live.track(uniqueTypes(desired.resources.map((r) => r.ref)));
    desired = resolveGenerated(given, live);
    const wanted = opts.only ? desired.resources.filter((r) => opts.only!.has(r.key)) : desired.resources;
    if (wanted.some((r) => needsPods(r.object))) await live.trackPods();
    await ensureNamespaces(client, desired, opts.ensureNamespaces ?? []);
    const steps = planSteps(wanted, (r) => r.object);
    const waves = [...new Set([...steps.map((s) => s.wave), ...(opts.waveHooks?.waves ?? [])])].sort((a, b) => a - b);
    for (let w = 0; w < waves.length; w++) {
      const wave = waves[w];
      const waveItems: DesiredResource[] = [];
      for (const step of steps.filter((s) => s.wave === wave)) {
        checkStopped(opts.signal);
        waveItems.push(...step.items);
        const changed = step.items.filter((r) => live.outOfSync(r));
        if (!changed.length) continue;
        await refuseForeign(client, live, changed);
        if (waves.length > 1) say(`wave ${wave}: applying ${changed.map((r) => describe(r.ref)).join(', ')}`);
        await inParallel(changed, APPLY_CONCURRENCY, async (r) => {
          try {
            const { object: result, verb } = await writeResource(
              client,
              live,
              r,
              desired.revision,
              appOptions,
              opts.ignored,
            );
            live.observe(result);
            applied.push(r.key);
            say(`${verb} ${describe(refOf(result))}`);
          } catch (e) {
            throw new Error(
              `${r.manifest.file}:${r.manifest.line}: applying ${describe(r.ref)}: ${(e as Error).message}`,
            );
          }
        });
        const crds = changed.filter((r) => r.ref.kind === 'CustomResourceDefinition');
        for (const c of crds) await waitEstablished(client, c.ref.name, 30_000, opts.signal);
        if (crds.length) await live.track(uniqueTypes(desired.resources.map((r) => r.ref)));
      }
      await opts.waveHooks?.run(wave);
      if (w < waves.length - 1) {
        say(`wave ${wave}: waiting until healthy`);
        await waitHealthy(opts, `wave ${wave}`, { ...desired, resources: waveItems });
      }
    }
    if (opts.prune && !opts.only) {
      // (resources created under generated names in this sync are kept by those names)
      const keep = new Set(resolveGenerated(given, live).resources.map((r) => r.key));
      const extra = pruneCandidates(live.owned(), keep, appOptions).sort(
        (a, b) => waveOf(b) - waveOf(a) || kindRank(b.kind) - kindRank(a.kind),
      );
      if (extra.some((o) => hasSyncOption(o, 'PruneLast', 'true', appOptions))) {
        say('waiting until every resource is Healthy before pruning (PruneLast)');
        await waitHealthy(opts, 'the app', desired);
      }
      for (const o of extra) {
        const ref = refOf(o);
        await client.delete(ref, prunePropagationOf(o, appOptions));
        live.forget(ref);
        pruned.push(resourceKey(ref));
        say(`pruned ${describe(ref)}`);
      }
    }
    const parts = [`${applied.length} applied`, ...(pruned.length ? [`${pruned.length} pruned`] : [])];
    return { ok: true, applied, pruned, message: parts.join(', ') };
  } catch (e) {
    return { ok: false, applied, pruned, message: (e as Error).message };
  }
}

/**
 * An object another Application deployed is not taken over silently. Objects this app's watches do not see
 * (another app's label) are looked up: one by one when few, by listing their type and namespace when many.
 */
async function refuseForeign(client: ObjectClient, live: LiveState, all: DesiredResource[]): Promise<void> {
  const ownerOf = new Map<string, string | undefined>();
  // a resource still to be created under a generated name cannot be anyone's yet
  const items = all.filter((r) => !isGenerated(r) || live.get(r.ref));
  const unseen = items.filter((r) => {
    const obj = live.get(r.ref);
    if (obj) ownerOf.set(r.key, trackingOwner(obj));
    return !obj;
  });
  if (unseen.length <= 20) {
    await inParallel(unseen, APPLY_CONCURRENCY, async (r) => {
      ownerOf.set(r.key, trackingOwner(await client.find(r.ref)));
    });
  } else {
    const groups = new Map<string, DesiredResource>();
    for (const r of unseen) groups.set(`${r.ref.apiVersion}/${r.ref.kind}/${r.ref.namespace ?? ''}`, r);
    for (const r of groups.values()) {
      const list = await client.list(r.ref.apiVersion, r.ref.kind, { namespace: r.ref.namespace });
      for (const o of list.items ?? []) {
        const key = resourceKey({
          apiVersion: r.ref.apiVersion,
          kind: r.ref.kind,
          namespace: o.metadata?.namespace,
          name: o.metadata?.name,
        });
        ownerOf.set(key, trackingOwner(o));
      }
    }
  }
  for (const r of items) {
    const owner = ownerOf.get(r.key);
    const mine = trackingOwner(r.object);
    if (owner && owner !== mine) {
      throw new Error(
        `${r.manifest.file}:${r.manifest.line}: ${describe(r.ref)} belongs to Application ${owner}; remove it from ` +
          `one of the two apps (or delete its ${TRACKING_ANNOTATIONS.join(' and ')} annotations to hand it over)`,
      );
    }
  }
}

/** Each apiVersion/kind once, in first-seen order (the informers LiveState.track starts). */
export function uniqueTypes(refs: { apiVersion: string; kind: string }[]): { apiVersion: string; kind: string }[] {
  const m = new Map<string, { apiVersion: string; kind: string }>();
  for (const r of refs) m.set(`${r.apiVersion}/${r.kind}`, { apiVersion: r.apiVersion, kind: r.kind });
  return [...m.values()];
}
