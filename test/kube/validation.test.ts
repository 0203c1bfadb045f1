import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { formatFieldError, formatFieldPath } from '../../kube/fieldErrors';
import { validateObject } from '../../kube/validation';
import { validateAgainstSchema } from '../../kube/crdSchema';
import { checkManifest } from '../../kube/manifestCheck';
import { SchemaObject } from '../../kube/schemas';

const SAMPLES = path.join(__dirname, '../../../samples/guestbook');

/** A Deployment as `kubectl create deployment --dry-run=client -o yaml` writes it, plus the usual extras. */
function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, creationTimestamp: null },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: {
        metadata: { labels: { app: 'web' }, creationTimestamp: null, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [
                { name: 'MODE', value: 'production' },
                { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              ],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '256Mi' } },
              readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
              livenessProbe: { tcpSocket: { port: 8080 } },
              volumeMounts: [{ name: 'config', mountPath: '/etc/web', readOnly: true }],
              securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
          initContainers: [
            { name: 'migrate', image: 'web-migrate:1', restartPolicy: 'Always', command: ['sh', '-c', 'true'] },
          ],
          volumes: [{ name: 'config', configMap: { name: 'web-config', defaultMode: 420 } }],
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }],
          terminationGracePeriodSeconds: 30,
        },
      },
    },
    status: {},
  };
}

function containerOf(d: any): any {
  return d.spec.template.spec.containers[0];
}

