// pods/eviction (policy/v1 Eviction, what `kubectl drain` posts): deletes the pod with the eviction's
// deleteOptions and answers 201 Success, as kube-apiserver's eviction REST does, when the PodDisruptionBudget
// covering the pod allows one more disruption (then the budget's disruptionsAllowed goes down at once, so two
// evictions racing cannot both pass); else 429 with the budget's reason, which `kubectl drain` retries.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Eviction, PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { KubeObject } from '../../../kube/objects';
import { evictionVerdict } from '../../controllers/kit/disruptionBudgets';
import { clock, timestamp } from '../../clock';
import { ApiError, badRequest, methodNotAllowed } from '../apiErrors';
import { storageKey } from '../objectStorage';
import { BodyValue, decodeBody, readBody } from '../body';
import { deleteOptions, send, type RequestScope } from '../handlers/scope';

export async function serveEviction(scope: RequestScope, method: string, name: string): Promise<void> {
  if (method !== 'POST') throw methodNotAllowed();
  const eviction = decodeBody(await readBody(scope.req), scope.req.headers['content-type'] ?? 'application/json') as
    Eviction | undefined;
  const named = eviction?.metadata?.name;
  if (named !== undefined && named !== name)
    throw badRequest(`name in URL does not match name in Eviction object: ${name} vs ${named}`);
  const opts = deleteOptions(scope, new BodyValue(eviction?.deleteOptions ?? {}));
  // the budget's status is written with its resourceVersion: a racing eviction that spent it first makes this
  // one look again (kube-apiserver retries the same way)
  for (let attempt = 0; ; attempt++) {
    try {
      await checkBudget(scope, name);
      break;
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 409) || attempt >= 10) throw e;
      // the disruption controller writes the same status: let its write land before looking again
      await new Promise((r) => setTimeout(r, 10 * (attempt + 1)));
    }
  }
  await scope.api.storage.delete(scope.info, scope.namespace, name, opts);
  send(scope, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** Refuses the eviction (429, or 500 for a pod under several budgets) unless its budget allows it; spends one. */
async function checkBudget(scope: RequestScope, name: string): Promise<void> {
  const { storage, registry, store } = scope.api;
  const pod = storage.get(scope.info, scope.namespace, name) as KubeObject & Pod;
  // a pod that has finished holds nothing a budget protects
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
  const info = registry.byResource('policy', 'v1', 'poddisruptionbudgets');
  if (!info) return;
  const budgets = store
    .list(storageKey(info, scope.namespace))
    .items.map((e) => e.value as KubeObject & PodDisruptionBudget);
  const verdict = evictionVerdict(pod, budgets);
  if (!verdict.allowed) {
    throw new ApiError(verdict.status, verdict.status === 429 ? 'TooManyRequests' : 'InternalError', verdict.message, {
      causes: verdict.cause ? [{ reason: 'DisruptionBudget', message: verdict.cause }] : undefined,
    });
  }
  const budget = verdict.budget as (KubeObject & PodDisruptionBudget) | undefined;
  if (!budget?.status) return;
  const status = {
    ...budget.status,
    disruptionsAllowed: (budget.status.disruptionsAllowed ?? 1) - 1,
    disruptedPods: { ...(budget.status.disruptedPods ?? {}), [name]: timestamp(clock().now()) },
  };
  await storage.update(
    info,
    scope.namespace,
    budget.metadata.name ?? '',
    { ...structuredClone(budget), status },
    { subresource: 'status' },
  );
}
