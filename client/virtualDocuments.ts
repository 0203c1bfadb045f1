// Read-only documents the extension makes up (desired and live manifests, files at a commit) for the diff
// editor: each text is kept under a `slipway:` URI whose path ends in the name the editor tab shows.
import * as vscode from 'vscode';

export const SCHEME = 'slipway';

export class VirtualDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private next = 0;

  static register(context: vscode.ExtensionContext): VirtualDocuments {
    const docs = new VirtualDocuments();
    context.subscriptions.push(
      vscode.workspace.registerTextDocumentContentProvider(SCHEME, docs),
      docs.changed,
      // texts live as long as their editors
      vscode.workspace.onDidCloseTextDocument((d) => docs.texts.delete(d.uri.toString())),
    );
    return docs;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A URI showing `text`, named `name` (its extension picks the language: .yaml). */
  add(name: string, text: string): vscode.Uri {
    // a fresh folder per document: the same name may hold other contents later (after a sync)
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${++this.next}/${name}` });
    this.texts.set(uri.toString(), text);
    return uri;
  }
}

/** Opens the diff editor on two texts. */
export async function showDiff(
  docs: VirtualDocuments,
  left: { name: string; text: string },
  right: { name: string; text: string },
  title: string,
): Promise<void> {
  await vscode.commands.executeCommand(
    'vscode.diff',
    docs.add(left.name, left.text),
    docs.add(right.name, right.text),
    title,
    { preview: true },
  );
}
