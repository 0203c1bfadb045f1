// The language client: starts the Slipway language server (dist/server.js, bundled) over IPC for YAML files,
// tells it about YAML files changing on disk (so CRD edits reach it), and pushes the connected cluster's CRDs.

import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, listClusterCrds } from './clusterCrds';

const CLUSTER_REFRESH_MS = 60_000;

function settings(): unknown {
  const c = vscode.workspace.getConfiguration('slipway');
  return { slipway: { hints: c.get('hints') ?? {} } };
}

/** Starts the language client; the caller stops it on deactivation (VS Code awaits that, not disposables). */
export async function startLanguageClient(context: vscode.ExtensionContext): Promise<LanguageClient> {
  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const output = vscode.window.createOutputChannel('Slipway Language Server', { log: true });
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml}');
  context.subscriptions.push(watcher, output);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: { fileEvents: watcher },
    initializationOptions: { settings: settings() },
    outputChannel: output,
  };
  const client = new LanguageClient('slipway', 'Slipway Language Server', serverOptions, clientOptions);
  await client.start();

  const pushClusterCrds = async (): Promise<void> => {
    if (!client.isRunning()) return;
    const items = await listClusterCrds((msg) => output.appendLine(msg));
    await client.sendNotification(CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, { items });
  };
  const refreshTimer = setInterval(() => void pushClusterCrds(), CLUSTER_REFRESH_MS);
  context.subscriptions.push(
    vscode.commands.registerCommand('slipway.refreshClusterCrds', pushClusterCrds),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('slipway.kubeconfig')) void pushClusterCrds();
    }),
    { dispose: () => clearInterval(refreshTimer) },
  );
  void pushClusterCrds();
  return client;
}
