// pods/binding: the scheduler places a pod on a node (spec.nodeName, condition PodScheduled); a pod is
// bound once.
import type { Binding, Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import { ApiError, badRequest, methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import { nowTimestamp, storageKey } from '../objectStorage';
import { send, writeOptions, type RequestScope } from '../handlers/scope';

export async function serveBinding(scope: RequestScope, method: string, name: string): Promise<void> {
  if (method !== 'POST') throw methodNotAllowed();
  const { api, info, namespace: ns } = scope;
  const binding = decodeBody(await readBody(scope.req), scope.req.headers['content-type']) as Binding | undefined;
  const target = binding?.target;
  if (!target?.name) throw badRequest('Binding.target.name: Required value');
  const cur = api.storage.get(info, ns, name) as KubeObject & Pod;
  if (cur.spec?.nodeName)
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${cur.spec.nodeName}"`,
      { name, kind: 'pods/binding' },
    );
  // unknown[]: lastProbeTime is null, as the real server serializes it, where the type says string
  const conds: unknown[] = (cur.status?.conditions ?? []).filter((c: PodCondition) => c.type !== 'PodScheduled');
  conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
  // copies of what the binding changes; the rest stays shared with the stored (frozen) pod
  const next = {
    ...cur,
    metadata: { ...cur.metadata },
    spec: { ...cur.spec, nodeName: target.name },
    status: { ...cur.status, conditions: conds },
  };
  // binding is the one write that may set spec.nodeName of an existing pod, so it skips pod-update validation
  await api.storage.update(info, ns, name, next, {
    ...writeOptions(scope),
    fieldValidation: 'Ignore',
    internal: true,
    current: api.store.get(storageKey(info, ns, name)),
  });
  send(scope, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}
