// The zero-downtime rollout scenario shared by test/cluster/rolling-update-load.test.ts (which requires zero failed
// requests) and bench/rollingUpdate.ts (which prints the figures): a Deployment of pods answering "VERSION POD" on
// 8080, ready once they serve, maxUnavailable 0, and a preStop sleep so connections already sent to a pod being
// removed from the endpoints are still answered; a NodePort Service in front.

export const ROLLING_REPLICAS = 10;

export function rollingUpdateManifests(image: string, replicas = ROLLING_REPLICAS): string {
  return `
apiVersion: apps/v1
kind: Deployment
metadata: {name: roll}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: roll}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 0, maxSurge: 3}}
  template:
    metadata: {labels: {app: roll}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: web
        image: ${image}
        imagePullPolicy: IfNotPresent
        env:
        - {name: VERSION, value: v1}
        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        command:
        - sh
        - -c
        - 'mkdir -p /tmp/www && echo "$VERSION $POD_NAME" > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'
        ports: [{name: http, containerPort: 8080}]
        readinessProbe: {httpGet: {path: /, port: 8080}, periodSeconds: 1}
        # while the endpoint is being removed, connections already sent here are still answered
        lifecycle: {preStop: {sleep: {seconds: 2}}}
---
apiVersion: v1
kind: Service
metadata: {name: roll}
spec:
  type: NodePort
  selector: {app: roll}
  ports: [{name: http, port: 80, targetPort: http}]
`;
}

/** The version a pod's answer names ("v2 roll-abc" → "v2"), for LoadOptions.classify. */
export const answerVersion = (body: string): string => body.split(' ')[0];