describe('validation of built-in kinds', () => {
  it('accepts the guestbook sample manifests', () => {
    const files = fs.readdirSync(SAMPLES).filter((f) => f.endsWith('.yaml'));
    assert.ok(files.length > 0);
    let count = 0;
    for (const f of files) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(SAMPLES, f), 'utf8'))) {
        const obj = doc.toJS();
        if (!obj) continue;
        count++;
        assert.deepStrictEqual(
          validateObject(obj),
          { errors: [], unknownFields: [] },
          `${f}: ${obj.kind} ${obj.metadata?.name}`,
        );
      }
    }
    assert.ok(count >= 5, `validated ${count} objects`);
  });

  it('accepts a realistic Deployment, including the nulls kubectl sends', () => {
    assert.deepStrictEqual(validateObject(deployment()), { errors: [], unknownFields: [] });
  });

  it('reports a missing selector as a required value', () => {
    const d = deployment();
    delete d.spec.selector;
    const { errors } = validateObject(d);
    assert.deepStrictEqual(errors, [{ type: 'FieldValueRequired', path: ['spec', 'selector'] }]);
    assert.strictEqual(formatFieldError(errors[0]), 'spec.selector: Required value');
  });

  it('treats a null required field as missing', () => {
    const d = deployment();
    d.spec.template = null;
    assert.deepStrictEqual(validateObject(d).errors, [{ type: 'FieldValueRequired', path: ['spec', 'template'] }]);
  });

  it('reports a wrongly typed value', () => {
    const d = deployment();
    d.spec.replicas = 'three';
    const { errors } = validateObject(d);
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].type, 'FieldValueTypeInvalid');
    assert.deepStrictEqual(errors[0].path, ['spec', 'replicas']);
    assert.strictEqual(errors[0].value, 'three');
    assert.strictEqual(formatFieldError(errors[0]), 'spec.replicas: Invalid value: "three": must be of type integer');

    const fractional = deployment();
    fractional.spec.replicas = 1.5;
    assert.deepStrictEqual(
      validateObject(fractional).errors.map((e) => e.path),
      [['spec', 'replicas']],
    );
  });

  it('reports an unsupported enum value with the supported ones', () => {
    const d = deployment();
    containerOf(d).imagePullPolicy = 'Sometimes';
    const { errors } = validateObject(d);
    assert.strictEqual(errors.length, 1);
    assert.strictEqual(errors[0].type, 'FieldValueNotSupported');
    assert.deepStrictEqual(errors[0].path, ['spec', 'template', 'spec', 'containers', 0, 'imagePullPolicy']);
    assert.deepStrictEqual(errors[0].supported, ['Always', 'IfNotPresent', 'Never']);
    assert.strictEqual(
      formatFieldError(errors[0]),
      'spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"',
    );
  });

  it('reports unknown fields apart from errors, in every field validation mode', () => {
    const d = deployment();
    containerOf(d).imagee = 'nginx';
    d.spec.template.spec.volumes[0].configMap.nmae = 'x';
    for (const mode of ['Strict', 'Warn', 'Ignore'] as const) {
      const r = validateObject(d, { fieldValidation: mode });
      assert.deepStrictEqual(r.errors, []);
      assert.deepStrictEqual(r.unknownFields.map((e) => e.path).sort(), [
        ['spec', 'template', 'spec', 'containers', 0, 'imagee'],
        ['spec', 'template', 'spec', 'volumes', 0, 'configMap', 'nmae'],
      ]);
      assert.ok(r.unknownFields.every((e) => e.type === 'FieldValueUnknown'));
    }
    assert.strictEqual(
      formatFieldError(validateObject(d).unknownFields[0]),
      'unknown field "spec.template.spec.containers[0].imagee"',
    );
  });

  it('accepts a number or a name for an int-or-string port', () => {
    const svc = (targetPort: unknown) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort }] },
    });
    assert.deepStrictEqual(validateObject(svc(8080)).errors, []);
    assert.deepStrictEqual(validateObject(svc('http')).errors, []);
    const bad = validateObject(svc(true)).errors;
    assert.deepStrictEqual(
      bad.map((e) => [e.type, e.path]),
      [['FieldValueTypeInvalid', ['spec', 'ports', 0, 'targetPort']]],
    );
    assert.deepStrictEqual(
      validateObject(svc(12.5)).errors.map((e) => e.path),
      [['spec', 'ports', 0, 'targetPort']],
    );
  });

  it('accepts quantities written as strings or numbers', () => {
    for (const cpu of ['500m', 1, 0.5, '2']) {
      const d = deployment();
      containerOf(d).resources = { limits: { cpu, memory: '1Gi' } };
      assert.deepStrictEqual(validateObject(d).errors, [], `cpu ${JSON.stringify(cpu)}`);
    }
    const d = deployment();
    containerOf(d).resources = { limits: { cpu: { millis: 500 } } };
    assert.deepStrictEqual(
      validateObject(d).errors.map((e) => formatFieldPath(e.path)),
      ['spec.template.spec.containers[0].resources.limits[cpu]'],
    );
  });

  it('checks metadata and map values', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c', labels: { tier: 1 } },
      data: { a: 'b', n: 2 },
    };
    assert.deepStrictEqual(
      validateObject(cm)
        .errors.map((e) => `${e.type} ${formatFieldPath(e.path)}`)
        .sort(),
      ['FieldValueTypeInvalid data[n]', 'FieldValueTypeInvalid metadata.labels[tier]'],
    );
  });

  it('accepts anything in preserve-unknown-fields parts such as ControllerRevision data', () => {
    const rev = {
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      metadata: { name: 'r' },
      revision: 1,
      data: { spec: { anything: [1, 'two'] } },
    };
    assert.deepStrictEqual(validateObject(rev), { errors: [], unknownFields: [] });
  });

  it('accepts a CustomResourceDefinition with a rich schema', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'crontabs.stable.example.com' },
      spec: {
        group: 'stable.example.com',
        scope: 'Namespaced',
        names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: {
              status: {},
              scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' },
            },
            additionalPrinterColumns: [{ name: 'Spec', type: 'string', jsonPath: '.spec.cronSpec' }],
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: {
                  spec: {
                    type: 'object',
                    required: ['cronSpec'],
                    properties: {
                      cronSpec: { type: 'string', pattern: '^\\S+$' },
                      replicas: { type: 'integer', minimum: 1, default: 1 },
                      port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
                      mode: { type: 'string', enum: ['Fast', 'Safe'] },
                      settings: { type: 'object', additionalProperties: { type: 'string' } },
                      extra: { type: 'object', additionalProperties: true },
                      items: {
                        type: 'array',
                        items: { type: 'object', properties: { name: { type: 'string' } } },
                        'x-kubernetes-list-type': 'map',
                        'x-kubernetes-list-map-keys': ['name'],
                      },
                    },
                    'x-kubernetes-validations': [{ rule: 'self.replicas <= 10', message: 'too many' }],
                  },
                  status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                },
              },
            },
          },
        ],
      },
    };
    assert.deepStrictEqual(validateObject(crd), { errors: [], unknownFields: [] });
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.mode.type = 5 as unknown as string;
    // a schema's properties are a map: kube-apiserver names them properties[spec]
    assert.deepStrictEqual(
      validateObject(crd).errors.map((e) => formatFieldPath(e.path)),
      ['spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[mode].type'],
    );
  });

  it('says clearly when it has no schema for a kind or version', () => {
    const unknownKind = validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }).errors;
    assert.strictEqual(unknownKind.length, 1);
    assert.strictEqual(unknownKind[0].type, 'FieldValueNotSupported');
    assert.deepStrictEqual(unknownKind[0].path, ['kind']);
    assert.ok(unknownKind[0].supported?.includes('Deployment'));

    const unknownVersion = validateObject({ apiVersion: 'apps/v2', kind: 'Deployment' }).errors;
    assert.strictEqual(unknownVersion.length, 1);
    assert.deepStrictEqual(unknownVersion[0].path, ['apiVersion']);
    assert.match(formatFieldError(unknownVersion[0]), /no matches for kind "Deployment" in version "apps\/v2"/);

    assert.deepStrictEqual(
      validateObject({ metadata: {} }).errors.map((e) => e.path),
      [['apiVersion'], ['kind']],
    );
    assert.strictEqual(validateObject('not an object').errors[0].type, 'FieldValueTypeInvalid');
  });

  it('validates an already-seen kind in well under a millisecond', () => {
    const d = deployment();
    validateObject(d);
    const runs = 200;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) validateObject(d);
    const perRun = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    assert.ok(perRun < 1, `${perRun.toFixed(3)} ms per validation`);
  });
});

