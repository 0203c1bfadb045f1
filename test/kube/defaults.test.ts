import * as assert from 'assert';
import { applyDefaults, defaultJobSelector } from '../../kube/defaults';

type Obj = Record<string, any>;

function defaulted(o: Obj, opts?: { create?: boolean; uid?: string }): Obj {
  const copy = JSON.parse(JSON.stringify(o)) as Obj;
  applyDefaults(copy, opts);
  return copy;
}

function pod(containers: Obj[], extra: Obj = {}): Obj {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers, ...extra } };
}

function pullPolicy(image: string): string {
  return defaulted(pod([{ name: 'c', image }])).spec.containers[0].imagePullPolicy;
}

const minimalDeployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
    },
  },
};

describe('defaults: Deployment', () => {
  it('fills in exactly what kubectl get -o yaml shows for a minimal manifest', () => {
    assert.deepStrictEqual(defaulted(minimalDeployment), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        progressDeadlineSeconds: 600,
        replicas: 1,
        revisionHistoryLimit: 10,
        selector: { matchLabels: { app: 'web' } },
        strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [
              {
                image: 'nginx:1.27',
                imagePullPolicy: 'IfNotPresent',
                name: 'nginx',
                ports: [{ containerPort: 80, protocol: 'TCP' }],
                resources: {},
                terminationMessagePath: '/dev/termination-log',
                terminationMessagePolicy: 'File',
              },
            ],
            dnsPolicy: 'ClusterFirst',
            restartPolicy: 'Always',
            schedulerName: 'default-scheduler',
            securityContext: {},
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    });
  });

  it('does not default metadata.namespace, and is stable when applied again', () => {
    const once = defaulted(minimalDeployment);
    assert.strictEqual(once.metadata.namespace, undefined);
    assert.deepStrictEqual(defaulted(once), once);
  });

  it('keeps what the user set and adds no rollingUpdate to Recreate', () => {
    const d = defaulted({
      ...minimalDeployment,
      spec: { ...minimalDeployment.spec, replicas: 0, strategy: { type: 'Recreate' } },
    });
    assert.strictEqual(d.spec.replicas, 0);
    assert.deepStrictEqual(d.spec.strategy, { type: 'Recreate' });
  });

  it('keeps template pods free of Pod-only defaults', () => {
    const d = defaulted({
      ...minimalDeployment,
      spec: {
        ...minimalDeployment.spec,
        template: {
          metadata: {},
          spec: { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] },
        },
      },
    });
    assert.strictEqual(d.spec.template.spec.enableServiceLinks, undefined);
    assert.deepStrictEqual(d.spec.template.spec.containers[0].resources, { limits: { cpu: '1' } });
  });
});

describe('defaults: image pull policy', () => {
  it('pulls always for latest or no tag, if not present otherwise', () => {
    assert.strictEqual(pullPolicy('nginx'), 'Always');
    assert.strictEqual(pullPolicy('nginx:latest'), 'Always');
    assert.strictEqual(pullPolicy('nginx:1.27'), 'IfNotPresent');
    assert.strictEqual(pullPolicy('nginx@sha256:' + 'a'.repeat(64)), 'IfNotPresent');
    assert.strictEqual(pullPolicy('localhost:5000/team/app'), 'Always');
    assert.strictEqual(pullPolicy('localhost:5000/team/app:v2'), 'IfNotPresent');
  });

  it('treats an unparsable reference as untagged-but-not-latest, as Kubernetes does', () => {
    assert.strictEqual(pullPolicy('NGINX'), 'IfNotPresent');
  });

  it('never overrides an explicit policy', () => {
    assert.strictEqual(
      defaulted(pod([{ name: 'c', image: 'nginx', imagePullPolicy: 'Never' }])).spec.containers[0].imagePullPolicy,
      'Never',
    );
  });
});

