// The VS Code extension: starts the Slipway language server over IPC for YAML files, tells it about
// YAML files changing on disk (so CRD edits reach it), and pushes the connected cluster's CRDs.

import * as path from 'path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { registerApplications } from './applications/registerApplications';
import { CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, listClusterCrds } from './clusterCrds';
import { registerConnection } from './connection/connectionCommands';
import { ConnectionHub } from './connection/connectionHub';
import type { ConnectionManager } from './connection/connectionManager';

const CLUSTER_REFRESH_MS = 60_000;

let client: LanguageClient | undefined;
let refreshTimer: NodeJS.Timeout | undefined;
let connections: ConnectionManager | undefined;

function settings(): unknown {
  const c = vscode.workspace.getConfiguration('slipway');
  return { slipway: { hints: c.get('hints') ?? {} } };
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const hub = new ConnectionHub();
  context.subscriptions.push(hub);
  connections = registerConnection(context, hub);
  registerApplications(context, hub);

  const module = context.asAbsolutePath(path.join('out', 'server', 'main.js'));
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
  client = new LanguageClient('slipway', 'Slipway Language Server', serverOptions, clientOptions);
  await client.start();

  const pushClusterCrds = async (): Promise<void> => {
    if (!client) return;
    const items = await listClusterCrds((msg) => output.appendLine(msg));
    await client.sendNotification(CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, { items });
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('slipway.refreshClusterCrds', pushClusterCrds),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('slipway.kubeconfig')) void pushClusterCrds();
    }),
  );
  void pushClusterCrds();
  refreshTimer = setInterval(() => void pushClusterCrds(), CLUSTER_REFRESH_MS);
}

export async function deactivate(): Promise<void> {
  if (refreshTimer) clearInterval(refreshTimer);
  // the embedded cluster this window started stops with it (a reused one keeps running for its window)
  await connections?.disconnect();
  const c = client;
  client = undefined;
  await c?.stop();
}
