// Generated multi-document manifest files: N documents cycling ConfigMap / Deployment / Service (one
// application per three documents, each Deployment reading its ConfigMap and selected by its Service),
// valid except for seeded errors at known lines, plus a small file with one YAML syntax error.
// Lines are 0-based, as LSP counts them.

export type SeededKind =
  'unknown field' | 'wrong type' | 'bad enum value' | 'missing required field' | 'invalid name' | 'syntax error';

export interface SeededError {
  kind: SeededKind;
  /** 0-based line a diagnostic must start on */
  line: number;
  what: string;
}

export interface ManifestFile {
  text: string;
  documents: number;
  lines: number;
  seeded: SeededError[];
  /** the `replicas: 3` value of a valid Deployment in the middle: line, character of the digit */
  editAt: { line: number; character: number };
  /** an indented blank line inside that Deployment's container, where container fields may be typed */
  completionAt: { line: number; character: number };
}

interface Doc {
  lines: string[];
  seeded: { kind: SeededKind; offset: number; what: string }[];
  editOffset?: number;
  completionOffset?: number;
}

function configMap(app: string, team: number): Doc {
  return {
    seeded: [],
    lines: [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      `  name: ${app}-config`,
      '  namespace: shop',
      '  labels:',
      `    app.kubernetes.io/name: ${app}`,
      '    app.kubernetes.io/part-of: shop',
      '  annotations:',
      `    shop.example.com/owner: team-${team}`,
      'data:',
      '  LOG_LEVEL: info',
      '  CACHE_TTL_SECONDS: "300"',
      '  FEATURE_FLAGS: search,recommendations',
      `  DATABASE_HOST: db-${app}.shop.svc.cluster.local`,
      '  DATABASE_PORT: "5432"',
      '  app.properties: |',
      '    server.port=8080',
      '    server.shutdown=graceful',
      '    management.endpoints.web.exposure.include=health,info,metrics',
      '    spring.datasource.hikari.maximum-pool-size=10',
      '    logging.level.root=INFO',
      '  nginx.conf: |',
      '    server {',
      '      listen 8080;',
      '      location / {',
      '        proxy_pass http://127.0.0.1:9000;',
      '      }',
      '      location /healthz {',
      "        return 200 'ok';",
      '      }',
      '    }',
    ],
  };
}

interface DeploymentSeeds {
  unknownField?: boolean;
  missingSelector?: boolean;
  /** the edit and completion target */
  middle?: boolean;
}

function deployment(app: string, seeds: DeploymentSeeds): Doc {
  const doc: Doc = { seeded: [], lines: [] };
  const add = (line: string) => doc.lines.push(line);
  add('apiVersion: apps/v1');
  add('kind: Deployment');
  add('metadata:');
  add(`  name: ${app}`);
  add('  namespace: shop');
  add('  labels:');
  add(`    app.kubernetes.io/name: ${app}`);
  add('    app.kubernetes.io/part-of: shop');
  add('spec:');
  if (seeds.missingSelector)
    doc.seeded.push({
      kind: 'missing required field',
      offset: doc.lines.length - 1,
      what: 'Deployment spec without selector (reported on `spec:`)',
    });
  if (seeds.middle) doc.editOffset = doc.lines.length;
  add('  replicas: 3');
  add('  revisionHistoryLimit: 5');
  if (!seeds.missingSelector) {
    add('  selector:');
    add('    matchLabels:');
    add(`      app.kubernetes.io/name: ${app}`);
  }
  add('  strategy:');
  add('    type: RollingUpdate');
  add('    rollingUpdate:');
  add('      maxSurge: 25%');
  add('      maxUnavailable: 0');
  add('  template:');
  add('    metadata:');
  add('      labels:');
  add(`        app.kubernetes.io/name: ${app}`);
  add('        app.kubernetes.io/part-of: shop');
  add('    spec:');
  add('      terminationGracePeriodSeconds: 30');
  add('      securityContext:');
  add('        runAsNonRoot: true');
  add('        runAsUser: 10001');
  add('      containers:');
  add('        - name: app');
  add(`          image: registry.example.com/shop/${app}:1.4.2`);
  add('          imagePullPolicy: IfNotPresent');
  if (seeds.middle) {
    doc.completionOffset = doc.lines.length;
    add('          ');
  }
  if (seeds.unknownField) {
    doc.seeded.push({ kind: 'unknown field', offset: doc.lines.length, what: 'container field `imagePullPolicyy`' });
    add('          imagePullPolicyy: Always');
  }
  add('          args: ["--config", "/etc/app/app.properties"]');
  add('          ports:');
  add('            - name: http');
  add('              containerPort: 8080');
  add('              protocol: TCP');
  add('            - name: metrics');
  add('              containerPort: 9090');
  add('              protocol: TCP');
  add('          envFrom:');
  add('            - configMapRef:');
  add(`                name: ${app}-config`);
  add('          env:');
  add('            - name: POD_NAME');
  add('              valueFrom:');
  add('                fieldRef:');
  add('                  fieldPath: metadata.name');
  add('          resources:');
  add('            requests:');
  add('              cpu: 100m');
  add('              memory: 128Mi');
  add('            limits:');
  add('              cpu: 500m');
  add('              memory: 256Mi');
  add('          readinessProbe:');
  add('            httpGet:');
  add('              path: /healthz');
  add('              port: http');
  add('            periodSeconds: 5');
  add('          livenessProbe:');
  add('            httpGet:');
  add('              path: /healthz');
  add('              port: http');
  add('            initialDelaySeconds: 10');
  add('          volumeMounts:');
  add('            - name: config');
  add('              mountPath: /etc/app');
  add('              readOnly: true');
  add('      volumes:');
  add('        - name: config');
  add('          configMap:');
  add(`            name: ${app}-config`);
  return doc;
}

