// Cross-file findings reconsidered with what kustomizations do to their resources: the labels they add to
// selectors and pod templates (commonLabels, labels), the ConfigMaps and Secrets their generators make, the
// namespace and name prefix/suffix they set, the selectors they create, and the image tags kustomize or
// skaffold set.

import type { Project } from '../configs/fileRoles';
import { imageName } from '../configs/builtImages';
import type { Transform } from '../configs/kustomize';
import type { PlacedResource, WorkspaceIndex } from '../workspace/workspaceIndex';
import type { LocalDiagnostic } from './diagnostic';

function matches(labels: Record<string, string>, selector: Record<string, string>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function podLabelsIn(w: PlacedResource, t: Transform | undefined): Record<string, string> {
  return { ...w.summary.podLabels, ...t?.templateLabels };
}

/** Whether a Service selects a workload once kustomize has added its labels (in one build, or in any). */
function selectsAfterKustomize(self: PlacedResource, index: WorkspaceIndex, project: Project): boolean {
  const selector = self.summary.selector?.labels ?? {};
  const workloads = index.resources().filter((r) => r.summary.podLabels);
  for (const rendering of project.kustomize.renderings) {
    const own = rendering.files.get(self.uri);
    const effective = own ? { ...selector, ...own.selectorLabels } : selector;
    for (const w of workloads) {
      const t = rendering.files.get(w.uri);
      if ((own || t) && matches(podLabelsIn(w, t), effective)) return true;
    }
  }
  return false;
}

/**
 * Whether a referenced object exists in a kustomize build: generated, defined in a file of the same build
 * (whose namespace the kustomization sets for all), or named with the prefix and suffix a build gives it.
 */
function existsAfterKustomize(
  kind: string,
  name: string,
  self: PlacedResource,
  index: WorkspaceIndex,
  project: Project,
): boolean {
  const { kustomize } = project;
  if (kustomize.generated.has(`${kind}/${name}`)) return true;
  const definitions = (n: string) => index.resources().filter((r) => r.summary.kind === kind && r.summary.name === n);
  for (const rendering of kustomize.renderings) {
    const own = rendering.files.get(self.uri);
    if (own?.namespace !== undefined && definitions(name).some((r) => rendering.files.has(r.uri))) return true;
    for (const [uri, t] of rendering.files) {
      if (!(t.prefix || t.suffix) || !name.startsWith(t.prefix) || !name.endsWith(t.suffix)) continue;
      const written = name.slice(t.prefix.length, name.length - t.suffix.length);
      if (definitions(written).some((r) => r.uri === uri)) return true;
    }
  }
  return false;
}

/** The labels kustomize adds to this object's selector (commonLabels; labels with includeSelectors). */
export function addsSelectorLabels(uri: string, project: Project): boolean {
  return project.kustomize.renderings.some((r) => Object.keys(r.files.get(uri)?.selectorLabels ?? {}).length > 0);
}

/** Whether a diagnostic of a resource still holds once kustomize and the build tools have done their part. */
export function holdsAfterBuild(
  d: LocalDiagnostic,
  self: PlacedResource,
  index: WorkspaceIndex,
  project: Project,
): boolean {
  const data = d.data as { kind?: string; name?: string; image?: string } | undefined;
  switch (d.code) {
    case 'service-selector':
      return !selectsAfterKustomize(self, index, project);
    case 'missing-reference':
      return !(data?.kind && data.name && existsAfterKustomize(data.kind, data.name, self, index, project));
    case 'image-tag':
      // ko builds `ko://` import paths and writes the digest
      return !(data?.image && (data.image.startsWith('ko://') || project.builtImages.has(imageName(data.image))));
    case 'selector-mismatch':
      return !addsSelectorLabels(self.uri, project);
    case 'schema':
      // kustomize creates a workload's selector from the labels it adds
      return !(d.message.startsWith('spec.selector: Required value') && addsSelectorLabels(self.uri, project));
    default:
      return true;
  }
}
