// How Slipway marks what an Application deployed, leaving the user's labels alone: its own label (the app's name,
// to list an app's objects by selector) and tracking-id annotation (which app, and which object). Objects an
// earlier Slipway deployed (the app.kubernetes.io/instance label it overwrote, the slipway.dev/application
// annotation) are still recognised; the next sync applies the new marks and drops the old ones.
import {
  APP_LABEL,
  LEGACY_INSTANCE_LABEL,
  LEGACY_TRACKING_ANNOTATION,
  TRACKING_ID_ANNOTATION,
} from '../kube/application';

export interface AppName {
  name: string;
  namespace: string;
}

/** What tracking reads and writes of an object. */
interface Marked {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    generateName?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** `<appNamespace>/<app>:<group>/<kind>:<namespace>/<name>` for the object. */
export function trackingId(app: AppName, obj: Marked): string {
  const apiVersion = obj.apiVersion ?? '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const name = obj.metadata?.name ?? obj.metadata?.generateName;
  return `${app.namespace}/${app.name}:${group}/${obj.kind}:${obj.metadata?.namespace ?? ''}/${name}`;
}

/** Marks an object about to be applied as this app's (in place). */
export function markTracked(obj: Marked, app: AppName): void {
  obj.metadata ??= {};
  obj.metadata.labels = { ...obj.metadata.labels, [APP_LABEL]: app.name };
  obj.metadata.annotations = { ...obj.metadata.annotations, [TRACKING_ID_ANNOTATION]: trackingId(app, obj) };
}

/** The Application ("namespace/name") that deployed the object, by either tracking mark, or undefined. */
export function trackingOwner(obj: Marked | undefined): string | undefined {
  const a = obj?.metadata?.annotations ?? {};
  const id = a[TRACKING_ID_ANNOTATION];
  if (typeof id === 'string' && id.includes(':')) return id.slice(0, id.indexOf(':'));
  return a[LEGACY_TRACKING_ANNOTATION];
}

/** Whether this app deployed the object: its tracking id names the app and the object itself (or an old mark). */
export function trackedBy(obj: Marked | undefined, app: AppName): boolean {
  const a = obj?.metadata?.annotations ?? {};
  if (a[TRACKING_ID_ANNOTATION] !== undefined) {
    const id = a[TRACKING_ID_ANNOTATION];
    // an object created from a generateName manifest is tracked under the generateName it was created with
    const generated = obj!.metadata?.generateName;
    if (generated && id === trackingId(app, { ...obj, metadata: { ...obj!.metadata, name: generated } })) return true;
    return id === trackingId(app, obj!);
  }
  return a[LEGACY_TRACKING_ANNOTATION] === `${app.namespace}/${app.name}`;
}

/** The label selector of the app's objects. */
export const appSelector = (app: AppName): string => `${APP_LABEL}=${app.name}`;

/** The label selector of objects an earlier Slipway deployed for the app. */
export const legacySelector = (app: AppName): string => `${LEGACY_INSTANCE_LABEL}=${app.name}`;

/** The annotations that hand an object over to another app when deleted. */
export const TRACKING_ANNOTATIONS = [TRACKING_ID_ANNOTATION, LEGACY_TRACKING_ANNOTATION];
