// Real CustomResourceDefinitions must stay acceptable: every CRD of the built-in catalog (Argo CD, Flux,
// cert-manager, Gateway API...) and the CRDs of the samples and fixtures pass the CRD validation on write.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { formatFieldError } from '../../kube/fieldErrors';
import { validateSemantics } from '../../kube/semantics';
import type { SchemaObject } from '../../kube/schemas';

const ROOT = path.join(__dirname, '../../..');

interface CatalogFile {
  crds: { group: string; kind: string; namespaced: boolean; versions: { name: string; schema: SchemaObject }[] }[];
}

function refusals(crd: object): string[] {
  return validateSemantics(crd).map(formatFieldError);
}

describe('real CustomResourceDefinitions are accepted', () => {
  it('every CRD of the built-in catalog', () => {
    const catalog = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'kube/generated/crd-catalog.json'), 'utf8'),
    ) as CatalogFile;
    assert.ok(catalog.crds.length > 100, `only ${catalog.crds.length} CRDs in the catalog`);
    const refused: string[] = [];
    for (const c of catalog.crds) {
      const plural = `${c.kind.toLowerCase()}s`;
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `${plural}.${c.group}` },
        spec: {
          group: c.group,
          scope: c.namespaced ? 'Namespaced' : 'Cluster',
          names: { plural, kind: c.kind },
          versions: c.versions.map((v, i) => ({
            name: v.name,
            served: true,
            storage: i === 0,
            schema: { openAPIV3Schema: v.schema },
          })),
        },
      };
      refused.push(...refusals(crd).map((m) => `${c.kind}.${c.group}: ${m}`));
    }
    assert.deepStrictEqual(refused, []);
  });

  it('the CRDs of the samples and test fixtures', () => {
    const files = ['samples/broken/custom-resources.yaml', 'test/fixtures/server/workspace/crd.yaml'];
    let seen = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(ROOT, f), 'utf8'))) {
        const o = doc.toJS() as { kind?: string } | null;
        if (o?.kind !== 'CustomResourceDefinition') continue;
        seen++;
        assert.deepStrictEqual(refusals(o), [], f);
      }
    }
    assert.ok(seen >= 2, `${seen} CRDs read`);
  });
});
