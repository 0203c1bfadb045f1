// The DefaultTolerationSeconds admission step, as kube-apiserver's: a new pod that does not tolerate the
// not-ready and unreachable NoExecute taints gets tolerations of them for 300 s, so the node lifecycle
// controller evicts it five minutes after its node stops answering.
import type { Pod, Toleration } from 'kubernetes-types/core/v1';

export const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
export const UNREACHABLE_TAINT = 'node.kubernetes.io/unreachable';
const DEFAULT_SECONDS = 300;

function tolerates(tolerations: Toleration[], key: string): boolean {
  return tolerations.some((t) => t.key === key && (!t.effect || t.effect === 'NoExecute'));
}

export function addDefaultTolerations(pod: Pod): void {
  const spec = pod.spec;
  if (!spec) return;
  const tolerations = spec.tolerations ?? [];
  for (const key of [NOT_READY_TAINT, UNREACHABLE_TAINT])
    if (!tolerates(tolerations, key))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: DEFAULT_SECONDS });
  spec.tolerations = tolerations;
}
