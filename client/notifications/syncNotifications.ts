// Failed or degraded syncs as VS Code notifications, once per failure (SyncFailureWatcher), with the actions
// that help: the diff, the logs of the unhealthy workload, a rollback.
import * as vscode from 'vscode';
import type { ConnectionHub } from '../connection/connectionHub';
import { SyncFailureWatcher, type SyncFailureNotice } from './syncFailures';

const SHOW_DIFF = 'Show diff';
const SHOW_LOGS = 'Show logs';
const ROLL_BACK = 'Roll back';

async function announce(notice: SyncFailureNotice): Promise<void> {
  const actions = [SHOW_DIFF, ...(notice.workload ? [SHOW_LOGS] : []), ROLL_BACK];
  const show = notice.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
  const picked = await show(notice.message, ...actions);
  if (picked === SHOW_DIFF) await vscode.commands.executeCommand('slipway.app.diff', notice.app);
  else if (picked === SHOW_LOGS) await vscode.commands.executeCommand('slipway.logs.show', { ref: notice.workload });
  else if (picked === ROLL_BACK) await vscode.commands.executeCommand('slipway.app.rollback', notice.app);
}

export function registerNotifications(context: vscode.ExtensionContext, hub: ConnectionHub): void {
  const watcher = new SyncFailureWatcher((n) => void announce(n));
  watcher.follow(hub.current);
  context.subscriptions.push(hub.onDidChange((c) => watcher.follow(c)));
}
