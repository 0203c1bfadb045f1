// The connection commands: Slipway: Start (the workspace's embedded cluster, with progress), Choose a kubeconfig
// context (quick pick), Stop; and the context key `slipway.connected` the views' welcome texts follow.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ConnectionHub } from './connectionHub';
import { ConnectionManager, kubeconfigContexts } from './connectionManager';
import { answeringKubeconfig, stateDirOf } from './workspaceCluster';

/** The `slipway` CLI: bundled next to the extension, or the compiled one when run from the repository. */
function cliPath(context: vscode.ExtensionContext): string {
  const candidates = [path.join('dist', 'slipway.js'), path.join('out', 'syncer', 'cli.js')];
  const found = candidates.map((c) => context.asAbsolutePath(c)).find((f) => fs.existsSync(f));
  return found ?? context.asAbsolutePath(candidates[0]);
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder whose manifests Slipway deploys' });
}

const config = () => vscode.workspace.getConfiguration('slipway');

/** Registers the connection commands; the manager it returns is stopped by the extension's deactivate. */
export function registerConnection(context: vscode.ExtensionContext, hub: ConnectionHub): ConnectionManager {
  const output = vscode.window.createOutputChannel('Slipway');
  const manager = new ConnectionManager(hub, (line) => output.appendLine(line));
  const setConnected = () =>
    void vscode.commands.executeCommand('setContext', 'slipway.connected', hub.current !== undefined);
  setConnected();

  const start = async (): Promise<void> => {
    const folder = await pickFolder();
    if (!folder) {
      void vscode.window.showErrorMessage('Slipway: open the folder of a git repository first; Start deploys it.');
      return;
    }
    const title = `Slipway: starting the cluster for ${folder.name}`;
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, (progress) =>
        manager.start({
          cli: cliPath(context),
          folder: folder.uri.fsPath,
          upArgs: config().get<string[]>('startArguments') ?? [],
          onOutput: (line) => progress.report({ message: line.slice(0, 120) }),
        }),
      );
    } catch (e) {
      output.show(true);
      void vscode.window.showErrorMessage(`Slipway: the cluster did not start: ${(e as Error).message}`);
    }
  };

  const chooseContext = async (): Promise<void> => {
    const file = config().get<string>('kubeconfig') || undefined;
    let found;
    try {
      found = await kubeconfigContexts(file);
    } catch (e) {
      void vscode.window.showErrorMessage(
        `Slipway: cannot read the kubeconfig ${file ?? '(KUBECONFIG or ~/.kube/config)'}: ${(e as Error).message}; ` +
          'set slipway.kubeconfig to the file',
      );
      return;
    }
    if (!found.contexts.length) {
      void vscode.window.showErrorMessage(`Slipway: the kubeconfig ${file ?? '~/.kube/config'} has no contexts`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      found.contexts.map((c) => ({
        label: c.name,
        description: [c.cluster, c.namespace && `namespace ${c.namespace}`].filter(Boolean).join(' · '),
        detail: c.name === found.current ? 'current context' : undefined,
      })),
      { placeHolder: 'The cluster Slipway works with' },
    );
    if (!picked) return;
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Slipway: connecting to ${picked.label}` },
        () => manager.useContext(file, picked.label),
      );
      await config().update('context', picked.label, vscode.ConfigurationTarget.Workspace);
    } catch (e) {
      void vscode.window.showErrorMessage(`Slipway: cannot connect to ${picked.label}: ${(e as Error).message}`);
    }
  };

  context.subscriptions.push(
    output,
    hub.onDidChange(setConnected),
    vscode.commands.registerCommand('slipway.start', start),
    vscode.commands.registerCommand('slipway.chooseContext', chooseContext),
    vscode.commands.registerCommand('slipway.stop', () => manager.disconnect()),
  );
  void connectAtActivation(manager, cliPath(context)).catch((e: Error) =>
    output.appendLine(`Not connected at start: ${e.message}`),
  );
  return manager;
}

/** The context chosen before, else the workspace's cluster when another window runs it; nothing is started. */
async function connectAtActivation(manager: ConnectionManager, cli: string): Promise<void> {
  const chosen = config().get<string>('context');
  if (chosen) {
    await manager.useContext(config().get<string>('kubeconfig') || undefined, chosen);
    return;
  }
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder && (await answeringKubeconfig(stateDirOf(folder.uri.fsPath))))
    await manager.start({ cli, folder: folder.uri.fsPath });
}
