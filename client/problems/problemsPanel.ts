// Invalid revisions in the Problems panel: a DiagnosticCollection "slipway" fed by ManifestProblemsTracker for the
// current connection; a new connection (or none) starts over.
import * as vscode from 'vscode';
import type { ConnectionHub } from '../connection/connectionHub';
import type { ClusterConnection } from '../connection/clusterConnection';
import { ManifestProblemsTracker, type ManifestProblem } from './manifestProblems';

function diagnostic(p: ManifestProblem): vscode.Diagnostic {
  // the whole line: errors name a line, not a column
  const range = new vscode.Range(p.line, 0, p.line, Number.MAX_SAFE_INTEGER);
  const d = new vscode.Diagnostic(
    range,
    `${p.message} (Application ${p.app} did not apply this revision)`,
    vscode.DiagnosticSeverity.Error,
  );
  d.source = 'slipway';
  d.code = 'InvalidManifest';
  return d;
}

export function registerProblems(context: vscode.ExtensionContext, hub: ConnectionHub): void {
  const collection = vscode.languages.createDiagnosticCollection('slipway');
  const sink = {
    set: (file: string, problems: ManifestProblem[]) => collection.set(vscode.Uri.file(file), problems.map(diagnostic)),
  };
  const folders = () => (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
  let tracker: ManifestProblemsTracker | undefined;
  const follow = (c: ClusterConnection | undefined) => {
    tracker?.dispose();
    tracker = c ? new ManifestProblemsTracker(sink, folders) : undefined;
    if (c) tracker!.follow(c);
  };
  follow(hub.current);
  context.subscriptions.push(collection, hub.onDidChange(follow), { dispose: () => tracker?.dispose() });
}
