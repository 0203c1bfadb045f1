// The VS Code extension's entry point: only wiring. Each part registers its own commands and views with the one
// ConnectionHub they all follow.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { registerApplications } from './applications/registerApplications';
import { registerCluster } from './clusterFeatures';
import { registerConnection } from './connection/connectionCommands';
import { ConnectionHub } from './connection/connectionHub';
import type { ConnectionManager } from './connection/connectionManager';
import { startLanguageClient } from './languageClient';

let languageClient: Promise<LanguageClient | undefined> | undefined;
let connections: ConnectionManager | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const hub = new ConnectionHub();
  context.subscriptions.push(hub);
  connections = registerConnection(context, hub);
  registerApplications(context, hub);
  registerCluster(context, hub);
  // views and commands register first, so they appear at once; the language server's process is forked on the
  // next turn, so VS Code (which waits for activate() before the extensions activated after this one) is not held up
  languageClient = new Promise((resolve) => setImmediate(resolve)).then(() =>
    startLanguageClient(context).catch((e: unknown) => {
      void vscode.window.showErrorMessage(
        `Slipway: the language server did not start: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    }),
  );
}

export async function deactivate(): Promise<void> {
  // the embedded cluster this window started stops with it (a reused one keeps running for its window)
  await connections?.disconnect();
  const client = await languageClient;
  languageClient = undefined;
  await client?.stop();
}
