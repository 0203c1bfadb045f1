// A sync with its resource hooks, in Argo CD's phases: PreSync hooks, then the resources wave by wave with the
// Sync hooks of each wave, then (once every resource is Healthy) the PostSync hooks. A failure anywhere (a
// hook, an apply, a Degraded wave) stops the sync there, later phases do not run, and the SyncFail hooks
// run instead. A self-heal (opts.only) applies drift and runs no hooks.
import { HookType } from '../../kube/application';
import { DesiredState } from '../desiredState';
import {
  DEFAULT_WAVE_TIMEOUT_MS,
  ensureNamespaces,
  SyncOptions,
  SyncOutcome,
  syncResources,
  waitHealthy,
} from '../sync';
import { HookRunner } from './hookRunner';

export async function syncWithHooks(desired: DesiredState, opts: SyncOptions): Promise<SyncOutcome> {
  const hooks = desired.hooks ?? [];
  if (!hooks.length || opts.only) return syncResources(desired, opts);
  const say = opts.progress ?? (() => undefined);
  const runner = new HookRunner(hooks, {
    client: opts.client,
    live: opts.live,
    timeoutMs: opts.waveTimeoutMs ?? DEFAULT_WAVE_TIMEOUT_MS,
    signal: opts.signal,
    say,
  });
  const count = (phase: HookType) => runner.results.filter((r) => r.syncPhase === phase).length;

  const fail = async (message: string, done?: SyncOutcome): Promise<SyncOutcome> => {
    let text = message;
    if (runner.has('SyncFail') && !opts.signal?.aborted) {
      say('the sync failed: running the SyncFail hooks');
      try {
        await runner.runPhase('SyncFail');
        text += `; ${count('SyncFail')} SyncFail hook${count('SyncFail') === 1 ? '' : 's'} ran`;
      } catch (e) {
        text += `; and ${(e as Error).message}`;
      }
    }
    return {
      ok: false,
      applied: done?.applied ?? [],
      pruned: done?.pruned ?? [],
      message: text,
      hooks: runner.results,
    };
  };

  try {
    // the hooks of the first phase need the destination namespace too
    await ensureNamespaces(opts.client, desired, opts.ensureNamespaces ?? []);
    await runner.runPhase('PreSync');
  } catch (e) {
    return fail(`${(e as Error).message}; nothing was applied`);
  }
  const outcome = await syncResources(desired, {
    ...opts,
    waveHooks: { waves: runner.waves('Sync'), run: (wave) => runner.runWave('Sync', wave) },
  });
  if (!outcome.ok) return fail(outcome.message, outcome);
  if (runner.has('PostSync')) {
    try {
      say('waiting until every resource is Healthy before the PostSync hooks');
      await waitHealthy(opts, 'the app', desired);
      await runner.runPhase('PostSync');
    } catch (e) {
      return fail(
        `${(e as Error).message}${runner.results.some((r) => r.syncPhase === 'PostSync') ? '' : ' (PostSync hooks did not run)'}`,
        outcome,
      );
    }
  }
  const n = runner.results.length;
  return { ...outcome, message: `${outcome.message}, ${n} hook${n === 1 ? '' : 's'} ran`, hooks: runner.results };
}
