// Keeps one object the cluster itself owns as it should be: created when missing, rewritten when the fields a
// view picks differ (a user's edit or an old cluster's version), as the API server keeps its own Services; and
// such a Service (`kubernetes`, `kube-dns`) with the cluster IP it is known by.
import type { Service } from 'kubernetes-types/core/v1';
import { resourcePath } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { deepEqual, KubeObject } from '../../../kube/objects';
import { ResourceInfo } from '../../../kube/registry';
import { ControllerContext } from '../controllerContext';

export async function ensureObject<T extends KubeObject>(
  ctx: ControllerContext,
  info: ResourceInfo,
  want: T,
  view: (o: T) => unknown,
): Promise<void> {
  const { namespace, name } = want.metadata as { namespace?: string; name: string };
  let cur: T | undefined;
  try {
    cur = await ctx.client.get(resourcePath(info, namespace, name));
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
  }
  if (!cur) {
    try {
      await ctx.client.create(resourcePath(info, namespace), want);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
    return;
  }
  if (deepEqual(view(cur), view(want))) return;
  await ctx.client.update(resourcePath(info, namespace, name), {
    ...want,
    metadata: { ...cur.metadata, labels: want.metadata.labels },
  });
}

/** the registry's entry of a built-in resource */
export function resourceInfo(ctx: ControllerContext, group: string, plural: string): ResourceInfo {
  return ctx.resources().find((r) => r.group === group && r.plural === plural)!;
}

/**
 * Creates the Service with clusterIP when it is missing (any address when someone else holds that one), or puts
 * back its type and ports when they were changed; its cluster IP stays what it is.
 */
export async function ensureSystemService(
  ctx: ControllerContext,
  want: Service & { metadata: { name: string; namespace: string } },
  clusterIP: string,
): Promise<void> {
  const info = resourceInfo(ctx, '', 'services');
  const { name, namespace } = want.metadata;
  let svc: Service | undefined;
  try {
    svc = await ctx.client.get(resourcePath(info, namespace, name));
  } catch (e) {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
  }
  const spec = want.spec!;
  if (svc) {
    if (deepEqual(svc.spec?.ports, spec.ports) && svc.spec?.type === spec.type) return;
    await ctx.client.update(resourcePath(info, namespace, name), {
      ...svc,
      spec: { ...svc.spec, type: spec.type, ports: spec.ports },
    });
    return;
  }
  const body = (ip?: string) => ({
    ...want,
    spec: { ...spec, ...(ip ? { clusterIP: ip } : {}), sessionAffinity: 'None' },
  });
  try {
    await ctx.client.create(resourcePath(info, namespace), body(clusterIP));
  } catch (e) {
    if (e instanceof KubeApiError && e.status === 409) return;
    // someone holds the address: any address is better than no Service
    if (e instanceof KubeApiError && e.status === 422) await ctx.client.create(resourcePath(info, namespace), body());
    else throw e;
  }
}
