// pods/log: a container's log from its log files (../podLogs.ts), followed if asked.
import { methodNotAllowed } from '../apiErrors';
import { parseLogQuery, servePodLogs, type Pod } from '../podLogs';
import type { RequestScope } from '../handlers/scope';

export function serveLog(scope: RequestScope, method: string, name: string): void {
  if (method !== 'GET') throw methodNotAllowed();
  const { api, info, namespace: ns } = scope;
  const pod = api.storage.get(info, ns, name) as Pod;
  const query = parseLogQuery(scope.url.searchParams);
  const currentPod = () => api.storage.tryGet(info, ns, name) as Pod | undefined;
  servePodLogs({ logsDir: api.logsDir, currentPod }, pod, query, scope.res, api.streams);
}
