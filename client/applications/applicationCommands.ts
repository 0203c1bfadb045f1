// The Applications view's actions: Sync, Refresh, Diff, Resume auto-sync, Roll back to the last good revision,
// and per resource: compare desired with live, Open manifest. Each takes a tree row, `{ namespace, name }` (from
// notifications) or nothing (the selected app).
import * as path from 'path';
import * as vscode from 'vscode';
import type { ResourceStatus } from '../../kube/application';
import { resolveRevision } from '../git/gitRead';
import type { VirtualDocuments } from '../virtualDocuments';
import { showDiff } from '../virtualDocuments';
import { lastGoodEntry, short, sourceOf } from './applicationModel';
import type { ApplicationsFeed } from './applicationsFeed';
import { compareApp, desiredYaml, liveYaml } from './manifestDocuments';
import { appOf, repoOf, runOperation } from './operationUi';

function resourceOf(arg: unknown): ResourceStatus | undefined {
  const r = (arg as { resource?: ResourceStatus } | undefined)?.resource;
  return r && typeof r.kind === 'string' ? r : undefined;
}

/** The app's manifests at `revision` against live, in the diff editor. */
export async function compareWithLive(
  feed: ApplicationsFeed,
  docs: VirtualDocuments,
  arg: unknown,
  revision?: string,
): Promise<void> {
  const found = appOf(feed, arg);
  const repo = found && repoOf(found.app);
  if (!found || !repo) return;
  const { c, app } = found;
  try {
    const rev =
      revision ?? app.status?.pinned?.revision ?? (await resolveRevision(repo, app.spec.source.branch ?? 'HEAD'));
    const cmp = await compareApp(c, app, repo, rev);
    const name = app.metadata.name;
    await showDiff(
      docs,
      { name: `${name}@${short(rev)}.yaml`, text: cmp.desired },
      { name: `${name} (live).yaml`, text: cmp.live },
      `${name}: git ${short(rev)} ↔ live`,
    );
    if (!cmp.differing.length)
      void vscode.window.showInformationMessage(`Slipway: ${name} is live as at ${short(rev)}`);
  } catch (e) {
    void vscode.window.showErrorMessage(
      `Slipway: cannot compare ${app.metadata.name} with live: ${(e as Error).message}`,
    );
  }
}

export function registerApplicationCommands(
  context: vscode.ExtensionContext,
  feed: ApplicationsFeed,
  docs: VirtualDocuments,
): void {
  const operation = (id: string, request: Parameters<typeof runOperation>[3], verb: string) =>
    vscode.commands.registerCommand(id, async (arg: unknown) => {
      const found = appOf(feed, arg);
      if (found) await runOperation(feed, found.c, found.app, request, verb, `${verb} ${found.app.metadata.name}`);
    });

  const rollbackToLastGood = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    if (!found) return;
    const good = lastGoodEntry(found.app);
    const name = found.app.metadata.name;
    if (!good) {
      void vscode.window.showErrorMessage(`Slipway: ${name} has no earlier Healthy revision to roll back to`);
      return;
    }
    const yes = `Roll back to #${good.id}`;
    const answer = await vscode.window.showWarningMessage(
      `Roll back ${name} to #${good.id} (${short(good.revision)} ${good.subject})?`,
      {
        modal: true,
        detail: 'Automated sync is paused (the app is pinned) until you resume it.',
      },
      yes,
    );
    if (answer !== yes) return;
    await runOperation(
      feed,
      found.c,
      found.app,
      { rollback: { id: good.id } },
      `rollback ${good.id}`,
      `rolling back ${name}`,
    );
  };

  const resourceDiff = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    const r = resourceOf(arg);
    const repo = found && repoOf(found.app);
    if (!found || !r || !repo) return;
    const revision = found.app.status?.sync?.revision;
    if (!revision) {
      void vscode.window.showErrorMessage(`Slipway: ${found.app.metadata.name} has not synced a revision yet`);
      return;
    }
    try {
      const [desired, live] = await Promise.all([desiredYaml(repo, revision, r), liveYaml(found.c, r)]);
      const base = `${r.kind}-${r.name}`;
      await showDiff(
        docs,
        { name: `${base}@${short(revision)}.yaml`, text: desired },
        { name: `${base} (live).yaml`, text: live },
        `${r.kind}/${r.name}: git ${short(revision)} ↔ live`,
      );
    } catch (e) {
      void vscode.window.showErrorMessage(`Slipway: cannot compare ${r.kind}/${r.name}: ${(e as Error).message}`);
    }
  };

  const openManifest = async (arg: unknown): Promise<void> => {
    const found = appOf(feed, arg);
    const r = resourceOf(arg);
    const source = r && sourceOf(r);
    const repo = found && repoOf(found.app);
    if (!found || !repo) return;
    if (!source) {
      void vscode.window.showErrorMessage('Slipway: pick a resource of the app to open its manifest');
      return;
    }
    const file = source.file.replace(/ \(rendered\)$/, '');
    const line = Math.max(0, source.line - 1);
    try {
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(repo, file)), {
        selection: new vscode.Range(line, 0, line, 0),
      });
    } catch (e) {
      void vscode.window.showErrorMessage(`Slipway: cannot open ${file}: ${(e as Error).message}`);
    }
  };

  context.subscriptions.push(
    operation('slipway.app.sync', { sync: {} }, 'sync'),
    operation('slipway.app.refresh', { refresh: {} }, 'refresh'),
    operation('slipway.app.resume', { resume: {} }, 'resume'),
    vscode.commands.registerCommand('slipway.app.rollback', rollbackToLastGood),
    vscode.commands.registerCommand('slipway.app.diff', (arg: unknown) => compareWithLive(feed, docs, arg)),
    vscode.commands.registerCommand('slipway.resource.diff', resourceDiff),
    vscode.commands.registerCommand('slipway.resource.openManifest', openManifest),
  );
}
