// The VS Code extension's entry point: only wiring. Each part registers its own commands and views with the one
// ConnectionHub they all follow.

import type * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConnectionHub } from './connection/connectionHub';
import { startLanguageClient } from './languageClient';
import { registerCluster } from './clusterFeatures';

let languageClient: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const hub = new ConnectionHub();
  context.subscriptions.push(hub);
  registerCluster(context, hub);
  // views and commands register before the language server starts, so they appear at once
  languageClient = await startLanguageClient(context);
}

export async function deactivate(): Promise<void> {
  const client = languageClient;
  languageClient = undefined;
  await client?.stop();
}
