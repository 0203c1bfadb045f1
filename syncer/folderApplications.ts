// An Application with `generator: {directories: {}}` deploys one child Application per folder directly under its
// path (as Argo CD's ApplicationSet git directory generator) rather than the manifests there. The children are
// written as manifests of the parent's revision, so the parent's ordinary sync creates, updates and prunes them
// (a pruned child's resources go with it, through its resources finalizer), and the syncer runs each child.
import * as path from 'path';
import { Application, APPLICATION_API_VERSION, APPLICATION_KIND, ApplicationSpec } from '../kube/application';
import { blobId, SourceError, SourceFile } from './git/source';

/** A DNS-1123 name from a folder name: "My App" → "my-app". */
export function appNameFor(folder: string): string {
  const n = folder
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 53);
  return n || 'app';
}

/** Whether the app generates one Application per folder instead of deploying its path's manifests. */
export function generatesApplications(app: Application): boolean {
  return !!app.spec.generator?.directories;
}

/**
 * The child Application for each folder (repository paths), as manifest files: named after the folder, in the
 * parent's namespace, following the parent's repository and branch, deploying into the namespace of its own name
 * (so two folders may hold objects of the same name), with the parent's sync policy.
 */
export function folderApplications(parent: Application, branch: string, folders: string[]): SourceFile[] {
  const source = parent.spec.source;
  return folders.map((folder) => {
    const name = appNameFor(path.posix.basename(folder));
    if (name === parent.metadata.name)
      throw new SourceError(
        `folder ${folder} would make an Application named ${name}, as the one generating it; rename the folder ` +
          'or give the generating Application another name (slipway up --app NAME)',
      );
    const spec: ApplicationSpec = {
      source: {
        repo: source.repo,
        branch,
        path: folder,
        ...(source.kustomize ? { kustomize: source.kustomize } : {}),
      },
      destination: { namespace: name },
      ...(parent.spec.syncPolicy ? { syncPolicy: parent.spec.syncPolicy } : {}),
      ...(parent.spec.historyLimit ? { historyLimit: parent.spec.historyLimit } : {}),
    };
    const child = {
      apiVersion: APPLICATION_API_VERSION,
      kind: APPLICATION_KIND,
      metadata: { name, namespace: parent.metadata.namespace ?? 'default' },
      spec,
    };
    // JSON is YAML: the manifest reader takes it as written; the file names the folder it stands for
    const text = JSON.stringify(child, null, 2) + '\n';
    return { path: `${folder}/ (generated Application)`, text, blob: blobId(text) };
  });
}
