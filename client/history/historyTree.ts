// The History view: the selected app's history entries, newest first (historyModel.ts says what each shows).
import * as vscode from 'vscode';
import type { HistoryEntry } from '../../kube/application';
import { AppRef, appRefOf } from '../applications/applicationModel';
import type { ApplicationsFeed } from '../applications/applicationsFeed';
import { themeIcon } from '../themeIcons';
import { historyRows } from './historyModel';

export type HistoryNode = { type: 'history'; app: AppRef; entry: HistoryEntry };

export class HistoryTree implements vscode.TreeDataProvider<HistoryNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly feed: ApplicationsFeed) {
    feed.onDidChange(() => this.changed.fire());
  }

  /** Draws the rows again (their relative times age). */
  refresh(): void {
    this.changed.fire();
  }

  getChildren(node?: HistoryNode): HistoryNode[] {
    const app = this.feed.selected();
    if (node || !app) return [];
    return historyRows(app).map((r) => ({ type: 'history', app: appRefOf(app), entry: r.entry }));
  }

  getTreeItem(node: HistoryNode): vscode.TreeItem {
    const app = this.feed.get(node.app);
    const row = app && historyRows(app).find((r) => r.entry.id === node.entry.id);
    const item = new vscode.TreeItem(row?.label ?? `#${node.entry.id}`, vscode.TreeItemCollapsibleState.None);
    item.id = `history/${node.app.namespace}/${node.app.name}/${node.entry.id}`;
    item.description = row?.description;
    item.tooltip = row?.tooltip;
    item.iconPath = row && themeIcon(row.icon);
    item.contextValue = row?.contextValue;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
