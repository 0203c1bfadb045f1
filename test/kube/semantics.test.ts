import * as assert from 'assert';
import { applyDefaults } from '../../kube/defaults';
import { FieldError, formatFieldError } from '../../kube/fieldErrors';
import { validateSemantics } from '../../kube/semantics';

type Obj = Record<string, any>;

const clone = (o: Obj): Obj => JSON.parse(JSON.stringify(o)) as Obj;
const messages = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function defaulted(o: Obj, opts?: { create?: boolean; uid?: string }): Obj {
  const c = clone(o);
  applyDefaults(c, opts);
  return c;
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { 'app.kubernetes.io/name': 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web', tier: 'frontend' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 80 }],
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '0.5', memory: '128Mi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' } },
            env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/nginx/conf.d' }],
          },
        ],
        volumes: [{ name: 'cfg', configMap: { name: 'web-config' } }],
      },
    },
  },
};

const samples: Obj[] = [
  deployment,
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web' },
    spec: {
      selector: { app: 'web' },
      ports: [
        { name: 'http', port: 80, targetPort: 'http' },
        { name: 'https', port: 443 },
      ],
    },
  },
  {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web-config' },
    data: { 'default.conf': 'server {}', APP_MODE: 'prod' },
  },
  {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'tls' },
    type: 'kubernetes.io/tls',
    data: { 'tls.crt': 'Y2VydA==', 'tls.key': 'a2V5' },
  },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'debug' },
    spec: { containers: [{ name: 'sh', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
  },
  {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
  },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } },
  {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: { app: 'db' } },
      template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } },
        },
      ],
    },
  },
  {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'node-exporter' },
    spec: {
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['node-exporter'] }] },
      template: {
        metadata: { labels: { app: 'node-exporter' } },
        spec: { containers: [{ name: 'a', image: 'node-exporter:1.8' }] },
      },
    },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } } },
  },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'nightly' },
    spec: {
      schedule: '0 3 * * *',
      jobTemplate: {
        spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }], restartPolicy: 'OnFailure' } } },
      },
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web' },
    spec: {
      ingressClassName: 'nginx',
      tls: [{ hosts: ['*.example.com'], secretName: 'tls' }],
      rules: [
        {
          host: 'www.example.com',
          http: {
            paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }],
          },
        },
      ],
    },
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'system:reader' },
    rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
  },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'read' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:reader' },
    subjects: [{ kind: 'ServiceAccount', name: 'builder' }],
  },
  {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web' },
    spec: {
      minReplicas: 2,
      maxReplicas: 10,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    },
  },
  {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: 'web' },
    spec: { maxUnavailable: '25%', selector: { matchLabels: { app: 'web' } } },
  },
  { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { anything: true } },
];

describe('semantics: valid objects', () => {
  it('finds nothing wrong with valid manifests, as written and once defaulted', () => {
    for (const o of samples) {
      assert.deepStrictEqual(messages(validateSemantics(o)), [], `${o.kind} as written`);
      assert.deepStrictEqual(messages(validateSemantics(defaulted(o))), [], `${o.kind} defaulted`);
    }
  });

  it('accepts a Job after the server generated its selector', () => {
    const job = defaulted(
      samples.find((o) => o.kind === 'Job')!,
      { create: true, uid: '0b7d' },
    );
    job.metadata.uid = '0b7d';
    assert.deepStrictEqual(messages(validateSemantics(job)), []);
    // a generated label removed from the template is named by its key, as ValidateHasLabel names it
    delete job.spec.template.metadata.labels['controller-uid'];
    assert.deepStrictEqual(messages(validateSemantics(job)), [
      "spec.template.metadata.labels[controller-uid]: Required value: must be '0b7d'",
    ]);
  });

  it('accepts an unchanged object as an update', () => {
    for (const o of samples) {
      const stored = defaulted(o);
      assert.deepStrictEqual(messages(validateSemantics(clone(stored), stored)), [], o.kind);
    }
  });
});

