// pods/eviction (policy/v1 Eviction, what `kubectl drain` posts): deletes the pod with the eviction's
// deleteOptions and answers 201 Success, as kube-apiserver's eviction REST does. PodDisruptionBudgets are not
// consulted yet: every eviction is allowed.
import type { Eviction } from 'kubernetes-types/policy/v1';
import { badRequest, methodNotAllowed } from '../apiErrors';
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
  await scope.api.storage.delete(scope.info, scope.namespace, name, opts);
  send(scope, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