interface ServiceSeeds {
  wrongType?: boolean;
  badEnum?: boolean;
  invalidName?: boolean;
}

function service(app: string, team: number, seeds: ServiceSeeds): Doc {
  const doc: Doc = { seeded: [], lines: [] };
  const add = (line: string) => doc.lines.push(line);
  add('apiVersion: v1');
  add('kind: Service');
  add('metadata:');
  if (seeds.invalidName) {
    doc.seeded.push({
      kind: 'invalid name',
      offset: doc.lines.length,
      what: 'Service name `Web_' + app + '` (not a DNS-1035 label)',
    });
    add(`  name: Web_${app}`);
  } else {
    add(`  name: ${app}`);
  }
  add('  namespace: shop');
  add('  labels:');
  add(`    app.kubernetes.io/name: ${app}`);
  add('    app.kubernetes.io/part-of: shop');
  add('  annotations:');
  add(`    shop.example.com/owner: team-${team}`);
  add('spec:');
  if (seeds.badEnum) {
    doc.seeded.push({ kind: 'bad enum value', offset: doc.lines.length, what: 'Service type `ClusterIp`' });
    add('  type: ClusterIp');
  } else {
    add('  type: ClusterIP');
  }
  add('  internalTrafficPolicy: Cluster');
  add('  sessionAffinity: None');
  add('  selector:');
  add(`    app.kubernetes.io/name: ${app}`);
  add('  ports:');
  add('    - name: http');
  if (seeds.wrongType) {
    doc.seeded.push({
      kind: 'wrong type',
      offset: doc.lines.length,
      what: 'Service port `"80"` (a string, not an integer)',
    });
    add('      port: "80"');
  } else {
    add('      port: 80');
  }
  add('      targetPort: http');
  add('      protocol: TCP');
  add('    - name: metrics');
  add('      port: 9090');
  add('      targetPort: metrics');
  add('      protocol: TCP');
  return doc;
}

/**
 * N documents. With G = the number of whole ConfigMap/Deployment/Service groups, the seeded errors sit in
 * groups ~10%, ~30%, ~70% and ~90% of the way through, and the edit/completion target is the Deployment of
 * the middle group, which carries no seeded error. Needs N ≥ 9.
 */
export function generateManifests(n: number): ManifestFile {
  if (n < 9)
    throw new Error(
      `generateManifests: ${n} documents is too few to seed every error apart from the middle one (need at least 9)`,
    );
  const groups = Math.floor(n / 3);
  const at = (fraction: number) => Math.floor(fraction * groups);
  const middle = Math.floor(groups / 2);
  const docs: Doc[] = [];
  for (let i = 0; i < n; i++) {
    const g = Math.floor(i / 3);
    const app = `app-${g}`;
    const team = g % 7;
    switch (i % 3) {
      case 0:
        docs.push(configMap(app, team));
        break;
      case 1:
        docs.push(
          deployment(app, { unknownField: g === at(0.1), missingSelector: g === at(0.9), middle: g === middle }),
        );
        break;
      default:
        docs.push(service(app, team, { wrongType: g === at(0.3), badEnum: g === at(0.7), invalidName: g === at(0.9) }));
    }
  }
  const lines: string[] = [];
  const seeded: SeededError[] = [];
  let editAt: ManifestFile['editAt'] | undefined;
  let completionAt: ManifestFile['completionAt'] | undefined;
  for (const doc of docs) {
    lines.push('---');
    const base = lines.length;
    for (const s of doc.seeded) seeded.push({ kind: s.kind, line: base + s.offset, what: s.what });
    if (doc.editOffset !== undefined) editAt = { line: base + doc.editOffset, character: '  replicas: '.length };
    if (doc.completionOffset !== undefined)
      completionAt = { line: base + doc.completionOffset, character: doc.lines[doc.completionOffset].length };
    lines.push(...doc.lines);
  }
  if (!editAt || !completionAt) throw new Error(`generateManifests(${n}): no middle Deployment`);
  return { text: lines.join('\n') + '\n', documents: n, lines: lines.length, seeded, editAt, completionAt };
}

/** A small file whose only problem is a YAML syntax error: a container key indented one space short. */
export function generateSyntaxErrorFile(): { text: string; seeded: SeededError[] } {
  const doc = deployment('app-syntax', {});
  const i = doc.lines.indexOf('          args: ["--config", "/etc/app/app.properties"]');
  doc.lines[i] = '         args: ["--config", "/etc/app/app.properties"]';
  return {
    text: ['---', ...doc.lines].join('\n') + '\n',
    seeded: [{ kind: 'syntax error', line: 1 + i, what: 'container key `args` indented one space short' }],
  };
}
