// Resource quantities and a pod's effective requests, for the kubelet's admission check: regular
// containers and sidecars add up, and an init container's request counts only when it is larger.
import type { Container, PodSpec } from 'kubernetes-types/core/v1';

/** What the requests are read from (tests and callers may leave out the rest of a Container). */
type Requesting = Pick<Container, 'resources' | 'restartPolicy'>;
import { parseQuantity as parseKubeQuantity } from '../../kube/semantics/quantity';

/** The value of a quantity ("100m" → 0.1, "1Gi" → 1073741824); NaN when it does not parse. */
export function parseQuantity(q: unknown): number {
  return parseKubeQuantity(q) ?? NaN;
}

export type Requests = Record<string, number>;

function containerRequests(c: Requesting | undefined): Requests {
  const out: Requests = {};
  for (const [k, v] of Object.entries<unknown>(c?.resources?.requests ?? {})) {
    const n = parseQuantity(v);
    if (Number.isFinite(n)) out[k] = n;
  }
  return out;
}

function add(into: Requests, r: Requests): void {
  for (const [k, v] of Object.entries(r)) into[k] = (into[k] ?? 0) + v;
}

/**
 * The pod's requests the way the scheduler and kubelet count them: the containers plus every sidecar,
 * or, when larger, what runs while an init container runs (it and the sidecars started before it).
 */
export function podRequests(
  spec: (Pick<PodSpec, 'overhead'> & { containers?: Requesting[]; initContainers?: Requesting[] }) | undefined,
): Requests {
  const total: Requests = {};
  for (const c of spec?.containers ?? []) add(total, containerRequests(c));
  const sidecars: Requests = {};
  let initPeak: Requests = {};
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c);
    if (c?.restartPolicy === 'Always') {
      add(sidecars, r);
      add(total, r);
      continue;
    }
    const running: Requests = { ...sidecars };
    add(running, r);
    initPeak = max(initPeak, running);
  }
  const out = max(total, initPeak);
  add(
    out,
    Object.fromEntries(
      Object.entries<unknown>(spec?.overhead ?? {})
        .map(([k, v]) => [k, parseQuantity(v)])
        .filter(([, v]) => Number.isFinite(v)),
    ),
  );
  return out;
}

function max(a: Requests, b: Requests): Requests {
  const out: Requests = { ...a };
  for (const [k, v] of Object.entries(b)) if (v > (out[k] ?? 0)) out[k] = v;
  return out;
}
