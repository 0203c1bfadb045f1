// ConfigMap, Secret, ServiceAccount, Namespace, LimitRange and ResourceQuota rows.

import type { ConfigMap, Namespace, ResourceQuota, Secret, ServiceAccount } from 'kubernetes-types/core/v1';
import { len, quantity, rfc3339, since, str } from './format';
import { AGE_COLUMN, column, CREATED_AT_COLUMN, NAME_COLUMN, Printer, printer } from './types';

export const configMapPrinter = printer<ConfigMap>({
  columns: [NAME_COLUMN, column('Data', 'string', 'Number of keys in data and binaryData.'), AGE_COLUMN],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    len(o.data) + len(o.binaryData),
    since(o.metadata?.creationTimestamp, now),
  ],
});

/** Keys of data and stringData together: a secret written with stringData has not been folded yet. */
function secretKeys(o: Secret): number {
  return new Set([...Object.keys(o.data ?? {}), ...Object.keys(o.stringData ?? {})]).size;
}

export const secretPrinter = printer<Secret>({
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'The secret type, e.g. Opaque.'),
    column('Data', 'string', 'Number of keys in data.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    o.type || 'Opaque',
    secretKeys(o),
    since(o.metadata?.creationTimestamp, now),
  ],
});

export const serviceAccountPrinter = printer<ServiceAccount>({
  columns: [NAME_COLUMN, column('Secrets', 'string', 'Number of secrets listed on the account.'), AGE_COLUMN],
  cells: (o, now) => [o.metadata?.name ?? '', len(o.secrets), since(o.metadata?.creationTimestamp, now)],
});

export const namespacePrinter = printer<Namespace>({
  columns: [NAME_COLUMN, column('Status', 'string', 'Namespace phase: Active or Terminating.'), AGE_COLUMN],
  cells: (o, now) => [o.metadata?.name ?? '', str(o.status?.phase), since(o.metadata?.creationTimestamp, now)],
});

export const limitRangePrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  cells: (o) => [o.metadata?.name ?? '', rfc3339(o.metadata?.creationTimestamp)],
};

/** "pods: 1/10, requests.cpu: 0/1" and, separately, the limits.* entries. */
function quotaColumns(o: ResourceQuota): [string, string] {
  const names = Object.keys(o.spec?.hard ?? {}).sort();
  const requests: string[] = [];
  const limits: string[] = [];
  for (const r of names) {
    const text = `${r}: ${quantity(o.status?.used?.[r])}/${quantity(o.status?.hard?.[r])}`;
    (r.split('.').length > 1 && r.startsWith('limits.') ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter = printer<ResourceQuota>({
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('Request', 'string', 'Used and hard amounts of requested resources.'),
    column('Limit', 'string', 'Used and hard amounts of resource limits.'),
  ],
  cells: (o, now) => [o.metadata?.name ?? '', since(o.metadata?.creationTimestamp, now), ...quotaColumns(o)],
});
