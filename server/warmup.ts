// Prepares what the first validation would otherwise pay for: the schema file, the compiled
// validators of the common kinds, and the parsers' code paths. Run in steps while the server is idle
// (handlers/validationScheduler.ts), so a document opened meanwhile waits for one step at most.

import { DEFAULT_SETTINGS } from './settings';
import { documentDiagnostics } from './diagnostics/validateFile';
import { parseFull } from './documents/yamlFallback';
import { parseFast } from './documents/fastYaml';
import { checkManifest } from '../kube/manifestCheck';
import { definitionValidator } from '../kube/validation';
import { WorkspaceIndex } from './workspace/workspaceIndex';

const POD = `
    spec:
      serviceAccountName: warmup
      securityContext:
        fsGroup: 1000
      containers:
        - name: app
          image: example/app:1.0
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: A
              valueFrom:
                configMapKeyRef: {name: warmup, key: a}
            - name: B
              valueFrom:
                fieldRef: {fieldPath: metadata.name}
          envFrom:
            - secretRef:
                name: warmup
            - configMapRef:
                name: warmup
          securityContext:
            runAsNonRoot: true
            readOnlyRootFilesystem: true
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {memory: 32Mi}
          readinessProbe:
            httpGet: {path: /, port: http}
          livenessProbe:
            tcpSocket: {port: 8080}
          volumeMounts:
            - name: data
              mountPath: /data
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: warmup
        - name: config
          configMap:
            name: warmup`;

const WORKLOAD = (apiVersion: string, kind: string, extra = '') => `apiVersion: ${apiVersion}
kind: ${kind}
metadata:
  name: warmup
  labels:
    app: warmup
spec:${extra}
  selector:
    matchLabels:
      app: warmup
  template:
    metadata:
      labels:
        app: warmup${POD}
`;

const SAMPLE = [
  WORKLOAD(
    'apps/v1',
    'Deployment',
    '\n  replicas: 1\n  strategy:\n    type: RollingUpdate\n    rollingUpdate: {maxSurge: 1, maxUnavailable: 0}',
  ),
  WORKLOAD('apps/v1', 'StatefulSet', '\n  serviceName: warmup'),
  WORKLOAD('apps/v1', 'DaemonSet'),
  WORKLOAD('apps/v1', 'ReplicaSet'),
  `apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: warmup\nspec:\n  template:\n    metadata:\n      labels:\n        app: warmup${POD.replace('    spec:\n', '    spec:\n      restartPolicy: Never\n')}\n`,
  `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: warmup\nspec:\n  schedule: "0 * * * *"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: c\n              image: busybox:1.36\n`,
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: warmup\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n`,
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: warmup\nspec:\n  type: ClusterIP\n  selector:\n    app: warmup\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n',
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warmup\ndata:\n  a: "1"\n  b: |\n    text\n',
  "apiVersion: v1\nkind: Secret\nmetadata:\n  name: warmup\ntype: Opaque\nstringData:\n  password: 'x'\n",
  'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: warmup\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n',
  'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: warmup\n',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: warmup\n',
  'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: warmup\nspec:\n  rules:\n    - host: a.example.com\n      http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: warmup\n                port:\n                  number: 80\n',
  'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: warmup\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: warmup\n  maxReplicas: 3\n',
  'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: warmup\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: warmup\n',
  'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: warmup\nrules:\n  - apiGroups: [""]\n    resources: [pods]\n    verbs: [get]\n',
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: warmup\nspec:\n  podSelector: {}\n',
].join('---\n');

/** Rounds of parsing and checking the sample: enough for the engine to optimize the hot code. */
const ROUNDS = 40;

/**
 * Definitions the sample reaches that are big to compile, compiled one per step before the sample is checked, so
 * that no single step holds a document back for long (each compiles only its own fields: references compile
 * when data first reaches them).
 */
const DEFINITIONS = [
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
  'io.k8s.api.core.v1.Probe',
  'io.k8s.api.core.v1.EnvVar',
  'io.k8s.api.core.v1.Container',
  'io.k8s.api.core.v1.PodSpec',
  'io.k8s.api.core.v1.PodTemplateSpec',
  'io.k8s.api.apps.v1.DeploymentSpec',
  'io.k8s.api.apps.v1.Deployment',
  'io.k8s.api.core.v1.ServiceSpec',
  'io.k8s.api.core.v1.Service',
  'io.k8s.api.core.v1.ConfigMap',
];

/** The warm-up, one step (a few milliseconds once the code is compiled) per iteration. */
export function* warmUpSteps(): Generator<void> {
  for (const definition of DEFINITIONS) {
    definitionValidator(definition);
    yield;
  }
  const index = new WorkspaceIndex();
  const uri = 'slipway-warmup:/sample.yaml';
  const file = index.setText(uri, SAMPLE, true);
  yield;
  for (const placed of file.docs) {
    documentDiagnostics(uri, placed, index, DEFAULT_SETTINGS);
    yield;
  }
  parseFull('a: [1, {b: *x}]\nc: "unclosed\n');
  // the per-text caches would answer repeated rounds, so these call the parser and the check directly
  const texts = file.docs.map((d) => d.doc.text);
  for (let i = 0; i < ROUNDS; i++) {
    yield;
    for (const text of texts) {
      const parsed = parseFast(text);
      if (parsed) checkManifest(parsed.value);
    }
  }
}
