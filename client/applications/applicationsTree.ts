// The Applications view: one row per Application (applicationModel.ts says what it shows), expanding to its
// resources; clicking a resource compares its manifest in git with the live object.
import * as vscode from 'vscode';
import type { ResourceStatus } from '../../kube/application';
import { themeIcon } from '../themeIcons';
import { AppRef, appRefOf, applicationItem, resourceItem } from './applicationModel';
import type { ApplicationsFeed } from './applicationsFeed';

export type AppNode = { type: 'app'; ref: AppRef };
export type ResourceNode = { type: 'resource'; app: AppRef; resource: ResourceStatus };
export type ApplicationsNode = AppNode | ResourceNode;

export class ApplicationsTree implements vscode.TreeDataProvider<ApplicationsNode> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly feed: ApplicationsFeed) {
    feed.onDidChange(() => this.changed.fire());
  }

  getChildren(node?: ApplicationsNode): ApplicationsNode[] {
    if (!node) return this.feed.apps().map((a) => ({ type: 'app', ref: appRefOf(a) }));
    if (node.type !== 'app') return [];
    const app = this.feed.get(node.ref);
    return (app?.status?.resources ?? []).map((resource) => ({ type: 'resource', app: node.ref, resource }));
  }

  getParent(node: ApplicationsNode): ApplicationsNode | undefined {
    return node.type === 'resource' ? { type: 'app', ref: node.app } : undefined;
  }

  getTreeItem(node: ApplicationsNode): vscode.TreeItem {
    if (node.type === 'app') {
      const app = this.feed.get(node.ref);
      const m = app ? applicationItem(app) : undefined;
      const item = new vscode.TreeItem(node.ref.name, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `app/${node.ref.namespace}/${node.ref.name}`;
      item.description = m?.description;
      item.tooltip = m?.tooltip;
      item.iconPath = m && themeIcon(m.icon);
      item.contextValue = m?.contextValue;
      return item;
    }
    const r = node.resource;
    const m = resourceItem(r);
    const item = new vscode.TreeItem(m.label, vscode.TreeItemCollapsibleState.None);
    item.id = `resource/${node.app.namespace}/${node.app.name}/${r.group}/${r.kind}/${r.namespace ?? ''}/${r.name}`;
    item.description = m.description;
    item.tooltip = m.tooltip;
    item.iconPath = themeIcon(m.icon);
    item.contextValue = m.contextValue;
    item.command = { command: 'slipway.resource.diff', title: 'Compare with live', arguments: [node] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
