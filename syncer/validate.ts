// Judges every manifest of a revision before anything of it is applied, with the same kube/ check the API
// server admits with. Custom resources are judged by their CustomResourceDefinition, found in the revision
// itself or in the cluster. Each problem names the file, the line and the field.
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { ManifestErrorStatus } from '../kube/application';
import { causeField, fieldErrorMessage, formatFieldPath, mapKey, PathSegment } from '../kube/fieldErrors';
import { checkManifest, isBuiltinKind } from '../kube/manifestCheck';
import { BUILTIN_RESOURCES, splitApiVersion } from '../kube/registry';
import type { SchemaObject } from '../kube/schemas';
import { lineOfField, Manifest } from './manifests';
import { hookAnnotationProblems } from './hooks/annotations';
import { hasSyncOption, syncOptionAnnotationProblems } from './syncOptions';
import { waveOf } from './plan';
import { SYNC_WAVE_ANNOTATIONS } from '../kube/application';

export interface CustomKind {
  namespaced: boolean;
  /** openAPIV3Schema per served version */
  schemas: Map<string, SchemaObject | undefined>;
}

/** group/kind → what its CRD says; from the revision's own CRDs and the cluster's. */
export type CustomKinds = Map<string, CustomKind>;

/** The kinds CRDs define (group/kind → scope and per-version schema), added to into. */
export function customKindsOf(crds: CustomResourceDefinition[], into: CustomKinds = new Map()): CustomKinds {
  for (const crd of crds) {
    const spec = crd?.spec;
    if (!spec?.group || !spec?.names?.kind) continue;
    const schemas = new Map<string, SchemaObject | undefined>();
    // the same JSON schema, in the model's own type
    for (const v of spec.versions ?? [])
      if (v?.name) schemas.set(v.name, v.schema?.openAPIV3Schema as SchemaObject | undefined);
    into.set(`${spec.group}/${spec.names.kind}`, { namespaced: spec.scope !== 'Cluster', schemas });
  }
  return into;
}

const builtinScope = new Map(BUILTIN_RESOURCES.map((r) => [`${r.group}/${r.kind}`, r.namespaced]));

/** Whether a kind is namespaced, or undefined when neither the built-ins nor a known CRD says. */
export function isNamespaced(apiVersion: string, kind: string, custom: CustomKinds): boolean | undefined {
  const { group } = splitApiVersion(apiVersion);
  return builtinScope.get(`${group}/${kind}`) ?? custom.get(`${group}/${kind}`)?.namespaced;
}

/** Objects defined more than once (by group, kind, namespace and name) across all manifests of a revision. */
export function duplicates(manifests: Manifest[]): ManifestErrorStatus[] {
  const problems: ManifestErrorStatus[] = [];
  const seen = new Map<string, Manifest>();
  for (const m of manifests) {
    const o = m.object;
    if (typeof o?.apiVersion !== 'string' || typeof o.kind !== 'string' || !o.metadata?.name) continue;
    const key = `${splitApiVersion(o.apiVersion).group}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    const first = seen.get(key);
    if (first)
      problems.push({
        file: m.file,
        line: lineOfField(m, ['metadata', 'name']),
        field: 'metadata.name',
        message: `${o.kind} "${o.metadata.name}" is also defined at ${first.file}:${first.line}`,
      });
    else seen.set(key, m);
  }
  return problems;
}

/** Each manifest judged on its own (schema, semantics, sync wave); cacheable per file. */
export function checkEach(manifests: Manifest[], custom: CustomKinds): ManifestErrorStatus[] {
  const problems: ManifestErrorStatus[] = [];
  for (const m of manifests) {
    const o = m.object;
    const at = (path: readonly PathSegment[], message: string, field = formatFieldPath(path)) =>
      problems.push({
        file: m.file,
        line: lineOfField(m, path),
        ...(path.length ? { field } : {}),
        message,
      });
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) {
      at(['apiVersion'], 'Required value: apiVersion must be set');
      continue;
    }
    if (typeof o.kind !== 'string' || !o.kind) {
      at(['kind'], 'Required value: kind must be set');
      continue;
    }
    let result;
    if (isBuiltinKind(o)) {
      result = checkManifest(o);
    } else {
      const { group, version } = splitApiVersion(o.apiVersion);
      const crd = custom.get(`${group}/${o.kind}`);
      if (!crd) {
        at(
          ['kind'],
          `no kind "${o.kind}" is served in version "${o.apiVersion}": not a built-in kind, and no CustomResourceDefinition for it is in this revision or the cluster`,
        );
        continue;
      }
      if (!crd.schemas.has(version)) {
        at(
          ['apiVersion'],
          `the CustomResourceDefinition for ${o.kind} serves versions ${[...crd.schemas.keys()].join(', ')}, not "${version}"`,
        );
        continue;
      }
      result = checkManifest(o, { custom: true, customSchema: crd.schemas.get(version) });
    }
    // Validate=false: the schema is not checked (Argo CD's `kubectl apply --validate=false`)
    if (!hasSyncOption(o, 'Validate', 'false'))
      for (const e of [...result.errors, ...result.unknownFields]) at(e.path, fieldErrorMessage(e), causeField(e));
    if (Number.isNaN(waveOf(o))) {
      const a = SYNC_WAVE_ANNOTATIONS.find((k) => o.metadata?.annotations?.[k] !== undefined)!;
      at(
        ['metadata', 'annotations', mapKey(a)],
        `Invalid value: ${JSON.stringify(o.metadata.annotations[a])}: a sync wave must be an integer`,
      );
    }
    for (const p of [...hookAnnotationProblems(o), ...syncOptionAnnotationProblems(o)])
      at(['metadata', 'annotations', mapKey(p.annotation)], p.message);
  }
  return problems;
}
