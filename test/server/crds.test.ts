// Custom resources are validated against CRDs from workspace files (followed live through
// didChangeWatchedFiles) and from the cluster (pushed by the editor with a notification).

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { widgetCrd } from '../helpers/manifests';
import { FIXTURES, LspClient, textAt, uriOf } from './lspClient';

const CRD = fs.readFileSync(path.join(FIXTURES, 'workspace/crd.yaml'), 'utf8');

const BACKUP =
  'apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: weekly\nspec:\n  schedule: "@weekly"\n  retention: 4\n  target: disk\n  encrypt: true\n';

const WIDGET_CRD = widgetCrd({ spec: { type: 'object', properties: { size: { type: 'integer', maximum: 10 } } } });

describe('language server: custom resources', function () {
  let dir: string;
  let client: LspClient;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-crds-'));
    fs.writeFileSync(path.join(dir, 'crd.yaml'), CRD);
  });
  afterEach(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('validates against a CRD found in the workspace, and again when the CRD file changes', async () => {
    client = await LspClient.start({ root: dir });
    const uri = uriOf(path.join(dir, 'backup.yaml'));
    await client.open(uri, BACKUP);
    const before = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      before.map((d) => [d.code, textAt(BACKUP, d.range)]),
      [['unknown-field', 'encrypt']],
    );
    // the CRD gains `encrypt` and drops `disk` from the targets
    const changed = CRD.replace(
      'enum: [s3, gcs, disk]',
      'enum: [s3, gcs]\n                encrypt:\n                  type: boolean',
    );
    fs.writeFileSync(path.join(dir, 'crd.yaml'), changed);
    await client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(path.join(dir, 'crd.yaml')), type: 2 }],
    });
    const after = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'unknown-field'));
    assert.deepStrictEqual(
      after.map((d) => [d.code, textAt(BACKUP, d.range)]),
      [['schema', 'disk']],
    );
    // and without the CRD, the kind is unknown
    fs.rmSync(path.join(dir, 'crd.yaml'));
    await client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: uriOf(path.join(dir, 'crd.yaml')), type: 3 }],
    });
    const gone = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'no-crd'));
    assert.strictEqual(textAt(BACKUP, gone[0].range), 'Backup');
  });

  it('follows a CRD edited in an open document before it is saved', async () => {
    client = await LspClient.start({ root: dir });
    const uri = uriOf(path.join(dir, 'backup.yaml'));
    await client.open(uri, BACKUP);
    await client.waitForDiagnostics(uri, (d) => d.length === 1);
    const crdUri = uriOf(path.join(dir, 'crd.yaml'));
    await client.open(crdUri, CRD);
    await client.change(crdUri, CRD.replace('minimum: 1', 'minimum: 5'));
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.message.startsWith('spec.retention')));
  });

  it('validates against CRDs the editor pushes from the cluster', async () => {
    client = await LspClient.start({ root: dir });
    const text = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: 12\n';
    const uri = uriOf(path.join(dir, 'widget.yaml'));
    await client.open(uri, text);
    const unknown = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      unknown.map((d) => d.code),
      ['no-crd'],
    );
    await client.notify('slipway/customResourceDefinitions', { items: [WIDGET_CRD] });
    const checked = await client.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'no-crd'));
    assert.deepStrictEqual(
      checked.map((d) => [d.code, textAt(text, d.range)]),
      [['schema', '12']],
    );
    // as kube-apiserver words it, so the editor and kubectl say the same
    assert.strictEqual(
      checked[0].message,
      'spec.size: Invalid value: 12: spec.size in body should be less than or equal to 10',
    );
    const items = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 5, character: 2 },
    });
    assert.deepStrictEqual(
      items.items.map((i) => i.label),
      ['size'],
      'completion knows the pushed schema',
    );
    await client.notify('slipway/customResourceDefinitions', { items: [] });
    await client.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'no-crd'));
  });
});

const GATEWAY_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: gateways.net.example.org
spec:
  group: net.example.org
  names: { kind: Gateway, plural: gateways }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: "self.replicas <= self.maxReplicas"
                  message: replicas must not exceed maxReplicas
                  fieldPath: .replicas
                - rule: "self.className == oldSelf.className"
                  message: className is immutable
              properties:
                className: { type: string }
                replicas: { type: integer }
                maxReplicas: { type: integer }
                listeners:
                  type: array
                  items:
                    type: object
                    properties:
                      port: { type: integer }
                    x-kubernetes-validations:
                      - rule: "self.port > 1024 || self.port == 80 || self.port == 443"
                        messageExpression: "'port ' + string(self.port) + ' is privileged'"
