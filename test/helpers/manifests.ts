// Manifests several tests and benchmarks open in the editor or apply.

/** A Deployment with one schema error, `replicas: three` on line 6, as a user's first manifest might have. */
export const BAD_REPLICAS_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: three
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
