// Everything of the extension that follows the connected cluster besides the Applications and History views:
// the Cluster view, logs, invalid revisions in the Problems panel and notifications of failed syncs.
import type * as vscode from 'vscode';
import { registerClusterView } from './cluster/clusterView';
import type { ConnectionHub } from './connection/connectionHub';
import { registerLogs } from './logs/logViews';
import { registerNotifications } from './notifications/syncNotifications';
import { registerProblems } from './problems/problemsPanel';

export function registerCluster(context: vscode.ExtensionContext, hub: ConnectionHub): void {
  registerClusterView(context, hub);
  registerLogs(context, hub);
  registerProblems(context, hub);
  registerNotifications(context, hub);
}
