// Manifests several tests and benchmarks open in the editor or apply.

import type {
  CustomResourceColumnDefinition,
  CustomResourceDefinition,
  CustomResourceSubresources,
  JSONSchemaProps,
} from 'kubernetes-types/apiextensions/v1';
import type { SchemaObject } from '../../kube/schemas';

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

export interface WidgetCrdOptions {
  /** the schema of a Widget's spec: the fields and rules a test checks (an object of no known fields) */
  spec?: SchemaObject;
  /** the one version, served and stored (v1) */
  version?: string;
  shortNames?: string[];
  printerColumns?: CustomResourceColumnDefinition[];
  /** the schema of a Widget's status, for tests of its subresources */
  status?: SchemaObject;
  subresources?: CustomResourceSubresources;
}

/** The API group of the Widget kind. */
export const WIDGET_GROUP = 'example.com';

/**
 * The CustomResourceDefinition of the namespaced kind Widget (widgets.example.com) that tests of custom resources
 * apply, explain and validate against; each passes what it checks.
 */
export function widgetCrd({
  spec = { type: 'object' },
  version = 'v1',
  shortNames,
  printerColumns,
  status,
  subresources,
}: WidgetCrdOptions = {}): CustomResourceDefinition {
  const properties = status ? { spec, status } : { spec };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${WIDGET_GROUP}` },
    spec: {
      group: WIDGET_GROUP,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', ...(shortNames && { shortNames }) },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          // kubernetes-types' JSONSchemaProps has no x-kubernetes-* extensions (validation rules among them)
          schema: { openAPIV3Schema: { type: 'object', properties } as JSONSchemaProps },
          ...(printerColumns && { additionalPrinterColumns: printerColumns }),
          ...(subresources && { subresources }),
        },
      ],
    },
  };
}

/** A Widget `name` in namespace `ns` with this spec, as JSON (which kubectl applies as YAML). */
export function widget(name: string, ns: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: `${WIDGET_GROUP}/v1`, kind: 'Widget', metadata: { name, namespace: ns }, spec });
}
