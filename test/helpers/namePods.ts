// Pods that answer HTTP with their own name, for the tests of Services on real containers: which pod a connection
// reached is what each answer says. Each pod is a busybox httpd whose readiness is a file the pod removes when asked
// (a CGI script), so a test makes a pod unready the way a failing app would be.
import { SHELL_IMAGE } from './containerEngine';

/**
 * A pod script: serve the pod's name at /, readiness at /ready.txt, /cgi-bin/unready to remove it and
 * /cgi-bin/headers to tell the Host and X-Forwarded-For/-Proto it was asked with.
 */
const SERVE_NAME = [
  'mkdir -p /tmp/www/cgi-bin',
  'echo "$POD_NAME" > /tmp/www/index.html',
  // the ingress test's paths, answered with the name too
  'mkdir -p /tmp/www/beta && echo "$POD_NAME" > /tmp/www/beta/index.html && echo "$POD_NAME" > /tmp/www/alpha-only',
  'echo ok > /tmp/www/ready.txt',
  // CGI output needs CRLF header lines
  "printf 'Content-Type: text/plain\\r\\n\\r\\nunready\\n' > /tmp/unready.http",
  "printf '#!/bin/sh\\n/bin/busybox rm -f /tmp/www/ready.txt\\ncat /tmp/unready.http\\n' > /tmp/www/cgi-bin/unready",
  // /cgi-bin/headers: what the pod was asked with
  "printf 'Content-Type: text/plain\\r\\n\\r\\n' > /tmp/plain.http",
  'printf \'#!/bin/sh\\ncat /tmp/plain.http\\necho "$HTTP_HOST $HTTP_X_FORWARDED_FOR $HTTP_X_FORWARDED_PROTO"\\n\'' +
    ' > /tmp/www/cgi-bin/headers',
  '/bin/busybox chmod +x /tmp/www/cgi-bin/unready /tmp/www/cgi-bin/headers',
  'exec httpd -f -p 8080 -h /tmp/www',
].join(' && ');

/** A Deployment of `replicas` pods labelled app: NAME that answer their names on port 8080 (named http). */
export function nameServer(name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'web',
              image: SHELL_IMAGE,
              imagePullPolicy: 'IfNotPresent',
              env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
              command: ['sh', '-c', SERVE_NAME],
              ports: [{ name: 'http', containerPort: 8080 }],
              // cluster time runs 10x: a period of 1 s is a tenth of a second
              readinessProbe: { httpGet: { path: '/ready.txt', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
            },
          ],
        },
      },
    },
  });
}

/** A Service over the pods labelled app: APP, port 80 to their port named http; spec adds fields. */
export function service(name: string, app: string, spec: object): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
  });
}
