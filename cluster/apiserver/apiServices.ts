// apiregistration.k8s.io/v1 APIServices: one per group version this server serves, built-in and from CRDs, all
// Local (no service behind them) and Available, as kube-aggregator's autoregister controller keeps them.
// Users read them (`kubectl get apiservices`); the server alone writes them, at start and when CRDs change.
import type { Condition, ObjectMeta } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../kube/objects';
import type { ResourceRegistry } from '../../kube/registry';
import { timestamp } from '../clock';
import { ApiError } from './apiErrors';
import { storageKey, type ObjectStorage } from './objectStorage';
import type { Store } from '../store/types';

/** apiregistration.k8s.io/v1 APIService (kubernetes-types has no apiregistration group) */
export interface APIService {
  apiVersion?: 'apiregistration.k8s.io/v1';
  kind?: 'APIService';
  metadata?: ObjectMeta;
  spec?: {
    group?: string;
    version?: string;
    groupPriorityMinimum: number;
    versionPriority: number;
    service?: { namespace?: string; name?: string; port?: number };
    caBundle?: string;
    insecureSkipTLSVerify?: boolean;
  };
  status?: { conditions?: Omit<Condition, 'observedGeneration'>[] };
}

const AUTOMANAGED = 'kube-aggregator.kubernetes.io/automanaged';

// kube-apiserver's priorities (groupPriorityMinimum, versionPriority) of the built-in group versions
const PRIORITIES: Record<string, [number, number]> = {
  v1: [18000, 1],
  'apiregistration.k8s.io/v1': [18000, 15],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v2': [17500, 30],
  'autoscaling/v1': [17500, 15],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
};
// group versions from CRDs, as kube-apiserver's CRD registration gives them
const CRD_PRIORITY: [number, number] = [1000, 100];

type StoredApiService = KubeObject & APIService;

/** The APIService kube-apiserver lists for a group version: `v1.apps`, `v1.` for the core group. */
export function apiServiceFor(group: string, version: string, custom: boolean, now: string): StoredApiService {
  const gv = group ? `${group}/${version}` : version;
  const [groupPriorityMinimum, versionPriority] = custom ? CRD_PRIORITY : (PRIORITIES[gv] ?? CRD_PRIORITY);
  return {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: `${version}.${group}`, labels: { [AUTOMANAGED]: 'onstart' } },
    spec: { group, version, groupPriorityMinimum, versionPriority },
    status: {
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'Local',
          message: 'Local APIServices are always available',
          lastTransitionTime: now,
        },
      ],
    },
  };
}

/** The APIServices of the group versions the registry serves now. */
export function servedApiServices(registry: ResourceRegistry, now: string): StoredApiService[] {
  const out = new Map<string, StoredApiService>();
  for (const r of registry.all()) {
    const s = apiServiceFor(r.group, r.version, !!r.custom, now);
    if (!out.has(s.metadata.name ?? '')) out.set(s.metadata.name ?? '', s);
  }
  return [...out.values()];
}

/**
 * Keeps the stored APIServices equal to the served group versions: missing ones created, ones of group versions
 * no longer served (a deleted CRD) removed. One pass at a time.
 */
export class ApiServiceRegistration {
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly storage: ObjectStorage,
    private readonly registry: ResourceRegistry,
  ) {}

  sync(): Promise<void> {
    this.running = this.running.then(() => this.syncOnce()).catch((e) => console.error('apiservices:', e));
    return this.running;
  }

  private async syncOnce(): Promise<void> {
    const info = this.registry.byResource('apiregistration.k8s.io', 'v1', 'apiservices');
    if (!info) return;
    const wanted = servedApiServices(this.registry, timestamp());
    const names = new Set(wanted.map((s) => s.metadata.name));
    for (const s of wanted) {
      if (this.storage.tryGet(info, undefined, s.metadata.name ?? '')) continue;
      await ignore(409, this.storage.create(info, undefined, s, {}));
    }
    for (const { value } of this.store.list(storageKey(info, undefined)).items) {
      const name = value.metadata.name ?? '';
      if (names.has(name) || value.metadata.labels?.[AUTOMANAGED] === undefined) continue;
      await ignore(404, this.storage.delete(info, undefined, name, {}));
    }
  }
}

async function ignore(code: number, p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof ApiError && e.code === code)) throw e;
  }
}