describe('semantics: names and metadata', () => {
  it('rejects an invalid name with the API server message', () => {
    const d = clone(deployment);
    d.metadata.name = 'My_App';
    assert.deepStrictEqual(messages(validateSemantics(d)), [
      "metadata.name: Invalid value: \"My_App\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
        "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]);
  });

  it('uses the stricter rules for Namespace and Service names', () => {
    const ns = validateSemantics({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team.a' } });
    assert.deepStrictEqual(messages(ns), ['metadata.name: Invalid value: "team.a": must not contain dots']);
    const svc = validateSemantics({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: '9web' },
      spec: { ports: [{ port: 80 }] },
    });
    assert.strictEqual(svc.length, 1);
    assert.match(formatFieldError(svc[0]), /^metadata\.name: Invalid value: "9web": a DNS-1035 label must/);
  });

  it('requires a name unless generateName is given', () => {
    assert.deepStrictEqual(messages(validateSemantics({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })), [
      'metadata.name: Required value: name or generateName is required',
    ]);
    assert.deepStrictEqual(
      validateSemantics({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } }),
      [],
    );
  });

  it('checks label keys and values and the annotation size', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        labels: { 'bad key': 'ok', good: 'bad value!' },
        annotations: { big: 'x'.repeat(256 * 1024) },
      },
    };
    const errs = validateSemantics(cm);
    assert.deepStrictEqual(
      errs.map((e) => [e.type, e.path.join('.'), e.value]),
      [
        ['FieldValueInvalid', 'metadata.labels', 'bad key'],
        ['FieldValueInvalid', 'metadata.labels', 'bad value!'],
        ['FieldValueTooLong', 'metadata.annotations', undefined],
      ],
    );
    assert.strictEqual(formatFieldError(errs[2]), 'metadata.annotations: Too long: may not be more than 262144 bytes');
  });

  it('checks ConfigMap and Secret keys and Secret type requirements', () => {
    const cm = validateSemantics({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { 'a/b': 'x' },
    });
    assert.deepStrictEqual(messages(cm), [
      'data[a/b]: Invalid value: "a/b": ' +
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
        "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    const tls = validateSemantics({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      type: 'kubernetes.io/tls',
      stringData: { 'tls.crt': 'cert' },
    });
    assert.deepStrictEqual(messages(tls), ['data[tls.key]: Required value']);
  });
});

describe('semantics: workloads', () => {
  it('catches a selector that does not match the template labels, at the template labels', () => {
    const d = clone(deployment);
    d.spec.template.metadata.labels = { app: 'api' };
    const errs = validateSemantics(d);
    assert.strictEqual(errs.length, 1);
    assert.deepStrictEqual(errs[0].path, ['spec', 'template', 'metadata', 'labels']);
    assert.strictEqual(errs[0].type, 'FieldValueInvalid');
    assert.strictEqual(errs[0].detail, '`selector` does not match template `labels`');
  });

  it('requires a non-empty selector', () => {
    const missing = clone(deployment);
    delete missing.spec.selector;
    assert.deepStrictEqual(
      validateSemantics(missing).map((e) => e.path.join('.')),
      ['spec.selector', 'spec.template.metadata.labels'],
    );
    const empty = clone(deployment);
    empty.spec.selector = {};
    assert.deepStrictEqual(
      validateSemantics(empty).map((e) => e.detail),
      ['empty selector is invalid for deployment'],
    );
  });

  it('reports a missing image in the template with the right path', () => {
    const d = clone(deployment);
    delete d.spec.template.spec.containers[0].image;
    assert.deepStrictEqual(messages(validateSemantics(d)), ['spec.template.spec.containers[0].image: Required value']);
  });

  it('rejects negative replicas, bad ports, duplicate names and a non-Always restart policy', () => {
    const d = clone(deployment);
    d.spec.replicas = -1;
    const c = d.spec.template.spec.containers;
    c[0].ports = [{ name: 'http-metrics-prom', containerPort: 70000 }];
    c.push({ name: 'nginx', image: 'sidecar:1' });
    d.spec.template.spec.restartPolicy = 'Never';
    d.spec.template.spec.containers[0].readinessProbe = undefined;
    assert.deepStrictEqual(messages(validateSemantics(d)), [
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.spec.containers[0].ports[0].name: Invalid value: "http-metrics-prom": must be no more than 15 characters',
      'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.template.spec.containers[1].name: Duplicate value: "nginx"',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('rejects requests above limits', () => {
    const d = clone(deployment);
    d.spec.template.spec.containers[0].resources = { requests: { cpu: '2' }, limits: { cpu: '1500m' } };
    assert.deepStrictEqual(messages(validateSemantics(d)), [
      'spec.template.spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1500m',
    ]);
  });

  it('requires a Job restart policy of OnFailure or Never', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }] } } },
    };
    assert.deepStrictEqual(messages(validateSemantics(defaulted(job))), [
      'spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('rejects a hand-written Job selector unless manualSelector is set', () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j' },
      spec: {
        selector: { matchLabels: { app: 'j' } },
        template: {
          metadata: { labels: { app: 'j' } },
          spec: { containers: [{ name: 'c', image: 'x:1' }], restartPolicy: 'Never' },
        },
      },
    };
    assert.deepStrictEqual(
      validateSemantics(job).map((e) => e.detail),
      ['`selector` not auto-generated'],
    );
    assert.deepStrictEqual(validateSemantics({ ...job, spec: { ...job.spec, manualSelector: true } }), []);
  });
});

