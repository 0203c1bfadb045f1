// The Cluster view in VS Code: a TreeDataProvider over ClusterTreeModel (one per connection, following the hub),
// describe as a read-only YAML document, and the actions of its context menus.
import * as vscode from 'vscode';
import type { ConnectionHub } from '../connection/connectionHub';
import type { ClusterConnection } from '../connection/clusterConnection';
import { ClusterTreeModel, type PinStore } from './clusterTreeModel';
import { describeObject } from './describe';
import { deleteObject, restartRollout, scale, undoRollout } from './objectActions';
import type { ObjectRef, TreeNode } from './treeNode';

export const DESCRIBE_SCHEME = 'slipway-describe';
const PINS_KEY = 'slipway.cluster.pins';

class ClusterTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  model: ClusterTreeModel | undefined;

  constructor(private readonly pins: PinStore) {}

  connect(connection: ClusterConnection | undefined): void {
    this.model?.dispose();
    this.model = connection ? new ClusterTreeModel(connection, this.pins) : undefined;
    this.model?.onDidChange((change) => this.changed.fire(change));
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.id;
    item.description = node.description;
    item.tooltip = node.tooltip;
    item.contextValue = node.contextValue;
    if (node.icon)
      item.iconPath = new vscode.ThemeIcon(
        node.icon.id,
        node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined,
      );
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return this.model?.children(node) ?? [];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.model?.dispose();
    this.changed.dispose();
  }
}

/** The ref a describe document shows, kept in its URI: slipway-describe:/kind/namespace/name.yaml?ref */
function describeUri(ref: ObjectRef): vscode.Uri {
  const path = `/${ref.kind}/${ref.namespace ?? '_'}/${ref.name}.yaml`;
  return vscode.Uri.from({ scheme: DESCRIBE_SCHEME, path, query: JSON.stringify(ref) });
}

const what = (ref: ObjectRef) => `${ref.kind.toLowerCase()}/${ref.name}`;

export function registerClusterView(context: vscode.ExtensionContext, hub: ConnectionHub): void {
  const pins: PinStore = {
    get: () => context.workspaceState.get<string[]>(PINS_KEY) ?? [],
    set: (p) => context.workspaceState.update(PINS_KEY, p),
  };
  const provider = new ClusterTreeProvider(pins);
  provider.connect(hub.current);
  const connection = (): ClusterConnection => {
    const c = hub.current;
    if (!c) throw new Error('no cluster is connected: run "Slipway: Start" or "Slipway: Choose a kubeconfig context"');
    return c;
  };

  const describe = new (class implements vscode.TextDocumentContentProvider {
    readonly emitter = new vscode.EventEmitter<vscode.Uri>();
    readonly onDidChange = this.emitter.event;
    provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      return describeObject(connection(), JSON.parse(uri.query) as ObjectRef);
    }
  })();

  /** A command on a tree element whose failure is shown, naming the object and the action. */
  const onNode = (id: string, action: string, run: (node: TreeNode, ref: ObjectRef) => Promise<unknown>) =>
    vscode.commands.registerCommand(id, async (node?: TreeNode) => {
      if (!node?.ref) return;
      try {
        await run(node, node.ref);
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not ${action} ${what(node.ref)}: ${(e as Error).message}`);
      }
    });

  context.subscriptions.push(
    provider,
    describe.emitter,
    hub.onDidChange((c) => provider.connect(c)),
    vscode.window.registerTreeDataProvider('slipway.cluster', provider),
    vscode.workspace.registerTextDocumentContentProvider(DESCRIBE_SCHEME, describe),
    vscode.commands.registerCommand('slipway.cluster.refresh', () => provider.refresh()),
    onNode('slipway.cluster.describe', 'describe', async (_node, ref) => {
      const uri = describeUri(ref);
      describe.emitter.fire(uri); // an open document shows the object as it is now
      const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'yaml');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    onNode('slipway.cluster.scale', 'scale', async (node, ref) => {
      const current = /^(\d+)\/(\d+)/.exec(node.description ?? '')?.[2];
      const answer = await vscode.window.showInputBox({
        title: `Scale ${what(ref)}`,
        prompt: 'Replicas',
        value: current,
        validateInput: (v) => (/^\d+$/.test(v.trim()) ? undefined : 'a whole number, 0 or more'),
      });
      if (answer === undefined) return;
      await scale(connection().api, ref, Number(answer.trim()));
      vscode.window.setStatusBarMessage(`Scaled ${what(ref)} to ${answer.trim()}`, 5000);
    }),
    onNode('slipway.cluster.restart', 'restart', async (_node, ref) => {
      await restartRollout(connection().api, ref);
      vscode.window.setStatusBarMessage(`Restarting ${what(ref)}: a new rollout of its pods`, 5000);
    }),
    onNode('slipway.cluster.undo', 'undo the rollout of', async (_node, ref) => {
      const ok = await vscode.window.showWarningMessage(
        `Roll ${what(ref)} back to its previous revision?`,
        { modal: true, detail: 'Its pod template becomes the one of the revision before, as kubectl rollout undo.' },
        'Undo rollout',
      );
      if (ok !== 'Undo rollout') return;
      const revision = await undoRollout(connection().api, ref);
      void vscode.window.showInformationMessage(`${what(ref)}: rolling back to revision ${revision}`);
    }),
    onNode('slipway.cluster.delete', 'delete', async (_node, ref) => {
      const ok = await vscode.window.showWarningMessage(
        `Delete ${what(ref)}${ref.namespace ? ` in namespace ${ref.namespace}` : ''}?`,
        { modal: true, detail: ref.kind === 'Namespace' ? 'Everything in the namespace is deleted with it.' : '' },
        'Delete',
      );
      if (ok === 'Delete') await deleteObject(connection().api, ref);
    }),
    onNode('slipway.cluster.pin', 'pin', (node) => provider.model?.setPinned(node, true) ?? Promise.resolve()),
    onNode('slipway.cluster.unpin', 'unpin', (node) => provider.model?.setPinned(node, false) ?? Promise.resolve()),
  );
}