`;

describe('language server: CEL rules of CRDs', function () {
  let dir: string;
  let client: LspClient;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-cel-'));
  });
  afterEach(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reports a custom resource's broken rules at their fields, leaving transition rules out", async () => {
    fs.writeFileSync(path.join(dir, 'crd.yaml'), GATEWAY_CRD);
    client = await LspClient.start({ root: dir });
    const text = [
      'apiVersion: net.example.org/v1',
      'kind: Gateway',
      'metadata:',
      '  name: edge',
      'spec:',
      '  className: internal',
      '  replicas: 12',
      '  maxReplicas: 3',
      '  listeners:',
      '    - port: 443',
      '    - port: 22',
      '',
    ].join('\n');
    const uri = uriOf(path.join(dir, 'gateway.yaml'));
    await client.open(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      diagnostics.map((d) => [textAt(text, d.range), d.message]),
      [
        ['12', 'spec.replicas: Invalid value: "object": replicas must not exceed maxReplicas'],
        ['port: 22', 'spec.listeners[1]: Invalid value: "object": port 22 is privileged'],
      ],
    );
  });

  it('shows a rule stopped by the cost limit, and a CRD whose rule is estimated too costly', async () => {
    const rule = 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))';
    const crd = (maxItems: number) =>
      GATEWAY_CRD.replace(
        '                listeners:',
        [
          '                ports:',
          '                  type: array',
          `                  maxItems: ${maxItems}`,
          '                  items: { type: integer }',
          '                  x-kubernetes-validations:',
          `                    - rule: "${rule}"`,
          '                listeners:',
        ].join('\n'),
      );
    fs.writeFileSync(path.join(dir, 'crd.yaml'), crd(100));
    client = await LspClient.start({ root: dir });
    const ports = Array.from({ length: 100 }, (_, i) => i).join(', ');
    const text = ['apiVersion: net.example.org/v1', 'kind: Gateway', 'metadata:', '  name: edge', 'spec:']
      .concat(['  replicas: 1', '  maxReplicas: 2', `  ports: [${ports}]`, ''])
      .join('\n');
    const uri = uriOf(path.join(dir, 'gateway.yaml'));
    await client.open(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      diagnostics.map((d) => d.message),
      [
        `spec.ports: Invalid value: "array": 'operation cancelled: actual cost limit exceeded': ` +
          `no further validation rules will be run due to call cost exceeds limit for rule: ${rule}`,
      ],
    );
    // with room for 1,000 ports the rule's estimate is over the limit: the CRD itself says so, on the rule
    const crdText = crd(1000);
    const crdUri = uriOf(path.join(dir, 'crd-unbounded.yaml'));
    await client.open(crdUri, crdText);
    const onCrd = (await client.waitForDiagnostics(crdUri)).map((d) => [textAt(crdText, d.range), d.message]);
    const forbidden = onCrd.filter(([, message]) => message.includes('exceeds budget'));
    assert.deepStrictEqual(
      forbidden.map(([at]) => at),
      [`"${rule}"`, 'openAPIV3Schema'],
    );
    assert.match(forbidden[0][1], /rule: Forbidden: estimated rule cost exceeds budget by factor of more than 100x/);
    assert.match(forbidden[1][1], /estimated rule cost total for entire OpenAPIv3 schema exceeds budget/);
  });

  it('reports a rule of a CRD that does not compile on the rule', async () => {
    client = await LspClient.start({ root: dir });
    const text = GATEWAY_CRD.replace('"self.replicas <= self.maxReplicas"', '"self.replicas <="');
    const uri = uriOf(path.join(dir, 'crd.yaml'));
    await client.open(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      diagnostics.map((d) => textAt(text, d.range)),
      ['"self.replicas <="'],
    );
    assert.match(diagnostics[0].message, /compilation failed: ERROR: <input>:1:17: Unexpected token: EOF/);
  });

  it('reports an expression of a ValidatingAdmissionPolicy that does not compile on the expression', async () => {
    client = await LspClient.start({ root: dir });
    const text = [
      'apiVersion: admissionregistration.k8s.io/v1',
      'kind: ValidatingAdmissionPolicy',
      'metadata:',
      '  name: replica-limit',
      'spec:',
      '  matchConstraints:',
      '    resourceRules:',
      '      - apiGroups: [apps]',
      '        apiVersions: [v1]',
      '        operations: [CREATE]',
      '        resources: [deployments]',
      '  validations:',
      '    - expression: object.spec.replicas <= 5',
      '      messageExpression: size(object.spec.template.spec.containers)',
      '',
    ].join('\n');
    const uri = uriOf(path.join(dir, 'policy.yaml'));
    await client.open(uri, text);
    const diagnostics = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      diagnostics.map((d) => [textAt(text, d.range), d.message]),
      [
        [
          'size(object.spec.template.spec.containers)',
          'spec.validations[0].messageExpression: Invalid value: "size(object.spec.template.spec.containers)": ' +
            'compilation failed: must evaluate to string, not int',
        ],
      ],
    );
  });
});
