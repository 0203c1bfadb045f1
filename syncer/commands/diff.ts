// `slipway diff`: what a sync would change. The app's target revision (its pin, else the branch tip) is read from
// git and compared with the live objects, one unified diff per resource, Secret values masked. Exit codes follow
// `kubectl diff`: 0 in sync, 1 differences, 2 errors (invalid manifests among them).
import * as path from 'path';
import { Application, syncPolicyOf } from '../../kube/application';
import { DesiredState, DesiredStateLoader, refOf } from '../desiredState';
import { pruneCandidates } from '../prune';
import { listTracked, ResourceKind, statusTypes } from '../trackedObjects';
import { deletionDiff, diffResource, ignoredDifferences } from '../diff';
import { GitSource } from '../git/source';
import { sourceSpecOf } from '../sourceSpec';
import { ObjectClient } from '../../kubeclient/objectClient';
import { CommandError, CommandIO, json, OutputFormat, short } from './output';
import { connect, findApp, TargetOptions, UsageError } from './target';

export interface DiffOptions extends TargetOptions {
  output: OutputFormat;
}

export interface ResourceChange {
  kind: string;
  namespace?: string;
  name: string;
  /** create: not live yet; update: live differs; delete: live but gone from git (pruned by a sync) */
  action: 'create' | 'update' | 'delete';
  /** manifest file:line in git (create, update) */
  source?: string;
  diff: string;
}

function describe(c: { kind: string; namespace?: string; name: string }): string {
  return `${c.kind}/${c.namespace ? `${c.namespace}/` : ''}${c.name}`;
}

/** What git says at the app's target revision, built as the syncer builds it. */
export async function loadDesired(client: ObjectClient, app: Application, stateDir: string): Promise<DesiredState> {
  const source = await GitSource.open(sourceSpecOf(app), { stateDir });
  try {
    await source.fetch();
    const revision = app.status?.pinned?.revision ?? (await source.tip());
    const files = await source.files(revision);
    const crds = (await client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).items ?? [];
    return new DesiredStateLoader().build(revision, files, {
      app: { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' },
      namespace: app.spec.destination?.namespace || app.metadata.namespace || 'default',
      clusterCrds: crds,
    });
  } finally {
    await source.close();
  }
}

/** Live objects of this app (label and tracking annotation) that git no longer has, among the kinds it has used. */
async function leftovers(client: ObjectClient, app: Application, desired: DesiredState): Promise<any[]> {
  const self = { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' };
  const keep = new Set(desired.resources.map((r) => r.key));
  const types = new Map<string, ResourceKind>();
  for (const r of desired.resources) types.set(`${r.ref.apiVersion}/${r.ref.kind}`, r.ref);
  for (const t of statusTypes(app.status?.resources)) types.set(`${t.apiVersion}/${t.kind}`, t);
  const owned = await listTracked(client, self, [...types.values()]);
  return pruneCandidates(owned, keep, syncPolicyOf(app).syncOptions);
}

/** What a sync would do to each resource: create, update, or (when the app prunes) delete, with its diff. */
export async function changesOf(
  client: ObjectClient,
  app: Application,
  desired: DesiredState,
): Promise<ResourceChange[]> {
  const changes: ResourceChange[] = [];
  const ignore = ignoredDifferences(app);
  for (const r of desired.resources) {
    const live = await client.find(r.ref);
    const d = diffResource(r.object, live, { ignore });
    if (!d.changed) continue;
    changes.push({
      kind: r.ref.kind,
      namespace: r.ref.namespace,
      name: r.ref.name,
      action: live ? 'update' : 'create',
      source: `${r.manifest.file}:${r.manifest.line}`,
      diff: d.text,
    });
  }
  if (syncPolicyOf(app).prune) {
    for (const o of await leftovers(client, app, desired)) {
      const ref = refOf(o);
      changes.push({
        kind: ref.kind,
        namespace: ref.namespace,
        name: ref.name,
        action: 'delete',
        diff: deletionDiff(o).text,
      });
    }
  }
  return changes;
}

/** `slipway diff`: prints the changes; resolves 0 in sync, 1 with differences; throws CommandError(2) on errors. */
export async function diff(o: DiffOptions, io: CommandIO): Promise<number> {
  let t: ReturnType<typeof connect> | undefined;
  try {
    t = connect(o);
    const app = await findApp(t, o);
    const desired = await loadDesired(t.client, app, path.resolve(o.state ?? '.slipway', 'cli'));
    const rev = short(desired.revision);
    if (desired.problems.length) {
      const lines = [
        `${app.metadata.name}: ${rev} has ${desired.problems.length} invalid manifest field${desired.problems.length === 1 ? '' : 's'}; a sync would apply nothing of it. Fix, commit, and look again:`,
      ];
      for (const p of desired.problems)
        lines.push(`  ${p.file}:${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
      if (o.output === 'json') io.out(json({ revision: desired.revision, problems: desired.problems }));
      throw new CommandError(lines.join('\n'), 2);
    }
    const changes = await changesOf(t.client, app, desired);
    if (o.output === 'json') {
      io.out(json({ revision: desired.revision, inSync: changes.length === 0, changes }));
    } else if (!changes.length) {
      io.out(
        `${app.metadata.name}: live matches ${rev}${app.status?.pinned ? ` (pinned #${app.status.pinned.id})` : ''}`,
      );
    } else {
      for (const c of changes)
        io.out(`# ${describe(c)}: ${c.action}${c.source ? ` (${c.source})` : ''}\n${c.diff.replace(/\n$/, '')}`);
      io.out(
        `${app.metadata.name}: ${changes.length} resource${changes.length === 1 ? '' : 's'} differ${changes.length === 1 ? 's' : ''} from ${rev}; \`slipway sync\` applies it`,
      );
    }
    return changes.length ? 1 : 0;
  } catch (e) {
    // as kubectl diff: 1 means "differences", so every error is 2
    if (e instanceof CommandError && e.code >= 2) throw e;
    if (e instanceof UsageError) throw e;
    throw new CommandError((e as Error).message, 2);
  } finally {
    t?.client.close();
  }
}
