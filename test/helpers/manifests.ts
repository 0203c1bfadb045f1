// Manifests several tests and benchmarks open in the editor or apply.

/** A valid Deployment `web` of two nginx replicas (`replicas: 2` on line 6). */
export const WEB_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
`;

/** WEB_DEPLOYMENT with one schema error, `replicas: three` on line 6, as a user's first manifest might have. */
export const BAD_REPLICAS_DEPLOYMENT = WEB_DEPLOYMENT.replace('replicas: 2', 'replicas: three');
