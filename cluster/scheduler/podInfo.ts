// A pod as the scheduler looks at it, parsed once: requests, host ports and affinity terms.
import { Selector, fromLabelSelector, matchesLabels, NOTHING, Requirement } from '../../kube/labelSelector';
import type { Pod, PodAffinity, PodAffinityTerm, PodAntiAffinity } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../kube/objects';
import type { LivePod } from '../controllers/kit/objects';
import { podRequests, Resources } from './resources';

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A required or preferred pod (anti-)affinity term, with its namespaces resolved as far as the pod allows. */
export interface AffinityTerm {
  /** the namespaces listed, or the pod's own when neither namespaces nor namespaceSelector is given */
  namespaces: Set<string>;
  /** null: no namespace selector (matches no namespace by labels); an empty selector matches every namespace */
  namespaceSelector: Selector | null;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm {
  weight: number;
  term: AffinityTerm;
}

export interface PodInfo {
  pod: LivePod;
  uid: string;
  key: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  priority: number;
  requests: Resources;
  /** requests with a default for containers that ask for no cpu or memory, as scoring counts them */
  nonZeroRequests: Resources;
  hostPorts: HostPort[];
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  preferredAffinity: WeightedAffinityTerm[];
  preferredAntiAffinity: WeightedAffinityTerm[];
}

export function podKey(pod: Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

/** The pod as events name it: they need the kind, which list items do not always carry. */
export function podRef(pod: LivePod): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
}

/** Succeeded and Failed pods hold no resources any more. */
export function isTerminal(pod: Pod | undefined): boolean {
  const phase = pod?.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function parseTerm(pod: Pod, t: PodAffinityTerm | undefined): AffinityTerm {
  const ns: string = pod.metadata?.namespace ?? 'default';
  const labels: Record<string, string> = pod.metadata?.labels ?? {};
  let selector: Selector;
  try {
    selector = fromLabelSelector(t?.labelSelector);
  } catch {
    selector = NOTHING;
  }
  // matchLabelKeys / mismatchLabelKeys narrow the selector with the pod's own label values
  const extra: Requirement[] = [];
  for (const k of t?.matchLabelKeys ?? []) if (k in labels) extra.push({ key: k, operator: 'In', values: [labels[k]] });
  for (const k of t?.mismatchLabelKeys ?? [])
    if (k in labels) extra.push({ key: k, operator: 'NotIn', values: [labels[k]] });
  if (extra.length && !selector.nothing) selector = { requirements: [...selector.requirements, ...extra] };
  let namespaceSelector: Selector | null = null;
  if (t?.namespaceSelector) {
    try {
      namespaceSelector = fromLabelSelector(t.namespaceSelector);
    } catch {
      namespaceSelector = null;
    }
  }
  const listed: string[] = t?.namespaces ?? [];
  const namespaces = new Set<string>(listed.length === 0 && !t?.namespaceSelector ? [ns] : listed);
  return { namespaces, namespaceSelector, selector, topologyKey: t?.topologyKey ?? '' };
}

function hostPortsOf(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const spec = pod.spec;
  // sidecars keep their ports for the pod's whole life, like regular containers
  const containers = [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return out;
}

export function newPodInfo(pod: LivePod): PodInfo {
  const affinity = pod.spec?.affinity ?? {};
  type Terms = PodAffinity | PodAntiAffinity | undefined;
  const req = (x: Terms) => (x?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(pod, t));
  const pref = (x: Terms) =>
    (x?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({
      weight: w.weight ?? 0,
      term: parseTerm(pod, w.podAffinityTerm),
    }));
  return {
    pod,
    uid: pod.metadata?.uid ?? '',
    key: podKey(pod),
    namespace: pod.metadata?.namespace ?? 'default',
    name: pod.metadata?.name ?? '',
    labels: pod.metadata?.labels ?? {},
    priority: typeof pod.spec?.priority === 'number' ? pod.spec.priority : 0,
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hostPorts: hostPortsOf(pod),
    requiredAffinity: req(affinity.podAffinity),
    requiredAntiAffinity: req(affinity.podAntiAffinity),
    preferredAffinity: pref(affinity.podAffinity),
    preferredAntiAffinity: pref(affinity.podAntiAffinity),
  };
}

/** Does the term select this pod? nsLabels are the labels of the pod's namespace. */
export function termMatches(
  term: AffinityTerm,
  pod: PodInfo,
  nsLabels: (ns: string) => Record<string, string> | undefined,
): boolean {
  const inNamespace =
    term.namespaces.has(pod.namespace) ||
    (term.namespaceSelector !== null && matchesLabels(term.namespaceSelector, nsLabels(pod.namespace) ?? {}));
  return inNamespace && matchesLabels(term.selector, pod.labels);
}
