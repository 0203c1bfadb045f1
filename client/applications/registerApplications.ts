// The Applications and History views, their commands and the status bar, all fed by one ApplicationsFeed that
// follows the hub's connection.
import * as vscode from 'vscode';
import type { ConnectionHub } from '../connection/connectionHub';
import { registerHistoryCommands } from '../history/historyCommands';
import { HistoryTree } from '../history/historyTree';
import { registerStatusBar } from '../statusBar';
import { VirtualDocuments } from '../virtualDocuments';
import { registerApplicationCommands } from './applicationCommands';
import { ApplicationsFeed } from './applicationsFeed';
import { ApplicationsTree } from './applicationsTree';

export function registerApplications(context: vscode.ExtensionContext, hub: ConnectionHub): ApplicationsFeed {
  const feed = new ApplicationsFeed(hub);
  const docs = VirtualDocuments.register(context);
  const appsTree = new ApplicationsTree(feed);
  const appsView = vscode.window.createTreeView('slipway.applications', {
    treeDataProvider: appsTree,
    showCollapseAll: true,
  });
  const historyTree = new HistoryTree(feed);
  const historyView = vscode.window.createTreeView('slipway.history', { treeDataProvider: historyTree });
  const describe = () => {
    const c = feed.current;
    const app = feed.selected();
    historyView.description = app?.metadata.name;
    appsView.message =
      c && c.applications().hasSynced() && !feed.apps().length
        ? `No Application in ${c.label} yet: Slipway: Start creates one for the workspace (or \`slipway up\`).`
        : undefined;
    appsView.description = c?.label;
  };
  describe();
  // "5 min ago" ages: redraw the History rows now and then while they are shown
  const ageing = setInterval(() => historyView.visible && historyTree.refresh(), 30_000);
  context.subscriptions.push(
    feed,
    appsTree,
    historyTree,
    appsView,
    historyView,
    feed.onDidChange(describe),
    { dispose: () => clearInterval(ageing) },
    appsView.onDidChangeSelection((e) => {
      const node = e.selection[0];
      if (node) feed.select(node.type === 'app' ? node.ref : node.app);
    }),
  );
  registerApplicationCommands(context, feed, docs);
  registerHistoryCommands(context, feed, docs);
  registerStatusBar(context, feed);
  return feed;
}