describe('defaults: Pod', () => {
  it('sets pod-level defaults and service links', () => {
    const p = defaulted(pod([{ name: 'c', image: 'busybox:1.36' }]));
    assert.strictEqual(p.spec.restartPolicy, 'Always');
    assert.strictEqual(p.spec.dnsPolicy, 'ClusterFirst');
    assert.strictEqual(p.spec.schedulerName, 'default-scheduler');
    assert.strictEqual(p.spec.terminationGracePeriodSeconds, 30);
    assert.deepStrictEqual(p.spec.securityContext, {});
    assert.strictEqual(p.spec.enableServiceLinks, true);
  });

  it('copies limits into missing requests', () => {
    const p = defaulted(
      pod([
        { name: 'c', image: 'x:1', resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '100m' } } },
      ]),
    );
    assert.deepStrictEqual(p.spec.containers[0].resources.requests, { cpu: '100m', memory: '1Gi' });
  });

  it('defaults probe timings and HTTP handler fields', () => {
    const p = defaulted(
      pod([
        {
          name: 'c',
          image: 'x:1',
          livenessProbe: { httpGet: { port: 8080 } },
          readinessProbe: { grpc: { port: 9000 }, periodSeconds: 5 },
        },
      ]),
    );
    assert.deepStrictEqual(p.spec.containers[0].livenessProbe, {
      httpGet: { path: '/', port: 8080, scheme: 'HTTP' },
      failureThreshold: 3,
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 1,
    });
    assert.deepStrictEqual(p.spec.containers[0].readinessProbe, {
      grpc: { port: 9000, service: '' },
      failureThreshold: 3,
      periodSeconds: 5,
      successThreshold: 1,
      timeoutSeconds: 1,
    });
  });

  it('gives a source-less volume an emptyDir and file volumes mode 0644', () => {
    const p = defaulted(
      pod([{ name: 'c', image: 'x:1' }], {
        volumes: [{ name: 'scratch' }, { name: 'cfg', configMap: { name: 'cfg' } }],
      }),
    );
    assert.deepStrictEqual(p.spec.volumes, [
      { name: 'scratch', emptyDir: {} },
      { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
    ]);
  });

  it('copies container ports to host ports on the host network', () => {
    const p = defaulted(pod([{ name: 'c', image: 'x:1', ports: [{ containerPort: 9100 }] }], { hostNetwork: true }));
    assert.deepStrictEqual(p.spec.containers[0].ports, [{ containerPort: 9100, hostPort: 9100, protocol: 'TCP' }]);
  });
});

describe('defaults: Service', () => {
  const svc = (spec: Obj): Obj => defaulted({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec });

  it('defaults a ClusterIP service and targetPort to port', () => {
    assert.deepStrictEqual(
      svc({ selector: { app: 'web' }, ports: [{ port: 80 }, { name: 'm', port: 9090, targetPort: 'metrics' }] }).spec,
      {
        internalTrafficPolicy: 'Cluster',
        ipFamilyPolicy: 'SingleStack',
        ports: [
          { port: 80, protocol: 'TCP', targetPort: 80 },
          { name: 'm', port: 9090, protocol: 'TCP', targetPort: 'metrics' },
        ],
        selector: { app: 'web' },
        sessionAffinity: 'None',
        type: 'ClusterIP',
      },
    );
  });

  it('adds external traffic policy and node port allocation only where they apply', () => {
    const lb = svc({ type: 'LoadBalancer', ports: [{ port: 443 }] }).spec;
    assert.strictEqual(lb.externalTrafficPolicy, 'Cluster');
    assert.strictEqual(lb.allocateLoadBalancerNodePorts, true);
    assert.strictEqual(svc({ type: 'NodePort', ports: [{ port: 80 }] }).spec.externalTrafficPolicy, 'Cluster');
    assert.strictEqual(svc({ ports: [{ port: 80 }] }).spec.externalTrafficPolicy, undefined);
  });

  it('leaves ExternalName services without IP settings', () => {
    const s = svc({ type: 'ExternalName', externalName: 'db.example.com' }).spec;
    assert.strictEqual(s.ipFamilyPolicy, undefined);
    assert.strictEqual(s.internalTrafficPolicy, undefined);
  });

  it('requires dual stack for headless services without a selector', () => {
    assert.strictEqual(svc({ clusterIP: 'None', ports: [{ port: 80 }] }).spec.ipFamilyPolicy, 'RequireDualStack');
  });

  it('gives ClientIP affinity its three hour timeout', () => {
    assert.deepStrictEqual(svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }).spec.sessionAffinityConfig, {
      clientIP: { timeoutSeconds: 10800 },
    });
  });
});

