// Which schema judges a document: a built-in kind, a custom resource's CRD version, or nothing, in
// which case the apiVersion/kind pair itself is the problem (removed, unknown, or not defined).

import { DiagnosticSeverity } from 'vscode-languageserver';
import { removedApi, removedApis } from '../../kube/deprecatedApis';
import { apiVersionOf, BUILTIN_RESOURCES, splitApiVersion } from '../../kube/registry';
import { kindsWithSchemas } from '../../kube/schemas';
import { hasBuiltinSchema } from '../../kube/validation';
import { YamlDoc } from '../documents/parsedFile';
import { nodeAtPath } from '../documents/yamlTree';
import { CrdInfo, CrdVersion } from '../workspace/crds';
import { WorkspaceIndex } from '../workspace/workspaceIndex';
import { LocalDiagnostic } from './diagnostic';

export type KindResolution =
  | { type: 'builtin' }
  | { type: 'custom'; crd: CrdInfo; version: CrdVersion }
  | { type: 'problem'; diagnostics: LocalDiagnostic[] };

let builtinGroups: Set<string> | undefined;
let kindVersions: Map<string, string[]> | undefined;

/** Groups Kubernetes itself defines: a custom resource never lives in one of them. */
export function isBuiltinGroup(group: string): boolean {
  if (!builtinGroups) {
    builtinGroups = new Set([
      ...kindsWithSchemas().map((k) => k.group),
      ...BUILTIN_RESOURCES.map((r) => r.group),
      ...removedApis().map((r) => splitApiVersion(r.apiVersion).group),
    ]);
  }
  return builtinGroups.has(group);
}

/** The apiVersions that serve a built-in kind, preferred ones (the registry's) first. */
export function builtinVersionsOf(kind: string): string[] {
  if (!kindVersions) {
    kindVersions = new Map();
    const add = (k: string, v: string): void => {
      const list = kindVersions!.get(k) ?? [];
      if (!list.includes(v)) list.push(v);
      kindVersions!.set(k, list);
    };
    for (const r of BUILTIN_RESOURCES) add(r.kind, apiVersionOf(r));
    for (const k of kindsWithSchemas()) add(k.kind, apiVersionOf(k));
  }
  return kindVersions.get(kind) ?? [];
}

function valueRange(doc: YamlDoc, key: 'apiVersion' | 'kind') {
  const n = nodeAtPath(doc.tree, [key]);
  return n ? doc.range(n.start, n.end) : doc.range(0, 0);
}

export function resolveKind(doc: YamlDoc, index: WorkspaceIndex): KindResolution {
  const { apiVersion, kind } = doc.kube!;
  if (hasBuiltinSchema(apiVersion, kind)) return { type: 'builtin' };
  const removed = removedApi(apiVersion, kind);
  if (removed) {
    const message = removed.replacement
      ? `${kind} ${apiVersion} is no longer served since Kubernetes ${removed.removedIn}: use ${removed.replacement}` +
        (removed.note ? ` (${removed.note})` : '')
      : `${kind} ${apiVersion} was removed in Kubernetes ${removed.removedIn}` +
        (removed.note ? `: ${removed.note}` : '');
    return problem({
      range: valueRange(doc, 'apiVersion'),
      severity: DiagnosticSeverity.Error,
      message,
      code: 'removed-api',
      ...(removed.replacement ? { data: { replacement: removed.replacement } } : {}),
    });
  }
  const { group, version } = splitApiVersion(apiVersion);
  if (!version) {
    return problem({
      range: valueRange(doc, 'apiVersion'),
      severity: DiagnosticSeverity.Error,
      message: `apiVersion "${apiVersion}" has no version (expected group/version, e.g. apps/v1)`,
      code: 'unknown-kind',
    });
  }
  const crd = group ? index.crd(group, kind) : undefined;
  if (crd) {
    const v = crd.versions.find((x) => x.name === version && x.served);
    if (v) return { type: 'custom', crd, version: v };
    const served = crd.versions.filter((x) => x.served).map((x) => `${group}/${x.name}`);
    // the catalog is a snapshot: a version it lacks may be newer than it, so that is no error
    if ('catalog' in crd.source) return notValidated(doc, `the built-in catalog knows ${kind} in ${served.join(', ')}`);
    return problem({
      range: valueRange(doc, 'apiVersion'),
      severity: DiagnosticSeverity.Error,
      message:
        `The CustomResourceDefinition for ${kind} does not serve version ${version}` +
        (served.length ? `: served versions are ${served.join(', ')}` : ''),
      code: 'crd-version',
      ...(served.length === 1 ? { data: { replacement: served[0] } } : {}),
    });
  }
  const versions = builtinVersionsOf(kind);
  if (versions.length) {
    return problem({
      range: valueRange(doc, 'apiVersion'),
      severity: DiagnosticSeverity.Error,
      message: `no kind "${kind}" is served in version "${apiVersion}": use ${versions.join(' or ')}`,
      code: 'unknown-kind',
      data: { replacement: versions[0] },
    });
  }
  if (isBuiltinGroup(group)) {
    const known = kindsWithSchemas()
      .filter((k) => k.group === group && k.version === version && !k.kind.endsWith('List'))
      .map((k) => k.kind)
      .sort();
    return problem({
      range: valueRange(doc, 'kind'),
      severity: DiagnosticSeverity.Error,
      message:
        `no kind "${kind}" is registered for version "${apiVersion}"` +
        (known.length ? `: known kinds are ${known.join(', ')}` : ''),
      code: 'unknown-kind',
    });
  }
  return notValidated(
    doc,
    `no CustomResourceDefinition for ${kind} in group ${group} is in the workspace, the cluster or the built-in ` +
      'catalog',
  );
}

/** A custom resource nothing here describes: one information line, as it may well be right. */
function notValidated(doc: YamlDoc, why: string): KindResolution {
  return problem({
    range: valueRange(doc, 'kind'),
    severity: DiagnosticSeverity.Information,
    message: `${doc.kube!.kind} is not validated: ${why}`,
    code: 'no-crd',
  });
}

function problem(d: LocalDiagnostic): KindResolution {
  return { type: 'problem', diagnostics: [d] };
}
