// "Show logs": the last lines of a pod's containers, or of every pod of a workload, as one text. Each container's
// last tailLines lines are read with their timestamps, so the pods' lines interleave in the order they were
// written; the last tailLines of them all are kept.
import type { Pod } from 'kubernetes-types/core/v1';
import type { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { containerLog, containersOf, formatLine, readableRun, type LogSettings, type LogTarget } from './logSource';

interface Stamped {
  time: string;
  source: string;
  text: string;
}

async function podsOf(api: ApiClient, target: LogTarget): Promise<Pod[]> {
  const base = `/api/v1/namespaces/${encodeURIComponent(target.namespace)}/pods`;
  if (target.podName) return [await api.get(`${base}/${encodeURIComponent(target.podName)}`)];
  const list: { items?: Pod[] } = await api.list(base, { labelSelector: target.labelSelector ?? '' });
  return (list.items ?? []).sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/** The last tailLines lines of the target's logs, oldest first, with notes on containers that have none. */
export async function recentLogs(api: ApiClient, target: LogTarget, settings: LogSettings): Promise<string> {
  const pods = await podsOf(api, target);
  const lines: Stamped[] = [];
  const notes: string[] = [];
  await Promise.all(
    pods.flatMap((pod) =>
      containersOf(pod, target).map(async (c) => {
        const source = `${pod.metadata?.name}/${c}`;
        const run = readableRun(pod, c);
        if (!run) return void notes.push(`pod/${source} has not started yet`);
        if (run === 'previous') notes.push(`pod/${source} is waiting to restart: its previous run is shown`);
        const o = { follow: false, previous: run === 'previous', tailLines: settings.tailLines, timestamps: true };
        const s = containerLog(api, target.namespace, pod.metadata?.name ?? '', c, o, (l) => {
          const sp = l.indexOf(' ');
          lines.push({ time: l.slice(0, sp), source, text: l.slice(sp + 1) });
        });
        try {
          await s.done;
        } catch (e) {
          notes.push(`pod/${source}: ${e instanceof KubeApiError ? e.message : String(e)}`);
        }
      }),
    ),
  );
  if (!pods.length) notes.push(`${target.title} has no pods`);
  // a stable sort keeps each container's own order among equal timestamps
  lines.sort((a, b) => a.time.localeCompare(b.time));
  const shown = lines
    .slice(Math.max(0, lines.length - settings.tailLines))
    .map((l) => formatLine(target, l.source, settings.timestamps ? `${l.time} ${l.text}` : l.text));
  return [...notes.sort().map((n) => `# ${n}`), ...shown].join('\n') + '\n';
}
