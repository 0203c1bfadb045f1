// Runs a sync's resource hooks, phase by phase and wave by wave within a phase (kind order within a wave, as
// resources): each hook's object is created anew for the sync (a fixed name is first deleted when its delete
// policy is BeforeHookCreation, the default), then the wave waits until every hook of it has finished: a Job
// until Complete or Failed, a Pod until Succeeded or Failed, anything else until Healthy. A finished hook is
// deleted when its policy says so (HookSucceeded, HookFailed). A failed hook fails its wave (HookFailure).
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { HookPhase, HookResult, HookType } from '../../kube/application';
import type { KubeObject } from '../../kube/objects';
import { deepClone } from '../../kube/objects';
import { splitApiVersion } from '../../kube/registry';
import { ObjectClient } from '../../kubeclient/objectClient';
import { DesiredResource, refOf, ResourceRef } from '../desiredState';
import { jobHealth } from '../health/job';
import { LiveState } from '../liveState';
import { planSteps } from '../plan';
import { checkStopped, describe, pause } from '../sync';
import { deletePoliciesOf, hookTypesOf } from './annotations';

/** A hook that failed, or could not be created: the sync stops at its wave. */
export class HookFailure extends Error {}

export interface HookRunnerOptions {
  client: ObjectClient;
  live: LiveState;
  /** how long one wave of hooks may run */
  timeoutMs: number;
  signal?: AbortSignal;
  say(line: string): void;
}

/** Where a live hook object stands: still running, or finished and how. */
export function hookPhaseOf(obj: KubeObject | undefined, live: LiveState): { phase: HookPhase; message?: string } {
  if (!obj) return { phase: 'Failed', message: 'deleted before it finished' };
  if (obj.kind === 'Job') {
    const h = jobHealth(obj as Job);
    if (h.status === 'Healthy') return { phase: 'Succeeded', message: h.message };
    return { phase: h.status === 'Degraded' ? 'Failed' : 'Running', message: h.message };
  }
  if (obj.kind === 'Pod') {
    const s = (obj as Pod).status;
    if (s?.phase === 'Succeeded') return { phase: 'Succeeded', message: 'Pod completed' };
    if (s?.phase === 'Failed') return { phase: 'Failed', message: s.message || s.reason || 'Pod failed' };
    return { phase: 'Running', message: `Pod is ${s?.phase ?? 'Pending'}` };
  }
  const h = live.health(obj);
  if (h.status === 'Healthy' || h.status === 'Suspended') return { phase: 'Succeeded', message: h.message };
  return { phase: h.status === 'Degraded' ? 'Failed' : 'Running', message: h.message };
}

export class HookRunner {
  /** every hook run so far, in order; each entry is updated as its hook goes */
  readonly results: HookResult[] = [];

  constructor(
    private readonly hooks: DesiredResource[],
    private readonly o: HookRunnerOptions,
  ) {}

  private of(phase: HookType): DesiredResource[] {
    return this.hooks.filter((h) => hookTypesOf(h.object).includes(phase));
  }

  /** Whether the revision has hooks of this phase. */
  has(phase: HookType): boolean {
    return this.of(phase).length > 0;
  }

  /** The waves of the phase's hooks, lowest first. */
  waves(phase: HookType): number[] {
    return [...new Set(this.of(phase).map((h) => h.wave))].sort((a, b) => a - b);
  }

  /** Runs every wave of the phase; throws HookFailure at the first wave with a failed hook. */
  async runPhase(phase: HookType): Promise<void> {
    for (const wave of this.waves(phase)) await this.runWave(phase, wave);
  }

