// A revision the syncer rejected as invalid, as problems on the workspace's files: each error of an Application's
// InvalidManifest condition names a file (relative to the repository root) and a line. Free of `vscode`: the
// tracker follows the connection's Applications informer and tells a sink which files' problems changed.
import * as fs from 'fs';
import * as path from 'path';
import type { Application } from '../../kube/application';
import type { ClusterConnection } from '../connection/clusterConnection';

export interface ManifestProblem {
  /** absolute path of the file */
  file: string;
  /** 0-based, as editors count */
  line: number;
  field?: string;
  message: string;
  /** namespace/name of the Application that reported it */
  app: string;
}

/** Where a problem's file is: the problems of a file changed (an empty list clears them). */
export interface ProblemSink {
  set(file: string, problems: ManifestProblem[]): void;
}

const isUrl = (repo: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[^/]+@[^/]+:/.test(repo);

/**
 * The folder an Application's file names are relative to: its repository when that is a local path, else the
 * workspace folder holding the file (a clone of the remote repository).
 */
export function repositoryRoot(
  app: Application,
  workspaceFolders: readonly string[],
  file: string,
): string | undefined {
  const repo = app.spec?.source?.repo ?? '';
  if (repo && !isUrl(repo)) return path.isAbsolute(repo) ? repo : path.resolve(workspaceFolders[0] ?? '.', repo);
  return workspaceFolders.find((f) => fs.existsSync(path.join(f, file))) ?? workspaceFolders[0];
}

/** The problems an Application's InvalidManifest condition names, on absolute files. */
export function problemsOf(app: Application, workspaceFolders: readonly string[]): ManifestProblem[] {
  const cond = app.status?.conditions?.find((c) => c.type === 'InvalidManifest' && c.status === 'True');
  const key = `${app.metadata.namespace ?? 'default'}/${app.metadata.name}`;
  const out: ManifestProblem[] = [];
  for (const e of cond?.errors ?? []) {
    const root = repositoryRoot(app, workspaceFolders, e.file);
    if (!root) continue;
    out.push({
      file: path.join(root, e.file),
      line: Math.max(0, e.line - 1),
      field: e.field,
      message: e.field && !e.message.includes(e.field) ? `${e.field}: ${e.message}` : e.message,
      app: key,
    });
  }
  return out;
}

/** Keeps the sink's files in step with every Application's InvalidManifest condition on one connection. */
export class ManifestProblemsTracker {
  private readonly byApp = new Map<string, ManifestProblem[]>();
  private disposed = false;

  constructor(
    private readonly sink: ProblemSink,
    private readonly workspaceFolders: () => readonly string[],
  ) {}

  follow(connection: ClusterConnection): void {
    connection.applications().on({
      add: (a: Application) => this.update(a),
      update: (a: Application) => this.update(a),
      delete: (a: Application) => this.update(a, true),
    });
    for (const a of connection.applications().list()) this.update(a);
  }

  /** Problems of every app, by file. */
  current(): Map<string, ManifestProblem[]> {
    const files = new Map<string, ManifestProblem[]>();
    for (const list of this.byApp.values()) for (const p of list) files.set(p.file, [...(files.get(p.file) ?? []), p]);
    return files;
  }

  /** Clears every problem (the connection ended), and stops following it. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const files = [...this.current().keys()];
    this.byApp.clear();
    for (const f of files) this.sink.set(f, []);
  }

  private update(app: Application, deleted = false): void {
    if (this.disposed) return;
    const key = `${app.metadata.namespace ?? 'default'}/${app.metadata.name}`;
    const before = this.byApp.get(key) ?? [];
    const now = deleted ? [] : problemsOf(app, this.workspaceFolders());
    if (JSON.stringify(before) === JSON.stringify(now)) return;
    if (now.length) this.byApp.set(key, now);
    else this.byApp.delete(key);
    const files = this.current();
    for (const f of new Set([...before, ...now].map((p) => p.file))) this.sink.set(f, files.get(f) ?? []);
  }
}