describe('semantics: services and ingresses', () => {
  const svc = (spec: Obj): FieldError[] =>
    validateSemantics({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });

  it('requires ports, names when there are several, and unique names', () => {
    assert.deepStrictEqual(messages(svc({ selector: { app: 'x' } })), ['spec.ports: Required value']);
    assert.deepStrictEqual(messages(svc({ ports: [{ port: 80 }, { port: 443 }] })), [
      'spec.ports[0].name: Required value',
      'spec.ports[1].name: Required value',
    ]);
    assert.deepStrictEqual(
      messages(
        svc({
          ports: [
            { name: 'web', port: 80 },
            { name: 'web', port: 443 },
          ],
        }),
      ),
      ['spec.ports[1].name: Duplicate value: "web"'],
    );
    assert.deepStrictEqual(messages(svc({ ports: [{ name: 'a' }] })), ['spec.ports[0].port: Required value']);
  });

  it('rejects an unknown type', () => {
    assert.deepStrictEqual(messages(svc({ type: 'Internal', ports: [{ port: 80 }] })), [
      'spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    ]);
  });

  it('requires a pathType on every ingress path', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: {
        rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }],
      },
    };
    assert.deepStrictEqual(messages(validateSemantics(ing)), [
      'spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified',
    ]);
  });
});

describe('semantics: updates', () => {
  it('refuses to change a Deployment selector', () => {
    const stored = defaulted(deployment);
    const next = clone(stored);
    next.spec.selector = { matchLabels: { app: 'web', tier: 'frontend' } };
    const errs = validateSemantics(next, stored);
    assert.deepStrictEqual(
      errs.map((e) => [e.path.join('.'), e.detail]),
      [['spec.selector', 'field is immutable']],
    );
  });

  it('lets a Deployment change replicas and images', () => {
    const stored = defaulted(deployment);
    const next = clone(stored);
    next.spec.replicas = 5;
    next.spec.template.spec.containers[0].image = 'nginx:1.28';
    assert.deepStrictEqual(validateSemantics(next, stored), []);
  });

  it('forbids StatefulSet changes outside the mutable fields', () => {
    const stored = defaulted(samples.find((o) => o.kind === 'StatefulSet')!);
    const scaled = clone(stored);
    scaled.spec.replicas = 3;
    assert.deepStrictEqual(validateSemantics(scaled, stored), []);
    const renamed = clone(stored);
    renamed.spec.serviceName = 'db-headless';
    assert.deepStrictEqual(messages(validateSemantics(renamed, stored)), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('keeps a Job template and selector fixed', () => {
    const stored = defaulted(
      samples.find((o) => o.kind === 'Job')!,
      { create: true, uid: 'u1' },
    );
    stored.metadata.uid = 'u1';
    const next = clone(stored);
    next.spec.template.spec.containers[0].image = 'perl:5.36';
    assert.deepStrictEqual(
      validateSemantics(next, stored).map((e) => e.path.join('.')),
      ['spec.template'],
    );
  });

  it('keeps an allocated cluster IP', () => {
    const stored = defaulted({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's' },
      spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] },
    });
    const next = clone(stored);
    next.spec.clusterIP = '10.96.0.11';
    assert.deepStrictEqual(messages(validateSemantics(next, stored)), [
      'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set',
    ]);
  });

  it('freezes the data of an immutable ConfigMap', () => {
    const stored = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, immutable: true, data: { a: '1' } };
    const next = { ...clone(stored), data: { a: '2' } };
    assert.deepStrictEqual(messages(validateSemantics(next, stored)), [
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('refuses to rename an object', () => {
    const stored = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } };
    assert.deepStrictEqual(messages(validateSemantics({ ...stored, metadata: { name: 'b' } }, stored)), [
      'metadata.name: Invalid value: "b": field is immutable',
    ]);
  });

  it('fixes a claim spec except for its storage request', () => {
    const stored = defaulted(samples.find((o) => o.kind === 'PersistentVolumeClaim')!);
    stored.spec.storageClassName = 'standard';
    stored.spec.volumeName = 'pv-1';
    const grown = clone(stored);
    grown.spec.resources.requests.storage = '2Gi';
    assert.deepStrictEqual(validateSemantics(grown, stored), []);
    const moved = clone(stored);
    moved.spec.storageClassName = 'fast';
    assert.deepStrictEqual(
      validateSemantics(moved, stored).map((e) => [e.type, e.path.join('.')]),
      [['FieldValueForbidden', 'spec']],
    );
  });

  it('lets a Pod change its image but nothing else', () => {
    const stored = defaulted(samples.find((o) => o.kind === 'Pod')!);
    const retagged = clone(stored);
    retagged.spec.containers[0].image = 'busybox:1.37';
    assert.deepStrictEqual(validateSemantics(retagged, stored), []);
    const ported = clone(stored);
    ported.spec.containers[0].ports = [{ containerPort: 8080, protocol: 'TCP' }];
    const errs = validateSemantics(ported, stored);
    assert.deepStrictEqual(
      errs.map((e) => e.path.join('.')),
      ['spec'],
    );
    assert.match(errs[0].detail ?? '', /^pod updates may not change fields other than `spec\.containers\[\*\]\.image`/);
  });

  it('refuses a new roleRef on a binding', () => {
    const stored = defaulted(samples.find((o) => o.kind === 'RoleBinding')!);
    const next = clone(stored);
    next.roleRef.name = 'admin';
    assert.deepStrictEqual(
      validateSemantics(next, stored).map((e) => e.detail),
      ['cannot change roleRef'],
    );
  });
});
