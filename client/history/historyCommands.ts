// The History view's actions on an entry: Roll back to this revision (pins the app), Revert in git (a revert
// commit on the branch), Compare with live, Open commit (its changes in VS Code's multi-file diff).
import * as vscode from 'vscode';
import type { HistoryEntry } from '../../kube/application';
import { short } from '../applications/applicationModel';
import { compareWithLive } from '../applications/applicationCommands';
import type { ApplicationsFeed } from '../applications/applicationsFeed';
import { appOf, repoOf, runOperation } from '../applications/operationUi';
import { changedFiles, fileAt, parentOf, subjectOf } from '../git/gitRead';
import type { VirtualDocuments } from '../virtualDocuments';

function entryOf(arg: unknown): HistoryEntry | undefined {
  const e = (arg as { entry?: HistoryEntry } | undefined)?.entry;
  if (!e || typeof e.id !== 'number') {
    void vscode.window.showErrorMessage('Slipway: pick an entry of the History view');
    return undefined;
  }
  return e;
}

/** A commit's changes as VS Code's multi-file diff: each file at the parent against the commit. */
export async function openCommit(docs: VirtualDocuments, repo: string, sha: string): Promise<void> {
  const [files, parent, subject] = await Promise.all([
    changedFiles(repo, sha),
    parentOf(repo, sha),
    subjectOf(repo, sha),
  ]);
  const resources = await Promise.all(
    files.map(async (f) => {
      const before = parent && f.status !== 'A' ? ((await fileAt(repo, parent, f.file)) ?? '') : '';
      const after = f.status !== 'D' ? ((await fileAt(repo, sha, f.file)) ?? '') : '';
      const name = f.file.split('/').pop()!;
      return [
        vscode.Uri.file(`${repo}/${f.file}`),
        docs.add(`${short(parent)}/${name}`, before),
        docs.add(`${short(sha)}/${name}`, after),
      ];
    }),
  );
  await vscode.commands.executeCommand('vscode.changes', `${short(sha)} ${subject}`, resources);
}

export function registerHistoryCommands(
  context: vscode.ExtensionContext,
  feed: ApplicationsFeed,
  docs: VirtualDocuments,
): void {
  const rollback = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    const entry = found && entryOf(arg);
    if (!found || !entry) return;
    const name = found.app.metadata.name;
    const yes = `Roll back to #${entry.id}`;
    const answer = await vscode.window.showWarningMessage(
      `Roll back ${name} to #${entry.id} (${short(entry.revision)} ${entry.subject})?`,
      {
        modal: true,
        detail:
          'What this entry deployed is applied again and the app is pinned there: automated sync is paused, new ' +
          'commits are not deployed until you resume it. (Revert in git instead commits the old content.)',
      },
      yes,
    );
    if (answer !== yes) return;
    const outcome = await runOperation(
      feed,
      found.c,
      found.app,
      { rollback: { id: entry.id } },
      `rollback ${entry.id}`,
      `rolling back ${name} to #${entry.id}`,
    );
    if (outcome) await vscode.commands.executeCommand('slipway.applications.focus');
  };

  const revert = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    const entry = found && entryOf(arg);
    if (!found || !entry) return;
    const { app } = found;
    const folder = app.spec.source.path ?? '.';
    const yes = 'Commit the revert';
    const answer = await vscode.window.showWarningMessage(
      `Commit a revert of ${folder} on ${app.spec.source.branch ?? 'the branch'} to #${entry.id} ` +
        `(${short(entry.revision)} ${entry.subject})?`,
      { modal: true, detail: 'The syncer commits it and deploys it as any commit; automated sync goes on.' },
      yes,
    );
    if (answer !== yes) return;
    const outcome = await runOperation(
      feed,
      found.c,
      app,
      { rollback: { id: entry.id, git: true } },
      `rollback ${entry.id} --git`,
      `reverting ${app.metadata.name} in git to #${entry.id}`,
    );
    const sha = outcome?.state.phase === 'Succeeded' ? outcome.state.revision : undefined;
    const repo = sha && repoOf(app);
    if (!sha || !repo) return;
    const subject = await subjectOf(repo, sha).catch(() => '');
    const open = 'Open Commit';
    if ((await vscode.window.showInformationMessage(`Slipway: committed ${short(sha)} ${subject}`, open)) === open)
      await openCommit(docs, repo, sha);
  };

  const compare = async (arg: unknown): Promise<void> => {
    const entry = entryOf(arg);
    if (entry) await compareWithLive(feed, docs, arg, entry.revision);
  };

  const commit = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    const entry = found && entryOf(arg);
    const repo = found && entry && repoOf(found.app);
    if (!entry || !repo) return;
    try {
      await openCommit(docs, repo, entry.revision);
    } catch (e) {
      void vscode.window.showErrorMessage(`Slipway: cannot show ${short(entry.revision)}: ${(e as Error).message}`);
    }
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('slipway.history.rollback', rollback),
    vscode.commands.registerCommand('slipway.history.revert', revert),
    vscode.commands.registerCommand('slipway.history.compare', compare),
    vscode.commands.registerCommand('slipway.history.openCommit', commit),
  );
}
