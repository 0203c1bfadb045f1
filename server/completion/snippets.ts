// Whole-resource templates offered at the top of an empty document.

export interface ResourceSnippet {
  label: string;
  body: string;
}

const container = (indent: string) => [
  `${indent}- name: \${1:app}`,
  `${indent}  image: \${3:nginx:1.27}`,
  `${indent}  ports:`,
  `${indent}    - containerPort: \${4:80}`,
  `${indent}  resources:`,
  `${indent}    requests:`,
  `${indent}      cpu: 100m`,
  `${indent}      memory: 128Mi`,
  `${indent}    limits:`,
  `${indent}      memory: 256Mi`,
];

export const RESOURCE_SNIPPETS: ResourceSnippet[] = [
  {
    label: 'Deployment',
    body: [
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: ${1:app}', '  labels:', '    app.kubernetes.io/name: ${1:app}', 'spec:',
      '  replicas: ${2:1}', '  selector:', '    matchLabels:', '      app.kubernetes.io/name: ${1:app}', '  template:', '    metadata:', '      labels:',
      '        app.kubernetes.io/name: ${1:app}', '    spec:', '      containers:', ...container('        '),
      '          readinessProbe:', '            tcpSocket:', '              port: ${4:80}', '$0',
    ].join('\n'),
  },
  {
    label: 'Service',
    body: ['apiVersion: v1', 'kind: Service', 'metadata:', '  name: ${1:app}', 'spec:', '  selector:', '    app.kubernetes.io/name: ${1:app}', '  ports:', '    - name: http', '      port: ${2:80}', '      targetPort: ${3:80}', '$0'].join('\n'),
  },
  {
    label: 'ConfigMap',
    body: ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: ${1:config}', 'data:', '  ${2:KEY}: ${3:value}', '$0'].join('\n'),
  },
  {
    label: 'Secret',
    body: ['apiVersion: v1', 'kind: Secret', 'metadata:', '  name: ${1:secret}', 'type: Opaque', 'stringData:', '  ${2:password}: ${3:change-me}', '$0'].join('\n'),
  },
  {
    label: 'Ingress',
    body: [
      'apiVersion: networking.k8s.io/v1', 'kind: Ingress', 'metadata:', '  name: ${1:app}', 'spec:', '  rules:', '    - host: ${2:app.example.com}', '      http:', '        paths:',
      '          - path: /', '            pathType: Prefix', '            backend:', '              service:', '                name: ${3:app}', '                port:', '                  number: ${4:80}', '$0',
    ].join('\n'),
  },
  {
    label: 'PersistentVolumeClaim',
    body: ['apiVersion: v1', 'kind: PersistentVolumeClaim', 'metadata:', '  name: ${1:data}', 'spec:', '  accessModes:', '    - ReadWriteOnce', '  resources:', '    requests:', '      storage: ${2:1Gi}', '$0'].join('\n'),
  },
  {
    label: 'CronJob',
    body: [
      'apiVersion: batch/v1', 'kind: CronJob', 'metadata:', '  name: ${1:job}', 'spec:', '  schedule: "${2:*/5 * * * *}"', '  jobTemplate:', '    spec:', '      template:', '        spec:',
      '          restartPolicy: OnFailure', '          containers:', '            - name: ${1:job}', '              image: ${3:busybox:1.36}', '              command: ["sh", "-c", "${4:date}"]', '$0',
    ].join('\n'),
  },
  {
    label: 'ServiceAccount',
    body: ['apiVersion: v1', 'kind: ServiceAccount', 'metadata:', '  name: ${1:app}', '$0'].join('\n'),
  },
];
