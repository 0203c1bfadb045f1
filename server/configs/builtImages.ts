// Images whose tag a build or deploy tool sets (skaffold's build artifacts, kustomize's `images:`): an
// untagged name in a manifest is then how it is meant to be written.

import { isRecord } from '../../kube/objects';
import type { FileSource } from './kustomize';

const SKAFFOLD_FILE = /\/skaffold[^/]*\.ya?ml$/i;

function artifactImages(build: unknown, out: Set<string>): void {
  const artifacts = isRecord(build) && Array.isArray(build.artifacts) ? build.artifacts : [];
  for (const a of artifacts) if (isRecord(a) && typeof a.image === 'string') out.add(a.image);
}

/** The images skaffold configurations of the workspace build (and so tag). */
export function skaffoldImages(files: FileSource): Set<string> {
  const out = new Set<string>();
  for (const uri of files.uris()) {
    if (!SKAFFOLD_FILE.test(uri)) continue;
    for (const placed of files.get(uri)?.docs ?? []) {
      const v = placed.doc.value;
      if (!isRecord(v) || typeof v.apiVersion !== 'string' || !v.apiVersion.startsWith('skaffold/')) continue;
      artifactImages(v.build, out);
      for (const p of Array.isArray(v.profiles) ? v.profiles : []) if (isRecord(p)) artifactImages(p.build, out);
    }
  }
  return out;
}

/** An image reference without its tag and digest. */
export function imageName(image: string): string {
  const at = image.indexOf('@');
  const ref = at < 0 ? image : image.slice(0, at);
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > slash ? ref.slice(0, colon) : ref;
}
