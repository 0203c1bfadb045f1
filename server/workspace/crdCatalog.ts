// The built-in catalog of common ecosystems' CustomResourceDefinitions (Argo CD, Argo Rollouts, Flux,
// cert-manager, Prometheus operator, Istio, Gateway API, Traefik, KEDA, external-secrets, sealed-secrets,
// Knative), built by scripts/build-crd-catalog.js. It judges custom resources whose CRD is neither in the
// workspace nor in the cluster (those win). Read on first use: most workspaces never need it.

import * as fs from 'fs';
import * as path from 'path';
import type { SchemaObject } from '../../kube/schemas';
import { CrdInfo } from './crds';

interface CatalogFile {
  crds: {
    group: string;
    kind: string;
    namespaced: boolean;
    /** the npm package (and version) the schema comes from */
    source: string;
    versions: { name: string; schema: SchemaObject }[];
  }[];
}

let byKey: Map<string, CrdInfo> | undefined;

/**
 * The generated file sits in <repo>/kube/generated, seen from out/server/workspace or server/workspace, or in
 * generated/ beside the bundled language server (dist/server.js).
 */
function catalogPath(): string | undefined {
  return [
    path.join(__dirname, 'generated/crd-catalog.json'),
    path.join(__dirname, '../../../kube/generated/crd-catalog.json'),
    path.join(__dirname, '../../kube/generated/crd-catalog.json'),
  ].find((p) => fs.existsSync(p));
}

function load(): Map<string, CrdInfo> {
  if (byKey) return byKey;
  byKey = new Map();
  const file = catalogPath();
  // without the file (a build that skipped it) custom resources are judged as before: not validated
  if (!file) return byKey;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogFile;
  for (const c of parsed.crds) {
    byKey.set(`${c.group}/${c.kind}`, {
      group: c.group,
      kind: c.kind,
      namespaced: c.namespaced,
      versions: c.versions.map((v) => ({ name: v.name, served: true, schema: v.schema })),
      source: { catalog: c.source },
    });
  }
  return byKey;
}

export function catalogCrd(group: string, kind: string): CrdInfo | undefined {
  return load().get(`${group}/${kind}`);
}

export function catalogCrds(): CrdInfo[] {
  return [...load().values()];
}