describe('defaults: other workloads', () => {
  const template = {
    metadata: { labels: { app: 'db' } },
    spec: { containers: [{ name: 'db', image: 'postgres:16' }] },
  };

  it('defaults a StatefulSet and its claim templates', () => {
    const s = defaulted({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db' },
      spec: {
        selector: { matchLabels: { app: 'db' } },
        serviceName: 'db',
        template,
        volumeClaimTemplates: [
          {
            metadata: { name: 'data' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
          },
        ],
      },
    }).spec;
    assert.strictEqual(s.replicas, 1);
    assert.strictEqual(s.podManagementPolicy, 'OrderedReady');
    assert.deepStrictEqual(s.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepStrictEqual(s.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    assert.strictEqual(s.revisionHistoryLimit, 10);
    assert.strictEqual(s.volumeClaimTemplates[0].spec.volumeMode, 'Filesystem');
    assert.deepStrictEqual(s.volumeClaimTemplates[0].status, { phase: 'Pending' });
  });

  it('defaults a DaemonSet to rolling one pod at a time without surge', () => {
    const s = defaulted({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'node-exporter' },
      spec: { selector: { matchLabels: { app: 'db' } }, template },
    }).spec;
    assert.deepStrictEqual(s.updateStrategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    assert.strictEqual(s.revisionHistoryLimit, 10);
  });

  it('defaults a ReplicaSet to one replica', () => {
    assert.strictEqual(
      defaulted({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r' }, spec: { template } }).spec
        .replicas,
      1,
    );
  });

  it('defaults a CronJob but not the Job fields of its template', () => {
    const c = defaulted({
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: {
          spec: { template: { spec: { containers: [{ name: 'c', image: 'x:1' }], restartPolicy: 'OnFailure' } } },
        },
      },
    }).spec;
    assert.strictEqual(c.concurrencyPolicy, 'Allow');
    assert.strictEqual(c.suspend, false);
    assert.strictEqual(c.successfulJobsHistoryLimit, 3);
    assert.strictEqual(c.failedJobsHistoryLimit, 1);
    assert.strictEqual(c.jobTemplate.spec.backoffLimit, undefined);
    assert.strictEqual(c.jobTemplate.spec.template.spec.dnsPolicy, 'ClusterFirst');
  });
});

describe('defaults: Job', () => {
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } } },
  };

  it('defaults counts, mode and policies', () => {
    const s = defaulted(job).spec;
    assert.strictEqual(s.completions, 1);
    assert.strictEqual(s.parallelism, 1);
    assert.strictEqual(s.backoffLimit, 6);
    assert.strictEqual(s.completionMode, 'NonIndexed');
    assert.strictEqual(s.suspend, false);
    assert.strictEqual(s.manualSelector, false);
    assert.strictEqual(s.podReplacementPolicy, 'TerminatingOrFailed');
    assert.strictEqual(s.selector, undefined, 'the selector needs the uid');
  });

  it('leaves completions unset when only parallelism is given', () => {
    const s = defaulted({ ...job, spec: { ...job.spec, parallelism: 3 } }).spec;
    assert.strictEqual(s.completions, undefined);
    assert.strictEqual(s.parallelism, 3);
  });

  it('generates the selector and pod labels on create', () => {
    const j = defaulted(job, { create: true, uid: 'f00d' });
    const generated = {
      'batch.kubernetes.io/controller-uid': 'f00d',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'f00d',
      'job-name': 'pi',
    };
    assert.deepStrictEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'f00d' } });
    assert.deepStrictEqual(j.spec.template.metadata.labels, generated);
    assert.deepStrictEqual(j.metadata.labels, generated);
  });

  it('can generate the selector later through the hook', () => {
    const j = defaulted({
      ...job,
      spec: { ...job.spec, template: { ...job.spec.template, metadata: { labels: { app: 'pi' } } } },
    });
    defaultJobSelector(j, 'beef');
    assert.strictEqual(j.spec.template.metadata.labels.app, 'pi');
    assert.strictEqual(j.spec.template.metadata.labels['controller-uid'], 'beef');
    assert.strictEqual(j.metadata.labels['batch.kubernetes.io/job-name'], 'pi');
  });

  it('leaves a manual selector alone', () => {
    const manual = { ...job, spec: { ...job.spec, manualSelector: true, selector: { matchLabels: { app: 'pi' } } } };
    const j = defaulted(manual, { create: true, uid: 'f00d' });
    assert.deepStrictEqual(j.spec.selector, { matchLabels: { app: 'pi' } });
    assert.strictEqual(j.spec.template.metadata, undefined);
  });
});

