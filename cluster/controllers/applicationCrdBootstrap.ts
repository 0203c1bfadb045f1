// Registers Slipway's Application CustomResourceDefinition at start, so `kubectl get app` and the syncer work on
// a fresh state folder. A stored definition that differs (an older Slipway) is replaced with this one.
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { APPLICATION_CRD, APPLICATION_CRD_NAME } from '../../kube/application';
import { deepEqual } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { BootstrapController } from './bootstrapController';
import { ControllerContext } from './controllerContext';

export class ApplicationCrdBootstrap extends BootstrapController {
  readonly name = 'application-crd-bootstrap';

  protected async ensure(ctx: ControllerContext): Promise<void> {
    const info = ctx
      .resources()
      .find((r) => r.group === 'apiextensions.k8s.io' && r.plural === 'customresourcedefinitions')!;
    let existing: CustomResourceDefinition | undefined;
    try {
      existing = await ctx.client.get(resourcePath(info, undefined, APPLICATION_CRD_NAME));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
    if (!existing) {
      await ctx.client.create(resourcePath(info), APPLICATION_CRD);
      return;
    }
    const wanted = { ...existing.spec, ...APPLICATION_CRD.spec };
    if (deepEqual(existing.spec, wanted)) return;
    await ctx.client.update(resourcePath(info, undefined, APPLICATION_CRD_NAME), { ...existing, spec: wanted });
  }
}
