// What an Application's spec.source asks of its git source: the one translation the syncer and `slipway diff`
// share, so both read the same files the same way.
import type { Application } from '../kube/application';
import type { SourceSpec } from './git/source';

/** The GitSource spec of an Application: repo, branch, path, and how folders and charts are read. */
export function sourceSpecOf(app: Application): SourceSpec {
  const spec = app.spec.source;
  const helm = spec.helm ?? {};
  return {
    repo: spec.repo,
    branch: spec.branch,
    path: spec.path,
    allowRemoteBases: spec.kustomize?.allowRemoteBases === true,
    directory: spec.directory,
    helm: {
      ...helm,
      releaseName: helm.releaseName || app.metadata.name,
      namespace: app.spec.destination?.namespace || app.metadata.namespace || 'default',
    },
  };
}
