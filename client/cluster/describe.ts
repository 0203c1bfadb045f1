// "Describe": an object as YAML (without managedFields) followed by its events as comments, for a read-only
// document. A Secret's values are replaced by their size: the editor never shows them.
import type { Event } from 'kubernetes-types/core/v1';
import { stringify } from 'yaml';
import type { ClusterConnection } from '../connection/clusterConnection';
import { EVENTS } from './clusterKinds';
import { objectPath } from './objectActions';
import { eventTime } from './presentation';
import type { ObjectRef } from './treeNode';

type Described = {
  metadata?: { uid?: string; managedFields?: unknown; annotations?: Record<string, string> };
  data?: Record<string, string>;
};

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Secret values replaced by "<N bytes hidden>", also in kubectl's copy of the applied manifest. */
export function maskSecret<T extends Described & { stringData?: Record<string, string> }>(secret: T): T {
  const masked = (d: Record<string, string> | undefined, decoded: boolean) =>
    d &&
    Object.fromEntries(
      Object.entries(d).map(([k, v]) => {
        const bytes = decoded ? Buffer.byteLength(v) : Buffer.from(v, 'base64').length;
        return [k, `<${bytes} bytes hidden>`];
      }),
    );
  const annotations = secret.metadata?.annotations;
  const metadata =
    annotations?.[LAST_APPLIED] !== undefined
      ? { ...secret.metadata, annotations: { ...annotations, [LAST_APPLIED]: '<hidden: it holds the values>' } }
      : secret.metadata;
  return { ...secret, metadata, data: masked(secret.data, false), stringData: masked(secret.stringData, true) };
}

function eventLines(events: Event[]): string[] {
  if (!events.length) return ['# Events: none'];
  const rows = events
    .sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    .map((e) => [
      e.type ?? 'Normal',
      e.reason ?? '',
      eventTime(e),
      `${e.source?.component ?? e.reportingComponent ?? ''}`,
      `${e.message ?? ''}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`,
    ]);
  const header = ['TYPE', 'REASON', 'LAST SEEN', 'FROM', 'MESSAGE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `#   ${r.map((c, i) => (i < r.length - 1 ? c.padEnd(widths[i]) : c)).join('  ')}`;
  return ['# Events:', line(header), ...rows.map(line)];
}

/** The object as it is in the cluster now, and the events about it (oldest first). */
export async function describeObject(connection: ClusterConnection, ref: ObjectRef): Promise<string> {
  const live: Described = await connection.api.get(objectPath(ref));
  const obj: Described = { ...live, metadata: { ...live.metadata } };
  delete obj.metadata!.managedFields;
  const shown = ref.kind === 'Secret' ? maskSecret(obj) : obj;
  const events = connection.informers.get(EVENTS.group, EVENTS.plural);
  await events.waitForSync();
  const uid = live.metadata?.uid;
  const about: Event[] = events.list().filter((e: Event) => e.involvedObject?.uid === uid);
  const title = `# ${ref.kind.toLowerCase()}/${ref.name}${ref.namespace ? ` in namespace ${ref.namespace}` : ''}`;
  return [title, stringify(shown).trimEnd(), '', ...eventLines(about), ''].join('\n');
}
