// The status bar's item: the current app's sync and health (a spinner while the syncer works on it), a pinned app
// called out, and a lost connection. Free of `vscode`.
import type { Application } from '../kube/application';
import { applicationItem, operationRunning, short } from './applications/applicationModel';
import type { ClusterConnection } from './connection/clusterConnection';

export interface StatusBarModel {
  text: string;
  tooltip: string;
  /** a theme colour id for the item's background, when it needs attention */
  background?: 'statusBarItem.warningBackground' | 'statusBarItem.errorBackground';
  /** the command a click runs */
  command: string;
}

const FOCUS_APPLICATIONS = 'slipway.applications.focus';

/** undefined: nothing to show (not connected). */
export function statusBarModel(
  c: ClusterConnection | undefined,
  app: Application | undefined,
  busy = false,
): StatusBarModel | undefined {
  if (!c) return undefined;
  if (c.health.state === 'lost') {
    return {
      text: '$(debug-disconnect) Slipway: connection lost',
      tooltip: `${c.label}: ${c.health.reason ?? 'the cluster does not answer'}. Slipway reconnects by itself when it is back; Slipway: Start runs the workspace's cluster again.`,
      background: 'statusBarItem.errorBackground',
      command: 'slipway.start',
    };
  }
  if (!app) return { text: '$(cloud) Slipway', tooltip: `${c.label}: no Application yet`, command: FOCUS_APPLICATIONS };
  const st = app.status ?? {};
  const sync = st.sync?.status ?? 'Unknown';
  const health = st.health?.status ?? 'Unknown';
  const item = applicationItem(app);
  const icon =
    // an operation, or the rollout it started, still under way
    operationRunning(app) || busy || health === 'Progressing'
      ? 'sync~spin'
      : st.pinned
        ? 'pinned'
        : health === 'Healthy' && sync === 'Synced'
          ? 'check'
          : health === 'Degraded'
            ? 'error'
            : 'warning';
  const detail = st.pinned ? `pinned #${st.pinned.id}` : `${sync} ${short(st.sync?.revision)}`.trim();
  return {
    text: `$(${icon}) ${app.metadata.name}: ${detail} · ${health}`,
    tooltip: `${item.tooltip}\n\n(${c.label}) Click: the Applications view`,
    background:
      st.pinned || sync === 'OutOfSync'
        ? 'statusBarItem.warningBackground'
        : health === 'Degraded'
          ? 'statusBarItem.errorBackground'
          : undefined,
    command: FOCUS_APPLICATIONS,
  };
}