describe('validation of custom resources against a CRD schema', () => {
  const schema: SchemaObject = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['cronSpec', 'image'],
        properties: {
          cronSpec: { type: 'string', pattern: '^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$' },
          image: { type: 'string', minLength: 1 },
          replicas: { type: 'integer', minimum: 1, maximum: 10 },
          port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          mode: { type: 'string', enum: ['Fast', 'Safe'] },
          startAfter: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set', maxItems: 3 },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          template: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          note: { type: 'string', nullable: true },
        },
      },
      status: { type: 'object', properties: { lastRun: { type: 'string' } } },
    },
  };

  function cronTab(): any {
    return {
      apiVersion: 'stable.example.com/v1',
      kind: 'CronTab',
      metadata: { name: 'nightly', namespace: 'default', labels: { team: 'ops' }, creationTimestamp: null },
      spec: {
        cronSpec: '0 3 * * *',
        image: 'backup:2',
        replicas: 2,
        port: 'metrics',
        mode: 'Safe',
        startAfter: '2025-01-01T00:00:00Z',
        tags: ['db', 'nightly'],
        labels: { a: 'b' },
        template: { spec: { anything: ['goes', 1] } },
        note: null,
      },
    };
  }

  it('accepts a valid custom resource', () => {
    assert.deepStrictEqual(validateAgainstSchema(cronTab(), schema), { errors: [], unknownFields: [] });
  });

  it('reports each bad field with its path', () => {
    const ct = cronTab();
    ct.spec.replicas = 'two';
    ct.spec.mode = 'Reckless';
    ct.spec.cronSpec = 'every night';
    ct.spec.port = false;
    ct.spec.tags = ['db', 'db'];
    ct.spec.startAfter = 'tomorrow';
    ct.spec.labels = { a: 1 };
    delete ct.spec.image;
    const { errors, unknownFields } = validateAgainstSchema(ct, schema);
    const byPath = new Map(errors.map((e) => [e.path.join('.'), e]));
    assert.strictEqual(byPath.get('spec.replicas')?.type, 'FieldValueTypeInvalid');
    assert.deepStrictEqual(byPath.get('spec.mode')?.supported, ['Fast', 'Safe']);
    assert.strictEqual(byPath.get('spec.cronSpec')?.type, 'FieldValueInvalid');
    assert.strictEqual(byPath.get('spec.port')?.type, 'FieldValueTypeInvalid');
    assert.strictEqual(byPath.get('spec.tags.1')?.type, 'FieldValueDuplicate');
    // a format is a type to kube-openapi
    assert.strictEqual(byPath.get('spec.startAfter')?.type, 'FieldValueTypeInvalid');
    assert.strictEqual(byPath.get('spec.labels.a')?.type, 'FieldValueTypeInvalid');
    assert.strictEqual(byPath.get('spec.image')?.type, 'FieldValueRequired');
    assert.strictEqual(errors.length, 8, JSON.stringify(errors));
    assert.deepStrictEqual(unknownFields, []);
  });

  it('reports range violations in Kubernetes words', () => {
    const ct = cronTab();
    ct.spec.replicas = 0;
    ct.spec.tags = ['a', 'b', 'c', 'd'];
    const { errors } = validateAgainstSchema(ct, schema);
    assert.deepStrictEqual(errors.map(formatFieldError).sort(), [
      'spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1',
      'spec.tags: Too many: 4: must have at most 3 items',
    ]);
  });

  it('reports fields the schema does not declare, except under preserve-unknown-fields', () => {
    const ct = cronTab();
    ct.spec.imagee = 'typo';
    ct.extra = true;
    ct.status = { lastRun: 'now', phase: 'Done' };
    const { errors, unknownFields } = validateAgainstSchema(ct, schema);
    assert.deepStrictEqual(errors, []);
    assert.deepStrictEqual(unknownFields.map((e) => e.path.join('.')).sort(), ['extra', 'spec.imagee', 'status.phase']);
  });

  it('checks metadata as object metadata', () => {
    const ct = cronTab();
    ct.metadata.labels = { team: 7 };
    ct.metadata.nmae = 'x';
    const { errors, unknownFields } = validateAgainstSchema(ct, schema);
    assert.deepStrictEqual(
      errors.map((e) => formatFieldPath(e.path)),
      ['metadata.labels[team]'],
    );
    assert.deepStrictEqual(
      unknownFields.map((e) => e.path),
      [['metadata', 'nmae']],
    );
  });

  it('treats nulls as Kubernetes does: kept where nullable, dropped elsewhere', () => {
    const ct = cronTab();
    ct.spec.mode = null;
    assert.deepStrictEqual(validateAgainstSchema(ct, schema).errors, []);
    ct.spec.image = null;
    assert.deepStrictEqual(
      validateAgainstSchema(ct, schema).errors.map((e) => [e.type, e.path]),
      [['FieldValueRequired', ['spec', 'image']]],
    );
  });

  it('accepts anything when the schema preserves unknown fields, and gives equal schemas equal answers', () => {
    const open: SchemaObject = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    assert.deepStrictEqual(
      validateAgainstSchema({ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name: 't' }, spec: { a: [1] } }, open),
      { errors: [], unknownFields: [] },
    );
    const copy = JSON.parse(JSON.stringify(schema));
    const ct = cronTab();
    ct.spec.mode = 'Reckless';
    assert.deepStrictEqual(validateAgainstSchema(ct, copy), validateAgainstSchema(ct, schema));
  });

  it('holds an object to its metadata alone when the CRD schema itself is invalid', () => {
    // a mistyped CRD (`type:` given a map), as a half-edited file has it
    const broken = { type: { object: null }, properties: { spec: { type: 'object' } } } as unknown as SchemaObject;
    const thing = (name: unknown) => ({ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name }, spec: 'anything' });
    assert.deepStrictEqual(validateAgainstSchema(thing('t'), broken), { errors: [], unknownFields: [] });
    assert.deepStrictEqual(
      validateAgainstSchema(thing(5), broken).errors.map((e) => e.path.join('.')),
      ['metadata.name'],
    );
  });

  it('holds an object to its metadata alone when a field of the CRD schema is empty (null), rules and all', () => {
    // `size:` left without a schema, and an empty items schema, as a half-edited CRD has them
    const broken = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { size: null, tags: { type: 'array', items: null } },
          'x-kubernetes-validations': [{ rule: 'self.size() >= 0' }],
        },
      },
    } as unknown as SchemaObject;
    const thing = (name: unknown) => ({ apiVersion: 'x.io/v1', kind: 'Thing', metadata: { name }, spec: { size: 1 } });
    assert.deepStrictEqual(checkManifest(thing('t'), { customSchema: broken }).errors, []);
    assert.deepStrictEqual(
      checkManifest(thing(5), { customSchema: broken }).errors.map((e) => e.path.join('.')),
      ['metadata.name'],
    );
  });
});