describe('defaults: small kinds', () => {
  it('types a Secret as Opaque unless told otherwise', () => {
    assert.strictEqual(defaulted({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } }).type, 'Opaque');
    assert.strictEqual(
      defaulted({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, type: 'kubernetes.io/tls' }).type,
      'kubernetes.io/tls',
    );
  });

  it('marks a Namespace active and labels it, adding the finalizer only on create', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } };
    const updated = defaulted(ns);
    assert.deepStrictEqual(updated.status, { phase: 'Active' });
    assert.deepStrictEqual(updated.metadata.labels, { 'kubernetes.io/metadata.name': 'team-a' });
    assert.strictEqual(updated.spec, undefined);
    assert.deepStrictEqual(defaulted(ns, { create: true }).spec, { finalizers: ['kubernetes'] });
  });

  it('gives a claim the Filesystem volume mode', () => {
    const pvc = defaulted({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'c' },
      spec: { accessModes: ['ReadWriteOnce'] },
    });
    assert.strictEqual(pvc.spec.volumeMode, 'Filesystem');
    assert.deepStrictEqual(pvc.status, { phase: 'Pending' });
  });

  it('does not invent an Ingress pathType', () => {
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'i' },
      spec: {
        rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 's', port: { number: 80 } } } }] } }],
      },
    };
    assert.deepStrictEqual(defaulted(ing), ing);
  });

  it('leaves kinds without defaults untouched', () => {
    for (const o of [
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa' } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1 } },
    ])
      assert.deepStrictEqual(defaulted(o), o);
  });

  it('gives an autoscaler its CPU target but no behavior unless asked', () => {
    const hpa = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'h' },
      spec: { maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } },
    };
    const s = defaulted(hpa).spec;
    assert.strictEqual(s.minReplicas, 1);
    assert.deepStrictEqual(s.metrics, [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ]);
    assert.strictEqual(s.behavior, undefined);
    const withBehavior = defaulted({
      ...hpa,
      spec: { ...hpa.spec, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } },
    }).spec.behavior;
    assert.deepStrictEqual(withBehavior.scaleDown, {
      stabilizationWindowSeconds: 60,
      selectPolicy: 'Max',
      policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    });
    assert.deepStrictEqual(withBehavior.scaleUp.policies, [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ]);
  });

  it('fills the RBAC group into role references and user subjects', () => {
    const rb = defaulted({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'rb' },
      roleRef: { kind: 'Role', name: 'reader' },
      subjects: [
        { kind: 'User', name: 'jane' },
        { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' },
      ],
    });
    assert.strictEqual(rb.roleRef.apiGroup, 'rbac.authorization.k8s.io');
    assert.strictEqual(rb.subjects[0].apiGroup, 'rbac.authorization.k8s.io');
    assert.ok(!('apiGroup' in rb.subjects[1]), 'a ServiceAccount subject has no group on the wire');
  });
});
