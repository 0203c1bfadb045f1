// Which source and destination the last sync deployed: a revision counts as deployed only with the spec it was
// deployed with, so an app of apps that changes a child's path or destination syncs the child again (as Argo CD
// syncs once per commit and set of parameters).
import { ApplicationStatus } from '../../kube/application';
import { deepEqual } from '../../kube/objects';
import { RunnerContext } from './context';

/** The spec parts that decide what a revision deploys. */
export function currentSyncedSpec(ctx: RunnerContext): NonNullable<ApplicationStatus['lastSyncedSpec']> {
  return { source: ctx.app.spec.source, destination: ctx.destination };
}

/** Whether the source or destination changed since the last sync (statuses written before it was kept: no). */
export function specChangedSinceSync(ctx: RunnerContext, st: ApplicationStatus): boolean {
  return !!st.lastSyncedSpec && !deepEqual(st.lastSyncedSpec, currentSyncedSpec(ctx));
}
