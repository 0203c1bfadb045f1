// Compares a revision with what the cluster holds: per resource, in sync or not and its health; for the app,
// the worst health of its resources. Resources still live but gone from git are listed too (they await pruning).
import { HealthStatusCode, ResourceStatus } from '../kube/application';
import { splitApiVersion } from '../kube/registry';
import { DesiredState } from './desiredState';
import { worstHealth } from './health';
import { LiveState } from './liveState';
import { liveNotInGit } from './prune';
import { resolveGenerated } from './generatedNames';

export interface Comparison {
  resources: ResourceStatus[];
  outOfSync: Set<string>;
  health: { status: HealthStatusCode; message?: string };
}

/**
 * One status per resource of the revision (sync status, health, manifest line) plus one per live object git no
 * longer has (liveNotInGit: OutOfSync unless kept), the keys to act on, and the app's health: the worst of the
 * resources in git.
 */
export function compare(given: DesiredState, live: LiveState, appOptions: readonly string[] = []): Comparison {
  const desired = resolveGenerated(given, live);
  const resources: ResourceStatus[] = [];
  const outOfSync = new Set<string>();
  const keys = new Set<string>();
  for (const r of desired.resources) {
    keys.add(r.key);
    const obj = live.get(r.ref);
    const changed = live.outOfSync(r);
    if (changed) outOfSync.add(r.key);
    const h = live.health(obj);
    resources.push({
      group: splitApiVersion(r.ref.apiVersion).group,
      version: splitApiVersion(r.ref.apiVersion).version,
      kind: r.ref.kind,
      ...(r.ref.namespace ? { namespace: r.ref.namespace } : {}),
      name: r.ref.name,
      wave: r.wave,
      status: changed ? 'OutOfSync' : 'Synced',
      health: { status: h.status, ...(h.message ? { message: h.message } : {}) },
      source: `${r.manifest.file}:${r.manifest.line}`,
    });
  }
  for (const { ref, key, kept, ignored } of liveNotInGit(live.owned(), keys, appOptions)) {
    if (!kept && !ignored) outOfSync.add(key);
    resources.push({
      group: splitApiVersion(ref.apiVersion).group,
      version: splitApiVersion(ref.apiVersion).version,
      kind: ref.kind,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      name: ref.name,
      wave: 0,
      status: 'OutOfSync',
      health: {
        status: 'Healthy',
        message: kept
          ? 'not in git; kept (Prune=false)'
          : `not in git: pruned on the next sync${ignored ? ' (IgnoreExtraneous: not counted as OutOfSync)' : ''}`,
      },
    });
  }
  const inGit = resources.filter((r) => r.source);
  const worst = worstHealth(inGit.map((r) => r.health!.status));
  const culprit = inGit.find((r) => r.health!.status === worst && worst !== 'Healthy');
  const health = {
    status: inGit.length ? worst : ('Healthy' as HealthStatusCode),
    ...(culprit
      ? { message: `${culprit.kind} ${culprit.name}: ${culprit.health!.message ?? culprit.health!.status}` }
      : {}),
  };
  return { resources, outOfSync, health };
}