  /** Runs the phase's hooks of one wave (none: nothing) and waits until all of them have finished. */
  async runWave(phase: HookType, wave: number): Promise<void> {
    const hooks = this.of(phase).filter((h) => h.wave === wave);
    if (!hooks.length) return;
    const running: { hook: DesiredResource; ref: ResourceRef; result: HookResult }[] = [];
    for (const step of planSteps(hooks, (h) => h.object)) {
      for (const hook of step.items) {
        checkStopped(this.o.signal);
        const created = await this.create(hook, phase);
        const ref = refOf(created);
        const result: HookResult = {
          group: splitApiVersion(ref.apiVersion).group,
          version: splitApiVersion(ref.apiVersion).version,
          kind: ref.kind,
          ...(ref.namespace ? { namespace: ref.namespace } : {}),
          name: ref.name,
          hookType: phase,
          hookPhase: 'Running',
          syncPhase: phase,
        };
        this.results.push(result);
        running.push({ hook, ref, result });
        this.o.say(`${phase} hook: created ${describe(ref)}`);
      }
    }
    await this.waitFinished(phase, running);
    const failed = running.filter((r) => r.result.hookPhase === 'Failed');
    if (failed.length) {
      const f = failed[0];
      throw new HookFailure(`${phase} hook ${describe(f.ref)} failed: ${f.result.message ?? 'Failed'}`);
    }
  }

  /** Creates the hook's object for this sync, deleting the one of an earlier sync first when allowed. */
  private async create(hook: DesiredResource, phase: HookType): Promise<KubeObject> {
    const { client, live } = this.o;
    await live.track([{ apiVersion: hook.ref.apiVersion, kind: hook.ref.kind }]);
    const where = `${hook.manifest.file}:${hook.manifest.line}: ${phase} hook ${describe(hook.ref)}`;
    if (hook.object.metadata?.name) {
      const old = await client.find(hook.ref);
      if (old && !deletePoliciesOf(hook.object).includes('BeforeHookCreation'))
        throw new HookFailure(
          `${where} already exists (from an earlier sync): add BeforeHookCreation to its hook-delete-policy, ` +
            'or give it metadata.generateName instead of a name',
        );
      if (old) await this.deleteAndWait(hook.ref);
    }
    try {
      const created = await client.create(deepClone(hook.object));
      live.observe(created);
      return created;
    } catch (e) {
      throw new HookFailure(`${where}: could not be created: ${(e as Error).message}`);
    }
  }

  private async deleteAndWait(ref: ResourceRef): Promise<void> {
    await this.o.client.delete(ref, 'Background');
    this.o.live.forget(ref);
    const deadline = Date.now() + this.o.timeoutMs;
    while (await this.o.client.find(ref)) {
      checkStopped(this.o.signal);
      if (Date.now() > deadline)
        throw new HookFailure(`${describe(ref)} of an earlier sync was not deleted in time (BeforeHookCreation)`);
      await pause(100, this.o.signal);
    }
  }

  private async waitFinished(
    phase: HookType,
    running: { hook: DesiredResource; ref: ResourceRef; result: HookResult }[],
  ): Promise<void> {
    const deadline = Date.now() + this.o.timeoutMs;
    let waiting = running;
    for (;;) {
      for (const r of waiting) {
        const { phase: p, message } = hookPhaseOf(this.o.live.get(r.ref), this.o.live);
        r.result.hookPhase = p;
        if (message) r.result.message = message;
        if (p !== 'Running') await this.finished(r.hook, r.ref, r.result);
      }
      waiting = waiting.filter((r) => r.result.hookPhase === 'Running');
      if (!waiting.length) return;
      checkStopped(this.o.signal);
      if (Date.now() > deadline) {
        const late = waiting[0];
        late.result.hookPhase = 'Failed';
        late.result.message = `did not finish within ${Math.round(this.o.timeoutMs / 1000)} s`;
        throw new HookFailure(`${phase} hook ${describe(late.ref)} ${late.result.message}`);
      }
      await pause(100, this.o.signal);
    }
  }

  /** Logs how the hook ended and deletes its object when its delete policy says so. */
  private async finished(hook: DesiredResource, ref: ResourceRef, result: HookResult): Promise<void> {
    const policies = deletePoliciesOf(hook.object);
    const drop =
      (result.hookPhase === 'Succeeded' && policies.includes('HookSucceeded')) ||
      (result.hookPhase === 'Failed' && policies.includes('HookFailed'));
    const why = result.message ? `: ${result.message}` : '';
    this.o.say(`${result.syncPhase} hook ${describe(ref)} ${result.hookPhase}${why}${drop ? ' (deleted)' : ''}`);
    if (!drop) return;
    await this.o.client.delete(ref, 'Background');
    this.o.live.forget(ref);
  }
}
