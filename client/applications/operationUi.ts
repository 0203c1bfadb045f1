// What the commands share: which app an argument names (a tree row, `{ namespace, name }` from a notification, or
// nothing: the selected app), and running an operation with a progress notification and a clear outcome.
import * as vscode from 'vscode';
import type { Application } from '../../kube/application';
import type { OperationRequest } from '../../kube/applicationOperation';
import type { ClusterConnection } from '../connection/clusterConnection';
import { repositoryOf } from '../git/gitRead';
import { AppRef, appRefOf, short } from './applicationModel';
import { OperationOutcome, requestOperation } from './applicationOperations';
import type { ApplicationsFeed } from './applicationsFeed';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

/** The app a command argument names; undefined (after saying why) when there is none. */
export function appOf(feed: ApplicationsFeed, arg: unknown): { c: ClusterConnection; app: Application } | undefined {
  const c = feed.current;
  if (!c) {
    void vscode.window.showErrorMessage('Slipway: not connected; run Slipway: Start or choose a kubeconfig context.');
    return undefined;
  }
  let ref: AppRef | undefined;
  if (isRecord(arg) && isRecord(arg.ref)) ref = arg.ref as unknown as AppRef;
  else if (isRecord(arg) && isRecord(arg.app)) ref = arg.app as unknown as AppRef;
  else if (isRecord(arg) && typeof arg.name === 'string')
    ref = { namespace: typeof arg.namespace === 'string' ? arg.namespace : 'default', name: arg.name };
  const app = ref ? feed.get(ref) : feed.selected();
  if (!app) {
    void vscode.window.showErrorMessage(
      ref
        ? `Slipway: no Application ${ref.namespace}/${ref.name} in ${c.label}`
        : `Slipway: no Application in ${c.label}`,
    );
    return undefined;
  }
  return { c, app };
}

/** The local repository holding the app's commits (its source, or the workspace folder). */
export function repoOf(app: Application): string | undefined {
  const repo = repositoryOf(app.spec.source.repo, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath);
  if (!repo)
    void vscode.window.showErrorMessage(
      `Slipway: ${app.spec.source.repo} is not a folder here; open the repository as the workspace to read its commits`,
    );
  return repo;
}

/** Runs an operation with a progress notification; says how it ended, with the syncer's message on failure. */
export async function runOperation(
  feed: ApplicationsFeed,
  c: ClusterConnection,
  app: Application,
  request: OperationRequest,
  command: string,
  title: string,
): Promise<OperationOutcome | undefined> {
  const ref = appRefOf(app);
  try {
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Slipway: ${title}` },
      (progress) => {
        let last = '';
        return feed.track(
          ref,
          requestOperation(c, ref, request, {
            command,
            onProgress: (m) => {
              if (m === last) return;
              last = m;
              progress.report({ message: m });
            },
          }),
        );
      },
    );
    const st = outcome.state;
    if (st.phase === 'Failed') {
      void vscode.window.showErrorMessage(`Slipway: ${command} of ${ref.name} failed: ${st.message ?? ''}`);
    } else if (outcome.app.status?.pinned && !request.resume) {
      const p = outcome.app.status.pinned;
      const choice = await vscode.window.showWarningMessage(
        `Slipway: ${ref.name} is pinned to #${p.id} (${short(p.revision)}): automated sync is paused, new commits ` +
          'are not deployed until you resume.',
        'Resume Auto-Sync',
      );
      if (choice) await vscode.commands.executeCommand('slipway.app.resume', ref);
    } else {
      void vscode.window.showInformationMessage(
        `Slipway: ${command} of ${ref.name}: ${st.phase}${st.revision ? ` (${short(st.revision)})` : ''}`,
      );
    }
    return outcome;
  } catch (e) {
    void vscode.window.showErrorMessage(`Slipway: ${command} of ${ref.name}: ${(e as Error).message}`);
    return undefined;
  }
}
