// The ClusterRole aggregation controller: a ClusterRole with an aggregationRule gets, as its rules, the rules of
// the ClusterRoles its selectors match (admin, edit and view from the aggregate-to-* roles, and a user's own), as
// Kubernetes' clusterrole-aggregation controller, so that `kubectl describe clusterrole admin` shows them. The
// API server's RBAC resolves aggregation itself at each request, so access never waits for this.
import type { ClusterRole, PolicyRule } from 'kubernetes-types/rbac/v1';
import { deepEqual } from '../../kube/objects';
import { fromLabelSelector, matchesLabels, type Selector } from '../../kube/labelSelector';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import type { Stored } from './kit/objects';
import type { Controller, ControllerContext } from './controllerContext';
import { WorkQueue } from './workQueue';

type Role = Stored<ClusterRole>;

export class ClusterRoleAggregationController implements Controller {
  readonly name = 'clusterrole-aggregation-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private roles!: Informer;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    const queue = (this.queue = new WorkQueue((name) => this.sync(name), 1));
    this.roles = ctx.informers.get('rbac.authorization.k8s.io', 'clusterroles');
    // any change of any ClusterRole may change what an aggregated one selects
    const all = () => {
      for (const r of this.roles.list() as Role[]) if (r.aggregationRule) queue.add(r.metadata.name);
    };
    this.roles.on({ add: all, update: all, delete: all });
    await this.roles.waitForSync();
    all();
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(name: string): Promise<void> {
    const role = this.roles.get(undefined, name) as Role | undefined;
    const selectors = role?.aggregationRule?.clusterRoleSelectors;
    if (!role || !selectors) return;
    const parsed: Selector[] = [];
    for (const s of selectors) {
      try {
        parsed.push(fromLabelSelector(s));
      } catch {
        // a selector that cannot be read selects nothing
      }
    }
    const rules: PolicyRule[] = [];
    for (const other of this.roles.list() as Role[]) {
      if (other.metadata.name === name || !parsed.some((p) => matchesLabels(p, other.metadata.labels ?? {}))) continue;
      for (const r of other.rules ?? []) if (!rules.some((have) => deepEqual(have, r))) rules.push(r);
    }
    if (deepEqual(role.rules ?? [], rules)) return;
    const info = this.ctx
      .resources()
      .find((r) => r.group === 'rbac.authorization.k8s.io' && r.plural === 'clusterroles')!;
    try {
      await this.ctx.client.update(resourcePath(info, undefined, name), { ...role, rules });
    } catch (e) {
      // changed meanwhile (its event queues it again) or gone
      if (!(e instanceof KubeApiError && (e.status === 409 || e.status === 404))) throw e;
    }
  }
}
