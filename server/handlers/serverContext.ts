// What the LSP handlers share: the connection, the open documents, the workspace index, and how a handler's
// failure is logged without taking the server down.

import { fileURLToPath, pathToFileURL } from 'url';
import { Connection, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ParsedFile } from '../documents/parsedFile';
import { FeatureContext } from '../featureContext';
import { WorkspaceIndex } from '../workspace/workspaceIndex';

export interface ServerContext {
  readonly connection: Connection;
  readonly documents: TextDocuments<TextDocument>;
  readonly index: WorkspaceIndex;
  /** true once the client asked the server to shut down */
  readonly shuttingDown: boolean;
  log(msg: string): void;
}

/** One spelling per file URI (drive letters, escapes), so an open document and its file on disk are one entry. */
export function normalizeUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).toString();
  } catch {
    return uri;
  }
}

/** Runs a handler; its exception is logged and answered with `fallback`, as an editor expects an answer. */
export function guard<T>(ctx: ServerContext, what: string, fallback: T, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    ctx.log(`${what} failed: ${(e as Error).stack ?? e}`);
    return fallback;
  }
}

/** The parsed file for an open document's current text (parsed once per text). */
export function fileOf(ctx: ServerContext, uri: string): ParsedFile | undefined {
  const doc = ctx.documents.get(uri);
  if (!doc) return undefined;
  // only the documents the request looks at are parsed (the file may be a big one being validated)
  return ctx.index.setText(normalizeUri(uri), doc.getText(), true);
}

/**
 * Answers a request about an open document from its parsed file and the workspace: `fallback` when the document
 * is not open or the answer failed.
 */
export function answerFor<T>(
  ctx: ServerContext,
  what: string,
  fallback: T,
  uri: string,
  answer: (feature: FeatureContext) => T,
): T {
  return guard(ctx, what, fallback, () => {
    const file = fileOf(ctx, uri);
    return file ? answer({ uri: normalizeUri(uri), file, index: ctx.index }) : fallback;
  });
}
