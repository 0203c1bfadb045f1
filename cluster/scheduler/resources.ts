// Resource arithmetic for scheduling: a pod's effective requests (as Kubernetes computes them: init
// containers run one at a time, sidecars keep running, overhead on top) and a node's allocatable.
import type { Container, Node, Pod, PodSpec, ResourceRequirements } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../../kube/semantics/quantity';

/** cpu in millicores, memory and ephemeral-storage in bytes, anything else (extended resources, hugepages) by value. */
export interface Resources {
  cpu: number;
  memory: number;
  ephemeralStorage: number;
  scalar?: Record<string, number>;
}

/** What a node offers: Resources plus how many pods it takes. */
export interface Allocatable extends Resources {
  pods: number;
}

/** Scoring counts a container that requests nothing as if it asked for this much (schedutil's defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function emptyResources(): Resources {
  return { cpu: 0, memory: 0, ephemeralStorage: 0 };
}

/** Kubernetes rounds quantities up: "0.1m" of cpu is 1 millicore, "1.5" bytes are 2. */
function ceil(v: number): number {
  const r = Math.round(v);
  return Math.abs(v - r) < 1e-9 ? r : Math.ceil(v);
}

function amount(name: string, raw: unknown): number {
  const q = parseQuantity(raw);
  if (q === undefined || q <= 0) return 0;
  return name === 'cpu' ? ceil(q * 1000) : ceil(q);
}

/** Parses a ResourceList (requests, limits, allocatable) into Resources. */
export function parseResourceList(list: Record<string, unknown> | undefined): Resources {
  const r = emptyResources();
  if (!list) return r;
  for (const [name, raw] of Object.entries(list)) addOne(r, name, amount(name, raw));
  return r;
}

function addOne(r: Resources, name: string, v: number): void {
  switch (name) {
    case 'cpu':
      r.cpu += v;
      break;
    case 'memory':
      r.memory += v;
      break;
    case 'ephemeral-storage':
      r.ephemeralStorage += v;
      break;
    case 'pods':
      break;
    default:
      if (v === 0) break;
      (r.scalar ??= {})[name] = (r.scalar[name] ?? 0) + v;
  }
}

export function add(into: Resources, r: Resources, sign = 1): void {
  into.cpu += sign * r.cpu;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const [k, v] of Object.entries(r.scalar)) {
      s[k] = (s[k] ?? 0) + sign * v;
      if (s[k] === 0) delete s[k];
    }
  }
}

function max(into: Resources, r: Resources): void {
  into.cpu = Math.max(into.cpu, r.cpu);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  if (r.scalar) {
    const s = (into.scalar ??= {});
    for (const [k, v] of Object.entries(r.scalar)) s[k] = Math.max(s[k] ?? 0, v);
  }
}

function clone(r: Resources): Resources {
  return {
    cpu: r.cpu,
    memory: r.memory,
    ephemeralStorage: r.ephemeralStorage,
    ...(r.scalar ? { scalar: { ...r.scalar } } : {}),
  };
}

function containerRequests(c: Container | undefined, nonZero: boolean): Resources {
  const requests = c?.resources?.requests;
  const r = parseResourceList(requests);
  if (nonZero) {
    if (!requests || !('cpu' in requests)) r.cpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!requests || !('memory' in requests)) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * The pod's effective requests: regular containers add up; init containers run one at a time, each
 * alongside the sidecars (restartPolicy Always init containers) started before it, so the pod needs the
 * larger of the two; overhead comes on top. Pod-level requests, where given, replace cpu and memory.
 * nonZero counts a container without a cpu or memory request as DEFAULT_*_REQUEST (used for scoring).
 */
export function podRequests(pod: Pod | undefined, nonZero = false): Resources {
  // pod-level resources (Kubernetes 1.32) are newer than kubernetes-types' PodSpec
  const spec: PodSpec & { resources?: ResourceRequirements } = pod?.spec ?? { containers: [] };
  const reqs = emptyResources();
  for (const c of spec.containers ?? []) add(reqs, containerRequests(c, nonZero));
  const sidecars = emptyResources();
  const initMax = emptyResources();
  for (const c of spec.initContainers ?? []) {
    const cr = containerRequests(c, nonZero);
    let running: Resources;
    if (c.restartPolicy === 'Always') {
      add(reqs, cr);
      add(sidecars, cr);
      running = sidecars;
    } else {
      running = clone(cr);
      add(running, sidecars);
    }
    max(initMax, running);
  }
  max(reqs, initMax);
  const podLevel = spec.resources?.requests;
  if (podLevel) {
    const p = parseResourceList(podLevel);
    if ('cpu' in podLevel) reqs.cpu = p.cpu;
    if ('memory' in podLevel) reqs.memory = p.memory;
  }
  if (spec.overhead) add(reqs, parseResourceList(spec.overhead));
  return reqs;
}

/** status.allocatable, or status.capacity where a node reports no allocatable. */
export function nodeAllocatable(node: Node | undefined): Allocatable {
  const list = node?.status?.allocatable ?? node?.status?.capacity ?? {};
  const r = parseResourceList(list) as Allocatable;
  const pods = parseQuantity(list.pods);
  r.pods = pods === undefined ? 0 : Math.floor(pods);
  return r;
}

/** Resource names a pod requests, in the order NodeResourcesFit reports them. */
export function requestedScalarNames(r: Resources): string[] {
  return Object.keys(r.scalar ?? {}).filter((k) => (r.scalar![k] ?? 0) > 0);
}
