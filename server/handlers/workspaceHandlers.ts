// The workspace beyond the open documents: the folders' YAML files read at start, kept current from
// workspace/didChangeWatchedFiles and from documents that close (their file on disk counts again), and the
// cluster's CRDs the extension pushes.

import { fileURLToPath, pathToFileURL } from 'url';
import { FileChangeType } from 'vscode-languageserver';
import { parseFile, ParsedFile } from '../documents/parsedFile';
import { ClusterCrds } from '../workspace/crds';
import { findYamlFiles, isYamlPath, readYamlFile } from '../workspace/scanner';
import { guard, normalizeUri, ServerContext } from './serverContext';
import { ValidationScheduler } from './validationScheduler';

/** The notification the editor sends with the connected cluster's CRDs. */
export const CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION = 'slipway/customResourceDefinitions';

export class WorkspaceHandlers {
  constructor(
    private readonly ctx: ServerContext,
    private readonly cluster: ClusterCrds,
    private readonly validation: ValidationScheduler,
  ) {}

  register(): void {
    const { connection } = this.ctx;
    connection.onDidChangeWatchedFiles(async (params) => {
      const open = this.openUris();
      for (const change of params.changes) {
        const uri = normalizeUri(change.uri);
        if (!uri.startsWith('file:') || !isYamlPath(uri) || open.has(uri)) continue;
        if (change.type === FileChangeType.Deleted) {
          this.ctx.index.remove(uri);
          continue;
        }
        const read = await readYamlFile(fileURLToPath(uri)).catch(() => undefined);
        if (read) guard(this.ctx, 'indexing ' + uri, undefined, () => this.ctx.index.setText(uri, read.text));
        else this.ctx.index.remove(uri);
      }
      this.validation.revalidateAll();
    });
    connection.onNotification(CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, (params: { items?: unknown[] }) => {
      guard(this.ctx, 'cluster CRDs', undefined, () =>
        this.cluster.replace(Array.isArray(params?.items) ? params.items : []),
      );
      this.validation.revalidateAll();
    });
  }

  /**
   * Reads every YAML file under `folders` that is not open into the index, all at once at the end: checks that
   * run meanwhile (a burst of opened files) must not see the workspace change, and its views rebuilt, per file.
   */
  async scan(folders: string[]): Promise<void> {
    const files = await findYamlFiles(folders, () => this.ctx.shuttingDown);
    const parsed: [string, ParsedFile][] = [];
    let open = this.openUris();
    for (const f of files) {
      if (this.ctx.shuttingDown) return;
      const uri = pathToFileURL(f).toString();
      // a file opened since the scan began (as the client spells its URI, mostly ours) is not read either
      if (open.has(uri) || this.ctx.documents.get(uri)) continue;
      const read = await readYamlFile(f);
      // documents are parsed when first looked at: a file opened meanwhile is parsed once, as the open document
      const file = read && guard(this.ctx, 'indexing ' + f, undefined, () => parseFile(read.text, true));
      if (read && file) parsed.push([read.uri, file]);
    }
    // an open document's text wins over the file on disk
    open = this.openUris();
    for (const [uri, file] of parsed) if (!open.has(uri)) this.ctx.index.setParsed(uri, file);
  }

  /** A document closed: the file on disk is what the workspace holds again (or nothing, when there is none). */
  async documentClosed(uri: string): Promise<void> {
    const key = normalizeUri(uri);
    // only YAML files are part of the workspace; an open JSON document leaves it when it closes
    const read = key.startsWith('file:') && isYamlPath(key) ? await readYamlFile(fileURLToPath(key)) : undefined;
    if (this.ctx.documents.get(uri)) return;
    if (read) this.ctx.index.setText(key, read.text);
    else this.ctx.index.remove(key);
    this.validation.scheduleOthers();
  }

  /** The open documents, as index keys (one lookup per file rather than a pass over every open document). */
  private openUris(): Set<string> {
    return new Set(this.ctx.documents.all().map((d) => normalizeUri(d.uri)));
  }
}
