// The VS Code extension's entry point: only wiring. Each part registers its own commands and views with the one
// ConnectionHub they all follow.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerApplications } from './applications/registerApplications';
import { registerCluster } from './clusterFeatures';
import { registerConnection } from './connection/connectionCommands';
import { ConnectionHub } from './connection/connectionHub';
import type { ConnectionManager } from './connection/connectionManager';
import { startLanguageClient } from './languageClient';

let languageClient: LanguageClient | undefined;
let connections: ConnectionManager | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const hub = new ConnectionHub();
  context.subscriptions.push(hub);
  connections = registerConnection(context, hub);
  registerApplications(context, hub);
  registerCluster(context, hub);
  // views and commands register before the language server starts, so they appear at once
  languageClient = await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  // the embedded cluster this window started stops with it (a reused one keeps running for its window)
  await connections?.disconnect();
  const client = languageClient;
  languageClient = undefined;
  await client?.stop();
}
