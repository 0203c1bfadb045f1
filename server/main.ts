#!/usr/bin/env node
// The Slipway language server's process: `slipway-language-server --stdio` (any editor), --node-ipc
// (the VS Code extension), --socket=PORT or --pipe=NAME.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './languageServer';

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe', '--clientProcessId'];

function usage(): string {
  return [
    'Usage: slipway-language-server --stdio | --node-ipc | --socket=PORT | --pipe=NAME',
    '',
    'The Slipway language server for Kubernetes manifests, speaking the Language Server Protocol.',
  ].join('\n');
}

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(usage() + '\n');
  process.exit(0);
}
if (!args.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(t + '=')))) {
  process.stderr.write(`slipway-language-server: no transport given\n${usage()}\n`);
  process.exit(2);
}

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
